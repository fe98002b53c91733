/**
 * Sizing of a rail-optimized RDMA compute fabric (leaf/spine/core fat tree) from the node pools.
 *
 * Model (the one NVIDIA's DGX SuperPOD reference architectures use, see README "Network fabric"):
 * - rail-optimized: NIC k of every node of a scalable unit (SU) goes to the rail-k leaf switch(es) of that SU;
 * - a leaf splits its ports between node downlinks and spine uplinks at the target oversubscription;
 * - two tiers: every leaf links to every spine, the spine count being the smallest divisor of the leaf's
 *   uplinks that fits the spines' ports;
 * - three tiers: leaves are grouped (whole SUs where possible) into pods of at most half a switch's ports;
 *   each leaf links once to each of its pod's spines; spines are non-blocking towards the core.
 * Pure: no cdktf, no I/O.
 */

import { formatNumber as fmt } from '../model/values';

/** One node pool as the fabric sees it. */
export interface FabricPoolInput {
  readonly name: string;
  readonly nodes: number;
  /** RDMA NICs per node, one per rail. */
  readonly rails: number;
  readonly gpusPerNode: number;
  /** Nodes whose rail-k NICs share the rail-k leaf switches. */
  readonly nodesPerScalableUnit: number;
}

/** What the fabric is built from. */
export interface FabricSizingInput {
  readonly pools: readonly FabricPoolInput[];
  /** Ports per switch, at the NIC link speed. */
  readonly switchPorts: number;
  /** Speed of one GPU NIC link, Gb/s. */
  readonly linkGbps: number;
  /** Leaf downlinks per uplink: 1 is non-blocking. */
  readonly oversubscription: number;
  /** Most switch tiers the design may use (1 to 3). */
  readonly maxTiers: number;
}

/** Links and transceivers between two tiers. */
export interface TierLinks {
  readonly tier: 'node-leaf' | 'leaf-spine' | 'spine-core';
  readonly links: number;
  /** One transceiver at each end of every link. */
  readonly optics: number;
}

/** The fabric share of one pool. */
export interface PoolFabric {
  readonly name: string;
  readonly scalableUnits: number;
  readonly leavesPerRailPerScalableUnit: number;
  readonly leafSwitches: number;
  readonly uplinksPerLeaf: number;
}

/** The figures of a sized fabric: what the summary reports of it (fabric/summary.ts). */
export interface FabricFigures {
  /** Switch tiers: 1 (one leaf), 2 (leaf-spine) or 3 (leaf-spine-core). */
  readonly tiers: number;
  /** Leaf switches: rails x leaves per rail x scalable units, over the pools. */
  readonly leafSwitches: number;
  /** Spine switches. */
  readonly spineSwitches: number;
  /** Core switches (0 below three tiers). */
  readonly coreSwitches: number;
  /** Cables over all tiers: node-leaf, leaf-spine and spine-core. */
  readonly links: number;
  /** Transceivers: one at each end of every link. */
  readonly optics: number;
  /** Injection bandwidth of one GPU (the smallest over the pools), Gb/s. */
  readonly perGpuGbps: number;
  /** Bandwidth across the narrowest cut splitting the GPU NICs in halves, Tb/s. */
  readonly bisectionTbps: number;
  /** Switches on the longest shortest path between two GPU NICs. */
  readonly maxHops: number;
}

/** A buildable fabric. */
export interface FabricSizing extends FabricFigures {
  readonly tierLinks: readonly TierLinks[];
  /** GPU NIC ports attached to the fabric. */
  readonly endpoints: number;
  readonly pools: readonly PoolFabric[];
}

/** Why a fabric cannot be built, with the numbers. */
export interface SizingFailure {
  readonly code: 'fabric-radix-too-small';
  readonly message: string;
  readonly fix: string;
}

export type SizingResult =
  { readonly ok: true; readonly sizing: FabricSizing } | { readonly ok: false; readonly failure: SizingFailure };

/** Most tiers this model sizes. */
export const MAX_TIERS = 3;

interface Upper {
  readonly tiers: number;
  readonly spines: number;
  readonly cores: number;
  readonly spineCoreLinks: number;
}

/** Sizes the fabric of `input`, or says why it cannot be built. */
export function sizeFabric(input: FabricSizingInput): SizingResult {
  const k = input.switchPorts;
  const pools = leafLayer(input).filter((p) => p.leafSwitches > 0);
  const leaves = sum(pools.map((p) => p.leafSwitches));
  const endpoints = sum(input.pools.map((p) => p.nodes * p.rails));
  const upper = upperTiers(pools, k, input.maxTiers);
  if (!upper) return { ok: false, failure: radixFailure(input, leaves, endpoints) };

  const leafSpineLinks = upper.tiers === 1 ? 0 : sum(pools.map((p) => p.leafSwitches * p.uplinksPerLeaf));
  const tierLinks: TierLinks[] = [
    { tier: 'node-leaf', links: endpoints, optics: 2 * endpoints },
    ...(upper.tiers >= 2 ? [{ tier: 'leaf-spine' as const, links: leafSpineLinks, optics: 2 * leafSpineLinks }] : []),
    ...(upper.tiers === 3
      ? [{ tier: 'spine-core' as const, links: upper.spineCoreLinks, optics: 2 * upper.spineCoreLinks }]
      : []),
  ];
  const links = sum(tierLinks.map((t) => t.links));
  const narrowest = upper.tiers === 1 ? endpoints : Math.min(endpoints, leafSpineLinks);
  const poolsWithNodes = input.pools.filter((p) => p.nodes > 0);
  return {
    ok: true,
    sizing: {
      tiers: upper.tiers,
      leafSwitches: leaves,
      spineSwitches: upper.spines,
      coreSwitches: upper.cores,
      links,
      optics: 2 * links,
      tierLinks,
      endpoints,
      perGpuGbps: poolsWithNodes.length
        ? Math.min(...poolsWithNodes.map((p) => (input.linkGbps * p.rails) / p.gpusPerNode))
        : input.linkGbps,
      bisectionTbps: round3((narrowest * input.linkGbps) / 2 / 1000),
      maxHops: 2 * upper.tiers - 1,
      pools,
    },
  };
}

