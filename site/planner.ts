/**
 * The site planner: the facility of every ground site (halls with their racks, CDUs and water) and
 * the plan of every orbital site (site/facility.ts, site/orbital.ts), made once for the check and the
 * summary. Making them places each site's racks in its halls: a rack a hall names that is no pool of
 * the site, or a pool not placed in full, is reported; a site whose racks lack a figure the halls need
 * (weight, liquid share) is not planned. Its rules then check each planned hall's positions, floor,
 * air and CDUs, and each orbital site's arrays, radiators, links and fail-in-place capacity, against
 * the figures. The declarations themselves (coolant physics, hall names, an orbital site's fields)
 * are checked on the spec (spec/check-site.ts).
 */
import { Cluster, declaredPools, NodePool, Site } from '../model/cluster';
import { declaredAt, planner, planOf } from '../model/planner';
import { formatNumber as n } from '../model/values';
import { powerPlanner } from '../power/planner';
import { DEFAULTS } from '../spec/defaults';
import { SpecIssue, SpecPath, showValue } from '../spec/errors';
import { WATER_CLASS_MAX_C } from '../spec/site-schema';
import { HallSpec } from '../spec/types';
import { nearest } from '../spec/validate-schema';
import { coolantOf, FacilityPlan, HallPlan, planFacility, rackFigures, unitsAllowedOut } from './facility';
import { OrbitalPlan, planOrbitalSite, radiatorWPerM2, SOLAR_CONSTANT_W_PER_M2 } from './orbital';

/** The facility and orbital plans of a cluster's sites. */
export interface SitePlans {
  /** Ground sites with halls or a PUE, whose racks have every figure the halls need. */
  readonly facilities: readonly FacilityPlan[];
  /** Orbital sites, with the pools planned on them. */
  readonly orbits: readonly OrbitalPlan[];
}

type Issue = (code: string, path: SpecPath, message: string, fix: string) => void;

/** Collects issues as the checks report them. */
function collector(): { readonly issues: SpecIssue[]; readonly issue: Issue } {
  const issues: SpecIssue[] = [];
  return { issues, issue: (code, path, message, fix) => issues.push({ code, path, message, fix }) };
}

export const sitePlanner = planner<SitePlans>(
  'site',
  (cluster) => {
    const { issues, issue } = collector();
    const power = planOf(cluster, powerPlanner).plan;
    const facilities = cluster.sites.flatMap((site) => {
      if (site.kind === 'orbital') return [];
      const here = cluster.pools.filter((p) => p.site === site.name);
      if (!placeRacks(cluster, site, here, issue) || (site.halls === undefined && site.pue === undefined)) return [];
      return [planFacility(site, here, power.sites.find((p) => p.site === site.name)!.drawMW)];
    });
    const orbits = cluster.sites
      .filter((site) => site.kind === 'orbital' && site.orbital)
      .map((site) =>
        planOrbitalSite(
          { name: site.name, overheadFactor: site.overheadFactor, orbital: site.orbital! },
          cluster.plannedPools.filter((p) => p.site === site.name),
        ),
      );
    return { plan: { facilities, orbits }, issues };
  },
  [
    {
      name: 'hall-capacity',
      check: (plans, cluster) => {
        const { issues, issue } = collector();
        for (const facility of plans.facilities) {
          const site = cluster.sites.find((s) => s.name === facility.site)!;
          const here = cluster.pools.filter((p) => p.site === site.name);
          const at = [...declaredAt(cluster, 'sites', site.name), 'halls'];
          facility.halls.forEach((plan, k) => checkHall(site, site.halls![k], plan, here, [...at, k], issue));
        }
        return issues;
      },
    },
    {
      name: 'orbital-physics',
      check: (plans, cluster) => {
        const { issues, issue } = collector();
        for (const plan of plans.orbits) {
          const site = cluster.sites.find((s) => s.name === plan.site)!;
          // A radiator colder than its environment is the spec check's (radiator-below-environment).
          if (plan.pools.length > 0 && radiatorWPerM2(site.orbital!) > 0) checkOrbit(cluster, site, plan, issue);
        }
        return issues;
      },
    },
  ],
);

/**
 * Places the racks of `site`'s pools (`here`) in its halls, reporting what does not fit the declaration;
 * false when a rack lacks a figure the halls need, so that the site's halls cannot be planned.
 */
