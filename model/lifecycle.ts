/**
 * How an object must be treated over its life, by kind, in one place: which kinds deprovision
 * hosts when deleted (so nothing may delete or replace them by surprise), which fields the API
 * refuses to change (so a change must replace the object rather than fail at apply), and which
 * objects the next stack needs a controller to have acted on (so the apply waits for it).
 * Plain data: the Terraform emitter, the constructs and `colossus diff` all read it.
 */
import { apiGroup, KubeObject } from './kube';
import { isRecord } from './values';

const key = (o: Pick<KubeObject, 'apiVersion' | 'kind'>) => `${apiGroup(o)}/${o.kind}`;

/**
 * Kinds whose deletion deprovisions hosts: deleting a Cluster API `Cluster`, its control plane or a
 * `MachineDeployment` deletes their Machines, and CAPM3 deprovisions (wipes) each BareMetalHost.
 * A kubernetes_manifest apiVersion change is such a deletion (terraform-provider-kubernetes v2.38.0
 * manifest/provider/plan.go marks manifest.apiVersion, kind, name and namespace RequiresReplace).
 */
const DEPROVISIONING = new Set([
  'cluster.x-k8s.io/Cluster',
  'cluster.x-k8s.io/MachineDeployment',
  'controlplane.cluster.x-k8s.io/KubeadmControlPlane',
  'infrastructure.cluster.x-k8s.io/Metal3Cluster',
]);

/** Whether deleting `object` deprovisions hosts. */
export function deprovisionsHosts(object: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return DEPROVISIONING.has(key(object));
}

/**
 * Fields the API server refuses to change (422), by kind, with where the rule is:
 * - StorageClass: kubernetes pkg/apis/storage/validation ValidateStorageClassUpdate (parameters,
 *   provisioner, reclaimPolicy, volumeBindingMode);
 * - PersistentVolumeClaim: ValidatePersistentVolumeClaimUpdate (spec is immutable after creation
 *   except resources, volumeAttributesClassName and, while unbound, volumeName);
 * - Kueue v0.19.2 ResourceFlavor (CEL, once topologyName is set), Topology `spec.levels` and
 *   LocalQueue `spec.clusterQueue` (CEL `self == oldSelf`);
 * - GPU Operator v26.7.0 NVIDIADriver `spec.driverType`, `spec.usePrecompiled` (CEL `self == oldSelf`).
 */
const IMMUTABLE: Readonly<Record<string, readonly string[]>> = {
  'storage.k8s.io/StorageClass': ['parameters', 'provisioner', 'reclaimPolicy', 'volumeBindingMode'],
  '/PersistentVolumeClaim': ['spec.accessModes', 'spec.selector', 'spec.storageClassName', 'spec.volumeMode'],
  'kueue.x-k8s.io/ResourceFlavor': ['spec.nodeLabels', 'spec.tolerations', 'spec.topologyName'],
  'kueue.x-k8s.io/Topology': ['spec.levels'],
  'kueue.x-k8s.io/LocalQueue': ['spec.clusterQueue'],
  'nvidia.com/NVIDIADriver': ['spec.driverType', 'spec.usePrecompiled'],
};

/** The paths of `object`'s fields the API refuses to change. */
export function immutableFieldPaths(object: KubeObject): readonly string[] {
  // Kueue's ResourceFlavor rules apply only once topologyName is set (`!has(oldSelf.topologyName) || ...`).
  if (key(object) === 'kueue.x-k8s.io/ResourceFlavor' && valueAt(object, 'spec.topologyName') === undefined) return [];
  return IMMUTABLE[key(object)] ?? [];
}

/** The immutable fields `object` sets, path to value; empty when it sets none. */
export function immutableValues(object: KubeObject): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const path of immutableFieldPaths(object)) {
    const value = valueAt(object, path);
    if (value !== undefined) values[path] = value;
  }
  return values;
}

function valueAt(object: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (isRecord(v) ? v[k] : undefined), object);
}

/** What an apply waits for before it reports the object done. */
export interface ReadinessWait {
  /** Field path to the regular expression its value must match (kubernetes_manifest `wait.fields`). */
  readonly fields: Readonly<Record<string, string>>;
  /** How long the create may take, for kubernetes_manifest `timeouts.create` (its default is 10m). */
  readonly createTimeout: string;
  /** Why the next stack needs it. */
  readonly reason: string;
}

const WAITS: Readonly<Record<string, ReadinessWait>> = {
  // Cluster API v1.14 v1beta2: "A control plane is considered initialized when it can accept requests";
  // the operators stack needs the workload API, and its kubeconfig Secret exists from then on.
  'controlplane.cluster.x-k8s.io/KubeadmControlPlane': {
    fields: { 'status.initialization.controlPlaneInitialized': '^true$' },
    createTimeout: '90m',
    reason: 'the workload cluster API accepts requests (the operators stack needs it)',
  },
  // Network Operator v26.4.0 controllers/nicclusterpolicy_controller.go writes status after every
  // state has synced once (pkg/state/manager.go SyncState runs all states whatever their readiness);
  // the nv-ipam state applies manifests/state-nv-ipam-cni/005-nv-ipam.nvidia.com_ippools.yaml, the CRD
  // of the fabric stack's IPPools. `ready` needs the DOCA driver on every node, which a 32k-node
  // cluster may never report, so `notReady` (synced, still rolling out) is enough.
  'mellanox.com/NicClusterPolicy': {
    fields: { 'status.state': '^(ready|notReady)$' },
    createTimeout: '30m',
    reason: 'the Network Operator has synced every state once, which installs the nv-ipam IPPool CRD',
  },
};

/** What an apply of `object` must wait for, when the next stack depends on a controller acting on it. */
export function readinessWait(object: Pick<KubeObject, 'apiVersion' | 'kind'>): ReadinessWait | undefined {
  return WAITS[key(object)];
}
