/**
 * The `operations` section of reports/summary.json: per pool, the bound every day-2 operation
 * keeps (blocks and nodes at once, remediation cap) and how long a pool-wide driver upgrade,
 * reimage or SR-IOV reboot takes at that bound. `colossus diff` reads it to size the disruption of
 * a change. Pure: no cdktf, no I/O.
 */
import type { Cluster, Operations } from '../model/cluster';
import { analyzeCells } from '../cells/analysis';
import { formatNumber as n } from '../model/values';
import { rolledBlocks, remediationCap } from '../provisioning/cluster-api';
import { rolloutWaves } from '../provisioning/planner';
import { formatDuration, nodesPerBlock, poolPlans, WavePlan, waveNodes } from './waves';

/** One pool's day-2 figures. */
export interface PoolOperations {
  /** Nodes of the pool. */
  readonly nodes: number;
  /** Blocks of the pool. */
  readonly blocks: number;
  /** Nodes of a full block. */
  readonly nodesPerBlock: number;
  /** Blocks one wave disrupts. */
  readonly blocksAtOnce: number;
  /** Nodes one wave disrupts: the bound of every operation. */
  readonly nodesAtOnce: number;
  /** Nodes of one block a rollout takes down at once. */
  readonly maxUnavailable: number;
  /** Most unhealthy machines of a block that are still remediated. */
  readonly remediationCap: number;
  /** Blocks on the management settings (all but those a staged rollout has not reached). */
  readonly rolledBlocks: number;
  /** A pool-wide image or Kubernetes version change (one spec wave per deploy). */
  readonly reimage: WavePlan;
  /**
   * A pool-wide GPU driver change; in a split cluster, in the pool's largest cell (every cell's GPU
   * Operator rolls its own nodes, at the same time as the others).
   */
  readonly driver: WavePlan;
  /**
   * A pool-wide SR-IOV change that reboots (VF count, firmware).
   * @default - absent without a compute fabric
   */
  readonly sriov?: WavePlan;
  /**
   * Cells of the pool, each a cluster whose operators roll driver and SR-IOV changes on their own: a
   * pool-wide change disrupts this many times `nodesAtOnce` at once.
   * @default - the cluster is not split
   */
  readonly cells?: number;
}

/** `summary.operations`. */
export interface OperationsSummary {
  /** Per-node times the estimates use, minutes. */
  readonly perNodeMinutes: Operations;
  /**
   * The staged rollout in progress.
   * @default - absent when none
   */
  readonly rollout?: {
    /** Waves applied. */
    readonly wave: number;
    /** Waves until every block is rolled. */
    readonly waves: number;
  };
  /** Per pool. */
  readonly pools: Record<string, PoolOperations>;
}

/** The operations section of `cluster`. */
export function operationsSummary(cluster: Cluster): OperationsSummary {
  const rollout = cluster.management?.rollout;
  const cellSlices = (analyzeCells(cluster).cellClusters ?? []).flatMap((c) => c.cluster.pools);
  return {
    perNodeMinutes: { ...cluster.operations },
    rollout: rollout ? { wave: rollout.wave, waves: rolloutWaves(cluster.pools) } : undefined,
    pools: Object.fromEntries(
      cluster.pools.map((pool) => {
        // Machines roll from the one management cluster in the pool's waves; operators roll per cell.
        const cells = cellSlices.filter((c) => c.name === pool.name);
        const largest = cells.length > 0 ? cells.reduce((a, c) => (c.nodes > a.nodes ? c : a)) : pool;
        const plans = poolPlans(pool, cluster.operations);
        const operatorPlans = poolPlans(largest, cluster.operations);
        return [
          pool.name,
          {
            nodes: pool.nodes,
            blocks: pool.blocks,
            nodesPerBlock: nodesPerBlock(pool),
            blocksAtOnce: pool.blocksAtOnce,
            nodesAtOnce: waveNodes(pool),
            maxUnavailable: Math.min(pool.maxUnavailable, nodesPerBlock(pool)),
            remediationCap: remediationCap(pool),
            rolledBlocks: rolledBlocks(cluster, pool),
            reimage: plans.reimage,
            driver: operatorPlans.driver,
            sriov: cluster.fabric ? operatorPlans.sriov : undefined,
            cells: cells.length > 0 ? cells.length : undefined,
          },
        ];
      }),
    ),
  };
}

/** Terminal lines: one per pool, in fleet terms. */
export function formatOperationsLines(ops: OperationsSummary | undefined): string[] {
  if (!ops) return [];
  const lines: string[] = [];
  if (ops.rollout) lines.push(`  rollout: wave ${n(ops.rollout.wave)} of ${n(ops.rollout.waves)} applied`);
  for (const [name, p] of Object.entries(ops.pools)) {
    const blocks = `${n(p.blocksAtOnce)} block${p.blocksAtOnce === 1 ? '' : 's'}`;
    const parts = [
      `driver change ${waveText(p.driver)}${p.cells ? ` per cell, ${n(p.cells)} cells at once` : ''}`,
      `image change ${waveText(p.reimage)}`,
      ...(p.sriov ? [`SR-IOV reboot ${waveText(p.sriov)}${p.cells ? ' per cell' : ''}`] : []),
    ];
    lines.push(
      `  day-2 ${name}: ${blocks} (${n(p.nodesAtOnce)} nodes) at once, repairs stop past ${n(p.remediationCap)} ` +
        `unhealthy in a block; ${parts.join('; ')}`,
    );
  }
  return lines;
}

/** `18,752 nodes in 293 waves, about 5 days`. */
export function waveText(plan: WavePlan): string {
  return `${n(plan.nodes)} nodes in ${n(plan.waves)} wave${plan.waves === 1 ? '' : 's'}, ${formatDuration(plan.minutes)}`;
}
