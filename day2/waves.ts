/**
 * Day-2 waves: how many nodes of a pool one operation may disrupt at once, and how long a
 * pool-wide operation takes at that bound. One place for the arithmetic that the emitted objects
 * (MachineDeployments, NVIDIADriver upgrade policy, SriovNetworkPoolConfig), the summary and
 * `colossus diff` all share. Pure: no cdktf, no I/O.
 */
import type { NodePool, Operations } from '../model/cluster';

/** The node-disrupting operations a spec change can start. */
export const DISRUPTIONS = ['reimage', 'driver', 'nicDriver', 'sriov', 'readdress'] as const;
export type Disruption = (typeof DISRUPTIONS)[number];

/** What each operation does to a node, as the review says it. */
export const DISRUPTION_VERBS: Readonly<Record<Disruption, string>> = {
  reimage: 'drained and reimaged',
  driver: 'drained for a GPU driver reload',
  nicDriver: 'drained for a NIC driver reload',
  sriov: 'drained and rebooted (SR-IOV firmware)',
  readdress: 'drained and re-addressed',
};

/** Minutes one node (one step of a wave) takes for `kind`. */
export function stepMinutes(kind: Disruption, ops: Operations): number {
  switch (kind) {
    case 'reimage':
      return ops.drainMinutes + ops.reimageMinutes;
    case 'driver':
    case 'nicDriver':
      return ops.drainMinutes + ops.driverMinutes;
    case 'sriov':
      return ops.drainMinutes + ops.rebootMinutes;
    case 'readdress':
      return ops.drainMinutes;
  }
}

/** Nodes in one full block of a pool. */
export function nodesPerBlock(pool: Pick<NodePool, 'nodesPerRack' | 'racksPerBlock'>): number {
  return pool.nodesPerRack * pool.racksPerBlock;
}

/** The pool's bound in nodes: `blocksAtOnce` blocks (never more than the pool). */
export function waveNodes(pool: Pick<NodePool, 'nodes' | 'nodesPerRack' | 'racksPerBlock' | 'blocksAtOnce'>): number {
  return Math.max(1, Math.min(pool.nodes, pool.blocksAtOnce * nodesPerBlock(pool)));
}

/** A pool-wide operation at a given parallelism. */
export interface WavePlan {
  /** Nodes the operation touches. */
  readonly nodes: number;
  /** Nodes disrupted at once. */
  readonly nodesPerWave: number;
  /** Waves, one after the other. */
  readonly waves: number;
  /** Minutes of one wave (steps within it included). */
  readonly minutesPerWave: number;
  /** Minutes until every node is back: waves x minutes per wave. */
  readonly minutes: number;
}

/**
 * `nodes` taken `parallel` at a time, each wave taking `steps` sequential steps of `kind`. A
 * parallelism of 0 or more than `nodes` means everything at once.
 */
export function planWaves(kind: Disruption, nodes: number, parallel: number, ops: Operations, steps = 1): WavePlan {
  const perWave = parallel <= 0 ? nodes : Math.min(parallel, nodes);
  const waves = nodes === 0 ? 0 : Math.ceil(nodes / perWave);
  const minutesPerWave = steps * stepMinutes(kind, ops);
  return { nodes, nodesPerWave: perWave, waves, minutesPerWave, minutes: waves * minutesPerWave };
}

/**
 * Each pool-wide operation at the bound the emitted objects set: a Cluster API rollout moves
 * `blocksAtOnce` blocks per wave (each in ceil(block / maxUnavailable) steps); the GPU Operator
 * upgrades and the SR-IOV operator drains `blocksAtOnce` blocks' worth of nodes at a time.
 */
export function poolPlans(
  pool: NodePool,
  ops: Operations,
): Record<Exclude<Disruption, 'readdress' | 'nicDriver'>, WavePlan> {
  const bound = waveNodes(pool);
  const steps = Math.ceil(Math.min(nodesPerBlock(pool), pool.nodes) / Math.max(1, pool.maxUnavailable));
  return {
    reimage: planWaves('reimage', pool.nodes, bound, ops, steps),
    driver: planWaves('driver', pool.nodes, bound, ops),
    sriov: planWaves('sriov', pool.nodes, bound, ops),
  };
}

/** `about 12 days`, `about 5 h`, `about 40 min`. */
export function formatDuration(minutes: number): string {
  if (minutes < 90) return `about ${Math.max(1, Math.round(minutes))} min`;
  const hours = minutes / 60;
  if (hours < 48) return `about ${Math.round(hours)} h`;
  return `about ${Math.round(hours / 24)} days`;
}
