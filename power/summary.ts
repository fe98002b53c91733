/**
 * The `power` and `provisioning` sections of reports/summary.json, and their terminal lines.
 */
import { Cluster } from '../model/cluster';
import { planOf } from '../model/planner';
import { powerPlanner } from './planner';
import { formatNumber } from '../model/values';

/** `summary.power`: draw per pool and per site. */
export interface PowerSummary {
  /** Per pool: its draw, kW, racks, the draw of its fullest rack, kW, and its site. */
  readonly pools: Record<
    string,
    {
      /** Draw of the pool, kW. */
      kW: number;
      /** Racks of the pool. */
      racks: number;
      /** Draw of its fullest rack, kW. */
      maxRackKW: number;
      /** Site the pool stands in. */
      site: string;
    }
  >;
  /** Per site: budget, draw and headroom, MW, and the overhead factor applied. */
  readonly sites: Record<
    string,
    {
      /** Power budget, MW. */
      budgetMW: number;
      /** Draw with overhead, MW. */
      drawMW: number;
      /** Budget left, MW (negative when over). */
      headroomMW: number;
      /** Multiplier applied to the GPU racks' draw. */
      overheadFactor: number;
      /**
       * Facility power over IT power, applied after the overhead factor.
       * @default - absent when the site declares none
       */
      pue?: number;
    }
  >;
}

/** `summary.provisioning`: Cluster API objects per pool (absent without a management cluster). */
export interface ProvisioningSummary {
  /** MachineDeployments per pool (one per block). */
  readonly machineDeployments: Record<string, number>;
}

/** The power section of `cluster`. */
export function powerSummary(cluster: Cluster): PowerSummary {
  const power = planOf(cluster, powerPlanner).plan;
  // Pools on orbital sites are planning targets with their own section (site/summary.ts).
  const ground = new Set(cluster.pools.map((p) => p.name));
  return {
    pools: Object.fromEntries(
      power.pools
        .filter((p) => ground.has(p.pool))
        .map((p) => [p.pool, { kW: p.kW, racks: p.racks, maxRackKW: p.maxRackKW, site: p.site }]),
    ),
    // Orbital sites are planning targets with their own section (site/summary.ts).
    sites: Object.fromEntries(
      power.sites
        .filter((s) => cluster.sites.find((x) => x.name === s.site)?.kind !== 'orbital')
        .map((s) => [
          s.site,
          {
            budgetMW: s.budgetMW,
            drawMW: s.drawMW,
            headroomMW: s.headroomMW,
            overheadFactor: s.overheadFactor,
            ...(s.pue === undefined ? {} : { pue: s.pue }),
          },
        ]),
    ),
  };
}

/** The provisioning section of `cluster`: one MachineDeployment per block. */
export function provisioningSummary(cluster: Cluster): ProvisioningSummary | undefined {
  if (!cluster.management) return undefined;
  return { machineDeployments: Object.fromEntries(cluster.pools.map((p) => [p.name, p.blocks])) };
}

/** Terminal lines of the two sections. */
export function formatPowerLines(power?: PowerSummary, provisioning?: ProvisioningSummary): string[] {
  const lines: string[] = [];
  for (const [name, s] of Object.entries(power?.sites ?? {})) {
    lines.push(
      `  site ${name}: ${s.drawMW} MW of ${s.budgetMW} MW (GPU racks x ${s.overheadFactor}${s.pue === undefined ? '' : ` x PUE ${s.pue}`}), ${s.headroomMW} MW headroom`,
    );
  }
  for (const [name, p] of Object.entries(power?.pools ?? {})) {
    const mds = provisioning?.machineDeployments[name];
    const md = mds === undefined ? '' : `, ${mds} MachineDeployments`;
    // `kW` includes the site overhead and, where declared, the PUE: say so, and give the GPU racks' own draw.
    const site = power?.sites[p.site];
    const overhead = site?.overheadFactor ?? 1;
    const pue = site?.pue ?? 1;
    const factors = `x ${overhead}${site?.pue === undefined ? '' : ` x PUE ${pue}`}`;
    const racksOnly =
      overhead * pue === 1 ? '' : ` (${(p.kW / overhead / pue / 1000).toFixed(3)} MW of GPU racks ${factors})`;
    lines.push(
      `  power ${name}: ${(p.kW / 1000).toFixed(3)} MW${racksOnly} on ${formatNumber(p.racks)} racks of up to ${p.maxRackKW} kW${md}`,
    );
  }
  return lines;
}
