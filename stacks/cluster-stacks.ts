/**
 * Turns a resolved cluster into stacks, each with its own state, deployed in this order:
 * `<cluster>-management` (machines, on the management cluster), `<cluster>-operators` (Helm
 * releases), `<cluster>-platform` (cluster-scoped objects) and one `<cluster>-tenant-<tenant>` per
 * tenant, so that a change to one tenant never touches another's state.
 */
import * as path from 'path';
import type { PriorityClass } from 'kubernetes-types/scheduling/v1';
import { Construct } from 'constructs';
import { GpuCatalog } from '../catalog/gpus';
import { Filesystem } from '../constructs/filesystem';
import { ComputeFabric, TenantFabric, TOPOLOGY_NAME } from '../constructs/fabric';
import { GpuNodePool } from '../constructs/gpu-node-pool';
import { ClusterProvisioning } from '../constructs/provisioning';
import { Tenant } from '../constructs/tenant';
import { TenantStorage } from '../constructs/tenant-storage';
import { Cluster, PRIORITY_VALUES, toPoolSpec } from '../model/cluster';
import { clusterFabricPlan } from '../fabric/plan';
import { build, standardLabels } from '../model/kube';
import { operatorReleases } from '../operators/charts';
import { OperatorReleases } from '../operators/helm-releases';
import { resolveManagement } from '../provisioning/cluster-api';
import { TenantPriority } from '../spec/types';
import { shareSpecs } from '../storage/model';
import { DataRecord, protectedNamespaces } from '../storage/retention';
import { ColossusStack, StackBackend } from './colossus-stack';
import { retainRemovedData } from './data-retention';

/** The stacks of one cluster. */
export interface ClusterStacks {
  /**
   * `<cluster>-management`: Cluster API and Metal3 objects on the management cluster.
   * @default - absent without `spec.management`
   */
  readonly management?: ColossusStack;
  /** `<cluster>-operators`: Helm releases of the GPU, network and queueing operators. */
  readonly operators: ColossusStack;
  /** `<cluster>-platform`: the cluster-scoped objects (pools' flavors and drivers, priority classes). */
  readonly platform: ColossusStack;
  /** `<cluster>-tenant-<tenant>`: one stack per tenant, with its own state. */
  readonly tenants: readonly ColossusStack[];
  /**
   * `<cluster>-tenant-<tenant>` of each tenant being offboarded: no objects, so deploying it destroys the
   * tenant's objects, while `removed` blocks keep its data.
   */
  readonly offboarding: readonly ColossusStack[];
  /** Every stack, in deployment order. */
  readonly all: readonly ColossusStack[];
  /** Objects an earlier synth protected that the spec no longer declares: forgotten by Terraform, never destroyed. */
  readonly retained: readonly DataRecord[];
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
  /**
   * Protected objects recorded by the previous synth (`readPreviousDataRecords`); those no longer declared are retained.
   * @default - none: nothing is retained
   */
  readonly previousData?: readonly DataRecord[];
}

/** Builds every stack of `cluster` inside `scope` (a cdktf App). */
export function buildClusterStacks(
  scope: Construct,
  cluster: Cluster,
  options: ClusterStacksOptions = {},
): ClusterStacks {
  const stack = (name: string, kube: { context: string; kubeconfig: string } = cluster.kubernetes): ColossusStack =>
    new ColossusStack(scope, name, {
      kubeContext: kube.context,
      kubeconfig: kube.kubeconfig,
      backend: backendFor(cluster, name),
      terraform: options.terraform,
    });

  const management = resolveManagement(cluster);
  const managementStack = management ? stack(`${cluster.name}-management`, management) : undefined;
  if (managementStack) new ClusterProvisioning(managementStack, 'provisioning', { cluster });
  const operators = stack(`${cluster.name}-operators`);
  new OperatorReleases(operators, 'operators', {
    releases: operatorReleases(cluster),
    kubeContext: cluster.kubernetes.context,
    kubeconfig: cluster.kubernetes.kubeconfig,
    kubernetesVersion: cluster.kubernetes.version,
    sink: operators,
    terraform: options.terraform,
  });
  if (managementStack) operators.addDependency(managementStack);

  const platform = stack(`${cluster.name}-platform`);
  // The operators install the CRDs the platform's custom resources need.
  platform.addDependency(operators);
  // The resolved pools carry the SKUs they were loaded with, so a partner's added SKU needs no second mention.
  const catalog = cluster.pools.reduce((c, p) => c.withSku(p.sku), options.catalog ?? GpuCatalog.builtIn());
  const fabric = clusterFabricPlan(cluster);
  for (const pool of cluster.pools) {
    new GpuNodePool(platform, pool.name, {
      ...toPoolSpec(pool),
      catalog,
      allowOvercommit: cluster.allowOvercommit,
      topologyName: fabric ? TOPOLOGY_NAME : undefined,
    });
  }
  if (fabric) new ComputeFabric(platform, 'fabric', { plan: fabric, pools: cluster.pools });
  for (const priority of Object.keys(PRIORITY_VALUES) as TenantPriority[]) {
    platform.addObject(priorityClass(priority));
  }
  for (const fs of cluster.storage.filesystems) new Filesystem(platform, `filesystem-${fs.name}`, fs);

  const tenants = cluster.tenants.map((t) => {
    const tenantStack = stack(`${cluster.name}-tenant-${t.name}`);
    new Tenant(tenantStack, 'tenant', {
      ...t,
      clusterName: cluster.name,
      kubernetesVersion: cluster.kubernetes.version,
      pools: cluster.pools,
      protectedNamespaces: protectedNamespaces(cluster.storage, t, options.previousData ?? []),
    });
    if (cluster.storage.filesystems.length > 0) {
      new TenantStorage(tenantStack, 'storage', {
        name: t.name,
        namespaces: t.namespaces,
        storage: shareSpecs(cluster.storage, t.name),
        filesystems: cluster.storage.filesystems,
      });
    }
    if (fabric) new TenantFabric(tenantStack, 'fabric', { plan: fabric, tenant: t.name });
    tenantStack.addDependency(platform);
    return tenantStack;
  });
  // Offboarding keeps the tenant's stack, empty: its objects are destroyed when it is deployed, and the
  // protected ones the last synth recorded get removed blocks (retainRemovedData), so its data stays.
  const offboarding = (cluster.offboarding ?? []).map((name) => {
    const tombstone = stack(`${cluster.name}-tenant-${name}`);
    tombstone.addDependency(platform);
    return tombstone;
  });
  const first = managementStack ? [managementStack, operators] : [operators];
  const stacks = {
    management: managementStack,
    operators,
    platform,
    tenants,
    offboarding,
    all: [...first, platform, ...tenants, ...offboarding],
  };
  // Forget, never destroy, what an earlier synth protected and the spec no longer declares.
  return { ...stacks, retained: retainRemovedData(stacks.all, options.previousData ?? []) };
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