function placeRacks(cluster: Cluster, site: Site, here: readonly NodePool[], issue: Issue): boolean {
  const halls = site.halls ?? [];
  if (halls.length === 0) return true;
  const all = declaredPools(cluster);
  const at = declaredAt(cluster, 'sites', site.name);

  // Placement: every rack a hall names belongs to a pool of this site, and every pool of the site is placed in full.
  const placed = new Map<string, number>();
  halls.forEach((h, k) => {
    for (const [name, racks] of Object.entries(h.racks)) {
      const pool = all.find((p) => p.name === name);
      if (!pool) {
        const near = nearest(
          name,
          here.map((p) => p.name),
        );
        issue(
          'unknown-pool',
          [...at, 'halls', k, 'racks', name],
          `no pool is named ${showValue(name)}`,
          near
            ? `did you mean "${near}"?`
            : `use one of ${here.map((p) => p.name).join(', ') || '(no pool on this site)'}`,
        );
      } else if (pool.site !== site.name) {
        issue(
          'pool-on-other-site',
          [...at, 'halls', k, 'racks', name],
          `pool "${name}" stands on site "${pool.site}", not "${site.name}"`,
          `place its racks in a hall of site "${pool.site}", or set the pool's site: ${site.name}`,
        );
      } else placed.set(name, (placed.get(name) ?? 0) + racks);
    }
  });
  for (const pool of here) {
    const inHalls = placed.get(pool.name) ?? 0;
    if (inHalls === pool.racks) continue;
    const where = halls
      .filter((h) => (h.racks[pool.name] ?? 0) > 0)
      .map((h) => `${h.name}: ${n(h.racks[pool.name])}`)
      .join(', ');
    issue(
      'racks-unplaced',
      declaredAt(cluster, 'nodePools', pool.name),
      `pool "${pool.name}" has ${n(pool.racks)} racks, but the halls of site "${site.name}" hold ${n(inHalls)} of them${where ? ` (${where})` : ''}`,
      inHalls < pool.racks
        ? `place ${n(pool.racks - inHalls)} more racks of ${pool.name} in a hall's racks`
        : `remove ${n(inHalls - pool.racks)} racks of ${pool.name} from the halls, or grow the pool`,
    );
  }

  // Rack figures the catalog does not publish must be declared before the halls can be checked.
  const missing = new Set<string>();
  for (const pool of here) {
    if (!placed.has(pool.name)) continue;
    const rack = rackFigures(pool, site);
    for (const [field, value, why] of [
      [
        'liquidShare',
        rack.liquidShare,
        'the share of its heat carried by liquid is not published (NVL72: 85-90 % often quoted, unverified)',
      ],
      ['weightKg', rack.weightKg, 'its built weight depends on the rack, CDU and cabling'],
    ] as const) {
      const key = `${pool.sku.name}/${field}`;
      if (value !== undefined || missing.has(key)) continue;
      missing.add(key);
      issue(
        'missing-rack-figure',
        [...at, 'rackProfiles'],
        `a ${pool.sku.name} rack of pool "${pool.name}" has no ${field}: ${why}`,
        `declare it as an assumption: rackProfiles: { ${pool.sku.name}: { ${field}: ... } }`,
      );
    }
  }
  return missing.size === 0;
}

