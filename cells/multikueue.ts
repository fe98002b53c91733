/**
 * MultiKueue (kubernetes-sigs/kueue v0.19.2, `kueue.x-k8s.io/v1beta2`): the manager cluster's
 * objects that dispatch every tenant's jobs to the cells, and on each cell the access the manager
 * uses. Pure: objects in, objects out.
 *
 * What it rests on (kueue v0.19.2):
 * - site/content/en/docs/concepts/multikueue.md and site/static/examples/multikueue/: a
 *   MultiKueueCluster per worker names a kubeconfig Secret in Kueue's namespace (key `kubeconfig`);
 *   a MultiKueueConfig lists the workers (CRD: 1 to 20); an AdmissionCheck with controllerName
 *   `kueue.x-k8s.io/multikueue` points at it; workers need the manager's namespaces and LocalQueues;
 *   the manager's quota should equal the sum of the workers';
 * - pkg/cache/scheduler/clusterqueue.go: a ClusterQueue with more than one MultiKueue check, or one
 *   limited to flavors (onFlavors), stays inactive; so one ClusterQueue per tenant and pool, each
 *   with exactly one check;
 * - pkg/controller/admissionchecks/multikueue/multikueuecluster.go: the manager watches the
 *   workers' ClusterQueues and LocalQueues, and creates, watches and deletes Workloads and jobs;
 * - site/static/examples/multikueue/tas/: the manager defines flavors and a Topology of the same
 *   names as the workers' for topology-aware scheduling.
 */
import { POLICY_NAMES } from '../admission/policies';
import { formatQuantity, parseQuantity } from '../model/quantity';
import type { ClusterRole, ClusterRoleBinding } from 'kubernetes-types/rbac/v1';
import type { ServiceAccount } from 'kubernetes-types/core/v1';
import { build, finalize, KubeObject, LABELS, standardLabels } from '../model/kube';
import type {
  AdmissionCheck,
  ClusterQueue,
  LocalQueue,
  MultiKueueCluster,
  MultiKueueConfig,
} from '../model/crds/kueue';
import type { Cluster } from '../model/cluster';
import { OPERATOR_NAMESPACES, OperatorRelease, operatorReleases } from '../operators/charts';

/** The group and version of Kueue's API at v0.19.2. */
export const KUEUE_API = 'kueue.x-k8s.io/v1beta2';

/** Most clusters one MultiKueueConfig may list (its CRD: `spec.clusters` maxItems 20). */
export const MAX_CLUSTERS_PER_CONFIG = 20;

/** The ServiceAccount (in kueue-system of every cell) whose token the manager's kubeconfig Secret holds. */
export const MULTIKUEUE_SERVICE_ACCOUNT = 'multikueue-manager';

/** Name of the ClusterRole (and binding) the manager gets on every cell. */
export const MULTIKUEUE_ROLE = 'colossus-multikueue-manager';

/** The AdmissionCheck of a pool's cells. */
export const admissionCheckName = (pool: string) => `multikueue-${pool}`;

/** The manager's ClusterQueue of a tenant on a pool. */
export const managerQueueName = (tenant: string, pool: string) => `${tenant}-${pool}`;

/**
 * The manager's releases: Kueue alone. The manager cluster exists already, with its own pod network, so
 * Kueue needs no other release first.
 */
export function managerReleases(cluster: Cluster): OperatorRelease[] {
  return operatorReleases(cluster)
    .filter((r) => r.name === 'kueue')
    .map((r) => ({ ...r, needs: [] }));
}

/** The kubeconfig Secret (in the manager's kueue-system) of a cell; created by the operator, never written here. */
export const kubeconfigSecretName = (cellCluster: string) => `${cellCluster}-kubeconfig`;

/**
 * The job kinds tenants run (their Role's groups), each with the verbs the manager needs on a worker:
 * it creates the copy, watches it and deletes it when done; status it only reads.
 */
