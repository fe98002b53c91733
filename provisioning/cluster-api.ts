/**
 * The Cluster API (v1.14, v1beta2) and Metal3 (CAPM3 v1.13, v1beta2) objects that bring the
 * workload cluster's machines up from BareMetalHosts on the management cluster. Pure data.
 *
 * One MachineDeployment per pool block keeps a rollout's blast radius to one block. Hosts are
 * picked by their `colossus.dev/pool` and `colossus.dev/block` labels; Metal3 label sync copies
 * every `colossus.dev/*` label of a BareMetalHost (the rack label too) onto its Node, so no
 * template per rack is needed.
 */
import { blockName, Cluster, NodePool } from '../model/cluster';
import { build, KubeObject, LABELS, standardLabels } from '../model/kube';
import { ManagementSpec } from '../spec/types';

/** API versions of the emitted kinds (storage versions of CAPI v1.14 and CAPM3 v1.13). */
export const CAPI = {
  core: 'cluster.x-k8s.io/v1beta2',
  bootstrap: 'bootstrap.cluster.x-k8s.io/v1beta2',
  controlPlane: 'controlplane.cluster.x-k8s.io/v1beta2',
  metal3: 'infrastructure.cluster.x-k8s.io/v1beta2',
} as const;

/** Label Cluster API puts on every object of a cluster. */
export const CLUSTER_NAME_LABEL = 'cluster.x-k8s.io/cluster-name';

/** Label Cluster API puts on the control plane's machines. */
export const CONTROL_PLANE_LABEL = 'cluster.x-k8s.io/control-plane';

/** BareMetalHost label of the hosts reserved for the control plane (`colossus.dev/role: control-plane`). */
export const ROLE_LABEL = 'colossus.dev/role';

/** Metal3Cluster annotation listing the BareMetalHost label prefixes synced onto Nodes. */
export const LABEL_SYNC_ANNOTATION = 'metal3.io/metal3-label-sync-prefixes';

/** The label prefix synced: pool, block and rack labels of a host reach its Node. */
export const LABEL_SYNC_PREFIX = 'colossus.dev';

/**
 * Node conditions that mark a GPU node unhealthy, set by NVIDIA NVSentinel's health monitors
 * (syslog monitor: a GPU fell off the bus; DCGM monitor: a fatal XID). NVSentinel first tries a
 * GPU reset itself, so the XID condition waits longer before the host is rebooted. `Ready`
 * catches a dead kubelet or host.
 */
export const UNHEALTHY_NODE_CONDITIONS = [
  { type: 'Ready', status: 'False', timeoutSeconds: 600 },
  { type: 'Ready', status: 'Unknown', timeoutSeconds: 600 },
  { type: 'SysLogsGPUFallenOff', status: 'True', timeoutSeconds: 300 },
  { type: 'GpuXidError', status: 'True', timeoutSeconds: 1800 },
] as const;

/** A node taint as kubeadm registers it. */
export interface RegisteredTaint {
  readonly key: string;
  readonly value: string;
  readonly effect: 'NoSchedule';
}

/** The management settings with their defaults applied. */
export interface ResolvedManagement {
  readonly context: string;
  readonly kubeconfig: string;
  readonly namespace: string;
  readonly kubernetesVersion: string;
  readonly controlPlaneEndpoint: { readonly host: string; readonly port: number };
  readonly controlPlaneReplicas: number;
  readonly image: Required<ManagementSpec['image']>;
}

/** Applies the defaults of `spec.management` (undefined when the cluster declares none). */
export function resolveManagement(cluster: Cluster): ResolvedManagement | undefined {
  const m = cluster.management;
  if (!m) return undefined;
  return {
    context: m.context,
    kubeconfig: m.kubeconfig ?? cluster.kubernetes.kubeconfig,
    namespace: m.namespace ?? cluster.name,
    kubernetesVersion: m.kubernetesVersion,
    controlPlaneEndpoint: { host: m.controlPlaneEndpoint.host, port: m.controlPlaneEndpoint.port ?? 6443 },
    controlPlaneReplicas: m.controlPlaneReplicas ?? 3,
    image: {
      url: m.image.url,
      checksum: m.image.checksum,
      checksumType: m.image.checksumType ?? 'sha256',
      diskFormat: m.image.diskFormat ?? 'raw',
    },
  };
}

