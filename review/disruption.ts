/**
 * What a change does to running nodes, in fleet terms: for every change that drains, reboots,
 * reimages or re-addresses nodes, how many nodes per pool, how many at once and in how many
 * waves, and about how long, from the per-node times and bounds in the head summary's
 * `operations` section. Reads two synth outputs only.
 *
 * What triggers what, at the pinned versions:
 * - MachineDeployment: a new template reference or Kubernetes version rolls every machine of the
 *   block (Cluster API v1.14, machine templates are immutable); a changed selector or fewer replicas
 *   deletes machines. MachineDeployments roll concurrently, each `maxUnavailable` machines at a time.
 * - NVIDIADriver: any spec change but `upgradePolicy` changes the driver DaemonSet, which the GPU
 *   Operator rolls `maxParallelUpgrades` nodes at a time (default 1; 0 means all).
 * - SriovNetworkNodePolicy: a changed or new policy reconfigures the pool's NICs; on Mellanox a VF
 *   count or firmware change reboots (sriov-network-operator v1.6.0 mellanox plugin), drained
 *   `maxUnavailable` at a time per SriovNetworkPoolConfig, or one at a time cluster-wide without one.
 * - IPPool / CIDRPool: a changed range re-addresses every node it selects at once (nv-ipam has no
 *   rollout bound); pods must restart to get addresses that route.
 */
import type { OperationsSummary } from '../day2/summary';
import { DISRUPTION_VERBS, Disruption, formatDuration, planWaves } from '../day2/waves';
import { DEFAULT_OPERATIONS, Operations } from '../model/cluster';
import { isKind, KnownKindName } from '../model/kinds';
import { KubeObject, LABELS } from '../model/kube';
import { formatNumber as n, isRecord } from '../model/values';
import { compare, OutputObject, SynthOutput, WorkloadOutput, workloadOutputs } from './read-output';
import { RiskLevel } from './risk';
import { canonical } from './canonical';

/** The row of a change to every fabric node (the NicClusterPolicy is one per cluster). */
export const FABRIC = '(fabric)';

/** One pool's (or one cell's) disruption by one kind of operation. */
export interface DisruptionRow {
  readonly pool: string;
  /**
   * The cell whose nodes are disrupted, in a cluster split into cells.
   * @default - the cluster is not split
   */
  readonly cell?: string;
  readonly kind: Disruption;
  /** Nodes disrupted by the change. */
  readonly nodes: number;
  /** Nodes disrupted at once. */
  readonly nodesAtOnce: number;
  readonly waves: number;
  /** Estimated minutes until every node is back. */
  readonly minutes: number;
  /** Blocks disrupted at once, when the operation goes block by block (Cluster API rollouts). */
  readonly blocksAtOnce?: number;
  /** The pool's declared bound, nodes at once (head summary); undefined when unknown. */
  readonly bound?: number;
  readonly risk: RiskLevel;
  /** The row as a sentence: `h100: 18,752 nodes drained for a GPU driver reload, in 293 waves of 64, about 5 days`. */
  readonly reason: string;
}

/**
 * Every node disruption of the change from `base` to `head`, by pool then kind; in a cluster split
 * into cells, by cell: each cell is a cluster of its own, whose operators roll its nodes on their own
 * (a change to every cell disrupts every cell at once, each at its bound).
 */
export function diffDisruption(base: SynthOutput, head: SynthOutput): DisruptionRow[] {
  const cells = new Map<string, { base?: WorkloadOutput; head?: WorkloadOutput }>();
  for (const [side, output] of [
    ['base', base],
    ['head', head],
  ] as const) {
    for (const w of workloadOutputs(output)) {
      if (w.cell) cells.set(w.cell.name, { ...cells.get(w.cell.name), [side]: w });
    }
  }
  if (cells.size === 0) return clusterDisruption(base, head);
  return [...cells].flatMap(([cell, sides]) => {
    // A cell on one side only: the other side's output holds none of its objects.
    const [b, h] = [sides.base ?? sides.head!, sides.head ?? sides.base!];
    const empty = (w: WorkloadOutput) => ({ ...w.output, objects: [] });
    return clusterDisruption(
      sides.base ? withCellOperations(b) : empty(b),
      sides.head ? withCellOperations(h) : empty(h),
    ).map((r) => ({ ...r, cell, reason: `cell ${cell}, ${r.reason}` }));
  });
}

/** A cell's output with the operations of its pool cut to the cell's nodes and blocks. */
function withCellOperations({ output }: WorkloadOutput): SynthOutput {
  const ops = output.summary.operations as OperationsSummary | undefined;
  if (!ops) return output;
  const pools = Object.fromEntries(
    Object.entries(output.summary.pools).flatMap(([pool, p]) =>
      ops.pools[pool] ? [[pool, { ...ops.pools[pool], nodes: p.nodes, blocks: p.blocks }]] : [],
    ),
  );
  return { ...output, summary: { ...output.summary, operations: { ...ops, pools } } };
}

