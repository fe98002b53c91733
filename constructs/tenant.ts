/**
 * Tenant: the whole isolation bundle of one team or partner lab. Its namespaces enforce Pod
 * Security, deny all traffic but the tenant's own and DNS, cap resources with quotas, bind
 * only the tenant's groups, and admit GPU work through the tenant's own Kueue ClusterQueue.
 */
import { Construct } from 'constructs';
import type { LimitRange, Namespace, ResourceQuota } from 'kubernetes-types/core/v1';
import type { NetworkPolicy, NetworkPolicyPeer } from 'kubernetes-types/networking/v1';
import type { Role, RoleBinding } from 'kubernetes-types/rbac/v1';
import { POOLS_ANNOTATION, PRIORITY_CLASSES_ANNOTATION } from '../admission/policies';
import { NodePool, POD_QUOTA_HEADROOM, PRIORITY_VALUES, resolveTenant, Tenant as TenantModel } from '../model/cluster';
import { COMPUTE_DOMAIN_RESOURCE } from '../operators/kueue-config';
import { NODE_LOCAL_DNS_IP } from '../operators/pod-network';
import { build, finalize, KubeObject, LABELS, objectKey, standardLabels } from '../model/kube';
import type { ClusterQueue, LocalQueue, WorkloadPriorityClass } from '../model/crds/kueue';
import { quantity } from '../model/quantity';
import { TenantPriority, TenantSpec } from '../spec/types';
import { withKeepAnnotations } from '../storage/protection';
import { sinkOf } from './object-sink';
import { assertValidProps, declareTenant, TENANT_SCHEMA } from './validation';

/** Props of a Tenant: the spec's `tenants[]` entry, plus the pools its quota refers to. */
export interface TenantProps extends TenantSpec {
  /** Name of the cluster; names the default cohort. */
  readonly clusterName: string;
  /** Kubernetes minor version, for example "1.33"; pins the Pod Security version. */
  readonly kubernetesVersion: string;
  /** The cluster's node pools; every key of `gpuQuota` must name one of them. */
  readonly pools: readonly NodePool[];
  /**
   * Namespaces holding tenant volumes: Terraform refuses to destroy them and GitOps tools never prune them,
   * since deleting a namespace deletes every claim in it.
   * @default - none
   */
  readonly protectedNamespaces?: readonly string[];
  /**
   * The cluster's pod and Service ranges: the API server rule allows TCP 6443 to any address but these,
   * so no pod (of any tenant) is reachable through it.
   * @default DEFAULT_CLUSTER_RANGES
   */
  readonly clusterRanges?: readonly string[];
}

/** The extended resource GPUs (and MIG instances, with the single strategy) are requested as. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** Name of the LocalQueue in each tenant namespace: Kueue sends unlabelled jobs to "default". */
export const LOCAL_QUEUE = 'default';

/** Namespace of the cluster's Prometheus, allowed to scrape tenant pods. */
export const MONITORING_NAMESPACE = 'monitoring';

/** Namespace of the cluster's ingress gateway, allowed into a tenant's serving namespaces. */
export const INGRESS_GATEWAY_NAMESPACE = 'ingress-gateway';

/** Ranges pods and Services get when the spec declares none: Cilium's cluster-pool and kubeadm's Service defaults. */
export const DEFAULT_CLUSTER_RANGES = ['10.0.0.0/8', '10.96.0.0/12'] as const;

/** A tenant of the cluster. Create it inside a ColossusStack of its own. */
export class Tenant extends Construct {
  /** The tenant with its defaults applied. */
  public readonly tenant: TenantModel;
  /** Name of the tenant's ClusterQueue. */
  public readonly clusterQueueName: string;
  private readonly labels: Record<string, string>;
  private readonly clusterRanges: readonly string[];

  public constructor(scope: Construct, id: string, props: TenantProps) {
    super(scope, id);
    assertValidProps(this, TENANT_SCHEMA, props, 'tenant props');
    declareTenant(this, props, props.pools);
    const tenant = resolveTenant(props, props.clusterName);
    this.tenant = tenant;
    this.clusterQueueName = tenant.name;
    this.labels = standardLabels({ [LABELS.tenant]: tenant.name });
    this.clusterRanges = props.clusterRanges?.length ? props.clusterRanges : DEFAULT_CLUSTER_RANGES;
    const quota = quotaOf(tenant, props.pools);
    for (const namespace of tenant.namespaces) {
      const keep = props.protectedNamespaces?.includes(namespace) ?? false;
      for (const o of this.namespaceObjects(namespace, props.kubernetesVersion, quota)) {
        if (keep && o.kind === 'Namespace') sinkOf(this).addObject(withKeepAnnotations(o), { protectData: true });
        else this.add(o);
      }
    }
    this.add(this.clusterQueue(quota));
    this.add(
      build<WorkloadPriorityClass>({
        apiVersion: 'kueue.x-k8s.io/v1beta2',
        kind: 'WorkloadPriorityClass',
        metadata: { name: tenant.name, labels: this.labels },
        value: PRIORITY_VALUES[tenant.priority],
        description: `Priority of tenant ${tenant.name} (${tenant.priority})`,
      }),
    );
  }