/**
 * Labels kubelet registers on every node of the pool (`--node-labels`), so they exist before
 * the first pod is scheduled: the pool (Kueue's ResourceFlavor selects it) and the MIG layout
 * (the GPU Operator's MIG manager applies it). Block and rack labels come from label sync.
 */
export function registeredNodeLabels(pool: Pick<NodePool, 'name' | 'migProfile'>): Record<string, string> {
  return { [LABELS.pool]: pool.name, ...(pool.migProfile ? { [LABELS.migConfig]: pool.migProfile } : {}) };
}

/** Taints registered on the pool's nodes: the dedicated tenant's, as the pool's ResourceFlavor declares it. */
export function registeredTaints(pool: Pick<NodePool, 'dedicatedTo'>): RegisteredTaint[] {
  return pool.dedicatedTo ? [{ key: LABELS.dedicated, value: pool.dedicatedTo, effect: 'NoSchedule' }] : [];
}

/** Nodes in block `index` of a pool: full blocks, and what is left in the last one. */
export function blockNodes(pool: Pick<NodePool, 'nodes' | 'nodesPerRack' | 'racksPerBlock'>, index: number): number {
  const perBlock = pool.nodesPerRack * pool.racksPerBlock;
  return Math.max(0, Math.min(perBlock, pool.nodes - index * perBlock));
}

/**
 * Most machines of a pool that may be unhealthy for remediation to go ahead: one rack's worth.
 * More at once points at shared infrastructure (a leaf switch, the fabric, a power feed), where
 * reprovisioning hosts would only make things worse; remediation then stops until people look.
 */
export function remediationCap(pool: Pick<NodePool, 'nodesPerRack' | 'nodes'>): number {
  return Math.max(1, Math.min(pool.nodesPerRack, pool.nodes));
}

const controlPlaneName = (cluster: Cluster) => `${cluster.name}-control-plane`;

/** Every management-cluster object of `cluster`, or none when it declares no management cluster. */
export function clusterApiObjects(cluster: Cluster): KubeObject[] {
  const m = resolveManagement(cluster);
  if (!m) return [];
  return [...clusterObjects(cluster, m), ...cluster.pools.flatMap((pool) => poolObjects(cluster, m, pool))];
}

