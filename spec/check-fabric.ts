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
export type FabricCheckInput = Pick<ClusterSpec, 'fabric' | 'kubernetes' | 'nodePools' | 'tenants'> &
  Partial<Pick<ClusterSpec, 'site' | 'sites'>>;

/** Every fabric issue of a schema-valid spec; none when no fabric is declared. `base` prefixes the paths. */
export function checkFabric(input: FabricCheckInput, catalog: GpuCatalog, base: SpecPath = ['spec']): SpecIssue[] {
  const { fabric } = input;
  if (!fabric) return [];
  // Pools checkCluster refuses (unknown GPU, neither or both of nodes and racks) cannot be sized; it reports them.
  const sizeable = input.nodePools.every(
    (p) => catalog.find(p.gpu) && (p.nodes === undefined) !== (p.racks === undefined),
  );
  if (!sizeable) return [];
  // Pools on orbital sites are planned, never emitted: the fabric is sized for the ground pools only.
  const sites = input.sites ?? (input.site ? [input.site] : []);
  const orbital = new Set(sites.filter((s) => s.kind === 'orbital').map((s) => s.name));
  const ground = input.nodePools
    .map((p, index) => ({ p, index }))
    .filter(({ p }) => !orbital.has(p.site ?? sites[0]?.name ?? ''));
  const result = planFabric({
    fabric,
    pools: ground.map(({ p }) => resolvePool(p, catalog)),
    tenants: input.tenants.map((t) => resolveTenant(t, 'cluster')),
    podCIDR: input.kubernetes.podCIDR,
    serviceCIDR: input.kubernetes.serviceCIDR,
  });
  // Issues name pools by their index among the ground pools: give them back their index in the spec.
  const specPath = (path: SpecPath): SpecPath =>
    path[0] === 'nodePools' && typeof path[1] === 'number'
      ? ['nodePools', ground[path[1]].index, ...path.slice(2)]
      : path;
  return result.ok ? [] : result.issues.map((i) => ({ ...i, path: [...base, ...specPath(i.path)] }));
}
