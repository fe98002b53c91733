/**
 * The kind registry: every Kubernetes kind this project emits, with its apiVersion, scope and place in apply
 * order. The YAML emitter numbers its files from it, and a test checks every emitted object against it, so a
 * new kind is declared here once instead of in each emitter and review rule.
 */

/** What the project knows about one emitted kind. */
export interface KindInfo {
  /** The kind, for example `ClusterQueue`. */
  readonly kind: string;
  /** The apiVersion we emit: the storage version upstream serves (`v1` for the core group). */
  readonly apiVersion: string;
  /** Whether objects of the kind live in a namespace. */
  readonly namespaced: boolean;
}

// Generic in the kind so that the tables below keep each name as a literal type (KindName).
const kind = <K extends string>(k: K, apiVersion: string, namespaced: boolean) => ({ kind: k, apiVersion, namespaced });

/**
 * Apply order: namespaces first, then cluster-scoped configuration, then what lives in namespaces; kinds that
 * others refer to come before those that refer to them. A kind's index is its file number in `manifests/`,
 * so new kinds go where they apply (renumbering files, never Terraform addresses).
 */
const EMITTED = [
  kind('Namespace', 'v1', false),
  kind('CustomResourceDefinition', 'apiextensions.k8s.io/v1', false),
  kind('PriorityClass', 'scheduling.k8s.io/v1', false),
  kind('StorageClass', 'storage.k8s.io/v1', false),
  kind('VolumeSnapshotClass', 'snapshot.storage.k8s.io/v1', false),
  kind('ClusterRole', 'rbac.authorization.k8s.io/v1', false),
  kind('ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', false),
  // API Priority and Fairness: the level before the schemas that name it.
  kind('PriorityLevelConfiguration', 'flowcontrol.apiserver.k8s.io/v1', false),
  kind('FlowSchema', 'flowcontrol.apiserver.k8s.io/v1', false),
  kind('ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1', false),
  kind('ValidatingAdmissionPolicyBinding', 'admissionregistration.k8s.io/v1', false),
  kind('NicClusterPolicy', 'mellanox.com/v1alpha1', false),
  // The NIC Configuration Operator names and configures the rail NICs the SR-IOV policies then select.
  kind('NicInterfaceNameTemplate', 'configuration.net.nvidia.com/v1alpha1', true),
  kind('NicConfigurationTemplate', 'configuration.net.nvidia.com/v1alpha1', true),
  kind('IPPool', 'nv-ipam.nvidia.com/v1alpha1', true),
  // Nodes join their SR-IOV drain pool before any policy makes them drain.
  kind('SriovNetworkPoolConfig', 'sriovnetwork.openshift.io/v1', true),
  kind('SriovNetworkNodePolicy', 'sriovnetwork.openshift.io/v1', true),
  kind('ClusterPolicy', 'nvidia.com/v1', false),
  kind('NVIDIADriver', 'nvidia.com/v1alpha1', false),
  kind('ComputeDomain', 'resource.nvidia.com/v1beta1', true),
  kind('Topology', 'kueue.x-k8s.io/v1beta2', false),
  kind('ResourceFlavor', 'kueue.x-k8s.io/v1beta2', false),
  kind('Cohort', 'kueue.x-k8s.io/v1beta2', false),
  kind('WorkloadPriorityClass', 'kueue.x-k8s.io/v1beta2', false),
  // MultiKueue: the worker clusters, the config listing them, the check naming the config, then the queues.
  kind('MultiKueueCluster', 'kueue.x-k8s.io/v1beta2', false),
  kind('MultiKueueConfig', 'kueue.x-k8s.io/v1beta2', false),
  kind('AdmissionCheck', 'kueue.x-k8s.io/v1beta2', false),
  kind('ClusterQueue', 'kueue.x-k8s.io/v1beta2', false),
  kind('ResourceQuota', 'v1', true),
  kind('LimitRange', 'v1', true),
  kind('NetworkPolicy', 'networking.k8s.io/v1', true),
  kind('ServiceAccount', 'v1', true),
  kind('Role', 'rbac.authorization.k8s.io/v1', true),
  kind('RoleBinding', 'rbac.authorization.k8s.io/v1', true),
  // Node-local workloads the platform runs itself (NodeLocal DNS): configuration, then Service, then pods.
  kind('ConfigMap', 'v1', true),
  kind('Service', 'v1', true),
  kind('DaemonSet', 'apps/v1', true),
  kind('SriovNetwork', 'sriovnetwork.openshift.io/v1', true),
  kind('NetworkAttachmentDefinition', 'k8s.cni.cncf.io/v1', true),
  kind('LocalQueue', 'kueue.x-k8s.io/v1beta2', true),
  // Management cluster: templates before what refers to them, health checks last.
  kind('Metal3MachineTemplate', 'infrastructure.cluster.x-k8s.io/v1beta2', true),
  kind('KubeadmConfigTemplate', 'bootstrap.cluster.x-k8s.io/v1beta2', true),
  kind('Metal3RemediationTemplate', 'infrastructure.cluster.x-k8s.io/v1beta2', true),
  kind('Metal3Cluster', 'infrastructure.cluster.x-k8s.io/v1beta2', true),
  kind('KubeadmControlPlane', 'controlplane.cluster.x-k8s.io/v1beta2', true),
  kind('Cluster', 'cluster.x-k8s.io/v1beta2', true),
  kind('MachineDeployment', 'cluster.x-k8s.io/v1beta2', true),
  kind('MachineHealthCheck', 'cluster.x-k8s.io/v1beta2', true),
  // Data last: claims bind to the storage classes above.
  kind('PersistentVolumeClaim', 'v1', true),
];
export const KINDS: readonly KindInfo[] = EMITTED;