function clusterObjects(cluster: Cluster, m: ResolvedManagement): KubeObject[] {
  const meta = (name: string, annotations?: Record<string, string>) => ({
    name,
    namespace: m.namespace,
    labels: standardLabels({ [CLUSTER_NAME_LABEL]: cluster.name }),
    annotations,
  });
  const cp = controlPlaneName(cluster);
  return [
    build({
      apiVersion: CAPI.core,
      kind: 'Cluster',
      metadata: meta(cluster.name),
      spec: {
        // kubeadm configures the API server and controller manager with the ranges the fabric plan avoids.
        clusterNetwork: clusterNetwork(cluster),
        controlPlaneRef: { apiGroup: group(CAPI.controlPlane), kind: 'KubeadmControlPlane', name: cp },
        infrastructureRef: { apiGroup: group(CAPI.metal3), kind: 'Metal3Cluster', name: cluster.name },
      },
    }),
    build({
      apiVersion: CAPI.metal3,
      kind: 'Metal3Cluster',
      metadata: meta(cluster.name, { [LABEL_SYNC_ANNOTATION]: LABEL_SYNC_PREFIX }),
      spec: { controlPlaneEndpoint: { ...m.controlPlaneEndpoint }, cloudProviderEnabled: false },
    }),
    machineTemplate(meta(cp), m, { [ROLE_LABEL]: 'control-plane', ...cluster.controlPlaneTuning?.hostLabels }),
    build({
      apiVersion: CAPI.controlPlane,
      kind: 'KubeadmControlPlane',
      metadata: meta(cp),
      spec: {
        replicas: m.controlPlaneReplicas,
        version: m.kubernetesVersion,
        machineTemplate: {
          spec: { infrastructureRef: { apiGroup: group(CAPI.metal3), kind: 'Metal3MachineTemplate', name: cp } },
        },
        // No spare control-plane host is assumed: replace one machine at a time, in place. A single
        // control-plane machine cannot be scaled in first without losing etcd: it needs one spare host.
        rollout: {
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: m.controlPlaneReplicas >= 3 ? 0 : 1 } },
        },
        kubeadmConfigSpec: {
          // A cell's tuned etcd, API server and audit policy (cells/control-plane.ts).
          clusterConfiguration: cluster.controlPlaneTuning?.clusterConfiguration,
          files: cluster.controlPlaneTuning?.files.length ? cluster.controlPlaneTuning.files : undefined,
          initConfiguration: { nodeRegistration: nodeRegistration({}, undefined) },
          joinConfiguration: { nodeRegistration: nodeRegistration({}, undefined) },
        },
      },
    }),
    build({
      apiVersion: CAPI.core,
      kind: 'MachineHealthCheck',
      metadata: meta(cp),
      spec: {
        clusterName: cluster.name,
        selector: { matchLabels: { [CLUSTER_NAME_LABEL]: cluster.name, [CONTROL_PLANE_LABEL]: '' } },
        checks: {
          nodeStartupTimeoutSeconds: 1800,
          unhealthyNodeConditions: UNHEALTHY_NODE_CONDITIONS.filter((c) => c.type === 'Ready').map((c) => ({ ...c })),
        },
        // KubeadmControlPlane replaces the machine, keeping etcd quorum; never more than one at a time.
        remediation: { triggerIf: { unhealthyLessThanOrEqualTo: 1 } },
      },
    }),
  ];
}

function poolObjects(cluster: Cluster, m: ResolvedManagement, pool: NodePool): KubeObject[] {
  const poolLabels = { [CLUSTER_NAME_LABEL]: cluster.name, [LABELS.pool]: pool.name };
  const meta = (name: string, extra: Record<string, string> = {}) => ({
    name,
    namespace: m.namespace,
    labels: standardLabels({ ...poolLabels, ...extra }),
  });
  const taints = registeredTaints(pool);
  const objects: KubeObject[] = [
    build({
      apiVersion: CAPI.bootstrap,
      kind: 'KubeadmConfigTemplate',
      metadata: meta(pool.name),
      spec: {
        template: {
          spec: {
            joinConfiguration: {
              nodeRegistration: nodeRegistration(registeredNodeLabels(pool), taints),
            },
          },
        },
      },
    }),
    build({
      apiVersion: CAPI.metal3,
      kind: 'Metal3RemediationTemplate',
      metadata: meta(pool.name),
      // Reboot first (clears most GPU and driver faults); CAPI replaces the machine if that fails.
      spec: { template: { spec: { strategy: { type: 'Reboot', retryLimit: 1, timeoutSeconds: 600 } } } },
    }),
    build({
      apiVersion: CAPI.core,
      kind: 'MachineHealthCheck',
      metadata: meta(pool.name),
      spec: {
        clusterName: cluster.name,
        selector: { matchLabels: { ...poolLabels } },
        checks: {
          nodeStartupTimeoutSeconds: 1800,
          unhealthyNodeConditions: UNHEALTHY_NODE_CONDITIONS.map((c) => ({ ...c })),
        },
        remediation: {
          triggerIf: { unhealthyLessThanOrEqualTo: remediationCap(pool) },
          templateRef: { apiVersion: CAPI.metal3, kind: 'Metal3RemediationTemplate', name: pool.name },
        },
      },
    }),
  ];
  for (let b = 0; b < pool.blocks; b++) {
    // A cell's slice of a pool keeps the pool's block names (cells/plan.ts).
    const block = blockName(pool, (pool.firstBlock ?? 0) + b);
    const blockLabels = { ...poolLabels, [LABELS.block]: block };
    objects.push(
      machineTemplate(meta(block, { [LABELS.block]: block }), m, { [LABELS.pool]: pool.name, [LABELS.block]: block }),
      build({
        apiVersion: CAPI.core,
        kind: 'MachineDeployment',
        metadata: meta(block, { [LABELS.block]: block }),
        spec: {
          clusterName: cluster.name,
          replicas: blockNodes(pool, b),
          selector: { matchLabels: { ...blockLabels } },
          // Bare metal has no spare hosts to surge onto: take at most maxUnavailable down at a time.
          rollout: {
            strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: pool.maxUnavailable } },
          },
          remediation: { maxInFlight: pool.maxUnavailable },
          template: {
            metadata: { labels: { ...blockLabels } },
            spec: {
              clusterName: cluster.name,
              version: m.kubernetesVersion,
              bootstrap: {
                configRef: { apiGroup: group(CAPI.bootstrap), kind: 'KubeadmConfigTemplate', name: pool.name },
              },
              infrastructureRef: { apiGroup: group(CAPI.metal3), kind: 'Metal3MachineTemplate', name: block },
            },
          },
        },
      }),
    );
  }
  return objects;
}