/** Leaf downlink ports at the target oversubscription. */
export function leafDownlinks(switchPorts: number, oversubscription: number): number {
  return Math.floor((switchPorts * oversubscription) / (oversubscription + 1));
}

function leafLayer(input: FabricSizingInput): PoolFabric[] {
  const down = Math.max(1, leafDownlinks(input.switchPorts, input.oversubscription));
  return input.pools.map((p) => {
    const scalableUnits = Math.ceil(p.nodes / p.nodesPerScalableUnit);
    const leavesPerRail = Math.ceil(p.nodesPerScalableUnit / down);
    const nodesPerLeaf = Math.ceil(p.nodesPerScalableUnit / leavesPerRail);
    return {
      name: p.name,
      scalableUnits,
      leavesPerRailPerScalableUnit: leavesPerRail,
      // Leaves are built for whole SUs, so a partly filled SU performs like a full one.
      leafSwitches: scalableUnits * p.rails * leavesPerRail,
      uplinksPerLeaf: Math.max(
        1,
        Math.min(input.switchPorts - nodesPerLeaf, Math.ceil(nodesPerLeaf / input.oversubscription)),
      ),
    };
  });
}

/** Spine and core layers for the fewest tiers that fit, within `maxTiers`. */
function upperTiers(pools: readonly PoolFabric[], k: number, maxTiers: number): Upper | undefined {
  const leaves = sum(pools.map((p) => p.leafSwitches));
  if (leaves <= 1) return { tiers: 1, spines: 0, cores: 0, spineCoreLinks: 0 };
  if (maxTiers < 2) return undefined;
  const uplinks = sum(pools.map((p) => p.leafSwitches * p.uplinksPerLeaf));
  // Two tiers: each leaf spreads its uplinks evenly over all spines; a spine has k ports.
  const spines = divisors(gcd(pools.map((p) => p.uplinksPerLeaf))).find((d) => uplinks / d <= k);
  if (spines !== undefined) return { tiers: 2, spines, cores: 0, spineCoreLinks: 0 };
  if (maxTiers < 3) return undefined;
  // Three tiers: pods of at most k/2 leaves (whole SUs when they fit), one spine per leaf uplink.
  const podLeaves = Math.floor(k / 2);
  let pods = 0;
  let spineCount = 0;
  for (const p of pools) {
    const leavesPerSu = p.leafSwitches / p.scalableUnits;
    const poolPods =
      leavesPerSu <= podLeaves
        ? Math.ceil(p.scalableUnits / Math.floor(podLeaves / leavesPerSu))
        : Math.ceil(p.leafSwitches / podLeaves);
    pods += poolPods;
    spineCount += poolPods * p.uplinksPerLeaf;
  }
  // Every core reaches every pod.
  if (pods > k) return undefined;
  // Spines are non-blocking: as many core uplinks as leaf downlinks.
  return { tiers: 3, spines: spineCount, cores: Math.ceil(uplinks / k), spineCoreLinks: uplinks };
}

function radixFailure(input: FabricSizingInput, leaves: number, endpoints: number): SizingFailure {
  const k = input.switchPorts;
  const fits = (changes: Partial<FabricSizingInput>): boolean =>
    upperTiers(
      leafLayer({ ...input, ...changes }).filter((p) => p.leafSwitches > 0),
      changes.switchPorts ?? k,
      changes.maxTiers ?? input.maxTiers,
    ) !== undefined;
  const options: string[] = [];
  const tiers = range(input.maxTiers + 1, MAX_TIERS, 1).find((t) => fits({ maxTiers: t }));
  if (tiers !== undefined) options.push(`allow maxTiers: ${tiers}`);
  const ports = range(k + 2, 4096, 2).find((p) => fits({ switchPorts: p }));
  if (ports !== undefined) options.push(`use switches with at least ${ports} ports`);
  const ratio = range(Math.floor(input.oversubscription) + 1, 16, 1).find((o) => fits({ oversubscription: o }));
  if (ratio !== undefined) options.push(`accept oversubscription: ${ratio} (${ratio}:1 at the leaves)`);
  const capacity =
    input.maxTiers >= 3
      ? `at most ${k} pods of ${Math.floor(k / 2)} leaves`
      : input.maxTiers === 2
        ? `at most ${k} leaves`
        : 'one leaf';
  return {
    code: 'fabric-radix-too-small',
    message:
      `${fmt(endpoints)} GPU NIC ports need ${fmt(leaves)} leaf switches (${leafDownlinks(k, input.oversubscription)} node ports each at ` +
      `${input.oversubscription}:1), more than ${input.maxTiers} tier${input.maxTiers === 1 ? '' : 's'} of ${k}-port switches can join ` +
      `(${capacity})`,
    fix: options.length ? options.join(', or ') : 'split the pools into separate fabrics',
  };
}

function gcd(values: readonly number[]): number {
  const two = (a: number, b: number): number => (b === 0 ? a : two(b, a % b));
  return values.reduce(two, 0);
}

function divisors(n: number): number[] {
  return range(1, n, 1).filter((d) => n % d === 0);
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i += step) out.push(i);
  return out;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
