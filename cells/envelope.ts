/**
 * The scale envelope of one workload cluster (a cell, or the whole cluster when it is not split):
 * figures that grow with its nodes, checked against upstream thresholds. Pure: no cdktf, no I/O.
 *
 * Sources (see ../shared/reference/scale-envelope.md):
 * - kubernetes/community sig-scalability/configs-and-limits/thresholds.md: 5,000 nodes, 150,000 pods,
 *   110 pods per node, 10,000 namespaces, 10,000 Services (soft: the SLOs hold inside them);
 * - kubernetes/website concepts/architecture/nodes.md: a kubelet renews its Lease every 10 s;
 * - etcd docs ("limit"): requests up to 1.5 MiB by default (--max-request-bytes);
 *   kube-apiserver refuses request bodies over 3 MiB (MaxRequestBodyBytes);
 * - kube-controller-manager --node-cidr-mask-size: a /24 per node by default for IPv4;
 * - nvidia-k8s-ipam IPPool: `status.allocations` keeps one {nodeName, startIP, endIP} per node.
 */
import { IP_ALLOCATION_BYTES, railPoolStatusBytes } from '../day2/object-size';
import { blockSize, parseCidr } from '../fabric/address-plan';
import { Cluster } from '../model/cluster';
import { formatNumber as fmt } from '../model/values';
import { OPERATOR_NAMESPACES } from '../operators/charts';
import { UPSTREAM_MAX_NODES } from './plan';

/** Upstream thresholds (sig-scalability thresholds.md). */
export const THRESHOLDS = {
  nodes: UPSTREAM_MAX_NODES,
  pods: 150_000,
  podsPerNode: 110,
  namespaces: 10_000,
  services: 10_000,
} as const;

/** Seconds between a kubelet's Lease renewals. */
export const LEASE_RENEW_SECONDS = 10;
/** etcd's default largest request. */
export const ETCD_DEFAULT_MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;
/** kube-apiserver's largest request body. */
export const APISERVER_MAX_REQUEST_BYTES = 3 * 1024 * 1024;
/** kube-controller-manager's default per-node pod range (IPv4). */
export const NODE_CIDR_MASK_SIZE = 24;
/** Namespaces every cluster has before any tenant: kube-system, kube-public, kube-node-lease, default. */
const SYSTEM_NAMESPACES = 4;
/** Services of the system and the operators (DNS, API, webhooks and metrics of each operator), an estimate. */
const SYSTEM_SERVICES = 30;

/** A node agent: one pod per node, from the platform or an operator we install. */
export interface NodeAgent {
  readonly name: string;
  /** Who runs it. */
  readonly from: string;
}

/**
 * The DaemonSet pods every GPU node runs: kube-proxy and the pod network, the NFD worker, the GPU
 * Operator's operands (driver, toolkit, device plugin, DCGM, DCGM exporter, GPU feature discovery,
 * validator, MIG manager), the Network Operator's fabric operands (DOCA driver, Multus, CNI plugins,
 * nv-ipam node, SR-IOV config daemon and device plugin) and one CSI node plugin per CSI driver.
 */
export function nodeAgents(cluster: Pick<Cluster, 'fabric' | 'storage'>): NodeAgent[] {
  const agents: NodeAgent[] = [
    { name: 'kube-proxy', from: 'kubeadm' },
    { name: 'pod-network', from: 'CNI' },
    { name: 'nfd-worker', from: 'node-feature-discovery' },
    ...[
      'nvidia-driver',
      'container-toolkit',
      'device-plugin',
      'dcgm',
      'dcgm-exporter',
      'gpu-feature-discovery',
      'operator-validator',
      'mig-manager',
    ].map((name) => ({ name, from: 'gpu-operator' })),
  ];
  if (cluster.fabric) {
    for (const name of [
      'doca-driver',
      'multus',
      'cni-plugins',
      'nv-ipam-node',
      'sriov-config-daemon',
      'sriov-device-plugin',
    ]) {
      agents.push({ name, from: 'network-operator' });
    }
  }
  for (const driver of [...new Set(cluster.storage.filesystems.map((f) => f.csiDriver))]) {
    agents.push({ name: `${driver} node plugin`, from: 'CSI' });
  }
  return agents;
}

/** The largest object of a cluster and its size. */
export interface LargestObject {
  /** `IPPool/rail-0 (status.allocations)`. */
  readonly object: string;
  /** Its size, bytes. */
  readonly bytes: number;
  /** How it was sized. */
  readonly basis: string;
}

