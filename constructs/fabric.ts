/**
 * The compute fabric's Kubernetes side, from a fabric plan (fabric/plan.ts):
 * - `ComputeFabric` (platform stack): the NicClusterPolicy (DOCA driver, Multus, CNI plugins, nv-ipam,
 *   and ib-kubernetes on InfiniBand), one nv-ipam IPPool per rail, one SR-IOV SriovNetworkNodePolicy per
 *   pool and rail (RDMA virtual functions), the Kueue Topology, and an admission policy that keeps every
 *   pod on its own namespace's networks;
 * - `TenantFabric` (each tenant's stack): the tenant's per-rail attachments, on its own partition
 *   (Ethernet VLAN through a SriovNetwork, InfiniBand PKey through an ib-sriov NetworkAttachmentDefinition),
 *   usable from the tenant's namespaces only.
 */
import { Construct } from 'constructs';
import { waveNodes } from '../day2/waves';
import { networkPolicy } from '../admission/policies';
import { FabricPlan, railNetwork, railResource } from '../fabric/plan';
import type { NodePool } from '../model/cluster';
import { build, KubeObject, LABELS, standardLabels } from '../model/kube';
import type { Topology } from '../model/crds/kueue';
import type { NetworkAttachmentDefinition } from '../model/crds/multus';
import type { NicClusterPolicy } from '../model/crds/network-operator';
import type { NicConfigurationTemplate, NicInterfaceNameTemplate } from '../model/crds/nic-configuration-operator';
import type { IPPool } from '../model/crds/nv-ipam';
import type {
  SriovNetwork,
  SriovNetworkNodePolicy,
  SriovNetworkPoolConfig,
} from '../model/crds/sriov-network-operator';
import { nodeAgentTolerations } from '../operators/charts';
import { DEFAULTS } from '../spec/defaults';
import { EmitOptions, ObjectSink, sinkOf } from './object-sink';

/** Namespace of the NVIDIA Network Operator, its SR-IOV operator and nv-ipam. */
export const NETWORK_OPERATOR_NAMESPACE = 'nvidia-network-operator';

/** The Network Operator reconciles only the NicClusterPolicy of this name. */
export const NIC_CLUSTER_POLICY_NAME = 'nic-cluster-policy';

/** Name of the Kueue Topology the HGX pools' ResourceFlavors refer to. */
export const TOPOLOGY_NAME = 'block-rack-host';

/** Name of the Kueue Topology of rack-scale NVLink pools (NVL72), with the NVLink clique as a level. */
export const NVLINK_TOPOLOGY_NAME = 'block-rack-clique-host';

/**
 * Node label GPU Feature Discovery sets on multi-node NVLink systems: `<cluster UUID>.<clique ID>`, the
 * NVLink partition the tray's GPUs belong to (smaller than a rack when the NVLink switches are
 * partitioned, absent until the fabric manager has joined the tray).
 */
export const NVLINK_CLIQUE_LABEL = 'nvidia.com/gpu.clique';

/** The Topology a pool's ResourceFlavor names: NVL72 pools get the NVLink clique level. */
export function topologyNameOf(pool: Pick<NodePool, 'sku'>): string {
  return pool.sku.rackScale ? NVLINK_TOPOLOGY_NAME : TOPOLOGY_NAME;
}

/** Netdev name template of the rail NICs (NIC Configuration Operator placeholders, rail index from 0). */
export const RAIL_NETDEV_TEMPLATE = 'rail%rail_id%';

/** Prefix the SR-IOV operator gives its extended resources. */
export const RESOURCE_PREFIX = 'nvidia.com';

/** Images of Network Operator v26.4.1 (its release notes' image list). */
const IMAGES = {
  repository: 'nvcr.io/nvidia/mellanox',
  version: 'network-operator-v26.4.1',
  docaDriverVersion: 'doca3.4.1-26.04-1.1.0.0-1',
} as const;

/** Name of a tenant namespace's attachment to rail `rail`, as pods name it in `k8s.v1.cni.cncf.io/networks`. */
export function attachmentName(namespace: string, rail: number): string {
  return `${namespace}-${railNetwork(rail)}`;
}

