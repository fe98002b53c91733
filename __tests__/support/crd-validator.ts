/**
 * Validates custom resources against the upstream CRDs in ../shared/upstream-crds (storage
 * version, unknown fields rejected as kubectl's strict field validation does). The CRDs are
 * reference data outside the project: tests that need them skip with a message when absent.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { celEnv, CelValue, celMap, isCelError, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { KUBERNETES_CEL_LIBRARY } from '../../admission/k8s-cel-library';
import { parseAllDocuments } from 'yaml';
import { KubeObject } from '../../model/kube';

/** Where the upstream CRDs are: COLOSSUS_CRDS_DIR, or ../shared/upstream-crds beside the repo. */
export const CRDS_DIR =
  process.env.COLOSSUS_CRDS_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'upstream-crds');

interface CrdVersion {
  readonly storage: boolean;
  readonly served: boolean;
  readonly deprecated: boolean;
  readonly schema: Record<string, unknown>;
}

let index: Map<string, Map<string, CrdVersion>> | undefined;

/** Whether the upstream CRDs are available on this machine. */
export function crdsAvailable(): boolean {
  return fs.existsSync(CRDS_DIR);
}

/** `describe` when the CRDs are available, otherwise a skipped suite that says why. */
export const describeWithCrds: jest.Describe = crdsAvailable()
  ? describe
  : (((name: string, fn: () => void) => {
      describe.skip(`${name} (skipped: upstream CRDs not found at ${CRDS_DIR}; set COLOSSUS_CRDS_DIR)`, fn);
    }) as jest.Describe);

function loadIndex(): Map<string, Map<string, CrdVersion>> {
  if (index) return index;
  index = new Map();
  // Without the CRDs every describeWithCrds block is skipped; code that runs while it is collected finds none.
  if (!fs.existsSync(CRDS_DIR)) return index;
  const files: string[] = [];
  const walk = (dir: string) =>
    fs.readdirSync(dir, { withFileTypes: true }).forEach((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) files.push(p);
    });
  walk(CRDS_DIR);
  for (const file of files.sort()) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as {
        kind?: string;
        spec?: { group: string; names: { kind: string }; versions: Record<string, unknown>[] };
      };
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
      const key = `${crd.spec.group}/${crd.spec.names.kind}`;
      if (index.has(key)) continue; // the first file (sorted) wins; duplicates are identical copies
      const versions = new Map<string, CrdVersion>();
      for (const v of crd.spec.versions) {
        versions.set(v.name as string, {
          storage: v.storage === true,
          served: v.served !== false,
          deprecated: v.deprecated === true,
          schema: (v.schema as { openAPIV3Schema: Record<string, unknown> }).openAPIV3Schema,
        });
      }
      index.set(key, versions);
    }
  }
  return index;
}

/** Structural-schema semantics made strict: unknown fields rejected, int-or-string understood. */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const s = { ...(schema as Record<string, unknown>) };
  for (const k of ['properties', 'patternProperties']) {
    if (s[k]) s[k] = Object.fromEntries(Object.entries(s[k] as object).map(([n, v]) => [n, strict(v)]));
  }
  for (const k of ['items', 'additionalProperties', 'not']) if (typeof s[k] === 'object') s[k] = strict(s[k]);
  for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(s[k])) s[k] = (s[k] as unknown[]).map(strict);
  if (s['x-kubernetes-int-or-string']) {
    delete s.type;
    s.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields']) {
    s.additionalProperties = false;
  }
  return s;
}

const validators = new Map<string, ValidateFunction>();
/** CRD patterns are Go RE2: `(?i)` (case-insensitive, as Kueue's name patterns start) becomes the `i` flag. */
const re2 = Object.assign(
  (pattern: string, flags: string) =>
    pattern.includes('(?i)') ? new RegExp(pattern.replace('(?i)', ''), `${flags}i`) : new RegExp(pattern, flags),
  { code: 'new RegExp' },
);
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: re2 } });

/**
 * Errors of `object` against its CRD: it must use the storage version (served, not deprecated)
 * and match that version's schema exactly. Throws when no CRD describes the object's kind.
 */
export function validateCustomResource(object: KubeObject): string[] {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const versions = loadIndex().get(`${group}/${object.kind}`);
  if (!versions) throw new Error(`no upstream CRD for ${group}/${object.kind} in ${CRDS_DIR}`);
  const id = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
  const v = versions.get(version);
  if (!v)
    return [`${id}: ${object.apiVersion} is not a version of ${object.kind} (has ${[...versions.keys()].join(', ')})`];
  const errors: string[] = [];
  if (!v.storage) {
    const storage = [...versions].find(([, x]) => x.storage)?.[0];
    errors.push(`${id}: ${object.apiVersion} is not the storage version (${group}/${storage})`);
  }
  const key = `${group}/${object.kind}/${version}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(strict(v.schema) as object);
    validators.set(key, validate);
  }
  // CRD validation rules, as on create (transition rules need an old object: validateCelRules(object, old)).
  errors.push(...validateCelRules(object, undefined));
  if (!validate(object)) {
    for (const e of validate.errors ?? []) {
      const extra =
        e.keyword === 'additionalProperties'
          ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"`
          : '';
      errors.push(`${id}: ${e.instancePath || '/'} ${e.message}${extra}`);
    }
  }
  return errors;
}

