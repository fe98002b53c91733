/**
 * The object size budget: every emitted object, with the status its controller will write and the
 * server-side-apply bookkeeping, must stay under 1 MiB. etcd refuses requests over 1.5 MiB by default
 * (etcd.io docs, "System limits"), and every write of a big object is sent to each of its watchers: an
 * object whose status lists every node is rewritten on every node join and re-sent to every node
 * agent watching it. Status is estimated from the cluster's node counts. Pure: no cdktf, no I/O.
 */
import type { Cluster } from '../model/cluster';
import { blockName } from '../model/cluster';
import { KubeObject, LABELS, objectKey } from '../model/kube';
import { formatNumber as n, isRecord } from '../model/values';
import { blockNodes } from '../provisioning/cluster-api';

/** Largest estimated object size a synth accepts. */
export const OBJECT_BUDGET_BYTES = 1024 * 1024;

/** Bytes a node name takes in a status list: Metal3 names Nodes after their BareMetalHosts, at most this long here. */
export const NODE_NAME_BYTES = 32;
/** A Machine's name: its MachineDeployment's, a MachineSet hash and a random suffix. */
const MACHINE_NAME_BYTES = 56;
/** Conditions, observed generation and counters most controllers write. */
const BASE_STATUS_BYTES = 4 * 1024;
/**
 * One nv-ipam allocation: nvidia-k8s-ipam network-operator-v26.4.1 pkg/ipam-controller writes one
 * status.allocations entry per selected node, {"nodeName","startIP","endIP"} (IPPool) or
 * {"nodeName","prefix","gateway"} (CIDRPool): a node name and two addresses with their keys.
 */
export const IP_ALLOCATION_BYTES = NODE_NAME_BYTES + 64;

/** Estimated bytes of a rail pool's status when it allocates to `nodes` nodes. */
export function railPoolStatusBytes(nodes: number): number {
  return BASE_STATUS_BYTES + nodes * IP_ALLOCATION_BYTES;
}

/** An object's estimated size. */
export interface SizeEstimate {
  /** `kind/namespace/name`. */
  readonly object: string;
  /** The object as written. */
  readonly specBytes: number;
  /** `metadata.managedFields` of server-side apply: about one field path per written field. */
  readonly managedFieldsBytes: number;
  /** Status its controller writes, estimated from node counts. */
  readonly statusBytes: number;
  readonly totalBytes: number;
  /** What the status holds, for the message: `32,548 allocations x 96 B in status.allocations`. */
  readonly status: string;
  /** How to bring it under the budget. */
  readonly fix: string;
}

/** Nodes of `cluster` that carry label `key=value` (pool or block). */
function nodesWith(cluster: Pick<Cluster, 'pools'>, key: string, value: string): number {
  let total = 0;
  for (const pool of cluster.pools) {
    if (key === LABELS.pool && pool.name === value) total += pool.nodes;
    if (key === LABELS.block) {
      for (let b = 0; b < pool.blocks; b++) if (blockName(pool, b) === value) total += blockNodes(pool, b);
    }
  }
  return total;
}

/** Nodes a Kubernetes NodeSelector (`nodeSelectorTerms`) or LabelSelector (`matchLabels`) picks, by pool and block labels. */
function selectedNodes(cluster: Pick<Cluster, 'pools'>, selector: unknown): number | undefined {
  if (!isRecord(selector)) return undefined;
  if (isRecord(selector.matchLabels)) {
    const labels = selector.matchLabels as Record<string, string>;
    if (labels[LABELS.block] !== undefined) return nodesWith(cluster, LABELS.block, labels[LABELS.block]);
    if (labels[LABELS.pool] !== undefined) return nodesWith(cluster, LABELS.pool, labels[LABELS.pool]);
    return undefined;
  }
  if (Array.isArray(selector.nodeSelectorTerms)) {
    let total = 0;
    for (const term of selector.nodeSelectorTerms as { matchExpressions?: { key?: string; values?: string[] }[] }[]) {
      for (const e of term.matchExpressions ?? []) {
        if (e.key === LABELS.pool || e.key === LABELS.block) {
          for (const v of e.values ?? []) total += nodesWith(cluster, e.key, v);
        }
      }
    }
    return total;
  }
  return undefined;
}

const specOf = (o: KubeObject): Record<string, unknown> => (isRecord(o.spec) ? o.spec : {});

