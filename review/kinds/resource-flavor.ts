/**
 * Kueue ResourceFlavor: a pool as Kueue sees it. A dedicated pool's flavor carries the `colossus.dev/dedicated`
 * node taint; a flavor that tolerates another tenant's taint lets that tenant's nodes run what it admits.
 */
import { KubeObject, LABELS } from '../../model/kube';
import { OutputObject } from '../read-output';
import { ofKind } from '../tenancy';
import { AuditContext, find, high, isNodeRestrictedLabel, KindReview, medium, Risk } from './rule';

/** The tenant a pool is dedicated to: the value of its `colossus.dev/dedicated` node taint. */
export function dedicatedTenant(flavor: KubeObject): string | undefined {
  const taints = ((flavor.spec as { nodeTaints?: { key: string; value?: string }[] } | undefined)?.nodeTaints ??
    []) as { key: string; value?: string }[];
  return taints.find((t) => t.key === LABELS.dedicated)?.value;
}

/** Taints of a ResourceFlavor, as `key=value:effect`. */
export function flavorTaints(flavor: KubeObject): string[] {
  const taints = (flavor.spec as { nodeTaints?: { key: string; value?: string; effect: string }[] } | undefined)
    ?.nodeTaints;
  return (taints ?? []).map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`);
}

/**
 * Tenants whose dedicated taint a ResourceFlavor tolerates: `*` for a toleration of every taint
 * (no key with `Exists`, or the dedicated key with `Exists`).
 */
export function toleratedTenants(flavor: KubeObject): string[] {
  const tolerations =
    (flavor.spec as { tolerations?: { key?: string; operator?: string; value?: string }[] } | undefined)?.tolerations ??
    [];
  const tenants = new Set<string>();
  for (const t of tolerations) {
    if (t.key === undefined || t.key === '') {
      if (t.operator === 'Exists') tenants.add('*');
    } else if (t.key === LABELS.dedicated) {
      tenants.add(t.operator === 'Exists' ? '*' : (t.value ?? ''));
    }
  }
  return [...tenants].sort();
}

/** Flavor name to the tenant its pool is dedicated to, for the flavors among `objects`. */
export function dedicatedFlavors(objects: readonly OutputObject[]): Map<string, string> {
  const flavors = new Map<string, string>();
  for (const { object } of ofKind(objects, 'ResourceFlavor')) {
    const tenant = dedicatedTenant(object);
    if (tenant !== undefined) flavors.set(object.metadata.name, tenant);
  }
  return flavors;
}

// ---------------------------------------------------------------- review rules

/** A taint the flavor loses, or another tenant's taint it starts to tolerate, opens a dedicated pool. */
function changed(base: KubeObject, head: KubeObject): Risk[] {
  const risks: Risk[] = [];
  const kept = new Set(flavorTaints(head));
  for (const t of flavorTaints(base)) {
    if (!kept.has(t)) risks.push(high(`dedicated pool taint removed: ${t}`));
  }
  const before = new Set(toleratedTenants(base));
  const own = dedicatedTenant(head);
  for (const t of toleratedTenants(head)) {
    if (!before.has(t) && t !== own)
      risks.push(high(`flavor now tolerates ${t === '*' ? 'every' : `tenant ${t}'s`} dedicated taint`));
  }
  return risks;
}

/** Dedicated pools: their flavor is tainted for their tenant, and tolerates no other tenant's taint. */
function audit(ctx: AuditContext): void {
  const flavors = ofKind(ctx.output.objects, 'ResourceFlavor');
  const dedicated = dedicatedFlavors(ctx.output.objects);
  for (const [pool, p] of Object.entries(ctx.output.summary.pools)) {
    const flavor = flavors.find((f) => f.object.metadata.name === pool);
    if (p.dedicatedTo && flavor && dedicated.get(pool) !== p.dedicatedTo) {
      find(ctx, flavor, {
        code: 'dedicated-pool-untainted',
        path: 'spec.nodeTaints',
        message: `pool ${pool} is dedicated to tenant ${p.dedicatedTo} but its flavor carries no ${LABELS.dedicated}=${p.dedicatedTo} taint`,
        fix: `add nodeTaints [{key: ${LABELS.dedicated}, value: ${p.dedicatedTo}, effect: NoSchedule}]`,
      });
    }
  }
  for (const o of flavors) {
    const own = dedicatedTenant(o.object);
    for (const t of toleratedTenants(o.object)) {
      if (t === own) continue;
      find(ctx, o, {
        code: 'flavor-tolerates-other-tenant',
        path: 'spec.tolerations',
        message: `flavor ${o.object.metadata.name} tolerates ${t === '*' ? 'every dedicated taint' : `the dedicated taint of tenant ${t}`}; workloads admitted on it can land on that tenant's nodes`,
        fix: "a flavor tolerates only its own pool's taint; remove the toleration",
      });
    }
  }
}

export const resourceFlavorReview: KindReview = {
  kinds: ['ResourceFlavor'],
  changed,
  judgesOwnTaints: true,
  // Kueue places admitted pods by the flavor's nodeLabels: a label the node writes itself is forgeable.
  guards: (flavor) =>
    Object.keys(((flavor.spec ?? {}) as { nodeLabels?: Record<string, string> }).nodeLabels ?? {})
      .filter((key) => !isNodeRestrictedLabel(key))
      .map((k) => ['placement-labels', `nodeLabels ${k} is writable by the node itself`]),
  removed: { before: 'tenant-removal', risks: (object) => [medium(`pool ${object.metadata.name} removed`)] },
  audit,
};