/** Every node disruption of one cluster (or cell), by pool then kind. */
function clusterDisruption(base: SynthOutput, head: SynthOutput): DisruptionRow[] {
  const ops = head.summary.operations as OperationsSummary | undefined;
  const minutes: Operations = ops?.perNodeMinutes ?? DEFAULT_OPERATIONS;
  const poolNodes = (pool: string) =>
    (head.summary.pools[pool] ?? base.summary.pools[pool])?.nodes ?? ops?.pools[pool]?.nodes ?? 0;
  const rows: DisruptionRow[] = [];
  const row = (pool: string, kind: Disruption, nodes: number, parallel: number, extra: Partial<Row> = {}) => {
    if (nodes <= 0) return;
    const plan = planWaves(kind, nodes, parallel, minutes, extra.steps ?? 1);
    rows.push(judge({ pool, kind, nodes, plan, ops, poolNodes: poolNodes(pool), ...extra }));
  };

  for (const [pool, change] of machineChanges(base, head)) {
    row(pool, 'reimage', change.nodes, change.nodes, { steps: change.steps, blocks: change.blocks });
  }
  for (const [name, replicas] of controlPlaneChanges(base, head)) {
    // KubeadmControlPlane replaces one machine at a time (maxSurge 0 without a spare host).
    row(name, 'reimage', replicas, 1);
  }
  for (const [pool, parallel] of driverChanges(base, head)) row(pool, 'driver', poolNodes(pool), parallel);
  const nic = nicDriverChange(base, head);
  if (nic) {
    const nodes = nic.pools.reduce((sum, p) => sum + poolNodes(p), 0);
    const plan = planWaves('nicDriver', nodes, nic.parallel, minutes);
    if (nodes > 0) rows.push(judge({ pool: FABRIC, kind: 'nicDriver', nodes, plan, ops, poolNodes: nodes }));
  }
  for (const [pool, parallel] of sriovChanges(base, head)) row(pool, 'sriov', poolNodes(pool), parallel);
  for (const [pool, nodes] of addressChanges(base, head, poolNodes)) row(pool, 'readdress', nodes, nodes);
  return rows.sort((a, b) => compare(a.pool, b.pool) || compare(a.kind, b.kind));
}

interface Row {
  readonly steps: number;
  /** Blocks touched at once (MachineDeployments rolling together). */
  readonly blocks: number;
}

function judge(input: {
  pool: string;
  kind: Disruption;
  nodes: number;
  plan: ReturnType<typeof planWaves>;
  ops: OperationsSummary | undefined;
  poolNodes: number;
  blocks?: number;
}): DisruptionRow {
  const { pool, kind, nodes, plan, ops } = input;
  const bound = ops?.pools[pool]?.nodesAtOnce;
  const blockCount = ops?.pools[pool]?.blocks;
  const blocksAtOnceBound = ops?.pools[pool]?.blocksAtOnce;
  const allBlocks =
    input.blocks !== undefined
      ? blockCount !== undefined && blockCount > 1 && input.blocks >= blockCount
      : plan.waves === 1 && nodes >= input.poolNodes && (blockCount ?? 1) > 1;
  const overBound =
    input.blocks !== undefined && blocksAtOnceBound !== undefined
      ? input.blocks > blocksAtOnceBound
      : bound !== undefined && plan.nodesPerWave > bound;
  const poolWide = input.poolNodes > 0 && nodes >= input.poolNodes;
  const why: string[] = [];
  if (allBlocks) why.push('every block at once');
  else if (overBound) why.push(`over the declared bound of ${boundText(ops, pool)}`);
  if (poolWide && !allBlocks) why.push(pool === FABRIC ? 'every fabric node' : 'pool-wide');
  const risk: RiskLevel = why.length ? 'high' : 'medium';
  const atOnce =
    input.blocks !== undefined
      ? `${n(input.blocks)} block${input.blocks === 1 ? '' : 's'} at once (${n(plan.nodesPerWave)} nodes)`
      : `${n(plan.waves)} wave${plan.waves === 1 ? '' : 's'} of ${n(plan.nodesPerWave)}`;
  const rollout =
    kind === 'reimage' && ops?.rollout ? `; rollout wave ${n(ops.rollout.wave)} of ${n(ops.rollout.waves)}` : '';
  const reason =
    `${pool}: ${n(nodes)} nodes ${DISRUPTION_VERBS[kind]}, ${atOnce}, ${formatDuration(plan.minutes)}${rollout}` +
    (why.length ? ` (${why.join(', ')})` : '');
  return {
    pool,
    kind,
    nodes,
    nodesAtOnce: plan.nodesPerWave,
    waves: plan.waves,
    minutes: plan.minutes,
    blocksAtOnce: input.blocks,
    bound,
    risk,
    reason,
  };
}

