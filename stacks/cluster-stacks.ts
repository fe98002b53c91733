/**
 * Turns a resolved cluster into stacks, each with its own state: `<cluster>-management` (machines,
 * on the management cluster), then on the workload cluster `<cluster>-operators` (Helm releases),
 * `<cluster>-platform` (cluster-scoped objects), `<cluster>-fabric` (objects of CRDs an operator
 * installs only when it reconciles a platform object) and one `<cluster>-tenant-<tenant>` per
 * tenant, so that a change to one tenant never touches another's state.
 *
 * Each stack is planned only once the CRDs of its objects exist: kubernetes_manifest resolves every
 * object's kind at plan time (terraform-provider-kubernetes v2.38.0 manifest/provider/plan.go "API
 * did not recognize GroupVersionKind"), so an object whose CRD another object of the same stack
 * brings cannot be planned on a fresh cluster. Stack dependencies give cdktf the order; the
 * management stack has none across clusters (the workload kubeconfig is a step between them).
 */
import * as path from 'path';
import type { PriorityClass } from 'kubernetes-types/scheduling/v1';
import { Construct } from 'constructs';
import { GpuCatalog } from '../catalog/gpus';
import { Filesystem } from '../constructs/filesystem';
import { ComputeFabric, TenantFabric, topologyNameOf } from '../constructs/fabric';
import { GpuNodePool } from '../constructs/gpu-node-pool';
import { ClusterProvisioning } from '../constructs/provisioning';
import { borrowablePools, priorityClassName, Tenant } from '../constructs/tenant';
import { setCheckGroup } from '../constructs/validation';
import { TenantGuards } from '../constructs/tenant-guards';
import { TenantStorage } from '../constructs/tenant-storage';
import { Cluster, PRIORITY_VALUES, toPoolSpec } from '../model/cluster';
import { clusterFabricPlan } from '../fabric/planner';
import { build, standardLabels } from '../model/kube';
import { operatorReleases, rdmaEnabled } from '../operators/charts';
import { nodeLocalDnsObjects } from '../operators/pod-network';
import { OperatorReleases } from '../operators/helm-releases';
import { resolveManagement } from '../provisioning/planner';
import { TenantPriority } from '../spec/types';
import { shareSpecs } from '../storage/model';
import { DataRecord, protectedNamespaces } from '../storage/retention';
import { ColossusStack, StackBackend } from './colossus-stack';
import { addPolicy, ObjectPolicy } from './policy';
import { estimateObjectSize, overBudget } from '../day2/object-size';
import { retainRemovedData } from './data-retention';
import { analyzeCells } from '../cells/analysis';
import { managerKube } from '../cells/cell-cluster';
import { priorityAndFairness } from '../cells/control-plane';
import { managerObjects, managerReleases, workerAccess, workerPoolQueues } from '../cells/multikueue';

/**
 * The stacks of one workload cluster (an unsplit cluster, or one cell), named after it: `<cluster>` below is
 * the workload cluster's name (`<cluster>-<cell>` for a cell).
 */
export interface WorkloadStacks {
  /**
   * `<cluster>-management`: Cluster API and Metal3 objects on the management cluster.
   * @default - absent without `spec.management`
   */
  readonly management?: ColossusStack;
  /** `<cluster>-operators`: Helm releases of the GPU, network and queueing operators. */
  readonly operators: ColossusStack;
  /** `<cluster>-platform`: the cluster-scoped objects (pools' flavors and drivers, priority classes). */
  readonly platform: ColossusStack;
  /**
   * `<cluster>-fabric`: the nv-ipam IPPools, whose CRD the Network Operator installs when it reconciles
   * the platform's NicClusterPolicy (network-operator v26.4 manifests/state-nv-ipam-cni, not the chart).
   * @default - absent without `spec.fabric`
   */
  readonly fabric?: ColossusStack;
  /** `<cluster>-tenant-<tenant>`: one stack per tenant, with its own state. */
  readonly tenants: readonly ColossusStack[];
  /**
   * `<cluster>-tenant-<tenant>` of each tenant being offboarded: no objects, so deploying it destroys the
   * tenant's objects, while `removed` blocks keep its data.
   */
  readonly offboarding: readonly ColossusStack[];
  /** Every stack, in deployment order. */
  readonly all: readonly ColossusStack[];
}

/**
 * The stacks of one cluster: those of its workload cluster, or of a split cluster, where `operators` and
 * `platform` are the MultiKueue manager's (`<cluster>-manager-operators`, `<cluster>-manager`), `tenants` and
 * `offboarding` gather every cell's, `fabric` and `management` are absent (each cell has its own) and `all`
 * is the manager's stacks, then each cell's.
 */