/** Figures of one workload cluster. */
export interface EnvelopeFigures {
  /** Nodes (compute trays on NVL72). */
  readonly nodes: number;
  /** Physical GPUs. */
  readonly gpus: number;
  /** DaemonSet pods per node. */
  readonly nodeAgents: number;
  /** Most pods one node runs: its agents and one pod per GPU device. */
  readonly podsPerNode: number;
  /** DaemonSet pods plus the tenants' pod quotas, at most what the nodes can run. */
  readonly pods: number;
  /** System, operator and tenant namespaces. */
  readonly namespaces: number;
  /** The tenants' Service quotas plus the system's. */
  readonly services: number;
  /** Lease renewals per second from the kubelets alone. */
  readonly heartbeatWritesPerSecond: number;
  /** The largest object, with the status controllers write. */
  readonly largestObject: LargestObject;
  /** Largest object the API accepts: etcd's --max-request-bytes, at most the API server's body limit. */
  readonly largestObjectLimitBytes: number;
  /**
   * The pod range and how many nodes' per-node ranges it holds.
   * @default - no pod range declared
   */
  readonly podRange?: {
    /** The range. */
    readonly cidr: string;
    /** Nodes whose /24 it holds. */
    readonly nodeCapacity: number;
  };
}

/** One figure outside the envelope. */
export interface EnvelopeFinding {
  /** `error` for hard limits; `warning` for the soft upstream thresholds. */
  readonly severity: 'error' | 'warning';
  /** Stable code, as in spec errors. */
  readonly code: string;
  /** What, with the figure and the limit. */
  readonly message: string;
  /** How to bring the figure inside the envelope. */
  readonly fix: string;
}

/** What the check needs besides the cluster. */
export interface EnvelopeOptions {
  /** etcd `--max-request-bytes` of the control plane (tuned by cells/control-plane.ts), else etcd's default. */
  readonly etcdMaxRequestBytes?: number;
  /** The fix offered when the cluster is too large: split it into cells, or cut the cells smaller. */
  readonly splitFix: string;
  /**
   * kubeadm runs the control plane (spec.management), so the controller manager hands every node a
   * /24 of the pod range: a short range is an error. Otherwise the CNI's IPAM decides: a warning.
   */
  readonly nodeCidrsAllocated: boolean;
}

/** The figures of `cluster` (one cell's view, or an unsplit cluster). */
export function envelopeFigures(
  cluster: Cluster,
  etcdMaxRequestBytes = ETCD_DEFAULT_MAX_REQUEST_BYTES,
): EnvelopeFigures {
  const nodes = cluster.pools.reduce((s, p) => s + p.nodes, 0);
  const gpus = cluster.pools.reduce((s, p) => s + p.gpus, 0);
  const agents = nodeAgents(cluster).length;
  const devicesPerNode = Math.max(0, ...cluster.pools.map((p) => p.sku.gpusPerNode * p.devicesPerGpu));
  const podsPerNode = agents + devicesPerNode;
  const tenantNamespaces = cluster.tenants.flatMap((t) => t.namespaces.map(() => t));
  // A pod quota left to its default follows the tenant's GPUs (one pod per GPU and headroom): the pools bound it.
  const tenantPods = tenantNamespaces.reduce((s, t) => s + (t.objectQuota.pods ?? Infinity), 0);
  const jobPodsCapacity = cluster.pools.reduce((s, p) => s + p.nodes * p.sku.gpusPerNode * p.devicesPerGpu, 0);
  const podRange = cluster.kubernetes.podCIDR ? parseCidr(cluster.kubernetes.podCIDR) : undefined;
  return {
    nodes,
    gpus,
    nodeAgents: agents,
    podsPerNode,
    pods: nodes * agents + Math.min(tenantPods, jobPodsCapacity),
    namespaces: SYSTEM_NAMESPACES + new Set(Object.values(OPERATOR_NAMESPACES)).size + tenantNamespaces.length,
    services: SYSTEM_SERVICES + tenantNamespaces.reduce((s, t) => s + t.objectQuota.services, 0),
    heartbeatWritesPerSecond: nodes / LEASE_RENEW_SECONDS,
    largestObject: largestObject(cluster),
    largestObjectLimitBytes: Math.min(etcdMaxRequestBytes, APISERVER_MAX_REQUEST_BYTES),
    podRange:
      podRange && cluster.kubernetes.podCIDR
        ? {
            cidr: cluster.kubernetes.podCIDR,
            nodeCapacity:
              podRange.prefix > NODE_CIDR_MASK_SIZE ? 0 : blockSize(podRange.prefix) / blockSize(NODE_CIDR_MASK_SIZE),
          }
        : undefined,
  };
}

