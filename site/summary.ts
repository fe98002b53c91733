/**
 * The `facility` (halls: space, cooling, water) and `orbital` (planning targets) sections of
 * reports/summary.json, and their terminal lines.
 */
import { Cluster } from '../model/cluster';
import { formatNumber as n } from '../model/values';
import { computePower } from '../power/model';
import { planFacility, usGallons } from './facility';
import { planOrbitalSite } from './orbital';

/** One hall: what its racks ask of it next to what it offers. */
export interface HallSummary {
  /** Racks per pool. */
  racks: Record<string, number>;
  /** Rack positions of the hall, and those its racks take. */
  rackPositions: number;
  positionsUsed: number;
  /** IT power of its racks, kW, and how it leaves: by liquid (CDUs) and by air. */
  itKW: number;
  liquidKW: number;
  airKW: number;
  /** Air cooling of the hall, kW. */
  airCoolingKW: number;
  /** CDU groups and units, and the redundancy of a group. */
  cduGroups: number;
  cduUnits: number;
  cduRedundancy: string;
  /** Liquid heat of the most loaded group, kW, and what a group moves with its allowed units out, kW. */
  worstGroupLiquidKW: number;
  groupCapacityKW: number;
  /** Coolant flow the most loaded group needs, L/min, and what a group pumps with its allowed units out. */
  worstGroupFlowLpm: number;
  groupFlowLpm: number;
  /** The heaviest rack, kg, its load on its share of the floor, kg/m2, and the floor's rating. */
  heaviestRackKg: number;
  floorLoadKgPerM2: number;
  floorRatingKgPerM2: number;
  /** Facility water class and supply temperature, degrees C. */
  waterClass: string;
  supplyC: number;
}

/** `summary.facility`: per ground site with halls or a PUE. */
export interface FacilitySummary {
  readonly sites: Record<
    string,
    {
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
       * Water the cooling towers take per day: litres and US gallons.
       * @default - absent without evaporative cooling
       */
      waterLitresPerDay?: number;
      waterUSGallonsPerDay?: number;
      /** Halls by name. */
      halls: Record<string, HallSummary>;
    }
  >;
}

/** One year of an orbital site's mission. */
export interface OrbitalYearSummary {
  year: number;
  /** Share of the GPUs working. */
  capacity: number;
  gpus: number;
  /** Orbit-average array power, MW, and the working payload's draw (all of it heat), MW. */
  arrayMW: number;
  loadMW: number;
}

/** `summary.orbital`: the planning targets, never emitted. */
export interface OrbitalSummary {
  /** What the output holds for them: nothing but these figures. */
  readonly note: string;
  readonly sites: Record<
    string,
    {
      satellites: number;
      /** Pools planned on the site. */
      pools: string[];
      racks: number;
      gpus: number;
      /** GPU racks at the catalog's maximum, MW. */
      gpuMW: number;
      /** Draw and heat of one satellite, kW, and what its arrays deliver, kW. */
      loadKWPerSatellite: number;
      arrayKWPerSatellite: number;
      /** Declared array area of a satellite, m2, and the area its load needs. */
      arrayAreaM2: number;
      arrayAreaNeededM2: number;
      /** Net rejection per m2 of panel, W, a satellite's radiator capacity, kW, and declared and needed area, m2. */
      radiatorWPerM2: number;
      radiatorKWPerSatellite: number;
      radiatorAreaM2: number;
      radiatorAreaNeededM2: number;
      /** Off-satellite fabric demand and optical link capacity of one satellite, Gb/s. */
      linkDemandGbps: number;
      linkSupplyGbps: number;
      /** Neighbour spacing, farthest linked neighbour and link range, m. */
      spacingM: number;
      farthestNeighbourM: number;
      linkRangeM: number;
      /** One-way light time across the formation, microseconds. */
      crossingMicroseconds: number;
      /** Year 0 to the end of the mission. */
      years: OrbitalYearSummary[];
    }
  >;
}

/** What the output says of orbital sites. */
export const ORBITAL_NOTE =
  'planning target only: no workload cluster is emitted for orbital sites (no stacks, objects or quotas for their pools)';

/** The facility section of `cluster`: ground sites with halls or a PUE; undefined when none has them. */
export function facilitySummary(cluster: Cluster): FacilitySummary | undefined {
  const sites = cluster.sites.filter((s) => s.kind !== 'orbital' && (s.halls !== undefined || s.pue !== undefined));
  if (sites.length === 0) return undefined;
  const power = computePower(cluster.pools, cluster.sites);
  return {
    sites: Object.fromEntries(
      sites.map((site) => {
        const drawn = power.sites.find((p) => p.site === site.name)!;
        const pools = cluster.pools.filter((p) => p.site === site.name);
        const plan = planFacility(site, pools, drawn.drawMW);
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
        const plan = planOrbitalSite(
          { name: site.name, overheadFactor: site.overheadFactor, orbital: o },
          cluster.plannedPools.filter((p) => p.site === site.name),
        );
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
