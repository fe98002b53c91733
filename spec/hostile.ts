/**
 * Checks against hostile or accidental input that the schema cannot express: character classes
 * that would corrupt a terminal or a manifest, sequences that cdktf or Terraform would turn into
 * code, and names that collide with the toolkit's own plumbing.
 */
import { OPERATOR_NAMESPACES } from '../operators/charts';
import { DEFAULTS } from './defaults';
import { tenantNamespaces } from './derived-defaults';
import { SpecIssue, SpecPath, showValue } from './errors';
import { ClusterSpec } from './types';

/**
 * cdktf encodes its tokens in strings as `${TfToken[...]}` (and `#{...}`, `&{...}` for lists and
 * maps); a spec string holding one would be resolved into another resource's reference.
 */
const CDKTF_TOKEN = 'TfToken[';

/** Control (Cc) and invisible format (Cf: bidi overrides, zero-width) characters. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

/** Terraform template sequences. */
const TEMPLATE = /[$%]\{/;

/** Spec fields written verbatim into provider and backend blocks, where no escaping applies. */
const PROVIDER_FIELDS = ['context', 'kubeconfig'] as const;

/** Sections of the spec naming a cluster the Terraform providers connect to. */
const PROVIDER_SECTIONS = ['kubernetes', 'management'] as const;

/**
 * Issues with any string (key or value) of a parsed spec document, at any depth: cdktf token
 * markers and control or invisible characters. Runs on the raw document, beside the schema.
 */
export function checkStrings(document: unknown): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const visit = (value: unknown, path: SpecPath): void => {
    if (typeof value === 'string') {
      const issue = stringIssue(value, path);
      if (issue) issues.push(issue);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...path, i]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const keyIssue = stringIssue(key, [...path, key]);
        if (keyIssue) issues.push(keyIssue);
        visit(child, [...path, key]);
      }
    }
  };
  visit(document, []);
  return issues;
}

function stringIssue(value: string, path: SpecPath): SpecIssue | undefined {
  if (value.includes(CDKTF_TOKEN)) {
    return {
      code: 'reserved-sequence',
      path,
      message: `${showValue(value)} contains "${CDKTF_TOKEN}", which cdktf would resolve as a reference`,
      fix: `remove "${CDKTF_TOKEN}" from the value`,
    };
  }
  const invisible = INVISIBLE.exec(value);
  if (invisible) {
    const code = invisible[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return {
      code: 'control-character',
      path,
      message: `${showValue(value)} contains the control or invisible character U+${code}`,
      fix: 'retype the value with visible characters only',
    };
  }
  return undefined;
}

/** The parts of a spec the reserved-name checks read; constructs composed in code may lack the provider sections. */
export type ReservedCheckInput = Pick<ClusterSpec, 'nodePools' | 'tenants'> &
  Partial<Pick<ClusterSpec, 'kubernetes' | 'management' | 'backend'>>;

/**
 * Semantic issues no single field shows: template sequences in provider settings, names the
 * toolkit's plumbing reserves, a group bound by two tenants, and a tenant owning the namespace
 * that holds Terraform state.
 */
export function checkReserved(spec: ReservedCheckInput, base: SpecPath = ['spec']): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const section of PROVIDER_SECTIONS) {
    for (const field of PROVIDER_FIELDS) {
      const value = spec[section]?.[field];
      if (value !== undefined && TEMPLATE.test(value)) {
        issues.push({
          code: 'template-sequence',
          path: [...base, section, field],
          message: `${showValue(value)} contains a Terraform template sequence ("\${" or "%{"), which the provider block would evaluate`,
          fix: 'name the kubeconfig context and file without "${" or "%{"',
        });
      }
    }
  }
  spec.nodePools.forEach((pool, i) => {
    // Construct ids live in a plain object: "constructor" collides with Object.prototype.
    if (pool.name === 'constructor') {
      issues.push({
        code: 'reserved-name',
        path: [...base, 'nodePools', i, 'name'],
        message: '"constructor" is reserved by the construct tree',
        fix: 'choose another pool name',
      });
    }
  });
  // The operators' namespaces run privileged node agents: a tenant Role there would reach every node.
  const operatorNamespaces = new Set<string>(Object.values(OPERATOR_NAMESPACES));
  spec.tenants.forEach((tenant, t) => {
    tenantNamespaces(tenant).forEach((ns, n) => {
      if (!operatorNamespaces.has(ns)) return;
      issues.push({
        code: 'reserved-name',
        path: [...base, 'tenants', t, ...(tenant.namespaces ? ['namespaces', n] : ['name'])],
        message: `namespace "${ns}" belongs to an operator the platform installs`,
        fix: `use a namespace of the tenant's own; ${[...operatorNamespaces].join(', ')} are reserved`,
      });
    });
  });
  // A group bound by two tenants lets its members into both: the isolation audit fails such output.
  const groupOwner = new Map<string, number>();
  spec.tenants.forEach((tenant, t) => {
    tenant.groups.forEach((group, g) => {
      const owner = groupOwner.get(group);
      if (owner === undefined) groupOwner.set(group, t);
      else if (owner !== t) {
        issues.push({
          code: 'shared-group',
          path: [...base, 'tenants', t, 'groups', g],
          message: `group ${showValue(group)} is bound by tenant "${spec.tenants[owner].name}" too; its members would reach both`,
          fix: 'give each tenant its own identity-provider groups',
        });
      }
    });
  });
  if (spec.backend?.kind === 'kubernetes') {
    const stateNamespace = spec.backend.namespace ?? DEFAULTS.backend.namespace;
    spec.tenants.forEach((tenant, t) => {
      tenantNamespaces(tenant).forEach((ns, n) => {
        if (ns !== stateNamespace) return;
        issues.push({
          code: 'state-namespace-shared',
          path: [...base, 'tenants', t, ...(tenant.namespaces ? ['namespaces', n] : ['name'])],
          message: `namespace "${ns}" holds the Terraform state of every stack; tenant "${tenant.name}" would be able to read it`,
          fix: 'give the tenant another namespace, or set spec.backend.namespace to a namespace no tenant owns',
        });
      });
    });
  }
  return issues;
}
