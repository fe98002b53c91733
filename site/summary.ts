/**
 * The `facility` (halls: space, cooling, water) and `orbital` (planning targets) sections of
 * reports/summary.json, and their terminal lines.
 */
import { Cluster } from '../model/cluster';
import { formatNumber as n } from '../model/values';
import { planOf } from '../model/planner';
import { powerPlanner } from '../power/planner';
import { sitePlanner } from './planner';
import { usGallons } from './facility';

/** One hall: what its racks ask of it next to what it offers. */
export interface HallSummary {
  /** Racks per pool. */
  racks: Record<string, number>;
  /** Rack positions of the hall. */
  rackPositions: number;
  /** Positions its racks take. */
  positionsUsed: number;
  /** IT power of its racks, kW. */
  itKW: number;
  /** Heat its racks send to liquid (the CDUs), kW. */
  liquidKW: number;
  /** Heat its racks send to the hall's air, kW. */
  airKW: number;
  /** Air cooling of the hall, kW. */
  airCoolingKW: number;
  /** CDU groups (0 without CDUs). */
  cduGroups: number;
  /** CDU units. */
  cduUnits: number;
  /** Redundancy of a group: N, N+1, 2N, or none. */
  cduRedundancy: string;
  /** Liquid heat of the most loaded group, kW. */
  worstGroupLiquidKW: number;
  /** Heat a group moves with its allowed units out, kW. */
  groupCapacityKW: number;
  /** Coolant flow the most loaded group needs, L/min. */
  worstGroupFlowLpm: number;
  /** Flow a group pumps with its allowed units out, L/min. */
  groupFlowLpm: number;
  /** The heaviest rack, kg. */
  heaviestRackKg: number;
  /** Load of the heaviest rack on its share of the floor, kg/m2. */
  floorLoadKgPerM2: number;
  /** Load the floor is rated for, kg/m2. */
  floorRatingKgPerM2: number;
  /** Facility water class. */
  waterClass: string;
  /** Facility water supply temperature, degrees C. */
  supplyC: number;
}

/** The facility figures of one ground site. */
export interface SiteFacilitySummary {
  /**
   * Facility power over IT power.
   * @default - not declared
   */
  pue?: number;
  /** IT load, MW (GPU racks x overhead factor). */
  itMW: number;
  /** What the site draws from its feed, MW. */
  drawMW: number;
  /** The feed, MW. */
  feedMW: number;
  /**
   * Water the cooling towers take per day, litres.
   * @default - absent without evaporative cooling
   */
  waterLitresPerDay?: number;
  /**
   * The same, US gallons.
   * @default - absent without evaporative cooling
   */
  waterUSGallonsPerDay?: number;
  /** Halls by name. */
  halls: Record<string, HallSummary>;
}

/** `summary.facility`: per ground site with halls or a PUE. */
export interface FacilitySummary {
  /** Ground sites by name. */
  readonly sites: Record<string, SiteFacilitySummary>;
}

/** One year of an orbital site's mission. */
export interface OrbitalYearSummary {
  /** Years since launch. */
  year: number;
  /** Share of the GPUs working. */
  capacity: number;
  /** GPUs working. */
  gpus: number;
  /** Orbit-average array power, MW. */
  arrayMW: number;
  /** Draw of the working payload, MW: all of it heat to reject. */
  loadMW: number;
}

/** The figures of one orbital site. */
export interface OrbitalSiteSummary {
  /** Satellites of the formation. */
  satellites: number;
  /** Pools planned on the site. */
  pools: string[];
  /** Racks (one payload each) over all satellites. */
  racks: number;
  /** GPUs at launch. */
  gpus: number;
  /** GPU racks at the catalog's maximum, MW. */
  gpuMW: number;
  /** Draw and heat of one satellite at launch, kW. */
  loadKWPerSatellite: number;
  /** Orbit-average array power of one satellite at launch, kW. */
  arrayKWPerSatellite: number;
  /** Declared array area of a satellite, m2. */
  arrayAreaM2: number;
  /** Array area a satellite's load needs at launch, m2. */
  arrayAreaNeededM2: number;
  /** Net rejection per m2 of radiator panel, W. */
  radiatorWPerM2: number;
  /** Heat a satellite's radiators reject, kW. */
  radiatorKWPerSatellite: number;
  /** Declared radiator area of a satellite, m2. */
  radiatorAreaM2: number;
  /** Radiator area a satellite's heat needs, m2. */
  radiatorAreaNeededM2: number;
  /** Off-satellite fabric demand of one satellite, Gb/s. */
  linkDemandGbps: number;
  /** Optical link capacity of one satellite, Gb/s. */
  linkSupplyGbps: number;
  /** Spacing of neighbouring satellites, m. */
  spacingM: number;
  /** Distance to the farthest linked neighbour, m. */
  farthestNeighbourM: number;
  /** Distance at which a link holds its bandwidth, m. */
  linkRangeM: number;
  /** One-way light time across the formation, microseconds. */
  crossingMicroseconds: number;
  /** Year 0 to the end of the mission. */
  years: OrbitalYearSummary[];
}

/** `summary.orbital`: the planning targets, never emitted. */
export interface OrbitalSummary {
  /** What the output holds for them: nothing but these figures. */
  readonly note: string;
  /** Orbital sites by name. */
  readonly sites: Record<string, OrbitalSiteSummary>;
}