/**
 * The largest object controllers write: an nv-ipam IPPool lists every node of its rail in
 * `status.allocations`, so it grows with the cluster (sized as the object budget sizes it,
 * day2/object-size.ts). Without a fabric, a Node object (labels, capacity, images) of about 16 KiB.
 */
export function largestObject(cluster: Pick<Cluster, 'fabric' | 'pools'>): LargestObject {
  if (!cluster.fabric) {
    return { object: 'Node', bytes: 16 * 1024, basis: 'a GPU Node with its labels, capacity and image list' };
  }
  const nodesOnRail0 = cluster.pools.filter((p) => p.sku.rdmaNicsPerNode > 0).reduce((s, p) => s + p.nodes, 0);
  return {
    object: 'IPPool/rail-0 (status.allocations)',
    bytes: railPoolStatusBytes(nodesOnRail0),
    basis: `${fmt(nodesOnRail0)} nodes x ${IP_ALLOCATION_BYTES} bytes per allocation`,
  };
}

/** Checks the figures against the envelope. */
export function envelopeFindings(f: EnvelopeFigures, options: EnvelopeOptions): EnvelopeFinding[] {
  const out: EnvelopeFinding[] = [];
  const add = (severity: EnvelopeFinding['severity'], code: string, message: string, fix: string) =>
    out.push({ severity, code, message, fix });
  if (f.podRange && f.podRange.nodeCapacity < f.nodes) {
    add(
      options.nodeCidrsAllocated ? 'error' : 'warning',
      'pod-range-exhausted',
      `pod range ${f.podRange.cidr} holds ${fmt(f.podRange.nodeCapacity)} per-node /${NODE_CIDR_MASK_SIZE} ranges, but there are ${fmt(f.nodes)} nodes`,
      `give a pod range of /${NODE_CIDR_MASK_SIZE - Math.ceil(Math.log2(Math.max(1, f.nodes)))} or shorter`,
    );
  }
  if (f.largestObject.bytes > f.largestObjectLimitBytes) {
    add(
      'error',
      'object-too-large',
      `${f.largestObject.object} grows to about ${kib(f.largestObject.bytes)} (${f.largestObject.basis}), over the ${kib(f.largestObjectLimitBytes)} the API accepts`,
      options.splitFix,
    );
  }
  if (f.nodes > THRESHOLDS.nodes) {
    add(
      'warning',
      'nodes-above-threshold',
      `${fmt(f.nodes)} nodes, over the ${fmt(THRESHOLDS.nodes)} threshold`,
      options.splitFix,
    );
  }
  if (f.pods > THRESHOLDS.pods) {
    add(
      'warning',
      'pods-above-threshold',
      `about ${fmt(f.pods)} pods (${fmt(f.nodes)} nodes x ${f.nodeAgents} DaemonSet pods, plus the tenants' pods), over the ${fmt(THRESHOLDS.pods)} threshold`,
      options.splitFix,
    );
  }
  if (f.podsPerNode > THRESHOLDS.podsPerNode) {
    add(
      'warning',
      'pods-per-node-above-threshold',
      `${f.podsPerNode} pods per node (${f.nodeAgents} agents and one per GPU device), over the ${THRESHOLDS.podsPerNode} threshold`,
      'use fewer MIG instances per GPU, or raise kubelet maxPods knowingly',
    );
  }
  if (f.namespaces > THRESHOLDS.namespaces) {
    add(
      'warning',
      'namespaces-above-threshold',
      `${fmt(f.namespaces)} namespaces, over the ${fmt(THRESHOLDS.namespaces)} threshold`,
      'spread the tenants over more cells',
    );
  }
  if (f.services > THRESHOLDS.services) {
    add(
      'warning',
      'services-above-threshold',
      `up to ${fmt(f.services)} Services (the tenants' objectQuota.services), over the ${fmt(THRESHOLDS.services)} threshold`,
      'lower objectQuota.services or spread the tenants over more cells',
    );
  }
  return out;
}

function kib(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${fmt(Math.round((bytes / 1024 / 1024) * 100) / 100)} MiB`
    : `${fmt(Math.round(bytes / 1024))} KiB`;
}
