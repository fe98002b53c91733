/**
 * Namespace: the Pod Security level a namespace enforces, whether a change relaxes it, and whether every tenant
 * namespace is declared and enforces one. Deleting a namespace deletes everything in it.
 */
import { KubeObject } from '../../model/kube';
import { POD_SECURITY_LEVELS } from '../../spec/defaults';
import { compare } from '../read-output';
import { ofKind } from '../tenancy';
import { AuditContext, find, high, KindReview } from './rule';

/** Pod Security levels from strictest to loosest (the spec's own list). */
export { POD_SECURITY_LEVELS };
export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/**
 * Looseness of the level a namespace enforces: 0 restricted, 1 baseline, 2 privileged or nothing
 * enforced (the cluster default then applies, which is privileged unless configured otherwise).
 */
export function podSecurityRank(ns: KubeObject): number {
  const level = ns.metadata.labels?.[ENFORCE_LABEL];
  const i = POD_SECURITY_LEVELS.indexOf(level as (typeof POD_SECURITY_LEVELS)[number]);
  return i < 0 ? 2 : i;
}

function enforced(ns: KubeObject): string {
  return ns.metadata.labels?.[ENFORCE_LABEL] ?? 'nothing enforced';
}

// ---------------------------------------------------------------- review rules

/** Every tenant namespace: declared, with a Pod Security level enforced (a level below restricted is a note). */
function audit(ctx: AuditContext): void {
  const namespaces = new Map(ofKind(ctx.output.objects, 'Namespace').map((o) => [o.object.metadata.name, o]));
  for (const tenant of ctx.tenancy.tenants.values()) {
    for (const ns of [...tenant.namespaces].sort(compare)) {
      const o = namespaces.get(ns);
      if (!o) {
        ctx.findings.push({
          stack: '(output)',
          object: `Namespace/${ns}`,
          code: 'tenant-namespace-missing',
          message: `tenant ${tenant.name} owns namespace ${ns}, but no manifest declares it`,
          fix: 'synthesize again; every tenant namespace must be declared with its isolation labels',
        });
        continue;
      }
      const level = o.object.metadata.labels?.[ENFORCE_LABEL];
      const path = `metadata.labels["${ENFORCE_LABEL}"]`;
      if (level === undefined || !(POD_SECURITY_LEVELS as readonly string[]).includes(level)) {
        find(ctx, o, {
          code: 'pod-security-not-enforced',
          path,
          message: `tenant ${tenant.name}'s namespace enforces no Pod Security level (label is ${JSON.stringify(level) ?? 'missing'})`,
          fix: `label the namespace ${ENFORCE_LABEL}=restricted (spec: tenants[].podSecurity)`,
        });
      } else if (level !== 'restricted') {
        ctx.notes.push({
          stack: o.stack,
          object: o.identity,
          code: 'pod-security-opt-out',
          path,
          message: `tenant ${tenant.name}'s namespace enforces Pod Security "${level}", not "restricted"`,
          fix: 'an opt-out written in the spec (tenants[].podSecurity); remove it to enforce restricted',
        });
      }
    }
  }
}

export const namespaceReview: KindReview = {
  kinds: ['Namespace'],
  changed: (base, head) => {
    const [was, is] = [podSecurityRank(base), podSecurityRank(head)];
    return is > was ? [high(`Pod Security relaxed from ${POD_SECURITY_LEVELS[was]} to ${enforced(head)}`)] : [];
  },
  // Before data protection: a kept namespace is still deleted with everything in it that is not kept.
  removed: {
    before: 'data-protection',
    risks: (object) => [high(`namespace ${object.metadata.name} deleted, with every object and volume in it`)],
  },
  audit,
};
