/**
 * Fabric checks: the declared compute fabric can be built for the declared pools (switch radix and
 * tiers, scalable units), its rail ranges hold the nodes and overlap nothing, and every tenant has
 * a partition of its own. The same plan (fabric/plan.ts) is what the constructs emit.
 */
import { GpuCatalog } from '../catalog/gpus';
import { planFabric } from '../fabric/plan';
import { resolvePool, resolveTenant } from '../model/cluster';
import { SpecIssue, SpecPath } from './errors';
import { ClusterSpec } from './types';

/** The parts of a spec the fabric checks read. */
export type FabricCheckInput = Pick<ClusterSpec, 'fabric' | 'kubernetes' | 'nodePools' | 'tenants'>;

/** Every fabric issue of a schema-valid spec; none when no fabric is declared. `base` prefixes the paths. */
export function checkFabric(input: FabricCheckInput, catalog: GpuCatalog, base: SpecPath = ['spec']): SpecIssue[] {
  const { fabric } = input;
  if (!fabric) return [];
  // Pools checkCluster refuses (unknown GPU, neither or both of nodes and racks) cannot be sized; it reports them.
  const sizeable = input.nodePools.every(
    (p) => catalog.find(p.gpu) && (p.nodes === undefined) !== (p.racks === undefined),
  );
  if (!sizeable) return [];
  const result = planFabric({
    fabric,
    pools: input.nodePools.map((p) => resolvePool(p, catalog)),
    tenants: input.tenants.map((t) => resolveTenant(t, 'cluster')),
    podCIDR: input.kubernetes.podCIDR,
    serviceCIDR: input.kubernetes.serviceCIDR,
  });
  return result.ok ? [] : result.issues.map((i) => ({ ...i, path: [...base, ...i.path] }));
}