function checkHall(
  site: Site,
  hall: HallSpec,
  plan: HallPlan,
  pools: readonly NodePool[],
  at: SpecPath,
  issue: Issue,
): void {
  const figures = (f: (pool: string) => string) => Object.keys(plan.racks).map(f).join(', ');
  if (plan.positionsUsed > hall.rackPositions) {
    issue(
      'hall-over-positions',
      [...at, 'rackPositions'],
      `hall "${hall.name}" holds racks taking ${n(plan.positionsUsed)} positions (${figures((p) => `${p}: ${n(plan.racks[p])}`)}), more than its ${n(hall.rackPositions)}`,
      `move ${n(plan.positionsUsed - hall.rackPositions)} racks to another hall, or raise rackPositions`,
    );
  }
  if (plan.floorLoadKgPerM2 > hall.floorLoadKgPerM2) {
    const area = hall.floorAreaM2 / hall.rackPositions;
    issue(
      'floor-over-load',
      [...at, 'floorLoadKgPerM2'],
      `a ${n(plan.heaviestRackKg)} kg rack on its ${fixed(area, 2)} m2 of floor (${n(hall.floorAreaM2)} m2 / ${n(hall.rackPositions)} positions) loads it with ${n(Math.round(plan.floorLoadKgPerM2))} kg/m2, more than the ${n(hall.floorLoadKgPerM2)} kg/m2 hall "${hall.name}" is rated for`,
      `reinforce the floor to ${n(Math.ceil(plan.floorLoadKgPerM2))} kg/m2, or give each rack ${fixed(plan.heaviestRackKg / hall.floorLoadKgPerM2, 2)} m2 (fewer positions on the same floor)`,
    );
  }
  if (plan.airKW > hall.airCoolingKW) {
    issue(
      'hall-over-air',
      [...at, 'airCoolingKW'],
      `the racks of hall "${hall.name}" put ${n(Math.round(plan.airKW))} kW into its air (${figures((p) => {
        const r = rackFigures(
          pools.find((x) => x.name === p)!,
          site,
        );
        return `${p}: ${n(plan.racks[p])} x ${r.itKW} kW x ${fixed(1 - (r.liquidShare ?? 0), 2)}`;
      })}), more than its ${n(hall.airCoolingKW)} kW of air cooling`,
      `raise airCoolingKW to ${n(Math.ceil(plan.airKW))}, move racks out, or cool more of each rack by liquid`,
    );
  }
  if (plan.liquidKW > 0 && !hall.cdus) {
    issue(
      'hall-without-cdus',
      [...at, 'racks'],
      `the racks of hall "${hall.name}" send ${n(Math.round(plan.liquidKW))} kW to liquid, but the hall declares no CDUs`,
      'declare cdus: { capacityKW, flowLpm, racksServed, unitsPerGroup, redundancy }',
    );
    return;
  }
  const cdus = hall.cdus;
  if (!cdus || plan.liquidKW === 0) return;
  const out = unitsAllowedOut(cdus.redundancy, cdus.unitsPerGroup);
  const working = cdus.unitsPerGroup - out;
  const redundancy = cdus.redundancy ?? DEFAULTS.cdu.redundancy;
  if (working <= 0) {
    issue(
      'cdu-over-capacity',
      [...at, 'cdus', 'unitsPerGroup'],
      `a CDU group of hall "${hall.name}" has ${cdus.unitsPerGroup} unit, and ${redundancy} takes it out: ${n(Math.round(plan.worstGroupLiquidKW))} kW of liquid heat would have no unit left`,
      'set unitsPerGroup: 2 or more, or redundancy: N (an in-rack CDU with redundant pumps)',
    );
    return;
  }
  if (plan.worstGroupLiquidKW > plan.groupCapacityKW) {
    issue(
      'cdu-over-capacity',
      [...at, 'cdus', 'capacityKW'],
      `the most loaded CDU group of hall "${hall.name}" (${cdus.racksServed} racks) carries ${n(Math.round(plan.worstGroupLiquidKW))} kW of liquid heat, more than its ${working} of ${cdus.unitsPerGroup} units move with ${out} out (${redundancy}): ${working} x ${n(cdus.capacityKW)} kW = ${n(plan.groupCapacityKW)} kW`,
      `use units of ${n(Math.ceil(plan.worstGroupLiquidKW / working))} kW or more, ${Math.ceil(plan.worstGroupLiquidKW / cdus.capacityKW) + out} units per group, or fewer racks per group`,
    );
  }
  if (plan.worstGroupFlowLpm > plan.groupFlowLpm) {
    const coolant = coolantOf(site);
    issue(
      'cdu-over-flow',
      [...at, 'cdus', 'flowLpm'],
      `the most loaded CDU group of hall "${hall.name}" needs ${n(Math.round(plan.worstGroupFlowLpm))} L/min (${n(Math.round(plan.worstGroupLiquidKW))} kW x ${coolant.litresPerMinutePerKW} L/min per kW at a ${coolant.riseK} K rise), more than its ${working} working units pump: ${working} x ${n(cdus.flowLpm)} L/min = ${n(plan.groupFlowLpm)} L/min`,
      `use units of ${n(Math.ceil(plan.worstGroupFlowLpm / working))} L/min or more, more units per group, or fewer racks per group`,
    );
  }
  const max = WATER_CLASS_MAX_C[hall.facilityWater.class];
  if (max !== undefined && hall.facilityWater.supplyC > max) {
    issue(
      'supply-above-class',
      [...at, 'facilityWater', 'supplyC'],
      `hall "${hall.name}" is supplied at ${hall.facilityWater.supplyC} degrees C, above the ${max} degrees C its class ${hall.facilityWater.class} allows`,
      `lower supplyC to ${max} or less, or declare the class the plant is built to`,
    );
  }
}