export interface ClusterStacks extends WorkloadStacks {
  /**
   * The MultiKueue manager's stacks of a split cluster.
   * @default - absent: the cluster is not split
   */
  readonly manager?: {
    /** `<cluster>-manager-operators`: Kueue on the manager cluster. */
    readonly operators: ColossusStack;
    /** `<cluster>-manager`: the MultiKueue objects, queues and mirrored tenant namespaces. */
    readonly queues: ColossusStack;
  };
  /**
   * Each cell's stacks, by cell name, of a split cluster.
   * @default - absent: the cluster is not split
   */
  readonly cells?: Readonly<Record<string, WorkloadStacks>>;
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
  /**
   * Adopt what already exists: import blocks for every object and Helm release (see `ColossusStackProps.adopt`).
   * @default false
   */
  readonly adopt?: boolean;
}

/**
 * Builds every stack of `cluster` inside `scope` (a cdktf App). A cluster that fits one cell and
 * declares no `spec.cells` is one workload cluster with today's stack names; a split cluster is a
 * MultiKueue manager (`<cluster>-manager-operators`, `<cluster>-manager`) and, per cell, the stacks
 * of a workload cluster named `<cluster>-<cell>` (cells/plan.ts).
 */
export function buildClusterStacks(
  scope: Construct,
  cluster: Cluster,
  options: ClusterStacksOptions = {},
): ClusterStacks {
  const analysis = analyzeCells(cluster);
  if (!analysis.cellClusters) {
    const stacks = buildWorkloadStacks(scope, cluster, options);
    return { ...stacks, retained: retainRemovedData(stacks.all, options.previousData ?? []) };
  }
  if (analysis.errors.length > 0) {
    throw new Error(
      `the cells of cluster "${cluster.name}" cannot be built:\n${analysis.errors
        .map((i) => `  spec.${i.path.join('.')}: ${i.message}\n    fix: ${i.fix}`)
        .join('\n')}`,
    );
  }
  // The manager: Kueue with MultiKueue, then the queues that dispatch to the cells.
  const kube = managerKube(cluster);
  const managerOperators = workloadStack(scope, cluster, `${cluster.name}-manager-operators`, kube, options);
  new OperatorReleases(managerOperators, 'operators', {
    releases: managerReleases(cluster),
    kubeContext: kube.context,
    kubeconfig: kube.kubeconfig,
    kubernetesVersion: cluster.kubernetes.version,
    sink: managerOperators,
    terraform: options.terraform,
  });
  const manager = workloadStack(scope, cluster, `${cluster.name}-manager`, kube, options);
  manager.addDependency(managerOperators);

  // Each cell is deployed on its own (`cdktf deploy '<cluster>-<cell>-*'`): no cell stack depends on the manager.
  const cells = analysis.cellClusters.map(({ cell, cluster: cellCluster }) => {
    const stacks = buildWorkloadStacks(scope, cellCluster, options);
    workerAccess().forEach((o) => stacks.platform.addObject(o));
    priorityAndFairness().forEach((o) => stacks.platform.addObject(o));
    cellCluster.tenants.forEach((t, i) => {
      // The cell's pool, whether the tenant holds quota on it or borrows there.
      const pools = cellCluster.pools.map((p) => p.name);
      workerPoolQueues(t.name, t.namespaces, pools, t.name).forEach((o) => stacks.tenants[i].addObject(o));
    });
    return { cell: cell.name, cluster: cellCluster, stacks };
  });
  managerObjects(
    cells.map((c) => ({
      cluster: c.cluster.name,
      pool: c.cluster.pools[0].name,
      platform: c.stacks.platform.objects,
      tenants: new Map(c.cluster.tenants.map((t, i) => [t.name, c.stacks.tenants[i].objects])),
    })),
    cluster.tenants.map((t) => {
      // Its own pools first (its `default` queue), then those it only borrows on.
      const inCells = new Set(
        cells.filter((c) => c.cluster.tenants.some((x) => x.name === t.name)).map((c) => c.cluster.pools[0].name),
      );
      const pools = cluster.pools.map((p) => p.name).filter((p) => inCells.has(p));
      return {
        name: t.name,
        pools: [
          ...pools.filter((p) => t.gpuQuota[p] !== undefined),
          ...pools.filter((p) => t.gpuQuota[p] === undefined),
        ],
      };
    }),
  ).forEach((o) => manager.addObject(o));

  const all = [managerOperators, manager, ...cells.flatMap((c) => c.stacks.all)];
  return {
    management: undefined,
    operators: managerOperators,
    platform: manager,
    tenants: cells.flatMap((c) => c.stacks.tenants),
    offboarding: cells.flatMap((c) => c.stacks.offboarding),
    manager: { operators: managerOperators, queues: manager },
    cells: Object.fromEntries(cells.map((c) => [c.cell, c.stacks])),
    all,
    retained: retainRemovedData(all, options.previousData ?? []),
  };
}