/** A Metal3MachineTemplate writing the OS image to a host carrying `hostLabels`. */
function machineTemplate(
  metadata: { name: string; namespace: string; labels: Record<string, string> },
  m: ResolvedManagement,
  hostLabels: Record<string, string>,
): KubeObject {
  return build({
    apiVersion: CAPI.metal3,
    kind: 'Metal3MachineTemplate',
    metadata,
    spec: {
      template: {
        spec: {
          hostSelector: { matchLabels: hostLabels },
          image: { ...m.image },
          // Wipe disk metadata between consumers: a host never hands one tenant's data to the next.
          automatedCleaningMode: 'metadata',
        },
      },
    },
  });
}

/**
 * Ironic hands cloud-init the host's metadata (`ds.meta_data`): the Node is named after its
 * BareMetalHost and labelled with the host's UID, which CAPM3 uses to set the Node's providerID
 * (no cloud provider) and so link it to its Machine. Without it no Machine gets a Node, and the
 * health checks would remediate every host at their startup timeout.
 */
export const METAL3_NODE_NAME = '{{ ds.meta_data.name }}';
export const METAL3_UUID_LABEL = 'metal3.io/uuid={{ ds.meta_data.uuid }}';

/** kubeadm `nodeRegistration`: Metal3 name and UID label, then `labels` and `taints`. */
function nodeRegistration(labels: Record<string, string>, taints: readonly RegisteredTaint[] | undefined) {
  return {
    name: METAL3_NODE_NAME,
    kubeletExtraArgs: [
      {
        name: 'node-labels',
        value: [METAL3_UUID_LABEL, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)].join(','),
      },
    ],
    taints: taints?.length ? taints.map((t) => ({ ...t })) : undefined,
  };
}

/** `Cluster.spec.clusterNetwork` from the spec's pod and Service ranges; undefined (kubeadm's defaults) when unset. */
function clusterNetwork(cluster: Cluster): Record<string, unknown> | undefined {
  const { podCIDR, serviceCIDR } = cluster.kubernetes;
  if (!podCIDR && !serviceCIDR) return undefined;
  return {
    pods: podCIDR ? { cidrBlocks: [podCIDR] } : undefined,
    services: serviceCIDR ? { cidrBlocks: [serviceCIDR] } : undefined,
  };
}

function group(apiVersion: string): string {
  return apiVersion.slice(0, apiVersion.indexOf('/'));
}