function checkOrbit(cluster: Cluster, site: Site, plan: OrbitalPlan, issue: Issue): void {
  const o = site.orbital!;
  const assumed = [...declaredAt(cluster, 'sites', site.name), 'orbital'];
  const short = plan.years.find((y) => y.arrayMW < y.loadMW);
  if (short) {
    const fade = (1 - (o.arrayDegradationPerYear ?? DEFAULTS.orbital.arrayDegradationPerYear)) ** short.year;
    issue(
      'arrays-short',
      [...assumed, 'arrayAreaM2'],
      `in year ${short.year} the arrays of site "${site.name}" deliver ${fixed((short.arrayMW * 1000) / o.satellites, 1)} kW per satellite (${n(o.arrayAreaM2)} m2 x ${n(SOLAR_CONSTANT_W_PER_M2)} W/m2 x ${o.cellEfficiency} efficiency x ${o.sunlitFraction ?? DEFAULTS.orbital.sunlitFraction} sunlit${short.year > 0 ? ` x ${fixed(fade, 3)} after degradation` : ''}), less than the ${fixed((short.loadMW * 1000) / o.satellites, 1)} kW each satellite draws (GPU racks x ${site.overheadFactor})`,
      `declare arrayAreaM2: ${n(Math.ceil((o.arrayAreaM2 * short.loadMW) / short.arrayMW))} or more, better cells, or fewer racks per satellite`,
    );
  }
  if (plan.radiatorKWPerSatellite < plan.loadKWPerSatellite) {
    issue(
      'radiators-short',
      [...assumed, 'radiatorAreaM2'],
      `the radiators of a satellite of site "${site.name}" reject ${fixed(plan.radiatorKWPerSatellite, 1)} kW (${n(o.radiatorAreaM2)} m2 x ${o.radiatorSides} sides x (${o.emissivity} x sigma x ${o.radiatorTempK}^4 K - ${n(o.environmentWPerM2)} W/m2 absorbed) = ${n(Math.round(radiatorWPerM2(o)))} W/m2), less than the ${fixed(plan.loadKWPerSatellite, 1)} kW of heat it makes`,
      `declare radiatorAreaM2: ${n(Math.ceil(plan.radiatorAreaNeededM2))} or more, or run the radiators hotter`,
    );
  }
  if (plan.linkDemandGbps > plan.linkSupplyGbps) {
    issue(
      'links-short',
      [...assumed, 'linkGbpsPerNeighbour'],
      `a satellite of site "${site.name}" sends ${n(plan.linkDemandGbps)} Gb/s off board (${n(plan.gpus / o.satellites)} GPUs x ${n(o.offSatelliteGbpsPerGpu)} Gb/s), more than its ${o.neighbours} optical links carry: ${o.neighbours} x ${n(o.linkGbpsPerNeighbour)} Gb/s = ${n(plan.linkSupplyGbps)} Gb/s`,
      `declare links of ${n(Math.ceil(plan.linkDemandGbps / o.neighbours))} Gb/s or more, more neighbours, fewer GPUs per satellite, or less off-satellite traffic per GPU`,
    );
  }
  if (plan.farthestNeighbourKm > o.linkRangeKm) {
    issue(
      'links-out-of-range',
      [...assumed, 'clusterRadiusKm'],
      `${n(o.satellites)} satellites packed in a ${o.clusterRadiusKm} km radius stand ${fixed(plan.spacingKm * 1000, 0)} m apart, and the farthest of ${o.neighbours} neighbours is ${fixed(plan.farthestNeighbourKm * 1000, 0)} m away, beyond the ${fixed(o.linkRangeKm * 1000, 0)} m at which a link holds its bandwidth`,
      `shrink clusterRadiusKm to ${fixed((o.clusterRadiusKm * o.linkRangeKm) / plan.farthestNeighbourKm, 3)} or less, or link fewer, nearer neighbours`,
    );
  }
  const end = plan.years[plan.years.length - 1];
  if (o.minEndOfMissionCapacity !== undefined && end.capacity < o.minEndOfMissionCapacity) {
    issue(
      'capacity-below-floor',
      [...assumed, 'minEndOfMissionCapacity'],
      `after ${o.missionYears} years failing in place at ${o.annualFailureRate * 100} % a year, ${fixed(end.capacity * 100, 1)} % of the GPUs of site "${site.name}" work (${n(end.gpus)} of ${n(plan.gpus)}), less than the ${o.minEndOfMissionCapacity * 100} % required`,
      `launch ${n(Math.ceil(plan.gpus * (o.minEndOfMissionCapacity / end.capacity - 1)))} spare GPUs' worth of racks, shorten missionYears, or lower the failure rate with derating and shielding`,
    );
  }
}

function fixed(x: number, digits: number): string {
  return x.toFixed(digits);
}