/** Props of the cluster-wide fabric objects. */
export interface ComputeFabricProps {
  readonly plan: FabricPlan;
  /** The cluster's pools (their names select the fabric's nodes). */
  readonly pools: readonly NodePool[];
  /**
   * Where the nv-ipam IPPools go: their CRD appears only once the Network Operator has reconciled the
   * NicClusterPolicy, so they belong to a stack planned after this one (the cluster's fabric stack).
   * @default - the enclosing stack
   */
  readonly ipPoolSink?: ObjectSink;
  /**
   * Minutes to evict a node's pods (spec: `operations.drainMinutes`), the drain timeout of a NIC driver upgrade.
   * @default - the spec's default, `DEFAULTS.operations.drainMinutes` (spec/defaults.ts)
   */
  readonly drainMinutes?: number;
}

/** The cluster-wide fabric objects. Create it inside the platform stack. */
export class ComputeFabric extends Construct {
  public constructor(scope: Construct, id: string, props: ComputeFabricProps) {
    super(scope, id);
    const { plan } = props;
    const sink = sinkOf(this);
    const add = (o: KubeObject, options?: EmitOptions) => sink.addObject(o, options);
    const labels = standardLabels();
    const poolNames = props.pools.map((p) => p.name);
    // Network agents run on every fabric node, tolerating what the other node agents tolerate.
    const tolerations = nodeAgentTolerations({ pools: props.pools });
    const image = (name: string) => ({ image: name, repository: IMAGES.repository, version: IMAGES.version });
    const namingPools = nicTemplatePools(plan, props.pools);

    add(
      build<NicClusterPolicy>({
        apiVersion: 'mellanox.com/v1alpha1',
        kind: 'NicClusterPolicy',
        metadata: { name: NIC_CLUSTER_POLICY_NAME, labels },
        spec: {
          // The GPU Operator's GPUDirect RDMA uses this driver (useHostMofed: false).
          ofedDriver: {
            image: 'doca-driver',
            repository: IMAGES.repository,
            version: IMAGES.docaDriverVersion,
            upgradePolicy: nicDriverUpgradePolicy(props.pools, props.drainMinutes ?? DEFAULTS.operations.drainMinutes),
          },
          secondaryNetwork: { cniPlugins: image('plugins'), multus: image('multus-cni') },
          nvIpam: { ...image('nvidia-k8s-ipam'), enableWebhook: false },
          // Renames the rail NICs and sets their firmware (VF count, RoCE) from the templates below.
          nicConfigurationOperator: namingPools.length
            ? {
                operator: image('nic-configuration-operator'),
                configurationDaemon: image('nic-configuration-operator-daemon'),
              }
            : undefined,
          ibKubernetes:
            plan.kind === 'infiniband'
              ? {
                  ...image('ib-kubernetes'),
                  // Locally administered GUIDs for the pods' virtual functions.
                  pKeyGUIDPoolRangeStart: '02:00:00:00:00:00:00:00',
                  pKeyGUIDPoolRangeEnd: '02:FF:FF:FF:FF:FF:FF:FF',
                  // Created by the site with the UFM address and credentials; never in the output.
                  ufmSecret: 'ufm-secret',
                  periodicUpdateSeconds: 5,
                }
              : undefined,
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: LABELS.pool, operator: 'In', values: poolNames }] }],
            },
          },
          tolerations,
        },
      }),
    );

    const ipPools = props.ipPoolSink ?? sink;
    for (const range of plan.rails) {
      const onRail = props.pools.filter((p) => p.sku.rdmaNicsPerNode > range.rail).map((p) => p.name);
      ipPools.addObject(
        build<IPPool>({
          apiVersion: 'nv-ipam.nvidia.com/v1alpha1',
          kind: 'IPPool',
          metadata: { name: railNetwork(range.rail), namespace: NETWORK_OPERATOR_NAMESPACE, labels },
          spec: {
            subnet: range.cidr,
            perNodeBlockSize: range.perNodeBlockSize,
            nodeSelector: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: LABELS.pool, operator: 'In', values: onRail }] }],
            },
          },
        }),
      );
    }

    // One drain pool per GPU pool, bounded to blocksAtOnce blocks' worth of nodes. Without it every node
    // falls into the SR-IOV operator's default pool, drained one at a time cluster-wide (sriov-network-operator
    // v1.6.0 controllers/drain_controller_helper.go findNodePoolConfig, MaxUnavailable 1), and a Mellanox
    // VF or firmware change reboots the node (pkg/plugins/mellanox/mellanox_plugin.go needReboot). The limit
    // holds per SriovNetworkPoolConfig, so one per block would multiply it by the block count; a config
    // without maxUnavailable drains all its nodes at once (api/v1/helper.go MaxUnavailable: nil is -1).
    for (const pool of props.pools.filter((p) => plan.pools.some((r) => r.pool === p.name && r.rails > 0))) {
      add(
        build<SriovNetworkPoolConfig>({
          apiVersion: 'sriovnetwork.openshift.io/v1',
          kind: 'SriovNetworkPoolConfig',
          metadata: {
            name: pool.name,
            namespace: NETWORK_OPERATOR_NAMESPACE,
            labels: standardLabels({ [LABELS.pool]: pool.name }),
          },
          spec: {
            nodeSelector: { matchLabels: { [LABELS.pool]: pool.name } },
            maxUnavailable: waveNodes(pool),
          },
        }),
      );
    }

    for (const pool of plan.pools) {
      for (let rail = 0; rail < pool.rails; rail++) {
        add(
          build<SriovNetworkNodePolicy>({
            apiVersion: 'sriovnetwork.openshift.io/v1',
            kind: 'SriovNetworkNodePolicy',
            metadata: {
              name: `${pool.pool}-${railNetwork(rail)}`,
              namespace: NETWORK_OPERATOR_NAMESPACE,
              labels: standardLabels({ [LABELS.pool]: pool.pool }),
            },
            spec: {
              resourceName: railResource(rail),
              nodeSelector: { [LABELS.pool]: pool.pool },
              nicSelector: { vendor: '15b3', pfNames: [plan.railInterfaces[rail]] },
              numVfs: pool.podsPerNode,
              linkType: plan.kind === 'infiniband' ? 'ib' : 'eth',
              deviceType: 'netdevice',
              isRdma: true,
            },
          }),
          // Nodes join their drain pool before a policy can make them drain.
          { dependsOn: [`SriovNetworkPoolConfig/${NETWORK_OPERATOR_NAMESPACE}/${pool.pool}`] },
        );
      }
    }

    for (const pool of namingPools) nicTemplates(plan, pool).forEach((o) => add(o));

    // Broadest first, with the label keys the pools' nodes carry. Block and rack come from the management side
    // only (LABELS.placementBlock/Rack): a kubelet cannot move its node into another block or rack and so draw
    // topology-placed pods to itself.
    const blockAndRack = [{ nodeLabel: LABELS.placementBlock }, { nodeLabel: LABELS.placementRack }];
    const topology = (name: string, levels: { nodeLabel: string }[]) =>
      build<Topology>({
        apiVersion: 'kueue.x-k8s.io/v1beta2',
        kind: 'Topology',
        metadata: { name, labels },
        spec: { levels },
      });
    if (props.pools.some((p) => !p.sku.rackScale)) {
      add(topology(TOPOLOGY_NAME, [...blockAndRack, { nodeLabel: 'kubernetes.io/hostname' }]));
    }
    if (props.pools.some((p) => p.sku.rackScale)) {
      // The NVLink clique sits inside its rack: a job asking for it gets one multi-node NVLink domain.
      add(
        topology(NVLINK_TOPOLOGY_NAME, [
          ...blockAndRack,
          { nodeLabel: NVLINK_CLIQUE_LABEL },
          { nodeLabel: 'kubernetes.io/hostname' },
        ]),
      );
    }

    this.addAttachmentPolicy(add);
  }

  /**
   * Multus lets a pod name a network of another namespace, replace its cluster network, or take a raw
   * rail VF without the network that tags it: tenant pods may do none of these (admission/policies.ts).
   */
  private addAttachmentPolicy(add: (o: KubeObject) => void): void {
    // railResource(k) is `rail<k>` and railNetwork(k) `rail-<k>`: the policy needs what comes before <k>.
    const railResourcePrefix = `${RESOURCE_PREFIX}/${railResource(0).slice(0, -1)}`;
    networkPolicy({ railResourcePrefix, railNetworkInfix: `-${railNetwork(0).slice(0, -1)}` }).forEach(add);
  }
}