const JOB_KINDS: readonly [string, string][] = [
  ['batch', 'jobs'],
  ['jobset.x-k8s.io', 'jobsets'],
  ['kubeflow.org', 'pytorchjobs'],
  ['kubeflow.org', 'mpijobs'],
  ['trainer.kubeflow.org', 'trainjobs'],
  ['leaderworkerset.x-k8s.io', 'leaderworkersets'],
];

/** On every cell: the manager's ServiceAccount and its least-privilege ClusterRole: Workloads and the job kinds only. */
export function workerAccess(): KubeObject[] {
  const labels = standardLabels();
  const namespace = OPERATOR_NAMESPACES.kueue;
  const rules = [
    {
      apiGroups: ['kueue.x-k8s.io'],
      resources: ['workloads'],
      verbs: ['create', 'delete', 'get', 'list', 'watch', 'update', 'patch'],
    },
    { apiGroups: ['kueue.x-k8s.io'], resources: ['workloads/status'], verbs: ['get', 'patch', 'update'] },
    // The manager watches the workers' queues to learn their quotas (quota automation, dispatching).
    { apiGroups: ['kueue.x-k8s.io'], resources: ['clusterqueues', 'localqueues'], verbs: ['get', 'list', 'watch'] },
    ...JOB_KINDS.flatMap(([group, resource]) => [
      { apiGroups: [group], resources: [resource], verbs: ['create', 'delete', 'get', 'list', 'watch'] },
      { apiGroups: [group], resources: [`${resource}/status`], verbs: ['get'] },
    ]),
  ];
  return [
    build<ServiceAccount>({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: MULTIKUEUE_SERVICE_ACCOUNT, namespace, labels },
      automountServiceAccountToken: false,
    }),
    build<ClusterRole>({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: MULTIKUEUE_ROLE, labels },
      rules,
    }),
    build<ClusterRoleBinding>({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: MULTIKUEUE_ROLE, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: MULTIKUEUE_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: MULTIKUEUE_SERVICE_ACCOUNT, namespace }],
    }),
  ];
}

/**
 * On a cell, in each namespace of a tenant: a LocalQueue named after each pool the tenant has
 * quota on in the cell, mirroring the manager's (a job submitted to `<pool>` on the manager is
 * copied to the same queue name on the worker). The tenant's `default` queue is there already.
 */
export function workerPoolQueues(
  tenant: string,
  namespaces: readonly string[],
  pools: readonly string[],
  clusterQueue: string,
): KubeObject[] {
  return namespaces.flatMap((namespace) =>
    pools
      .filter((pool) => pool !== 'default')
      .map((pool) =>
        build<LocalQueue>({
          apiVersion: KUEUE_API,
          kind: 'LocalQueue',
          metadata: { name: pool, namespace, labels: standardLabels({ [LABELS.tenant]: tenant }) },
          spec: { clusterQueue },
        }),
      ),
  );
}

/** A cell as the manager sees it: its name, pool and the objects of its stacks. */
export interface ManagedCell {
  /** `<cluster>-<cell>`: the MultiKueueCluster's name. */
  readonly cluster: string;
  readonly pool: string;
  /** Objects of the cell's platform stack (its flavors and Topology are mirrored). */
  readonly platform: readonly KubeObject[];
  /** Objects of the cell's tenant stacks, per tenant. */
  readonly tenants: ReadonlyMap<string, readonly KubeObject[]>;
}

/** A tenant as the manager needs it. */
export interface ManagedTenant {
  readonly name: string;
  /** Pools the tenant has quota on, in spec order. */
  readonly pools: readonly string[];
}

/**
 * The manager's objects: per cell a MultiKueueCluster; per pool a MultiKueueConfig, an
 * AdmissionCheck, its ResourceFlavor (and the Topology) as the cells have them; per tenant its
 * namespaces (no pods run there: quota `pods: 0`), Role, policies, WorkloadPriorityClass, and per
 * pool a ClusterQueue with exactly one MultiKueue check and the sum of the cells' quotas, and
 * LocalQueues `default` and `<pool>`.
 */
