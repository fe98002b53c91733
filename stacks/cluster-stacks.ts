/**
 * Turns a resolved cluster into stacks: `<cluster>-platform` for cluster-scoped objects and one
 * `<cluster>-tenant-<tenant>` per tenant, so that a change to one tenant never touches another's state.
 */
import * as path from 'path';
import type { PriorityClass } from 'kubernetes-types/scheduling/v1';
import { Construct } from 'constructs';
import { GpuCatalog } from '../catalog/gpus';
import { GpuNodePool } from '../constructs/gpu-node-pool';
import { Tenant } from '../constructs/tenant';
import { Cluster, PRIORITY_VALUES } from '../model/cluster';
import { build, standardLabels } from '../model/kube';
import { TenantPriority } from '../spec/types';
import { ColossusStack, StackBackend } from './colossus-stack';

/** The stacks of one cluster. */
export interface ClusterStacks {
  readonly platform: ColossusStack;
  readonly tenants: readonly ColossusStack[];
  /** Every stack, in deployment order. */
  readonly all: readonly ColossusStack[];
}

/** Options for building a cluster's stacks. */
export interface ClusterStacksOptions {
  /**
   * Create Terraform resources; false emits YAML only.
   * @default true
   */
  readonly terraform?: boolean;
  /**
   * Catalog the pools' GPUs come from.
   * @default GpuCatalog.builtIn()
   */
  readonly catalog?: GpuCatalog;
}

/** Builds every stack of `cluster` inside `scope` (a cdktf App). */
export function buildClusterStacks(
  scope: Construct,
  cluster: Cluster,
  options: ClusterStacksOptions = {},
): ClusterStacks {
  const stack = (name: string): ColossusStack =>
    new ColossusStack(scope, name, {
      kubeContext: cluster.kubernetes.context,
      kubeconfig: cluster.kubernetes.kubeconfig,
      backend: backendFor(cluster, name),
      terraform: options.terraform,
    });

  const platform = stack(`${cluster.name}-platform`);
  // The resolved pools carry the SKUs they were loaded with, so a partner's added SKU needs no second mention.
  const catalog = cluster.pools.reduce((c, p) => c.withSku(p.sku), options.catalog ?? GpuCatalog.builtIn());
  for (const pool of cluster.pools) new GpuNodePool(platform, pool.name, { ...poolSpec(pool), catalog });
  for (const priority of Object.keys(PRIORITY_VALUES) as TenantPriority[]) {
    platform.addObject(priorityClass(priority));
  }

  const tenants = cluster.tenants.map((t) => {
    const tenantStack = stack(`${cluster.name}-tenant-${t.name}`);
    new Tenant(tenantStack, 'tenant', {
      ...t,
      clusterName: cluster.name,
      kubernetesVersion: cluster.kubernetes.version,
      pools: cluster.pools,
    });
    tenantStack.addDependency(platform);
    return tenantStack;
  });
  return { platform, tenants, all: [platform, ...tenants] };
}

function poolSpec(pool: Cluster['pools'][number]) {
  return {
    name: pool.name,
    gpu: pool.sku.name,
    nodes: pool.sku.rackScale ? undefined : pool.nodes,
    racks: pool.sku.rackScale ? pool.racks : undefined,
    nodesPerRack: pool.nodesPerRack,
    racksPerBlock: pool.racksPerBlock,
    driverVersion: pool.driverVersion,
    dedicatedTo: pool.dedicatedTo,
    migProfile: pool.migProfile,
  };
}

/** Pod priority classes matching the tenant priorities, for pods that set `priorityClassName`. */
function priorityClass(priority: TenantPriority) {
  return build<PriorityClass>({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: `colossus-${priority}`, labels: standardLabels() },
    value: PRIORITY_VALUES[priority],
    globalDefault: false,
    preemptionPolicy: 'PreemptLowerPriority',
    description: `Tenant workloads of ${priority} priority`,
  });
}

function backendFor(cluster: Cluster, stackName: string): StackBackend {
  if (cluster.backend.kind === 'kubernetes') return { kind: 'kubernetes', namespace: cluster.backend.namespace };
  // Terraform runs in <out>/stacks/<stack>; state lives beside the output directory (in the
  // project, for the default cdktf.out), never inside it, and the path is the same from any cwd.
  return { kind: 'local', path: path.posix.join('../../..', cluster.backend.path, `${stackName}.tfstate`) };
}