/** Props of a tenant's fabric attachments. */
export interface TenantFabricProps {
  readonly plan: FabricPlan;
  readonly tenant: string;
  /**
   * The tenant's GPU quota per pool: its rails are those of the pools it holds quota on.
   * @default - every rail of the fabric
   */
  readonly gpuQuota?: Readonly<Record<string, number>>;
  /**
   * Pools the tenant may borrow on without quota of its own: their rails too, for the jobs that borrow there.
   * @default - none
   */
  readonly borrows?: readonly string[];
}

/** Rails of the pools a tenant holds quota on or borrows on (every rail when the quota is not given). */
export function tenantRails(
  plan: FabricPlan,
  gpuQuota?: Readonly<Record<string, number>>,
  borrows: readonly string[] = [],
): number {
  if (!gpuQuota) return plan.rails.length;
  const runsOn = (pool: string) => (gpuQuota[pool] ?? 0) > 0 || borrows.includes(pool);
  return Math.max(0, ...plan.pools.filter((p) => runsOn(p.pool)).map((p) => p.rails));
}

/** Fabric pools whose rail NICs the NIC Configuration Operator names: those on a fabric without declared names. */
function nicTemplatePools(plan: FabricPlan, pools: readonly NodePool[]): NodePool[] {
  if (plan.railInterfacesDeclared) return [];
  return pools.filter((p) => p.railPciAddresses?.length && plan.pools.some((r) => r.pool === p.name && r.rails > 0));
}

