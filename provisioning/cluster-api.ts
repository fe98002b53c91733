/**
 * The Cluster API (v1.14, v1beta2) and Metal3 (CAPM3 v1.13, v1beta2) objects that bring the
 * workload cluster's machines up from BareMetalHosts on the management cluster. Pure data.
 *
 * One MachineDeployment and one MachineHealthCheck per pool block keep a rollout's and a repair's
 * blast radius to one block. Hosts are picked by their `colossus.dev/pool` and `colossus.dev/block`
 * labels. The labels tenant placement relies on are set from the management side only, under
 * `node-restriction.kubernetes.io`, which kubelets cannot write: pool and block from the MachineDeployment
 * (Cluster API's Machine-to-Node label sync), the rack from the BareMetalHost's
 * `host.colossus.node-restriction.kubernetes.io/rack` (Metal3 label sync), so no template per rack is needed.
 *
 * Templates are named by their content (`h100-b007-1a2b3c4d`): Cluster API treats machine templates
 * as immutable and rolls a MachineDeployment when its template reference changes (cluster-api book,
 * "Updating Machine Infrastructure and Bootstrap Templates"), while CAPM3 v1.13.2's webhook accepts an
 * in-place edit that rolls nothing (internal/webhooks/v1beta2/metal3machinetemplate_webhook.go).
 */
import { createHash } from 'crypto';
import { blockName, Cluster, NodePool } from '../model/cluster';
import { build, finalize, KubeObject, LABELS, standardLabels } from '../model/kube';
import type {
  Cluster as CapiCluster,
  KubeadmConfigTemplate,
  KubeadmControlPlane,
  MachineDeployment,
  MachineHealthCheck,
} from '../model/crds/cluster-api';
import type { Metal3Cluster, Metal3MachineTemplate, Metal3RemediationTemplate } from '../model/crds/metal3';
import { Metal3Image, metal3Image, resolveManagement, ResolvedManagement } from './planner';

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

/**
 * The label prefix synced from BareMetalHosts to Nodes: the rack label only. Label sync owns every label
 * with exactly this prefix and deletes those missing on the host (capm3 v1.13.2
 * controllers/metal3labelsync_controller.go), so it must not own the pool label kubelet registers and the
 * node agents select on. The prefix is under `node-restriction.kubernetes.io`, which kubelets cannot write.
 */
export const LABEL_SYNC_PREFIX = LABELS.placementRack.slice(0, LABELS.placementRack.indexOf('/'));

/**
 * Admission plugins of the workload cluster's API server: kubeadm's default (NodeRestriction, which keeps
 * kubelets off `node-restriction.kubernetes.io` labels and their own taints), plus DenyServiceExternalIPs
 * (CVE-2020-8554: no Service may claim externalIPs). Setting the flag replaces kubeadm's default list.
 */
export const ADMISSION_PLUGINS = ['NodeRestriction', 'DenyServiceExternalIPs'] as const;

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

/** What a block's machines run: the OS image and the Kubernetes version. */
export interface MachineSettings {
  readonly kubernetesVersion: string;
  readonly image: Metal3Image;
}

/**
 * The image a pool's hosts boot: its own (GB200 trays need an arm64 one, checked against the
 * catalog by the provisioning planner) or the management default.
 */
export function poolImage(pool: Pick<NodePool, 'image'>, m: Pick<ResolvedManagement, 'image'>): Metal3Image {
  return pool.image ? metal3Image(pool.image) : m.image;
}

/**
 * A systemd drop-in raising containerd's (and so every container's) locked-memory limit. RDMA
 * registers (pins) buffers, which counts against RLIMIT_MEMLOCK; Pod Security `restricted` forbids
 * IPC_LOCK, so the inherited limit is what RDMA pods get, and the distribution default (8 MiB)
 * fails ibv_reg_mr for NCCL's buffers. Containers inherit containerd's rlimits
 * (containerd's CRI does not set RLIMIT_MEMLOCK unless a runtime spec asks for it).
 */
export const CONTAINERD_MEMLOCK_DROP_IN = {
  path: '/etc/systemd/system/containerd.service.d/50-colossus-memlock.conf',
  content: '[Service]\nLimitMEMLOCK=infinity\n',
} as const;

/** Commands that make the drop-in take effect before kubeadm joins the node. */
export const CONTAINERD_RELOAD_COMMANDS = ['systemctl daemon-reload', 'systemctl restart containerd'] as const;

/**
 * Blocks of `pool` that run the management settings: all of them, or during a staged rollout
 * (`management.rollout`) the first `wave x blocksAtOnce`; the others keep `rollout.from`.
 */
export function rolledBlocks(
  cluster: Pick<Cluster, 'management'>,
  pool: Pick<NodePool, 'blocks' | 'blocksAtOnce' | 'firstBlock'>,
): number {
  const rollout = cluster.management?.rollout;
  if (!rollout) return pool.blocks;
  // Waves count the whole pool's blocks in order: a cell's slice (from firstBlock on) rolls only its part
  // of them, so cells together keep the pool's bound (all cells' MachineDeployments are in one management cluster).
  return Math.min(pool.blocks, Math.max(0, rollout.wave * pool.blocksAtOnce - (pool.firstBlock ?? 0)));
}