/** The name of a kind this project emits: a typo in a kind the code compares against fails to compile. */
export type KindName = (typeof EMITTED)[number]['kind'];

const BY_KIND = new Map(KINDS.map((k, rank) => [k.kind, { ...k, rank }]));

/** The registry entry of a kind, or undefined for a kind this project does not emit. */
export function kindInfo(k: string): KindInfo | undefined {
  return BY_KIND.get(k);
}

/** Rank of a kind in apply order; a kind not in the registry goes last. */
export function applyRank(k: string): number {
  return BY_KIND.get(k)?.rank ?? KINDS.length;
}

/**
 * Kinds the review reads in a synth output but this project does not emit: fabric networks and address pools
 * that other tools (or an earlier version) may have written next to ours, which the diff and the audit must
 * still judge. Versions and scopes are the pinned CRDs' (network-operator mellanox.com_*networks.yaml,
 * sriov-network-operator sriovnetwork.openshift.io_sriovibnetworks.yaml, nv-ipam nv-ipam.nvidia.com_cidrpools.yaml).
 * They take no place in apply order.
 */
const READ_ONLY = [
  kind('SriovIBNetwork', 'sriovnetwork.openshift.io/v1', true),
  kind('IPoIBNetwork', 'mellanox.com/v1alpha1', false),
  kind('HostDeviceNetwork', 'mellanox.com/v1alpha1', false),
  kind('MacvlanNetwork', 'mellanox.com/v1alpha1', false),
  kind('CIDRPool', 'nv-ipam.nvidia.com/v1alpha1', true),
];
export const READ_ONLY_KINDS: readonly KindInfo[] = READ_ONLY;

/** A kind the project knows: one it emits, or one its review reads. */
export type KnownKindName = KindName | (typeof READ_ONLY)[number]['kind'];

/** Whether `object` is of one of `kinds` (any API group): the registry-checked way to compare a kind. */
export function isKind(object: { readonly kind?: unknown }, ...kinds: readonly KnownKindName[]): boolean {
  return (kinds as readonly unknown[]).includes(object.kind);
}

/** Whether `name` is a kind the registry lists, emitted or read-only. */
export function isKnownKind(name: string): name is KnownKindName {
  return BY_KIND.has(name) || READ_ONLY_KINDS.some((k) => k.kind === name);
}
