/**
 * The `fabric` section of reports/summary.json and its lines in the synth summary.
 */
import type { Cluster } from '../model/cluster';
import { clusterFabricPlan } from './planner';
import type { FabricFigures } from './sizing';
import { formatNumber as n } from '../model/values';

/** The sized fabric as the summary reports it. */
export interface FabricSummary extends FabricFigures {
  /** `spectrum-x` or `infiniband`. */
  readonly kind: string;
  /** Each rail's range and its usable addresses. */
  readonly rails: readonly {
    /** Rail number, from 0. */
    readonly rail: number;
    /** The rail's address range. */
    readonly cidr: string;
    /** Usable addresses in it. */
    readonly addresses: number;
  }[];
}

/** The fabric section of `cluster`; undefined without `spec.fabric`. */
export function fabricSummary(cluster: Cluster): FabricSummary | undefined {
  const plan = clusterFabricPlan(cluster);
  if (!plan) return undefined;
  const s = plan.sizing;
  return {
    kind: plan.kind,
    tiers: s.tiers,
    leafSwitches: s.leafSwitches,
    spineSwitches: s.spineSwitches,
    coreSwitches: s.coreSwitches,
    links: s.links,
    optics: s.optics,
    perGpuGbps: s.perGpuGbps,
    bisectionTbps: s.bisectionTbps,
    maxHops: s.maxHops,
    rails: plan.rails.map((r) => ({ rail: r.rail, cidr: r.cidr, addresses: r.addresses })),
  };
}

/** Terminal lines of the fabric section. */
export function formatFabricLines(fabric: FabricSummary | undefined): string[] {
  if (!fabric) return [];
  return [
    `  fabric ${fabric.kind}: ${fabric.tiers} tiers, ${n(fabric.leafSwitches)} leaf + ${n(fabric.spineSwitches)} spine + ` +
      `${n(fabric.coreSwitches)} core switches, ${n(fabric.links)} links, ${n(fabric.optics)} optics`,
    `  fabric bandwidth: ${n(fabric.perGpuGbps)} Gb/s per GPU, ${n(fabric.bisectionTbps)} Tb/s bisection, at most ${fabric.maxHops} switch hops`,
    ...fabric.rails.map((r) => `  fabric rail ${r.rail}: ${r.cidr} (${n(r.addresses)} addresses)`),
  ];
}