  /**
   * Adds an object of the tenant's own (an extra NetworkPolicy or Role, say) to the tenant's stack,
   * labelled as the tenant's and normalized like every built-in object.
   * @throws when the object names a namespace that is not one of the tenant's
   */
  public add(object: KubeObject): void {
    const namespace = object.metadata.namespace;
    if (namespace !== undefined && !this.tenant.namespaces.includes(namespace)) {
      throw new Error(
        `${this.node.path}: ${objectKey(object)} is in namespace "${namespace}", which tenant "${this.tenant.name}" does not own; ` +
          `use one of ${this.tenant.namespaces.map((n) => `"${n}"`).join(', ')}`,
      );
    }
    // The tenant label is set last so that an added object can never pass for another tenant's.
    const labels = { ...object.metadata.labels, ...this.labels };
    sinkOf(this).addObject(finalize({ ...object, metadata: { ...object.metadata, labels } }));
  }

  private namespaceObjects(namespace: string, version: string, quota: TenantQuota): KubeObject[] {
    const { tenant, labels } = this;
    const meta = (name: string) => ({ name, namespace, labels });
    const podSecurity = Object.fromEntries(
      ['enforce', 'audit', 'warn'].flatMap((mode) => [
        [`pod-security.kubernetes.io/${mode}`, tenant.podSecurity],
        [`pod-security.kubernetes.io/${mode}-version`, `v${version}`],
      ]),
    );
    const ownNamespaces: NetworkPolicyPeer = {
      namespaceSelector: {
        matchExpressions: [{ key: LABELS.namespaceName, operator: 'In', values: [...tenant.namespaces] }],
      },
    };
    const limits = tenant.objectQuota;
    return [
      build<Namespace>({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: namespace,
          labels: { ...labels, ...podSecurity },
          // What the tenant guard policies (admission/policies.ts) allow here; tenants cannot edit namespaces.
          annotations: {
            [POOLS_ANNOTATION]: quota.flavors.map((f) => f.flavor).join(','),
            [PRIORITY_CLASSES_ANNOTATION]: allowedPriorityClasses(tenant.priority).join(','),
          },
        },
      }),
      build<ResourceQuota>({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: meta('tenant-quota'),
        spec: {
          hard: {
            [`requests.${GPU_RESOURCE}`]: quantity(quota.namespaceGpuDevices),
            'requests.cpu': quantity(quota.namespaceCpu),
            'requests.memory': quantity(quota.namespaceMemoryGiB, 'Gi'),
            // A full-pool job at one GPU per pod must fit (18,752 h100 nodes x 8 GPUs = 150,016 pods).
            pods: quantity(limits.pods ?? quota.namespaceGpuDevices + POD_QUOTA_HEADROOM),
            services: quantity(limits.services),
            'services.loadbalancers': quantity(0),
            'services.nodeports': quantity(0),
            configmaps: quantity(limits.configMaps),
            secrets: quantity(limits.secrets),
            persistentvolumeclaims: quantity(limits.persistentVolumeClaims),
          },
        },
      }),
      build<ResourceQuota>({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: meta('tenant-priority-classes'),
        spec: {
          // No pod may name a PriorityClass above the tenant's own (colossus-critical, system-*): the scope
          // selector's requirements are ANDed (kubernetes pkg/quota/v1/evaluator/core/pods.go podMatchesScopeFunc),
          // so this quota of 0 pods holds exactly the pods with a class outside the allowed list.
          hard: { pods: '0' },
          scopeSelector: {
            matchExpressions: [
              { scopeName: 'PriorityClass', operator: 'Exists' },
              { scopeName: 'PriorityClass', operator: 'NotIn', values: allowedPriorityClasses(tenant.priority) },
            ],
          },
        },
      }),
      build<LimitRange>({
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: meta('tenant-defaults'),
        spec: {
          // Quota needs requests on every container; these apply to containers that set none. No default
          // limits: LimitRanger (and Kueue, kueue v0.19.2 pkg/workload/resources.go handlePodLimitRange)
          // would copy them into every container that sets only GPUs, capping a training rank at 1 CPU.
          limits: [{ type: 'Container', defaultRequest: { cpu: quantity(250, 'm'), memory: quantity(1, 'Gi') } }],
        },
      }),
      build<NetworkPolicy>({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('default-deny-all'),
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      }),
      build<NetworkPolicy>({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('allow-same-tenant'),
        spec: {
          podSelector: {},
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [ownNamespaces] }],
          egress: [{ to: [ownNamespaces] }],
        },
      }),
      build<NetworkPolicy>({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('allow-dns'),
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { [LABELS.namespaceName]: 'kube-system' } },
                  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
                },
                // NodeLocal DNSCache (operators/pod-network.ts) answers on the node's link-local address.
                { ipBlock: { cidr: `${NODE_LOCAL_DNS_IP}/32` } },
              ],
              ports: DNS_PORTS,
            },
          ],
        },
      }),
      build<NetworkPolicy>({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('allow-api-server'),
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          // The kubernetes Service is DNATed to the API servers' node addresses on 6443 before policy
          // applies; their addresses are not known here, so the rule allows 6443 to any address outside
          // the pod and Service ranges (launchers exec into ranks, Ray and operators watch).
          egress: [
            {
              to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...this.clusterRanges] } }],
              ports: [{ protocol: 'TCP', port: 6443 }],
            },
          ],
        },
      }),
      build<NetworkPolicy>({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('allow-metrics-scrape'),
        spec: {
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: [
            { from: [{ namespaceSelector: { matchLabels: { [LABELS.namespaceName]: MONITORING_NAMESPACE } } }] },
          ],
        },
      }),
      ...(tenant.servingNamespaces.includes(namespace)
        ? [
            build<NetworkPolicy>({
              apiVersion: 'networking.k8s.io/v1',
              kind: 'NetworkPolicy',
              metadata: meta('allow-ingress-gateway'),
              spec: {
                podSelector: {},
                policyTypes: ['Ingress'],
                ingress: [
                  {
                    from: [
                      { namespaceSelector: { matchLabels: { [LABELS.namespaceName]: INGRESS_GATEWAY_NAMESPACE } } },
                    ],
                  },
                ],
              },
            }),
          ]
        : []),
      build<Role>({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: meta('tenant-member'),
        rules: MEMBER_RULES,
      }),
      build<RoleBinding>({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: meta('tenant-member'),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'tenant-member' },
        subjects: tenant.groups.map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name })),
      }),
      build<LocalQueue>({
        apiVersion: 'kueue.x-k8s.io/v1beta2',
        kind: 'LocalQueue',
        metadata: meta(LOCAL_QUEUE),
        spec: { clusterQueue: this.clusterQueueName },
      }),
    ];
  }

  private clusterQueue(quota: TenantQuota): KubeObject {
    const { tenant } = this;
    // In a cohort without borrowing rights the tenant still lends its idle GPUs, but borrows nothing.
    const borrowingLimit = tenant.cohort && !tenant.canBorrow ? quantity(0) : undefined;
    // A ClusterQueue assigns only flavors it lists (kueue v0.19.2 flavorassigner.go findFlavorForPodSets
    // walks a.cq.RGByResource(...).Flavors), so borrowable pools are listed with nominal 0.
    const domains = quota.flavors.some((f) => f.computeDomains);
    const covered = ['cpu', 'memory', GPU_RESOURCE, ...(domains ? [COMPUTE_DOMAIN_RESOURCE] : [])];
    return build<ClusterQueue>({
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'ClusterQueue',
      metadata: { name: this.clusterQueueName, labels: this.labels },
      spec: {
        cohortName: tenant.cohort,
        namespaceSelector: {
          matchExpressions: [{ key: LABELS.namespaceName, operator: 'In', values: [...tenant.namespaces] }],
        },
        queueingStrategy: 'BestEffortFIFO',
        preemption: { withinClusterQueue: 'LowerPriority', reclaimWithinCohort: tenant.cohort ? 'Any' : 'Never' },
        resourceGroups:
          quota.flavors.length === 0
            ? undefined
            : [
                {
                  coveredResources: covered,
                  flavors: quota.flavors.map((f) => ({
                    name: f.flavor,
                    resources: [
                      { name: 'cpu', nominalQuota: quantity(f.cpu), borrowingLimit },
                      { name: 'memory', nominalQuota: quantity(f.memoryGiB, 'Gi'), borrowingLimit },
                      { name: GPU_RESOURCE, nominalQuota: quantity(f.gpuDevices), borrowingLimit },
                      // One ComputeDomain channel claim per pod, and a pod holds at least one GPU.
                      ...(domains
                        ? [
                            {
                              name: COMPUTE_DOMAIN_RESOURCE,
                              nominalQuota: quantity(f.computeDomains ? f.gpuDevices : 0),
                              borrowingLimit,
                            },
                          ]
                        : []),
                    ],
                  })),
                },
              ],
      },
    });
  }
}

