/**
 * The upstream type of every kind in the kind registry (model/kinds.ts): kubernetes-types for the core kinds,
 * the types generated from the pinned CRDs (model/crds, `npm run crd-types`) for custom resources. Builders
 * name these types in `build<T>`, and __tests__/model/typed-builds.test.ts checks that the registry and this table list
 * the same kinds with the same apiVersions, so a kind is never emitted without the schema that types it.
 */
import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type {
  ConfigMap,
  LimitRange,
  Namespace,
  PersistentVolumeClaim,
  ResourceQuota,
  Service,
  ServiceAccount,
} from 'kubernetes-types/core/v1';
import type {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from 'kubernetes-types/admissionregistration/v1';
import type { FlowSchema, PriorityLevelConfiguration } from 'kubernetes-types/flowcontrol/v1';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-types/rbac/v1';
import type { PriorityClass } from 'kubernetes-types/scheduling/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import type {
  Cluster,
  KubeadmConfigTemplate,
  KubeadmControlPlane,
  MachineDeployment,
  MachineHealthCheck,
} from './crds/cluster-api';
import type { ComputeDomain } from './crds/dra-driver-gpu';
import type { VolumeSnapshotClass } from './crds/external-snapshotter';
import type { ClusterPolicy, NVIDIADriver } from './crds/gpu-operator';
import type {
  AdmissionCheck,
  ClusterQueue,
  Cohort,
  LocalQueue,
  MultiKueueCluster,
  MultiKueueConfig,
  ResourceFlavor,
  Topology,
  WorkloadPriorityClass,
} from './crds/kueue';
import type { Metal3Cluster, Metal3MachineTemplate, Metal3RemediationTemplate } from './crds/metal3';
import type { NetworkAttachmentDefinition } from './crds/multus';
import type { NicClusterPolicy } from './crds/network-operator';
import type { NicConfigurationTemplate, NicInterfaceNameTemplate } from './crds/nic-configuration-operator';
import type { IPPool } from './crds/nv-ipam';
import type { SriovNetwork, SriovNetworkNodePolicy, SriovNetworkPoolConfig } from './crds/sriov-network-operator';

/** Kind -> its upstream type, for every kind the registry lists. */
export interface KindTypes {
  Namespace: Namespace;
  CustomResourceDefinition: CustomResourceDefinition;
  PriorityClass: PriorityClass;
  StorageClass: StorageClass;
  VolumeSnapshotClass: VolumeSnapshotClass;
  ClusterRole: ClusterRole;
  ClusterRoleBinding: ClusterRoleBinding;
  PriorityLevelConfiguration: PriorityLevelConfiguration;
  FlowSchema: FlowSchema;
  ValidatingAdmissionPolicy: ValidatingAdmissionPolicy;
  ValidatingAdmissionPolicyBinding: ValidatingAdmissionPolicyBinding;
  NicClusterPolicy: NicClusterPolicy;
  NicInterfaceNameTemplate: NicInterfaceNameTemplate;
  NicConfigurationTemplate: NicConfigurationTemplate;
  IPPool: IPPool;
  SriovNetworkPoolConfig: SriovNetworkPoolConfig;
  SriovNetworkNodePolicy: SriovNetworkNodePolicy;
  ClusterPolicy: ClusterPolicy;
  NVIDIADriver: NVIDIADriver;
  ComputeDomain: ComputeDomain;
  Topology: Topology;
  ResourceFlavor: ResourceFlavor;
  Cohort: Cohort;
  WorkloadPriorityClass: WorkloadPriorityClass;
  MultiKueueCluster: MultiKueueCluster;
  MultiKueueConfig: MultiKueueConfig;
  AdmissionCheck: AdmissionCheck;
  ClusterQueue: ClusterQueue;
  ResourceQuota: ResourceQuota;
  LimitRange: LimitRange;
  NetworkPolicy: NetworkPolicy;
  ServiceAccount: ServiceAccount;
  Role: Role;
  RoleBinding: RoleBinding;
  ConfigMap: ConfigMap;
  Service: Service;
  DaemonSet: DaemonSet;
  SriovNetwork: SriovNetwork;
  NetworkAttachmentDefinition: NetworkAttachmentDefinition;
  LocalQueue: LocalQueue;
  Metal3MachineTemplate: Metal3MachineTemplate;
  KubeadmConfigTemplate: KubeadmConfigTemplate;
  Metal3RemediationTemplate: Metal3RemediationTemplate;
  Metal3Cluster: Metal3Cluster;
  KubeadmControlPlane: KubeadmControlPlane;
  Cluster: Cluster;
  MachineDeployment: MachineDeployment;
  MachineHealthCheck: MachineHealthCheck;
  PersistentVolumeClaim: PersistentVolumeClaim;
}