function boundText(ops: OperationsSummary | undefined, pool: string): string {
  const p = ops?.pools[pool];
  if (!p) return 'the pool';
  return `${n(p.blocksAtOnce)} block${p.blocksAtOnce === 1 ? '' : 's'}, ${n(p.nodesAtOnce)} nodes`;
}

// ---------------------------------------------------------------- what changed

type Spec = Record<string, unknown>;
const specOf = (o: KubeObject): Spec => (isRecord(o.spec) ? o.spec : {});
const poolOf = (o: KubeObject): string | undefined => o.metadata.labels?.[LABELS.pool];

/** `kind` objects by `namespace/name`, Kubernetes objects only. */
function byName(output: SynthOutput, kind: KnownKindName): Map<string, KubeObject> {
  return new Map(
    output.objects
      .filter((o: OutputObject) => o.kubernetes && isKind(o.object, kind))
      .map((o) => [`${o.object.metadata.namespace ?? ''}/${o.object.metadata.name}`, o.object]),
  );
}

/** The `kind` objects both outputs hold, matched by `namespace/name`: [base, head]. */
function keptObjects(base: SynthOutput, head: SynthOutput, kind: KnownKindName): [KubeObject, KubeObject][] {
  const b = byName(base, kind);
  return [...byName(head, kind)].flatMap(([key, now]): [KubeObject, KubeObject][] => {
    const old = b.get(key);
    return old ? [[old, now]] : [];
  });
}

/** Per pool: machines replaced or deleted, blocks touched at once, and steps (of maxUnavailable) per block. */
function machineChanges(
  base: SynthOutput,
  head: SynthOutput,
): Map<string, { nodes: number; blocks: number; steps: number }> {
  const [b, h] = [byName(base, 'MachineDeployment'), byName(head, 'MachineDeployment')];
  const out = new Map<string, { nodes: number; blocks: number; steps: number }>();
  const add = (pool: string | undefined, nodes: number, steps: number) => {
    if (!pool || nodes <= 0) return;
    const was = out.get(pool) ?? { nodes: 0, blocks: 0, steps: 0 };
    out.set(pool, { nodes: was.nodes + nodes, blocks: was.blocks + 1, steps: Math.max(was.steps, steps) });
  };
  for (const [key, old] of b) {
    const now = h.get(key);
    const oldSpec = specOf(old);
    const oldReplicas = Number(oldSpec.replicas ?? 0);
    if (!now) {
      add(poolOf(old), oldReplicas, 1);
      continue;
    }
    const spec = specOf(now);
    const replicas = Number(spec.replicas ?? 0);
    const maxUnavailable = Number(
      (spec.rollout as { strategy?: { rollingUpdate?: { maxUnavailable?: unknown } } } | undefined)?.strategy
        ?.rollingUpdate?.maxUnavailable ?? 1,
    );
    const machine = (s: Spec) => {
      const t = (s.template as { spec?: Record<string, unknown> } | undefined)?.spec ?? {};
      return canonical([t.version, t.bootstrap, t.infrastructureRef]);
    };
    if (canonical(oldSpec.selector) !== canonical(spec.selector)) {
      add(poolOf(now), Math.max(oldReplicas, replicas), 1);
    } else if (machine(oldSpec) !== machine(spec)) {
      add(poolOf(now), replicas, Math.ceil(replicas / Math.max(1, Math.min(maxUnavailable, replicas))));
    } else if (replicas < oldReplicas) {
      add(poolOf(now), oldReplicas - replicas, 1);
    }
  }
  return out;
}

/** Control planes whose machine template or version changes: `<name> (control plane)` to its replicas. */
function controlPlaneChanges(base: SynthOutput, head: SynthOutput): Map<string, number> {
  const out = new Map<string, number>();
  for (const [old, now] of keptObjects(base, head, 'KubeadmControlPlane')) {
    const machine = (s: Spec) => canonical([s.version, s.machineTemplate]);
    if (machine(specOf(old)) !== machine(specOf(now))) {
      out.set(`${now.metadata.name} (control plane)`, Number(specOf(now).replicas ?? 1));
    }
  }
  return out;
}

/** Per pool whose NVIDIADriver changes anything but its upgrade policy: the parallelism of the head policy. */
function driverChanges(base: SynthOutput, head: SynthOutput): Map<string, number> {
  const out = new Map<string, number>();
  for (const [old, now] of keptObjects(base, head, 'NVIDIADriver')) {
    const pool = poolOf(now);
    if (!pool) continue;
    const strip = (s: Spec) => canonical({ ...s, upgradePolicy: undefined });
    if (strip(specOf(old)) === strip(specOf(now))) continue;
    const policy = (specOf(now).upgradePolicy ?? {}) as { maxParallelUpgrades?: number; maxUnavailable?: unknown };
    const parallel = policy.maxParallelUpgrades ?? 1; // the GPU Operator's default
    const cap = typeof policy.maxUnavailable === 'number' ? policy.maxUnavailable : undefined;
    out.set(pool, parallel === 0 ? (cap ?? 0) : Math.min(parallel, cap ?? parallel));
  }
  return out;
}