const DNS_PORTS = [
  { protocol: 'UDP', port: 53 },
  { protocol: 'TCP', port: 53 },
];

/** What each namespace may request: workload verbs on the tenant's own objects, nothing cluster-wide. */
const MEMBER_RULES = [
  {
    apiGroups: [''],
    resources: ['pods', 'services', 'configmaps', 'secrets', 'serviceaccounts'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  // No delete: deleting a protected claim releases its volume, and the next deploy re-creates it empty.
  // Claims a pod owns (generic ephemeral volumes) are deleted by the garbage collector, not by tenants.
  {
    apiGroups: [''],
    resources: ['persistentvolumeclaims'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'],
  },
  { apiGroups: [''], resources: ['pods/log', 'events'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods/exec', 'pods/portforward'], verbs: ['create'] },
  {
    apiGroups: ['apps', 'batch', 'jobset.x-k8s.io', 'kubeflow.org', 'leaderworkerset.x-k8s.io'],
    resources: ['*'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  { apiGroups: ['kueue.x-k8s.io'], resources: ['localqueues', 'workloads'], verbs: ['get', 'list', 'watch'] },
];

/** Name of the PriorityClass of a tenant priority. */
export function priorityClassName(priority: TenantPriority): string {
  return `colossus-${priority}`;
}

/** The PriorityClasses a tenant's pods may name: its own priority's and every lower one. */
export function allowedPriorityClasses(priority: TenantPriority): string[] {
  return (Object.keys(PRIORITY_VALUES) as TenantPriority[])
    .filter((p) => PRIORITY_VALUES[p] <= PRIORITY_VALUES[priority])
    .map(priorityClassName);
}

/** A tenant's quota on one pool's flavor. */
interface FlavorQuota {
  readonly flavor: string;
  readonly gpuDevices: number;
  readonly cpu: number;
  readonly memoryGiB: number;
  /** The pool is rack-scale NVLink (NVL72): its jobs claim ComputeDomain channels. */
  readonly computeDomains: boolean;
}

/**
 * Pools a tenant holds no quota on but may borrow on: with a cohort and `canBorrow`, every pool not
 * dedicated to someone else (its cohort lends idle GPUs there; a pool no member holds quota on lends nothing).
 */
export function borrowablePools<P extends Pick<NodePool, 'name' | 'dedicatedTo'>>(
  tenant: Pick<TenantModel, 'name' | 'gpuQuota' | 'cohort' | 'canBorrow'>,
  pools: readonly P[],
): P[] {
  if (!tenant.cohort || !tenant.canBorrow) return [];
  return pools.filter(
    (p) => tenant.gpuQuota[p.name] === undefined && (p.dedicatedTo === undefined || p.dedicatedTo === tenant.name),
  );
}

/** A tenant's Kueue quota per flavor and the per-namespace ResourceQuota ceilings. */
interface TenantQuota {
  readonly flavors: readonly FlavorQuota[];
  readonly namespaceGpuDevices: number;
  readonly namespaceCpu: number;
  readonly namespaceMemoryGiB: number;
}

/**
 * CPU and memory follow the GPUs: a tenant with half a node's GPUs gets half its cores and
 * memory. Each namespace may use the tenant's whole quota (Kueue enforces the sum), and
 * up to the pools' full size when the tenant may borrow.
 */
function quotaOf(tenant: TenantModel, pools: readonly NodePool[]): TenantQuota {
  const own = pools.filter((p) => tenant.gpuQuota[p.name] !== undefined);
  const borrowable = borrowablePools(tenant, pools);
  const flavors = [
    ...own.map((pool) => ({ pool, ...share(pool, tenant.gpuQuota[pool.name]), flavor: pool.name })),
    ...borrowable.map((pool) => ({ pool, ...share(pool, 0), flavor: pool.name })),
  ];
  const ceiling = flavors.map((f) => (tenant.canBorrow ? { ...share(f.pool, f.pool.gpus) } : f));
  const sum = (key: 'gpuDevices' | 'cpu' | 'memoryGiB') => ceiling.reduce((n, f) => n + f[key], 0);
  return {
    flavors: flavors.map(({ flavor, gpuDevices, cpu, memoryGiB, pool }) => ({
      flavor,
      gpuDevices,
      cpu,
      memoryGiB,
      computeDomains: pool.sku.rackScale,
    })),
    namespaceGpuDevices: sum('gpuDevices'),
    namespaceCpu: sum('cpu'),
    namespaceMemoryGiB: sum('memoryGiB'),
  };
}

function share(pool: NodePool, gpus: number): Omit<FlavorQuota, 'flavor' | 'computeDomains'> {
  const nodes = gpus / pool.sku.gpusPerNode;
  return {
    gpuDevices: gpus * pool.devicesPerGpu,
    cpu: Math.floor(nodes * pool.sku.cpuCoresPerNode),
    memoryGiB: Math.floor(nodes * pool.sku.memoryGiBPerNode),
  };
}
