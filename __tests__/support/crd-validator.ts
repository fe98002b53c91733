/**
 * Validates custom resources against the upstream CRDs in ../shared/upstream-crds (storage
 * version, unknown fields rejected as kubectl's strict field validation does). The CRDs are
 * reference data outside the project: tests that need them skip with a message when absent.
 */
import * as fs from 'fs';
import * as path from 'path';
import { run } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import Ajv, { ValidateFunction } from 'ajv';
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
  errors.push(...celViolations(object, v.schema).map((e) => `${id}: ${e}`));
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

/** CRD validation rules (`x-kubernetes-validations`) evaluated and left unevaluated so far, for the tests to report. */
export const celStats = { evaluated: 0, unevaluated: new Set<string>() };

interface RuleSchema {
  type?: string;
  properties?: Record<string, RuleSchema>;
  items?: RuleSchema;
  additionalProperties?: RuleSchema | boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-validations'?: { rule: string; message?: string; messageExpression?: string }[];
}

/**
 * Violations of the CEL rules of `schema` by `value`, evaluated with @bufbuild/cel where the value
 * is present, as the API server does on create. Transition rules (`oldSelf`) need an old object and
 * are skipped; rules calling Kubernetes' own CEL libraries (quantity, url, ...) that the evaluator
 * lacks are counted as unevaluated, never as passed.
 */
export function celViolations(value: unknown, schema: unknown, at = ''): string[] {
  const s = schema as RuleSchema;
  if (value === undefined || value === null || !s || typeof s !== 'object') return [];
  const out: string[] = [];
  for (const rule of s['x-kubernetes-validations'] ?? []) {
    if (/\boldSelf\b/.test(rule.rule)) continue;
    const result = run(rule.rule, { self: toCel(value, s) } as never, { funcs: strings });
    if (result === true) celStats.evaluated++;
    else if (result === false) {
      celStats.evaluated++;
      out.push(`${at || '/'} violates "${rule.rule}": ${rule.message ?? rule.messageExpression ?? 'invalid'}`);
    } else celStats.unevaluated.add(rule.rule);
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...celViolations(v, s.items, `${at}/${i}`)));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const child =
        s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      out.push(...celViolations(v, child, `${at}/${k}`));
    }
  }
  return out;
}

/** A JSON value as CEL sees it under `schema`: integers as int, objects as maps. */
function toCel(value: unknown, schema: RuleSchema | undefined): unknown {
  if (typeof value === 'number' && (schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'])) {
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) return value.map((v) => toCel(v, schema?.items));
  if (value !== null && typeof value === 'object') {
    return new Map(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        toCel(
          v,
          schema?.properties?.[k] ??
            (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined),
        ),
      ]),
    );
  }
  return value;
}