/**
 * A NicClusterPolicy whose DOCA driver changes (anything but its upgrade policy) reloads the NIC driver
 * of every fabric node, `maxParallelUpgrades` at a time (default 1; 0 means all), cluster-wide.
 */
function nicDriverChange(base: SynthOutput, head: SynthOutput): { pools: string[]; parallel: number } | undefined {
  for (const [old, now] of keptObjects(base, head, 'NicClusterPolicy')) {
    const driver = (o: KubeObject) => specOf(o).ofedDriver as Spec | undefined;
    const strip = (d: Spec | undefined) => canonical(d ? { ...d, upgradePolicy: undefined } : undefined);
    if (strip(driver(old)) === strip(driver(now))) continue;
    const policy = (driver(now)?.upgradePolicy ?? {}) as { autoUpgrade?: boolean; maxParallelUpgrades?: number };
    type Affinity = { requiredDuringSchedulingIgnoredDuringExecution?: unknown };
    const pools = selectedPools({
      ...now,
      spec: {
        nodeSelector: (specOf(now).nodeAffinity as Affinity | undefined)
          ?.requiredDuringSchedulingIgnoredDuringExecution,
      },
    });
    // Without automatic upgrades the DaemonSet updates on delete: nothing reloads until nodes are reimaged.
    if (!policy.autoUpgrade) return undefined;
    return { pools: pools.filter((p) => head.summary.pools[p]), parallel: policy.maxParallelUpgrades ?? 1 };
  }
  return undefined;
}

/** Per pool whose SR-IOV policies change (or appear for an existing pool): the drain limit of its pool config. */
function sriovChanges(base: SynthOutput, head: SynthOutput): Map<string, number> {
  const [b, h] = [byName(base, 'SriovNetworkNodePolicy'), byName(head, 'SriovNetworkNodePolicy')];
  const configs = byName(head, 'SriovNetworkPoolConfig');
  const limit = (pool: string) => {
    for (const c of configs.values()) {
      const sel = (specOf(c).nodeSelector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
      if (sel?.[LABELS.pool] === pool) {
        const m = specOf(c).maxUnavailable;
        return typeof m === 'number' ? m : 0; // no limit: every node of the config at once
      }
    }
    return 1; // the operator's default pool: one node at a time, cluster-wide
  };
  const pools = new Set<string>();
  const existing = new Set(Object.keys(base.summary.pools));
  for (const [key, now] of h) {
    const old = b.get(key);
    const pool = poolOf(now);
    if (!pool || !existing.has(pool)) continue;
    if (!old || canonical(specOf(old)) !== canonical(specOf(now))) pools.add(pool);
  }
  for (const [key, old] of b) {
    const pool = poolOf(old);
    if (pool && !h.has(key) && head.summary.pools[pool]) pools.add(pool);
  }
  return new Map([...pools].map((p) => [p, limit(p)]));
}

/** nv-ipam's address pools: IPPool (which we emit) and CIDRPool (which an earlier output may hold). */
const NV_IPAM_POOLS: readonly KnownKindName[] = ['IPPool', 'CIDRPool'];

/** Per pool: nodes whose rail addresses change (a pool range edited, or a pool removed while its nodes stay). */
function addressChanges(
  base: SynthOutput,
  head: SynthOutput,
  poolNodes: (pool: string) => number,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const kind of NV_IPAM_POOLS) {
    const [b, h] = [byName(base, kind), byName(head, kind)];
    for (const [key, old] of b) {
      const now = h.get(key);
      const range = (s: Spec) => canonical({ ...s, nodeSelector: undefined });
      if (now && range(specOf(old)) === range(specOf(now))) continue;
      for (const pool of selectedPools(old)) {
        if (head.summary.pools[pool]) out.set(pool, poolNodes(pool));
      }
    }
  }
  return out;
}

/** Pools an nv-ipam pool selects through `colossus.dev/pool In [...]`. */
function selectedPools(o: KubeObject): string[] {
  type Term = { matchExpressions?: { key?: string; operator?: string; values?: string[] }[] };
  const terms = (specOf(o).nodeSelector as { nodeSelectorTerms?: Term[] } | undefined)?.nodeSelectorTerms ?? [];
  return terms.flatMap((t) =>
    (t.matchExpressions ?? [])
      .filter((e) => e.key === LABELS.pool && e.operator === 'In')
      .flatMap((e) => e.values ?? []),
  );
}