/**
 * The NIC Configuration Operator's templates for one pool (nic-configuration-operator at
 * network-operator-v26.4.1):
 * - NicInterfaceNameTemplate: udev rules naming the NIC at `railPciAddresses[k]` `rail<k>`
 *   (pkg/udev/manager.go substitutes %rail_id%, the 0-based index in railPciAddresses; one NIC and
 *   one PF per rail), which is what the SriovNetworkNodePolicies' pfNames select;
 * - NicConfigurationTemplate: firmware settings the SR-IOV policies rely on: the VF count (set in
 *   firmware, so creating VFs needs no further reboot), the link type and, on Spectrum-X, RoCE
 *   lossless settings (DSCP trust, PFC on priority 3) and GPUDirect tuning. spectrumXOptimized is not
 *   used: the CRD allows it only with numVfs == 1, and tenant isolation needs one VF per pod.
 */
function nicTemplates(plan: FabricPlan, pool: NodePool): KubeObject[] {
  const rails = plan.pools.find((p) => p.pool === pool.name)!;
  const addresses = pool.railPciAddresses!.slice(0, rails.rails);
  const metadata = (suffix: string) => ({
    name: `${pool.name}-${suffix}`,
    namespace: NETWORK_OPERATOR_NAMESPACE,
    labels: standardLabels({ [LABELS.pool]: pool.name }),
  });
  const ethernet = plan.kind !== 'infiniband';
  return [
    build<NicInterfaceNameTemplate>({
      apiVersion: 'configuration.net.nvidia.com/v1alpha1',
      kind: 'NicInterfaceNameTemplate',
      metadata: metadata('rail-names'),
      spec: {
        nodeSelector: { [LABELS.pool]: pool.name },
        pfsPerNic: 1,
        netDevicePrefix: RAIL_NETDEV_TEMPLATE,
        rdmaDevicePrefix: `mlx5_${RAIL_NETDEV_TEMPLATE}`,
        railPciAddresses: addresses.map((a) => [a]),
      },
    }),
    build<NicConfigurationTemplate>({
      apiVersion: 'configuration.net.nvidia.com/v1alpha1',
      kind: 'NicConfigurationTemplate',
      metadata: metadata('rail-config'),
      spec: {
        nodeSelector: { [LABELS.pool]: pool.name },
        // ConnectX-7 (1021) on InfiniBand; BlueField-3 SuperNIC (a2dc) on Spectrum-X.
        nicSelector: { nicType: ethernet ? 'a2dc' : '1021', pciAddresses: addresses },
        template: {
          numVfs: rails.podsPerNode,
          linkType: ethernet ? 'Ethernet' : 'Infiniband',
          pciPerformanceOptimized: { enabled: true },
          gpuDirectOptimized: { enabled: true, env: 'Baremetal' },
          roceOptimized: ethernet ? { enabled: true, qos: { trust: 'dscp', pfc: '0,0,0,1,0,0,0,0' } } : undefined,
        },
      },
    }),
  ];
}