function workloadStack(
  scope: Construct,
  cluster: Cluster,
  name: string,
  kube: { context: string; kubeconfig: string },
  options: ClusterStacksOptions,
): ColossusStack {
  const stack = new ColossusStack(scope, name, {
    kubeContext: kube.context,
    kubeconfig: kube.kubeconfig,
    backend: backendFor(cluster, name),
    terraform: options.terraform,
    adopt: options.adopt,
  });
  setCheckGroup(stack, cluster.name);
  addPolicy(stack, objectSizePolicy(cluster));
  WORKLOAD_CLUSTER.set(stack, cluster);
  return stack;
}

/** The workload cluster (a cell, or the whole cluster) each stack deploys to. */
const WORKLOAD_CLUSTER = new WeakMap<ColossusStack, Cluster>();

/** The workload cluster `stack` deploys to: a cell's stacks size their objects by the cell's nodes. */
export function workloadClusterOf(stack: ColossusStack): Cluster | undefined {
  return WORKLOAD_CLUSTER.get(stack);
}

/** The cells of a split cluster's stacks, in deployment order, each with its workload cluster; none when not split. */
export function cellsOf(stacks: ClusterStacks): { cell: string; cluster: Cluster; stacks: WorkloadStacks }[] {
  return Object.entries(stacks.cells ?? {}).map(([cell, cellStacks]) => {
    const cluster = WORKLOAD_CLUSTER.get(cellStacks.operators);
    if (!cluster) throw new Error(`cell ${cell}: stack ${cellStacks.operators.node.id} has no workload cluster`);
    return { cell, cluster, stacks: cellStacks };
  });
}

/** The stacks of the workload cluster `cluster`, named `<cluster.name>-*`. */
function buildWorkloadStacks(scope: Construct, cluster: Cluster, options: ClusterStacksOptions): WorkloadStacks {
  const stack = (name: string, kube: { context: string; kubeconfig: string } = cluster.kubernetes): ColossusStack =>
    workloadStack(scope, cluster, name, kube, options);

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
    adopt: options.adopt,
  });
  // No dependency on the management stack: it is another cluster, and its kubeconfig is a step in between.

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
      topologyName: fabric ? topologyNameOf(pool) : undefined,
      gpuDirectRdma: rdmaEnabled(cluster),
      operations: cluster.operations,
    });
  }
  const fabricStack = fabric ? stack(`${cluster.name}-fabric`) : undefined;
  if (fabric && fabricStack) {
    new ComputeFabric(platform, 'fabric', {
      plan: fabric,
      pools: cluster.pools,
      ipPoolSink: fabricStack,
      drainMinutes: cluster.operations.drainMinutes,
    });
    // Planned once the platform's NicClusterPolicy has made the Network Operator install the IPPool CRD.
    fabricStack.addDependency(platform);
  }
  for (const priority of Object.keys(PRIORITY_VALUES) as TenantPriority[]) {
    platform.addObject(priorityClass(priority));
  }
  for (const fs of cluster.storage.filesystems) new Filesystem(platform, `filesystem-${fs.name}`, fs);
  // Guards against a hostile tenant: placement, Services, priorities (the fabric adds its own).
  new TenantGuards(platform, 'tenant-guards');
  nodeLocalDnsObjects(cluster).forEach((o) => platform.addObject(o));

  const tenants = cluster.tenants.map((t) => {
    const tenantStack = stack(`${cluster.name}-tenant-${t.name}`);
    new Tenant(tenantStack, 'tenant', {
      ...t,
      clusterName: cluster.name,
      kubernetesVersion: cluster.kubernetes.version,
      pools: cluster.pools,
      clusterRanges: [cluster.kubernetes.podCIDR, cluster.kubernetes.serviceCIDR].filter((r): r is string => !!r),
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
    if (fabric) {
      const borrows = borrowablePools(t, cluster.pools).map((p) => p.name);
      new TenantFabric(tenantStack, 'fabric', { plan: fabric, tenant: t.name, gpuQuota: t.gpuQuota, borrows });
    }
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
  const middle = fabricStack ? [platform, fabricStack] : [platform];
  return {
    management: managementStack,
    operators,
    platform,
    fabric: fabricStack,
    tenants,
    offboarding,
    all: [...first, ...middle, ...tenants, ...offboarding],
  };
}

/** Pod priority classes matching the tenant priorities, for pods that set `priorityClassName`. */
function priorityClass(priority: TenantPriority) {
  return build<PriorityClass>({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: priorityClassName(priority), labels: standardLabels() },
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

/**
 * Every object with the status its controller will write stays under the object budget (day2/object-size.ts):
 * synth refuses one over it, naming the figure and the fix.
 */
function objectSizePolicy(cluster: Cluster): ObjectPolicy {
  return {
    name: 'object-size-budget',
    check: (object) => {
      return overBudget(estimateObjectSize(object, cluster));
    },
  };
}