export function managerObjects(cells: readonly ManagedCell[], tenants: readonly ManagedTenant[]): KubeObject[] {
  const labels = standardLabels();
  const out: KubeObject[] = [];
  const pools = [...new Set(cells.map((c) => c.pool))];
  for (const cell of cells) {
    out.push(
      build<MultiKueueCluster>({
        apiVersion: KUEUE_API,
        kind: 'MultiKueueCluster',
        metadata: { name: cell.cluster, labels },
        spec: {
          clusterSource: {
            kubeConfig: { locationType: 'Secret', location: kubeconfigSecretName(cell.cluster) },
          },
        },
      }),
    );
  }
  const mirrored = new Set<string>();
  for (const pool of pools) {
    const poolCells = cells.filter((c) => c.pool === pool);
    out.push(
      build<MultiKueueConfig>({
        apiVersion: KUEUE_API,
        kind: 'MultiKueueConfig',
        metadata: { name: pool, labels },
        // Order is the incremental dispatcher's preference: the pool's cells in plan order.
        spec: { clusters: poolCells.map((c) => c.cluster) },
      }),
      build<AdmissionCheck>({
        apiVersion: KUEUE_API,
        kind: 'AdmissionCheck',
        metadata: { name: admissionCheckName(pool), labels },
        spec: {
          controllerName: 'kueue.x-k8s.io/multikueue',
          parameters: { apiGroup: 'kueue.x-k8s.io', kind: 'MultiKueueConfig', name: pool },
        },
      }),
    );
    for (const o of poolCells[0].platform) {
      const key = `${o.kind}/${o.metadata.name}`;
      const isFlavor = o.kind === 'ResourceFlavor' && o.metadata.name === pool;
      const isKueue = (isFlavor || o.kind === 'Topology') && o.apiVersion === KUEUE_API;
      if ((isKueue || isTenantGuard(o)) && !mirrored.has(key)) {
        mirrored.add(key);
        out.push(o);
      }
    }
  }
  for (const tenant of tenants) {
    const own = cells.filter((c) => c.tenants.has(tenant.name));
    if (own.length === 0) continue;
    const first = own[0].tenants.get(tenant.name)!;
    for (const o of first) {
      if (o.kind === 'ResourceQuota' && o.metadata.name === 'tenant-quota') out.push(noPods(o));
      else if (MIRRORED_TENANT_KINDS.has(o.kind)) out.push(o);
    }
    const namespaces = first.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    const tenantPools = tenant.pools.filter((p) => pools.includes(p));
    for (const pool of tenantPools) {
      const queues = own
        .filter((c) => c.pool === pool)
        .flatMap((c) => c.tenants.get(tenant.name)!.filter((o) => o.kind === 'ClusterQueue'));
      if (queues.length > 0) out.push(managerClusterQueue(tenant.name, pool, queues));
    }
    for (const namespace of namespaces) {
      const queue = (name: string, pool: string) =>
        build<LocalQueue>({
          apiVersion: KUEUE_API,
          kind: 'LocalQueue',
          metadata: { name, namespace, labels: standardLabels({ [LABELS.tenant]: tenant.name }) },
          spec: { clusterQueue: managerQueueName(tenant.name, pool) },
        });
      if (tenantPools.length > 0) out.push(queue('default', tenantPools[0]));
      for (const pool of tenantPools.filter((p) => p !== 'default')) out.push(queue(pool, pool));
    }
  }
  return out;
}

/**
 * The tenant guards (admission/policies.ts) hold on the manager too: tenants create their jobs there, and
 * the manager's Kueue queues and preempts by the priority they name. The fabric policy is the cells' only
 * (it guards pods, which never run on the manager).
 */
