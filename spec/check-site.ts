/**
 * Site physics checks beside the power checks: racks placed in halls within their positions,
 * floor load, air cooling, CDU capacity and flow with a unit out, facility water class, coolant
 * physics; and an orbital site's arrays, radiators, links and fail-in-place capacity. Every failure
 * shows the figures and how to fit. The models are site/facility.ts and site/orbital.ts.
 */
import { GpuCatalog } from '../catalog/gpus';
import { NodePool, resolvePool, resolveSite, Site } from '../model/cluster';
import { coolantOf, minimumLitresPerMinutePerKW, planHall, rackFigures, unitsAllowedOut } from '../site/facility';
import { planOrbitalSite, radiatorWPerM2, SOLAR_CONSTANT_W_PER_M2 } from '../site/orbital';
import { formatNumber as n } from '../model/values';
import { DEFAULTS } from './defaults';
import { SpecIssue, SpecPath, showValue } from './errors';
import { WATER_CLASS_MAX_C } from './site-schema';
import { ClusterSpec, HallSpec, SiteSpec } from './types';
import { nearest } from './validate-schema';

/** The parts of a spec the site checks read. */
export type SiteCheckInput = Pick<ClusterSpec, 'site' | 'sites' | 'nodePools' | 'tenants'>;

type Issue = (code: string, path: SpecPath, message: string, fix: string) => void;

/** Every hall, cooling and orbital issue of a schema-valid spec. `base` prefixes the reported paths. */
export function checkSite(input: SiteCheckInput, catalog: GpuCatalog, base: SpecPath = ['spec']): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const issue: Issue = (code, path, message, fix) => issues.push({ code, path: [...base, ...path], message, fix });
  // check-power reports both or neither of site and sites.
  if ((input.site === undefined) === (input.sites === undefined)) return issues;
  const declared = input.sites ?? [input.site!];
  const sitePath = (i: number): SpecPath => (input.sites ? ['sites', i] : ['site']);

  // Pools the other checks accept, resolved, with their index; unknown sites are check-power's to report.
  const names = new Set(declared.map((s) => s.name));
  const pools: { pool: NodePool; index: number }[] = [];
  input.nodePools.forEach((spec, index) => {
    const site = spec.site ?? declared[0].name;
    if (!names.has(site) || (spec.site === undefined && declared.length > 1)) return;
    if (!catalog.find(spec.gpu) || (spec.nodes === undefined) === (spec.racks === undefined)) return;
    pools.push({ pool: resolvePool({ ...spec, site }, catalog), index });
  });

  const orbitalNames = new Set(declared.filter((s) => s.kind === 'orbital').map((s) => s.name));
  const onOrbit = (pool: string) => orbitalNames.has(pools.find((p) => p.pool.name === pool)?.pool.site ?? '');
  if (pools.length > 0 && pools.every((p) => orbitalNames.has(p.pool.site!))) {
    issue(
      'no-ground-pool',
      ['nodePools'],
      `every pool stands on an orbital site (${[...orbitalNames].join(', ')}), a planning target that is never emitted`,
      'place at least one pool on a ground site: the workload cluster is made of the ground pools',
    );
  }
  input.tenants.forEach((tenant, t) => {
    for (const [pool, gpus] of Object.entries(tenant.gpuQuota)) {
      if (gpus > 0 && onOrbit(pool)) {
        issue(
          'planned-pool-quota',
          ['tenants', t, 'gpuQuota', pool],
          `tenant "${tenant.name}" is given ${n(gpus)} GPUs on pool "${pool}", which stands on an orbital site: a planning target with no workload objects`,
          `remove ${pool} from the tenant's gpuQuota (or set it to 0) until the pool is on a ground site`,
        );
      }
    }
  });

  declared.forEach((spec, i) => {
    const site = resolveSite(spec);
    const here = pools.filter((p) => p.pool.site === spec.name);
    if (spec.kind === 'orbital') checkOrbital(spec, site, here, sitePath(i), issue);
    else checkGround(spec, site, here, pools, sitePath(i), issue);
  });
  return issues;
}