/**
 * The apiVersion each type declares, written out so that a test can compare it with the registry at run time:
 * the compiler rejects an entry that differs from its type's apiVersion (a CRD's storage version, as generated).
 */
export const TYPED_API_VERSIONS: { readonly [K in keyof KindTypes]-?: NonNullable<KindTypes[K]['apiVersion']> } = {
  Namespace: 'v1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1',
  PriorityClass: 'scheduling.k8s.io/v1',
  StorageClass: 'storage.k8s.io/v1',
  VolumeSnapshotClass: 'snapshot.storage.k8s.io/v1',
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  PriorityLevelConfiguration: 'flowcontrol.apiserver.k8s.io/v1',
  FlowSchema: 'flowcontrol.apiserver.k8s.io/v1',
  ValidatingAdmissionPolicy: 'admissionregistration.k8s.io/v1',
  ValidatingAdmissionPolicyBinding: 'admissionregistration.k8s.io/v1',
  NicClusterPolicy: 'mellanox.com/v1alpha1',
  NicInterfaceNameTemplate: 'configuration.net.nvidia.com/v1alpha1',
  NicConfigurationTemplate: 'configuration.net.nvidia.com/v1alpha1',
  IPPool: 'nv-ipam.nvidia.com/v1alpha1',
  SriovNetworkPoolConfig: 'sriovnetwork.openshift.io/v1',
  SriovNetworkNodePolicy: 'sriovnetwork.openshift.io/v1',
  ClusterPolicy: 'nvidia.com/v1',
  NVIDIADriver: 'nvidia.com/v1alpha1',
  ComputeDomain: 'resource.nvidia.com/v1beta1',
  Topology: 'kueue.x-k8s.io/v1beta2',
  ResourceFlavor: 'kueue.x-k8s.io/v1beta2',
  Cohort: 'kueue.x-k8s.io/v1beta2',
  WorkloadPriorityClass: 'kueue.x-k8s.io/v1beta2',
  MultiKueueCluster: 'kueue.x-k8s.io/v1beta2',
  MultiKueueConfig: 'kueue.x-k8s.io/v1beta2',
  AdmissionCheck: 'kueue.x-k8s.io/v1beta2',
  ClusterQueue: 'kueue.x-k8s.io/v1beta2',
  ResourceQuota: 'v1',
  LimitRange: 'v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  ServiceAccount: 'v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  ConfigMap: 'v1',
  Service: 'v1',
  DaemonSet: 'apps/v1',
  SriovNetwork: 'sriovnetwork.openshift.io/v1',
  NetworkAttachmentDefinition: 'k8s.cni.cncf.io/v1',
  LocalQueue: 'kueue.x-k8s.io/v1beta2',
  Metal3MachineTemplate: 'infrastructure.cluster.x-k8s.io/v1beta2',
  KubeadmConfigTemplate: 'bootstrap.cluster.x-k8s.io/v1beta2',
  Metal3RemediationTemplate: 'infrastructure.cluster.x-k8s.io/v1beta2',
  Metal3Cluster: 'infrastructure.cluster.x-k8s.io/v1beta2',
  KubeadmControlPlane: 'controlplane.cluster.x-k8s.io/v1beta2',
  Cluster: 'cluster.x-k8s.io/v1beta2',
  MachineDeployment: 'cluster.x-k8s.io/v1beta2',
  MachineHealthCheck: 'cluster.x-k8s.io/v1beta2',
  PersistentVolumeClaim: 'v1',
};