/** The estimated size of `object` in `cluster`. */
export function estimateObjectSize(object: KubeObject, cluster: Pick<Cluster, 'pools'>): SizeEstimate {
  const specBytes = Buffer.byteLength(JSON.stringify(object));
  const managedFieldsBytes = specBytes;
  let statusBytes = BASE_STATUS_BYTES;
  let status = 'conditions';
  let fix = 'split the object';
  switch (object.kind) {
    case 'IPPool':
    case 'CIDRPool': {
      // Sized for the workload cluster the object is in: a cell's rail pools select only the cell's nodes.
      const nodes =
        selectedNodes(cluster, specOf(object).nodeSelector) ?? cluster.pools.reduce((s, p) => s + p.nodes, 0);
      statusBytes += nodes * IP_ALLOCATION_BYTES;
      status = `${n(nodes)} allocations x ${IP_ALLOCATION_BYTES} B in status.allocations`;
      // A pool per block would stay small, but a tenant's attachment names its pool, and nv-ipam
      // allocates from every pool it names (pkg/ipam-node/handlers/allocate.go: "configuration for pool
      // ... not found" on a node outside one); only a smaller cell makes the per-rail pool smaller.
      const maxNodes = Math.floor((OBJECT_BUDGET_BYTES - specBytes * 2 - BASE_STATUS_BYTES) / IP_ALLOCATION_BYTES);
      fix = `lower spec.cells.maxNodesPerCell to at most ${n(maxNodes)}: each cell has its own rail pools (every nv-ipam node agent watches this object)`;
      break;
    }
    case 'MachineHealthCheck': {
      // cluster-api v1.14.0 core/reconcilers/machinehealthcheck: status.targets names every Machine selected.
      const machines = selectedNodes(cluster, specOf(object).selector) ?? 0;
      statusBytes += machines * (MACHINE_NAME_BYTES + 3);
      status = `${n(machines)} Machine names in status.targets`;
      fix = 'select one block per MachineHealthCheck (lower racksPerBlock for smaller blocks)';
      break;
    }
    default:
      break;
  }
  return {
    object: objectKey(object),
    specBytes,
    managedFieldsBytes,
    statusBytes,
    totalBytes: specBytes + managedFieldsBytes + statusBytes,
    status,
    fix,
  };
}

/** `2.4 MiB`, `512 KiB`, `900 B`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

/** Why an estimate is over budget, with the figure and the fix; undefined when under. */
export function overBudget(estimate: SizeEstimate): string | undefined {
  if (estimate.totalBytes < OBJECT_BUDGET_BYTES) return undefined;
  return (
    `estimated ${formatBytes(estimate.totalBytes)} with the status its controller writes (${estimate.status}), ` +
    `over the ${formatBytes(OBJECT_BUDGET_BYTES)} object budget (etcd refuses requests over 1.5 MiB); fix: ${estimate.fix}`
  );
}

/** `summary.objectSizes`: the largest objects by estimated size. */
export interface ObjectSizeSummary {
  /** The budget, bytes. */
  readonly budgetBytes: number;
  /** The five largest objects, by estimated size, largest first. */
  readonly largest: readonly SizedObject[];
}

/** One object and its estimated size. */
export interface SizedObject {
  /** `kind/namespace/name`. */
  readonly object: string;
  /** Estimated bytes with status and managed fields. */
  readonly bytes: number;
  /** What its status holds. */
  readonly status: string;
}

/** Objects of one workload cluster (a cell, or the whole cluster), sized against that cluster's nodes. */
export interface WorkloadObjects {
  /** The workload cluster, whose pools' nodes the objects' selectors pick from. */
  readonly cluster: Pick<Cluster, 'pools'>;
  /** Objects of the cluster's stacks. */
  readonly objects: readonly KubeObject[];
}

/** The object size section of a synth whose workload clusters hold `workloads`. */
export function objectSizeSummary(workloads: readonly WorkloadObjects[]): ObjectSizeSummary {
  const estimates = workloads.flatMap(({ cluster, objects }) => objects.map((o) => estimateObjectSize(o, cluster)));
  const byBytes = estimates.sort((a, b) => b.totalBytes - a.totalBytes || (a.object < b.object ? -1 : 1));
  return {
    budgetBytes: OBJECT_BUDGET_BYTES,
    largest: byBytes.slice(0, 5).map((e) => ({ object: e.object, bytes: e.totalBytes, status: e.status })),
  };
}

/** Terminal line: the largest object (synth refuses any over the budget). */
export function formatObjectSizeLines(s: ObjectSizeSummary | undefined): string[] {
  if (!s || s.largest.length === 0) return [];
  const [top] = s.largest;
  return [
    `  objects: largest ${top.object}, about ${formatBytes(top.bytes)} with status (budget ${formatBytes(s.budgetBytes)})`,
  ];
}
