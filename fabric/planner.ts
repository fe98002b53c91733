/**
 * The fabric planner: the compute fabric of a resolved cluster (fabric/plan.ts: switch tiers and
 * scalable units, rail address ranges, tenant partitions), or every reason it cannot be built. The
 * spec check, the stacks and the summary read this one plan; each cell is a cluster with a plan of its own.
 */
import type { Cluster } from '../model/cluster';
import { declaredAt, planner, requirePlan } from '../model/planner';
import { SpecPath } from '../spec/errors';
import { FabricPlan, planFabric } from './plan';

export const fabricPlanner = planner<FabricPlan | undefined>('fabric', (cluster) => {
  if (!cluster.fabric) return { plan: undefined, issues: [] };
  const result = planFabric({
    fabric: cluster.fabric,
    pools: cluster.pools,
    tenants: cluster.tenants,
    podCIDR: cluster.kubernetes.podCIDR,
    serviceCIDR: cluster.kubernetes.serviceCIDR,
  });
  if (result.ok) return { plan: result.plan, issues: [] };
  return { plan: undefined, issues: result.issues.map((i) => ({ ...i, path: located(cluster, i.path) })) };
});

/** planFabric names pools and tenants by their index in its input: give them their place in the spec. */
function located(cluster: Cluster, path: SpecPath): SpecPath {
  const [part, index, ...rest] = path;
  if (typeof index !== 'number') return path;
  if (part === 'nodePools') return [...declaredAt(cluster, 'nodePools', cluster.pools[index].name), ...rest];
  if (part === 'tenants') return [...declaredAt(cluster, 'tenants', cluster.tenants[index].name), ...rest];
  return path;
}

/** The fabric plan of a resolved cluster; undefined without `spec.fabric`. Throws when it cannot be built. */
export function clusterFabricPlan(cluster: Cluster): FabricPlan | undefined {
  return requirePlan(cluster, fabricPlanner);
}