/** A tenant's attachments to every rail, on its own partition, in its own namespaces. Create it in the tenant's stack. */
export class TenantFabric extends Construct {
  /** The tenant's partition: PKey or VLAN. */
  public readonly partition: number;

  public constructor(scope: Construct, id: string, props: TenantFabricProps) {
    super(scope, id);
    const { plan } = props;
    const own = plan.partitions.find((p) => p.tenant === props.tenant);
    if (!own) throw new Error(`tenant "${props.tenant}" has no fabric partition in the plan`);
    this.partition = own.id;
    const sink = sinkOf(this);
    const labels = standardLabels({ [LABELS.tenant]: props.tenant });
    const ipam = (rail: number) => ({ type: 'nv-ipam', poolName: railNetwork(rail) });

    // Only the rails the tenant's pools have: a GB200 tray has 4, so a GB200 tenant gets rail-0..3.
    const rails = tenantRails(plan, props.gpuQuota, props.borrows);
    for (const namespace of own.namespaces) {
      for (let rail = 0; rail < rails; rail++) {
        const name = attachmentName(namespace, rail);
        if (plan.kind === 'infiniband') {
          // SriovIBNetwork has no PKey field: the ib-sriov CNI config carries it.
          const config = {
            cniVersion: '0.3.1',
            name,
            type: 'ib-sriov',
            pkey: own.display,
            link_state: 'enable',
            rdmaIsolation: true,
            ibKubernetesEnabled: true,
            ipam: ipam(rail),
          };
          sink.addObject(
            build<NetworkAttachmentDefinition>({
              apiVersion: 'k8s.cni.cncf.io/v1',
              kind: 'NetworkAttachmentDefinition',
              metadata: {
                name,
                namespace,
                labels,
                annotations: { 'k8s.v1.cni.cncf.io/resourceName': `${RESOURCE_PREFIX}/${railResource(rail)}` },
              },
              spec: { config: JSON.stringify(config) },
            }),
          );
        } else {
          // The SR-IOV operator renders this into a NetworkAttachmentDefinition in `networkNamespace` only.
          sink.addObject(
            build<SriovNetwork>({
              apiVersion: 'sriovnetwork.openshift.io/v1',
              kind: 'SriovNetwork',
              metadata: { name, namespace: NETWORK_OPERATOR_NAMESPACE, labels },
              spec: {
                resourceName: railResource(rail),
                networkNamespace: namespace,
                vlan: own.id,
                spoofChk: 'on',
                trust: 'off',
                linkState: 'enable',
                ipam: JSON.stringify(ipam(rail)),
              },
            }),
          );
        }
      }
    }
  }
}

/**
 * The DOCA driver DaemonSet updates only on delete (network-operator v26.4.1
 * manifests/state-ofed-driver/0050_ofed-driver-ds.yaml), so without automatic upgrades a new driver
 * reaches a node only when it is reimaged and the fleet runs mixed versions for months. The policy is
 * one per cluster (the NicClusterPolicy), so it takes the smallest pool's bound: no pool ever has more
 * than `blocksAtOnce` blocks' worth of nodes reloading their NIC driver (0 would mean all at once).
 */
function nicDriverUpgradePolicy(pools: readonly NodePool[], drainMinutes: number) {
  const timeoutSeconds = Math.round(drainMinutes * 60);
  return {
    autoUpgrade: true,
    maxParallelUpgrades: Math.max(1, Math.min(...pools.map((p) => waveNodes(p)))),
    drain: { enable: true, force: false, deleteEmptyDir: true, timeoutSeconds },
  };
}
