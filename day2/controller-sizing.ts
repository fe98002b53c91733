/**
 * Resources of the cluster-wide controllers whose caches grow with the cluster: each holds every
 * Node (and some every Pod) in memory, so a chart default sized for a small cluster OOM-kills in a
 * loop at Colossus size, and admission or upgrades stop everywhere. Pure: no cdktf, no I/O.
 *
 * Formula (documented in the README, "Operations"): memory = base + perNode x nodes + perPod x pods,
 * where pods = nodes x (DaemonSet pods per node + workload pods per node). The per-object figures are
 * what one cached object costs in a Go informer (a Node carrying NFD and GPU Feature Discovery labels
 * is 10-15 KB of JSON; a Pod 3-6 KB), rounded up; replace them with a scale test's figures when there is one.
 */
import type { NodePool } from '../model/cluster';

const MiB = 1024 * 1024;
const KiB = 1024;

/**
 * System pods per node before any job: NFD worker; the GPU Operator's driver, toolkit, device plugin,
 * DCGM, DCGM exporter, feature discovery, validator and MIG manager; the Network Operator's DOCA
 * driver, Multus, CNI plugins, nv-ipam node, SR-IOV config and device plugin; kube-proxy, the CNI,
 * two CSI node plugins and the GPU health agent (the expert review's count: 18 to 21).
 */
export const DAEMON_PODS_PER_NODE = 20;

/** The figures the sizing reads. */
export interface ClusterLoad {
  readonly nodes: number;
  /** Pods every node runs: DaemonSets and one workload pod per GPU (or per RDMA attachment). */
  readonly pods: number;
}

/** Nodes and pods of `pools`: a workload pod per GPU, or per RDMA attachment when there are more. */
export function clusterLoad(pools: readonly Pick<NodePool, 'nodes' | 'sku'>[], rdmaPodsPerNode?: number): ClusterLoad {
  const nodes = pools.reduce((n, p) => n + p.nodes, 0);
  const pods = pools.reduce(
    (n, p) => n + p.nodes * (DAEMON_PODS_PER_NODE + Math.max(p.sku.gpusPerNode, rdmaPodsPerNode ?? 0)),
    0,
  );
  return { nodes, pods };
}

/** One controller's memory model. */
interface CacheModel {
  /** The chart's default memory, which holds the controller itself. */
  readonly baseBytes: number;
  readonly perNodeBytes: number;
  readonly perPodBytes: number;
}

/**
 * - Kueue: topology-aware scheduling tracks every Node and Pod (Kueue docs, TAS "Drawbacks"); the chart
 *   default is 512Mi (kueue v0.19.2 charts/kueue/values.yaml controllerManager.manager.resources).
 * - GPU Operator: caches Nodes, and its upgrade controller builds a state over every driver pod
 *   (gpu-operator v26.7.0 controllers/upgrade_controller.go); chart default limit 350Mi
 *   (deployments/gpu-operator/values.yaml operator.resources).
 * - NFD master: one NodeFeature per node besides the Node; chart default limit 4Gi, request 128Mi
 *   (node-feature-discovery v0.19.0 deployment/helm/node-feature-discovery/values.yaml master.resources).
 */
const MODELS = {
  kueue: { baseBytes: 512 * MiB, perNodeBytes: 24 * KiB, perPodBytes: 6 * KiB },
  gpuOperator: { baseBytes: 350 * MiB, perNodeBytes: 24 * KiB, perPodBytes: (8 / DAEMON_PODS_PER_NODE) * 4 * KiB },
  nfdMaster: { baseBytes: 256 * MiB, perNodeBytes: 48 * KiB, perPodBytes: 0 },
} as const satisfies Record<string, CacheModel>;

export type SizedController = keyof typeof MODELS;

/** Container resources of a controller for `load`: memory request = limit, so the scheduler reserves what it needs. */
export interface ControllerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Memory of `controller` at `load`, in MiB (rounded up to 256 MiB). */
export function controllerMemoryMiB(controller: SizedController, load: ClusterLoad): number {
  const m: CacheModel = MODELS[controller];
  const bytes = m.baseBytes + m.perNodeBytes * load.nodes + m.perPodBytes * load.pods;
  return Math.ceil(bytes / MiB / 256) * 256;
}

/** Resources of `controller` at `load`: memory from the cache model, one core per 10,000 nodes on top of one. */
export function controllerResources(controller: SizedController, load: ClusterLoad): ControllerResources {
  const memory = `${controllerMemoryMiB(controller, load)}Mi`;
  const cores = 1 + Math.ceil(load.nodes / 10_000);
  return { requests: { cpu: String(cores), memory }, limits: { cpu: String(2 * cores), memory } };
}