/** What the output says of orbital sites. */
export const ORBITAL_NOTE =
  'planning target only: no workload cluster is emitted for orbital sites (no stacks, objects or quotas for their pools)';

/** The facility section of `cluster`: ground sites with halls or a PUE; undefined when none has them. */
export function facilitySummary(cluster: Cluster): FacilitySummary | undefined {
  const sites = cluster.sites.filter((s) => s.kind !== 'orbital' && (s.halls !== undefined || s.pue !== undefined));
  if (sites.length === 0) return undefined;
  const power = planOf(cluster, powerPlanner).plan;
  const plans = planOf(cluster, sitePlanner).plan;
  return {
    sites: Object.fromEntries(
      sites.map((site) => {
        const drawn = power.sites.find((p) => p.site === site.name)!;
        const plan = plans.facilities.find((f) => f.site === site.name)!;
        const itMW = drawn.itMW ?? drawn.drawMW;
        return [
          site.name,
          {
            pue: site.pue,
            itMW,
            drawMW: drawn.drawMW,
            feedMW: site.powerBudgetMW,
            ...(plan.waterLitresPerDay === undefined
              ? {}
              : { waterLitresPerDay: plan.waterLitresPerDay, waterUSGallonsPerDay: usGallons(plan.waterLitresPerDay) }),
            halls: Object.fromEntries(
              plan.halls.map(({ site: _site, hall, ...figures }) => [
                hall,
                { ...figures, racks: { ...figures.racks } },
              ]),
            ),
          },
        ];
      }),
    ),
  };
}

/** The orbital section of `cluster`; undefined without an orbital site. */
export function orbitalSummary(cluster: Cluster): OrbitalSummary | undefined {
  const sites = cluster.sites.filter((s) => s.kind === 'orbital' && s.orbital);
  if (sites.length === 0) return undefined;
  return {
    note: ORBITAL_NOTE,
    sites: Object.fromEntries(
      sites.map((site) => {
        const o = site.orbital!;
        const plan = planOf(cluster, sitePlanner).plan.orbits.find((p) => p.site === site.name)!;
        return [
          site.name,
          {
            satellites: plan.satellites,
            pools: [...plan.pools],
            racks: plan.racks,
            gpus: plan.gpus,
            gpuMW: plan.gpuMW,
            loadKWPerSatellite: plan.loadKWPerSatellite,
            arrayKWPerSatellite: plan.arrayKWPerSatellite,
            arrayAreaM2: o.arrayAreaM2,
            arrayAreaNeededM2: plan.arrayAreaNeededM2,
            radiatorWPerM2: plan.radiatorWPerM2,
            radiatorKWPerSatellite: plan.radiatorKWPerSatellite,
            radiatorAreaM2: o.radiatorAreaM2,
            radiatorAreaNeededM2: plan.radiatorAreaNeededM2,
            linkDemandGbps: plan.linkDemandGbps,
            linkSupplyGbps: plan.linkSupplyGbps,
            spacingM: Math.round(plan.spacingKm * 1000),
            farthestNeighbourM: Math.round(plan.farthestNeighbourKm * 1000),
            linkRangeM: Math.round(o.linkRangeKm * 1000),
            crossingMicroseconds: plan.crossingMicroseconds,
            years: plan.years.map((y) => ({ ...y })),
          },
        ];
      }),
    ),
  };
}

/** Terminal lines of the two sections. */
export function formatSiteLines(facility?: FacilitySummary, orbital?: OrbitalSummary): string[] {
  const lines: string[] = [];
  for (const [name, s] of Object.entries(facility?.sites ?? {})) {
    const pue = s.pue === undefined ? '' : ` (IT ${n(s.itMW)} MW x PUE ${s.pue})`;
    const water =
      s.waterLitresPerDay === undefined
        ? ''
        : `, water ${n(Math.round(s.waterLitresPerDay / 1000))} m3/day (${n(s.waterUSGallonsPerDay!)} US gal)`;
    lines.push(`  facility ${name}: ${n(s.drawMW)} MW of ${n(s.feedMW)} MW feed${pue}${water}`);
    for (const [hall, h] of Object.entries(s.halls)) {
      const racks = Object.values(h.racks).reduce((a, b) => a + b, 0);
      lines.push(
        `  hall ${name}/${hall}: ${n(racks)} racks in ${n(h.rackPositions)} positions; ${mw(h.liquidKW)} MW to ${n(h.cduUnits)} CDUs (${h.cduRedundancy}), ${mw(h.airKW)} of ${mw(h.airCoolingKW)} MW to air; floor ${n(Math.round(h.floorLoadKgPerM2))} of ${n(h.floorRatingKgPerM2)} kg/m2`,
      );
    }
  }
  for (const [name, o] of Object.entries(orbital?.sites ?? {})) {
    const end = o.years[o.years.length - 1];
    lines.push(
      `  orbital ${name} (planning target only, not emitted): ${n(o.satellites)} satellites, ${n(o.gpus)} GPUs, ${o.loadKWPerSatellite.toFixed(1)} kW each; arrays ${o.arrayKWPerSatellite.toFixed(1)} kW, radiators ${o.radiatorKWPerSatellite.toFixed(1)} kW, links ${n(o.linkDemandGbps)} of ${n(o.linkSupplyGbps)} Gb/s per satellite; ${(end.capacity * 100).toFixed(1)} % of GPUs after ${end.year} years`,
    );
  }
  return lines;
}

function mw(kW: number): string {
  return (kW / 1000).toFixed(1);
}
