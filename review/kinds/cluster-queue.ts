/**
 * Kueue ClusterQueue: the namespaces a queue admits, the flavors (pools) it gives quota on and how much. A
 * tenant's queue admits only the tenant's namespaces and uses no pool dedicated to another tenant.
 */
import { KubeObject, LABELS } from '../../model/kube';
import { LabelSelector, ofKind, OTHER_NAMESPACE, Tenancy } from '../tenancy';
import { canonical } from '../canonical';
import { compare } from '../read-output';
import { dedicatedFlavors } from './resource-flavor';
import { AuditContext, ChangeContext, find, high, KindReview, low, medium, quotaCuts, Risk } from './rule';

/** Flavor names a ClusterQueue gives quota on. */
export function queueFlavors(cq: KubeObject): string[] {
  const groups = (cq.spec as { resourceGroups?: { flavors?: { name: string }[] }[] } | undefined)?.resourceGroups;
  return [...new Set((groups ?? []).flatMap((g) => (g.flavors ?? []).map((f) => f.name)))].sort();
}

/** Nominal quota per `flavor/resource` of a ClusterQueue, as Kubernetes quantities. */
export function queueQuota(cq: KubeObject): Map<string, string> {
  const groups = (
    cq.spec as {
      resourceGroups?: { flavors?: { name: string; resources?: { name: string; nominalQuota: string }[] }[] }[];
    }
  )?.resourceGroups;
  const quota = new Map<string, string>();
  for (const g of groups ?? []) {
    for (const f of g.flavors ?? []) {
      for (const r of f.resources ?? []) quota.set(`${f.name}/${r.name}`, String(r.nominalQuota));
    }
  }
  return quota;
}

/** A ClusterQueue's namespaceSelector; undefined admits no namespace. */
export function queueSelector(cq: KubeObject): LabelSelector | undefined {
  return (cq.spec as { namespaceSelector?: LabelSelector } | undefined)?.namespaceSelector;
}

/** Namespaces a ClusterQueue selector admits: none when unset. */
function admittedBy(selector: LabelSelector | undefined, tenancy: Tenancy): string[] {
  return selector === undefined ? [] : tenancy.selectNamespaces(selector);
}

// ---------------------------------------------------------------- review rules

function added(cq: KubeObject, ctx: ChangeContext): Risk[] {
  const tenant = ctx.head.tenantOf(cq) ?? cq.metadata.name;
  const foreign = admittedBy(queueSelector(cq), ctx.head).filter(
    (n) => n === OTHER_NAMESPACE || (ctx.base.namespaces.has(n) && ctx.head.ownerOf(n) !== tenant),
  );
  return foreign.length
    ? [high(`new ClusterQueue admits existing namespaces of others: ${foreign.join(', ')}`)]
    : dedicatedUse(cq, [], ctx);
}

function changed(base: KubeObject, head: KubeObject, ctx: ChangeContext): Risk[] {
  const risks: Risk[] = [];
  const before = new Set(admittedBy(queueSelector(base), ctx.head));
  const more = admittedBy(queueSelector(head), ctx.head).filter((n) => !before.has(n));
  const tenant = ctx.head.tenantOf(head) ?? head.metadata.name;
  const foreign = more.filter((n) => ctx.head.ownerOf(n) !== tenant);
  if (foreign.length) risks.push(high(`ClusterQueue admits more namespaces: ${foreign.join(', ')}`));
  else if (more.length) {
    risks.push(low(`ClusterQueue admits tenant ${tenant}'s own new namespaces: ${more.join(', ')}`));
  }
  risks.push(...dedicatedUse(head, queueFlavors(base), ctx));
  risks.push(...quotaCuts(queueQuota(base), queueQuota(head)).map((r) => medium(`quota cut: ${r}`)));
  return risks;
}

/** A ClusterQueue starting to use a pool dedicated to another tenant. */
function dedicatedUse(cq: KubeObject, oldFlavors: readonly string[], ctx: ChangeContext): Risk[] {
  const tenant = ctx.head.tenantOf(cq) ?? cq.metadata.name;
  return queueFlavors(cq)
    .filter((f) => !oldFlavors.includes(f))
    .filter((f) => ctx.dedicatedFlavors.has(f) && ctx.dedicatedFlavors.get(f) !== tenant)
    .map((f) => high(`ClusterQueue now uses pool ${f}, dedicated to tenant ${ctx.dedicatedFlavors.get(f)}`));
}

function queueTenant(ctx: AuditContext, cq: KubeObject): string | undefined {
  return (
    cq.metadata.labels?.[LABELS.tenant] ?? (ctx.tenancy.tenants.has(cq.metadata.name) ? cq.metadata.name : undefined)
  );
}

/** A ClusterQueue admits only its tenant's namespaces, and gives quota on no pool dedicated to another tenant. */
function audit(ctx: AuditContext): void {
  const dedicated = dedicatedFlavors(ctx.output.objects);
  for (const o of ofKind(ctx.output.objects, 'ClusterQueue')) {
    const tenant = queueTenant(ctx, o.object);
    for (const flavor of queueFlavors(o.object)) {
      const owner = dedicated.get(flavor);
      if (owner === undefined || owner === tenant) continue;
      find(ctx, o, {
        code: 'dedicated-pool-used-by-other-tenant',
        path: 'spec.resourceGroups',
        message: `${tenant ? `tenant ${tenant}'s ` : ''}ClusterQueue gives quota on flavor ${flavor}, dedicated to tenant ${owner}`,
        fix: `remove flavor ${flavor} from this ClusterQueue (spec: tenants[].gpuQuota.${flavor})`,
      });
    }
    const selector = queueSelector(o.object);
    if (selector === undefined) continue; // admits nothing
    const admitted = ctx.tenancy.selectNamespaces(selector);
    const owners = [...new Set(admitted.map((n) => ctx.tenancy.ownerOf(n)).filter((t) => t !== undefined))].sort(
      compare,
    );
    const foreign = tenant === undefined ? (owners.length > 1 ? owners : []) : owners.filter((t) => t !== tenant);
    if (foreign.length) {
      find(ctx, o, {
        code: 'cluster-queue-admits-other-tenant',
        path: 'spec.namespaceSelector',
        message: `${tenant ? `tenant ${tenant}'s ClusterQueue` : 'ClusterQueue'} admits namespaces of ${foreign.join(', ')}: ${admitted.filter((n) => foreign.includes(ctx.tenancy.ownerOf(n) ?? '')).join(', ')}`,
        fix: "select only the tenant's own namespaces: kubernetes.io/metadata.name In [...]",
      });
    } else if (admitted.includes(OTHER_NAMESPACE)) {
      find(ctx, o, {
        code: 'cluster-queue-admits-any-namespace',
        path: 'spec.namespaceSelector',
        message: `namespaceSelector ${canonical(selector)} admits namespaces no tenant owns, and tenants added later`,
        fix: "select the tenant's namespaces by name: kubernetes.io/metadata.name In [...]",
      });
    }
  }
}

export const clusterQueueReview: KindReview = {
  kinds: ['ClusterQueue'],
  added,
  changed,
  removed: {
    before: 'tenant-removal',
    risks: (object) => [medium(`quota cut: ClusterQueue ${object.metadata.name} removed`)],
  },
  audit,
};