/** The openAPIV3Schema of `object`'s apiVersion in its upstream CRD; undefined when none describes it. */
export function customResourceSchema(object: KubeObject): Record<string, unknown> | undefined {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  return loadIndex().get(`${group}/${object.kind}`)?.get(version)?.schema;
}

// ---------------------------------------------------------------- x-kubernetes-validations (CEL)

/**
 * Failures of the `x-kubernetes-validations` CEL rules of `object`'s CRD (the storage version's schema),
 * evaluated with @bufbuild/cel plus the Kubernetes CEL library the admission evaluator uses. Each rule
 * runs where the API server runs it: on every value at its schema node (each list item, each map
 * value), with `self` that value. Rules naming `oldSelf` are transition rules: they are checked as on
 * an update that re-applies the same object (`oldSelf` = `self`), which is what a re-apply is.
 * A rule that cannot be evaluated is a failure too.
 */
export function validateCelRules(object: KubeObject, oldObject: KubeObject | undefined = object): string[] {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const v = loadIndex().get(`${group}/${object.kind}`)?.get(version);
  if (!v) throw new Error(`no upstream CRD version for ${object.apiVersion} ${object.kind} in ${CRDS_DIR}`);
  const id = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
  const errors: string[] = [];
  walkRules(v.schema, object, oldObject, '', (rule, value, old, schema, at) => {
    const self = celValue(value, schema);
    // A transition rule runs only when there is an old value (an update), like the API server does.
    if (/\boldSelf\b/.test(rule.rule) && old === undefined) return;
    const result = evaluateRule(rule.rule, { self, oldSelf: celValue(old, schema) });
    if (result !== true) {
      const why =
        result === false ? (rule.message ?? `failed rule: ${rule.rule}`) : `cannot evaluate ${rule.rule}: ${result}`;
      errors.push(`${id}: ${at || '/'}: ${why}`);
    }
  });
  return errors;
}

/** How many CEL rules of `object`'s CRD apply to the values it has (for tests that must not be vacuous). */
export function countCelRules(object: KubeObject): number {
  const [group, version] = object.apiVersion.split('/');
  const v = loadIndex().get(`${group}/${object.kind}`)?.get(version);
  let n = 0;
  if (v) walkRules(v.schema, object, object, '', () => n++);
  return n;
}

interface CelRule {
  readonly rule: string;
  readonly message?: string;
}

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function walkRules(
  schema: Schema,
  value: unknown,
  old: unknown,
  at: string,
  visit: (rule: CelRule, value: unknown, old: unknown, schema: Schema, at: string) => void,
): void {
  if (value === undefined || value === null || !schema) return;
  for (const rule of (schema['x-kubernetes-validations'] ?? []) as CelRule[]) visit(rule, value, old, schema, at);
  if (Array.isArray(value)) {
    // List items are correlated by position here (map-type lists by key are not needed by the emitted kinds).
    const oldItems = Array.isArray(old) ? old : [];
    if (schema.items) value.forEach((item, i) => walkRules(schema.items, item, oldItems[i], `${at}[${i}]`, visit));
    return;
  }
  if (typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  const oldRecord =
    old !== null && typeof old === 'object' && !Array.isArray(old) ? (old as Record<string, unknown>) : {};
  for (const [key, child] of Object.entries(record)) {
    const sub =
      schema.properties?.[key] ??
      (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (sub) walkRules(sub, child, oldRecord[key], `${at}/${key}`, visit);
  }
}

/** JSON to CEL as the API server types it from the schema: `integer` is int, `number` double, objects maps. */
function celValue(value: unknown, schema: Schema | undefined): CelValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    const integer = schema?.type === 'integer' || (schema?.type === undefined && Number.isInteger(value));
    return integer ? BigInt(value) : value;
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((x) => celValue(x, schema?.items)) as unknown as CelValue;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) =>
      [
        k,
        celValue(
          v,
          schema?.properties?.[k] ??
            (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined),
        ),
      ] as const,
  );
  return celMap(new Map(entries));
}

const CEL_ENV = celEnv({ funcs: [...strings, ...KUBERNETES_CEL_LIBRARY] });

/** true, false, or why the rule could not be evaluated. */
function evaluateRule(rule: string, bindings: Record<string, CelValue>): boolean | string {
  try {
    const result = plan(CEL_ENV, parse(rule))(bindings);
    if (typeof result === 'boolean') return result;
    return isCelError(result)
      ? String((result as { message?: string }).message ?? result)
      : `not a bool: ${String(result)}`;
  } catch (e) {
    return (e as Error).message;
  }
}