/** What block `index` of `pool` runs: the management settings, or `rollout.from` when not yet rolled. */
export function blockSettings(cluster: Cluster, m: ResolvedManagement, pool: NodePool, index: number): MachineSettings {
  const current = { kubernetesVersion: m.kubernetesVersion, image: poolImage(pool, m) };
  const from = cluster.management?.rollout?.from;
  if (!from || index < rolledBlocks(cluster, pool)) return current;
  return {
    kubernetesVersion: from.kubernetesVersion ?? current.kubernetesVersion,
    // rollout.from names the management image's predecessor; a pool with an image of its own keeps it.
    image: from.image && !pool.image ? metal3Image(from.image) : current.image,
  };
}

/**
 * `<base>-<8 hex>` from the object's `spec`: equal content, equal name; a change, a new name. The
 * name stays within 63 characters (a label value, as Cluster API copies it into labels).
 */
export function contentName(base: string, spec: unknown): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(finalize({ apiVersion: '', kind: '', metadata: { name: '' }, spec }).spec))
    .digest('hex');
  return `${base.slice(0, 54)}-${digest.slice(0, 8)}`;
}

/** The annotation that makes Argo CD prune a replaced template only after the MachineDeployments moved off it. */
export const PRUNE_LAST = { 'argocd.argoproj.io/sync-options': 'PruneLast=true' } as const;

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
 * Most machines of a block that may be unhealthy for its health check to remediate: one rack's
 * worth. More at once points at shared infrastructure (a leaf switch, a power feed), where
 * reprovisioning hosts would only make things worse; that block then stops remediating until people
 * look, and every other block carries on (CAPI v1.14.0 core/reconcilers/machinehealthcheck:
 * `isAllowedRemediation` counts the unhealthy Machines of one MachineHealthCheck).
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
  const cpTemplate = machineTemplate(cp, m.namespace, meta(cp).labels, m.image, {
    [ROLE_LABEL]: 'control-plane',
    ...cluster.controlPlaneTuning?.hostLabels,
  });
  return [
    build<CapiCluster>({
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
    build<Metal3Cluster>({
      apiVersion: CAPI.metal3,
      kind: 'Metal3Cluster',
      metadata: meta(cluster.name, { [LABEL_SYNC_ANNOTATION]: LABEL_SYNC_PREFIX }),
      spec: { controlPlaneEndpoint: { ...m.controlPlaneEndpoint }, cloudProviderEnabled: false },
    }),
    cpTemplate,
    build<KubeadmControlPlane>({
      apiVersion: CAPI.controlPlane,
      kind: 'KubeadmControlPlane',
      metadata: meta(cp),
      spec: {
        replicas: m.controlPlaneReplicas,
        version: m.kubernetesVersion,
        machineTemplate: {
          spec: {
            infrastructureRef: {
              apiGroup: group(CAPI.metal3),
              kind: 'Metal3MachineTemplate',
              name: cpTemplate.metadata.name,
            },
          },
        },
        // No spare control-plane host is assumed: replace one machine at a time, in place. A single
        // control-plane machine cannot be scaled in first without losing etcd: it needs one spare host.
        rollout: {
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: m.controlPlaneReplicas >= 3 ? 0 : 1 } },
        },
        kubeadmConfigSpec: {
          // A cell's tuned etcd, API server and audit policy (cells/control-plane.ts, which keeps the same
          // admission plugins); otherwise kubeadm's defaults with the admission plugins tenant isolation needs.
          clusterConfiguration: cluster.controlPlaneTuning?.clusterConfiguration ?? {
            apiServer: { extraArgs: [{ name: 'enable-admission-plugins', value: ADMISSION_PLUGINS.join(',') }] },
          },
          files: cluster.controlPlaneTuning?.files.length ? cluster.controlPlaneTuning.files : undefined,
          initConfiguration: { nodeRegistration: nodeRegistration({}, undefined) },
          joinConfiguration: { nodeRegistration: nodeRegistration({}, undefined) },
        },
      },
    }),
    build<MachineHealthCheck>({
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
  const labels = (extra: Record<string, string> = {}) => standardLabels({ ...poolLabels, ...extra });
  const meta = (name: string, extra: Record<string, string> = {}) => ({
    name,
    namespace: m.namespace,
    labels: labels(extra),
  });
  const bootstrapSpec = {
    template: {
      spec: {
        files: [{ ...CONTAINERD_MEMLOCK_DROP_IN, owner: 'root:root', permissions: '0644' }],
        preKubeadmCommands: [...CONTAINERD_RELOAD_COMMANDS],
        joinConfiguration: { nodeRegistration: nodeRegistration(registeredNodeLabels(pool), registeredTaints(pool)) },
      },
    },
  };
  const bootstrap = build<KubeadmConfigTemplate>({
    apiVersion: CAPI.bootstrap,
    kind: 'KubeadmConfigTemplate',
    metadata: { ...meta(contentName(pool.name, bootstrapSpec)), annotations: { ...PRUNE_LAST } },
    spec: bootstrapSpec,
  });
  const cap = remediationCap(pool);
  const objects: KubeObject[] = [
    bootstrap,
    build<Metal3RemediationTemplate>({
      apiVersion: CAPI.metal3,
      kind: 'Metal3RemediationTemplate',
      metadata: meta(pool.name),
      // Reboot first (clears most GPU and driver faults); CAPI replaces the machine if that fails.
      spec: { template: { spec: { strategy: { type: 'Reboot', retryLimit: 1, timeoutSeconds: 600 } } } },
    }),
  ];
  for (let b = 0; b < pool.blocks; b++) {
    // A cell's slice of a pool keeps the pool's block names (cells/plan.ts).
    const block = blockName(pool, (pool.firstBlock ?? 0) + b);
    const blockLabels = { ...poolLabels, [LABELS.block]: block };
    const settings = blockSettings(cluster, m, pool, b);
    const template = machineTemplate(block, m.namespace, labels({ [LABELS.block]: block }), settings.image, {
      [LABELS.pool]: pool.name,
      [LABELS.block]: block,
    });
    const replicas = blockNodes(pool, b);
    objects.push(
      template,
      build<MachineDeployment>({
        apiVersion: CAPI.core,
        kind: 'MachineDeployment',
        metadata: meta(block, { [LABELS.block]: block }),
        spec: {
          clusterName: cluster.name,
          replicas,
          selector: { matchLabels: { ...blockLabels } },
          // Bare metal has no spare hosts to surge onto: take at most maxUnavailable down at a time (the
          // whole block by default, so a wave drains and reimages its blocks in one step).
          rollout: {
            strategy: {
              type: 'RollingUpdate',
              rollingUpdate: { maxSurge: 0, maxUnavailable: Math.min(pool.maxUnavailable, replicas) },
            },
          },
          remediation: { maxInFlight: cap },
          template: {
            // Cluster API copies the node-restriction labels of a Machine onto its Node (cluster-api v1.14.0
            // util/labels/helpers.go GetManagedLabels): the pool and block tenant placement relies on come
            // from here, never from the node itself.
            metadata: {
              labels: { ...blockLabels, [LABELS.placementPool]: pool.name, [LABELS.placementBlock]: block },
            },
            spec: {
              clusterName: cluster.name,
              version: settings.kubernetesVersion,
              bootstrap: {
                configRef: {
                  apiGroup: group(CAPI.bootstrap),
                  kind: 'KubeadmConfigTemplate',
                  name: bootstrap.metadata.name,
                },
              },
              infrastructureRef: {
                apiGroup: group(CAPI.metal3),
                kind: 'Metal3MachineTemplate',
                name: template.metadata.name,
              },
            },
          },
        },
      }),
      // One health check per block: past one rack of unhealthy machines this block stops remediating
      // (a shared fault), and no other block does.
      build<MachineHealthCheck>({
        apiVersion: CAPI.core,
        kind: 'MachineHealthCheck',
        metadata: meta(block, { [LABELS.block]: block }),
        spec: {
          clusterName: cluster.name,
          selector: { matchLabels: { ...blockLabels } },
          checks: {
            nodeStartupTimeoutSeconds: 1800,
            unhealthyNodeConditions: UNHEALTHY_NODE_CONDITIONS.map((c) => ({ ...c })),
          },
          remediation: {
            triggerIf: { unhealthyLessThanOrEqualTo: Math.min(cap, replicas) },
            templateRef: { apiVersion: CAPI.metal3, kind: 'Metal3RemediationTemplate', name: pool.name },
          },
        },
      }),
    );
  }
  return objects;
}

/** A content-named Metal3MachineTemplate writing `image` to a host carrying `hostLabels`. */
function machineTemplate(
  base: string,
  namespace: string,
  labels: Record<string, string>,
  image: Metal3Image,
  hostLabels: Record<string, string>,
): KubeObject {
  const spec: Metal3MachineTemplate['spec'] = {
    template: {
      spec: {
        hostSelector: { matchLabels: hostLabels },
        image: { ...image },
        // Wipe disk metadata between consumers: a host never hands one tenant's data to the next.
        automatedCleaningMode: 'metadata',
      },
    },
  };
  return build<Metal3MachineTemplate>({
    apiVersion: CAPI.metal3,
    kind: 'Metal3MachineTemplate',
    metadata: { name: contentName(base, spec), namespace, labels, annotations: { ...PRUNE_LAST } },
    spec,
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
function clusterNetwork(cluster: Cluster): NonNullable<CapiCluster['spec']>['clusterNetwork'] {
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