const MANAGER_GUARDS: ReadonlySet<string> = new Set(
  Object.values(POLICY_NAMES).filter((name) => name !== POLICY_NAMES.networks),
);

function isTenantGuard(o: KubeObject): boolean {
  const admission = o.kind === 'ValidatingAdmissionPolicy' || o.kind === 'ValidatingAdmissionPolicyBinding';
  return admission && MANAGER_GUARDS.has(o.metadata.name);
}

/** Tenant objects the manager has as the cells do: jobs are submitted there, under the same rules. */
const MIRRORED_TENANT_KINDS = new Set([
  'Namespace',
  'LimitRange',
  'NetworkPolicy',
  'Role',
  'RoleBinding',
  'WorkloadPriorityClass',
]);

/** The tenant quota with `pods: 0`: jobs wait suspended on the manager; their pods run on a cell only. */
function noPods(quota: KubeObject): KubeObject {
  const spec = quota.spec as { hard: Record<string, string> };
  return finalize({ ...quota, spec: { ...spec, hard: { ...spec.hard, pods: '0' } } });
}

/** The fields of a cell's ClusterQueue spec the manager's queue copies. */
interface QueueSpec {
  cohortName?: string;
  namespaceSelector?: NonNullable<ClusterQueue['spec']>['namespaceSelector'];
  queueingStrategy?: NonNullable<ClusterQueue['spec']>['queueingStrategy'];
  preemption?: NonNullable<ClusterQueue['spec']>['preemption'];
  resourceGroups?: {
    coveredResources: string[];
    flavors: { name: string; resources: { name: string; nominalQuota: string; borrowingLimit?: string }[] }[];
  }[];
}

/** The manager's queue of `tenant` on `pool`: the cells' queue spec, the pool's flavor only, quotas summed, one MultiKueue check. */
function managerClusterQueue(tenant: string, pool: string, cellQueues: readonly KubeObject[]): KubeObject {
  const specs = cellQueues.map((q) => q.spec as QueueSpec);
  const [first] = specs;
  const groups = (first.resourceGroups ?? [])
    .map((group, g) => ({
      coveredResources: group.coveredResources,
      flavors: group.flavors
        .filter((f) => f.name === pool)
        .map((f) => ({
          name: f.name,
          resources: f.resources.map((r) => ({
            ...r,
            nominalQuota: sumQuantities(
              specs.map(
                (s) =>
                  s.resourceGroups?.[g]?.flavors.find((x) => x.name === pool)?.resources.find((x) => x.name === r.name)
                    ?.nominalQuota ?? '0',
              ),
            ),
          })),
        })),
    }))
    .filter((g) => g.flavors.length > 0);
  return build<ClusterQueue>({
    apiVersion: KUEUE_API,
    kind: 'ClusterQueue',
    metadata: { name: managerQueueName(tenant, pool), labels: { ...cellQueues[0].metadata.labels } },
    spec: {
      cohortName: first.cohortName,
      namespaceSelector: first.namespaceSelector,
      queueingStrategy: first.queueingStrategy,
      preemption: first.preemption,
      resourceGroups: groups,
      // Exactly one MultiKueue check, for the whole queue (never per flavor).
      admissionChecksStrategy: { admissionChecks: [{ name: admissionCheckName(pool) }] },
    },
  });
}

/**
 * Sum of the cells' quantities, in the canonical form the API server writes back (model/quantity.ts): the
 * cells write canonical quantities, so one may read `2Pi` and another `3968Ti`. The format is the first's,
 * as apimachinery's Quantity.Add keeps the receiver's.
 */
export function sumQuantities(values: readonly string[]): string {
  const parsed = values.map(parseQuantity);
  const nanos = parsed.reduce((s, q) => s + q.nanos, 0n);
  return formatQuantity({ nanos, format: parsed[0]?.format ?? 'DecimalSI' });
}