function checkGround(
  spec: SiteSpec,
  site: Site,
  here: readonly { pool: NodePool; index: number }[],
  all: readonly { pool: NodePool; index: number }[],
  at: SpecPath,
  issue: Issue,
): void {
  if (spec.orbital) {
    issue(
      'orbital-on-ground',
      [...at, 'orbital'],
      `site "${spec.name}" is a ground site but declares orbital assumptions`,
      'set kind: orbital, or remove orbital',
    );
  }
  const coolant = coolantOf(site);
  const least = minimumLitresPerMinutePerKW(coolant.riseK);
  if (coolant.litresPerMinutePerKW < least) {
    issue(
      'coolant-below-physics',
      [...at, 'coolant', spec.coolant?.litresPerMinutePerKW === undefined ? 'riseK' : 'litresPerMinutePerKW'],
      `at ${coolant.litresPerMinutePerKW} L/min per kW, water (4.18 kJ/(kg K)) warms by ${fixed(60 / (4.18 * 0.996 * coolant.litresPerMinutePerKW), 1)} K, more than the declared rise of ${coolant.riseK} K`,
      `declare at least ${fixed(least, 2)} L/min per kW at ${coolant.riseK} K, or a larger riseK`,
    );
  }
  const halls = spec.halls ?? [];
  if (halls.length === 0) return;

  const first = new Map<string, number>();
  halls.forEach((h, k) => {
    const f = first.get(h.name);
    if (f !== undefined) {
      issue(
        'duplicate-name',
        [...at, 'halls', k, 'name'],
        `hall name "${h.name}" is used by halls[${f}] too`,
        'give every hall of a site its own name',
      );
    } else first.set(h.name, k);
  });

  // Placement: every rack a hall names belongs to a pool of this site, and every pool of the site is placed in full.
  const placed = new Map<string, number>();
  halls.forEach((h, k) => {
    for (const [name, racks] of Object.entries(h.racks)) {
      const pool = all.find((p) => p.pool.name === name);
      if (!pool) {
        const near = nearest(
          name,
          here.map((p) => p.pool.name),
        );
        issue(
          'unknown-pool',
          [...at, 'halls', k, 'racks', name],
          `no pool is named ${showValue(name)}`,
          near
            ? `did you mean "${near}"?`
            : `use one of ${here.map((p) => p.pool.name).join(', ') || '(no pool on this site)'}`,
        );
      } else if (pool.pool.site !== spec.name) {
        issue(
          'pool-on-other-site',
          [...at, 'halls', k, 'racks', name],
          `pool "${name}" stands on site "${pool.pool.site}", not "${spec.name}"`,
          `place its racks in a hall of site "${pool.pool.site}", or set the pool's site: ${spec.name}`,
        );
      } else placed.set(name, (placed.get(name) ?? 0) + racks);
    }
  });
  for (const { pool, index } of here) {
    const inHalls = placed.get(pool.name) ?? 0;
    if (inHalls === pool.racks) continue;
    const where = halls
      .filter((h) => (h.racks[pool.name] ?? 0) > 0)
      .map((h) => `${h.name}: ${n(h.racks[pool.name])}`)
      .join(', ');
    issue(
      'racks-unplaced',
      ['nodePools', index],
      `pool "${pool.name}" has ${n(pool.racks)} racks, but the halls of site "${spec.name}" hold ${n(inHalls)} of them${where ? ` (${where})` : ''}`,
      inHalls < pool.racks
        ? `place ${n(pool.racks - inHalls)} more racks of ${pool.name} in a hall's racks`
        : `remove ${n(inHalls - pool.racks)} racks of ${pool.name} from the halls, or grow the pool`,
    );
  }

  // Rack figures the catalog does not publish must be declared before the halls can be checked.
  const missing = new Set<string>();
  for (const { pool } of here) {
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
  if (missing.size > 0) return;

  const resolvedPools = here.map((p) => p.pool);
  halls.forEach((hall, k) => checkHall(site, hall, resolvedPools, [...at, 'halls', k], issue));
}

function checkHall(site: Site, hall: HallSpec, pools: readonly NodePool[], at: SpecPath, issue: Issue): void {
  const plan = planHall(site, hall, pools);
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

function checkOrbital(
  spec: SiteSpec,
  site: Site,
  here: readonly { pool: NodePool; index: number }[],
  at: SpecPath,
  issue: Issue,
): void {
  for (const field of ['powerBudgetMW', 'pue', 'halls', 'water', 'coolant'] as const) {
    if (spec[field] === undefined) continue;
    issue(
      'not-in-orbit',
      [...at, field],
      `site "${spec.name}" is orbital and cannot declare ${field}`,
      field === 'powerBudgetMW'
        ? "remove powerBudgetMW: the arrays set an orbital site's power (orbital.arrayAreaM2, cellEfficiency)"
        : `remove ${field}: an orbital site has satellites, not halls, and rejects heat by radiators only`,
    );
  }
  const o = spec.orbital;
  if (!o) {
    issue(
      'missing-field',
      [...at, 'orbital'],
      'required field "orbital" is missing',
      'add orbital: the declared assumptions (satellites, arrays, radiators, links, failure rate, mission years)',
    );
    return;
  }
  const assumed = [...at, 'orbital'];
  const perM2 = radiatorWPerM2(o);
  if (perM2 <= 0) {
    issue(
      'radiator-below-environment',
      [...assumed, 'radiatorTempK'],
      `a radiator at ${o.radiatorTempK} K with emissivity ${o.emissivity} emits ${n(Math.round(o.emissivity * 5.670374419e-8 * o.radiatorTempK ** 4))} W/m2 per face, no more than the ${n(o.environmentWPerM2)} W/m2 it absorbs from the environment`,
      'run the radiators hotter, or declare a better emissivity',
    );
    return;
  }
  if (here.length === 0) return;
  const plan = planOrbitalSite(
    { name: site.name, overheadFactor: site.overheadFactor, orbital: o },
    here.map((p) => p.pool),
  );
  const short = plan.years.find((y) => y.arrayMW < y.loadMW);
  if (short) {
    const fade = (1 - (o.arrayDegradationPerYear ?? DEFAULTS.orbital.arrayDegradationPerYear)) ** short.year;
    issue(
      'arrays-short',
      [...assumed, 'arrayAreaM2'],
      `in year ${short.year} the arrays of site "${spec.name}" deliver ${fixed((short.arrayMW * 1000) / o.satellites, 1)} kW per satellite (${n(o.arrayAreaM2)} m2 x ${n(SOLAR_CONSTANT_W_PER_M2)} W/m2 x ${o.cellEfficiency} efficiency x ${o.sunlitFraction ?? DEFAULTS.orbital.sunlitFraction} sunlit${short.year > 0 ? ` x ${fixed(fade, 3)} after degradation` : ''}), less than the ${fixed((short.loadMW * 1000) / o.satellites, 1)} kW each satellite draws (GPU racks x ${site.overheadFactor})`,
      `declare arrayAreaM2: ${n(Math.ceil((o.arrayAreaM2 * short.loadMW) / short.arrayMW))} or more, better cells, or fewer racks per satellite`,
    );
  }
  if (plan.radiatorKWPerSatellite < plan.loadKWPerSatellite) {
    issue(
      'radiators-short',
      [...assumed, 'radiatorAreaM2'],
      `the radiators of a satellite of site "${spec.name}" reject ${fixed(plan.radiatorKWPerSatellite, 1)} kW (${n(o.radiatorAreaM2)} m2 x ${o.radiatorSides} sides x (${o.emissivity} x sigma x ${o.radiatorTempK}^4 K - ${n(o.environmentWPerM2)} W/m2 absorbed) = ${n(Math.round(perM2))} W/m2), less than the ${fixed(plan.loadKWPerSatellite, 1)} kW of heat it makes`,
      `declare radiatorAreaM2: ${n(Math.ceil(plan.radiatorAreaNeededM2))} or more, or run the radiators hotter`,
    );
  }
  if (plan.linkDemandGbps > plan.linkSupplyGbps) {
    issue(
      'links-short',
      [...assumed, 'linkGbpsPerNeighbour'],
      `a satellite of site "${spec.name}" sends ${n(plan.linkDemandGbps)} Gb/s off board (${n(plan.gpus / o.satellites)} GPUs x ${n(o.offSatelliteGbpsPerGpu)} Gb/s), more than its ${o.neighbours} optical links carry: ${o.neighbours} x ${n(o.linkGbpsPerNeighbour)} Gb/s = ${n(plan.linkSupplyGbps)} Gb/s`,
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
      `after ${o.missionYears} years failing in place at ${o.annualFailureRate * 100} % a year, ${fixed(end.capacity * 100, 1)} % of the GPUs of site "${spec.name}" work (${n(end.gpus)} of ${n(plan.gpus)}), less than the ${o.minEndOfMissionCapacity * 100} % required`,
      `launch ${n(Math.ceil(plan.gpus * (o.minEndOfMissionCapacity / end.capacity - 1)))} spare GPUs' worth of racks, shorten missionYears, or lower the failure rate with derating and shielding`,
    );
  }
}

function fixed(x: number, digits: number): string {
  return x.toFixed(digits);
}
