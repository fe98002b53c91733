/**
 * The ground facility model: what the racks placed in each hall ask of its floor, air, CDUs and
 * coolant, and the water a site evaporates. Pure arithmetic over the catalog's rack profiles and the
 * site's declared figures, shared by the checks, the summary and the report.
 *
 * Physics and rules (see ../shared/reference/site-physics.md, "Cooling and facility"):
 * - a rack's heat is its IT power (the catalog's maximum); `liquidShare` of it goes to the CDUs, the rest to air;
 * - a CDU group must carry its racks' liquid heat and flow with the units its redundancy allows out;
 * - water carries 4.18 kJ/(kg K): 1 kW at a 10 K rise needs 1.44 L/min at least (OCP sizes 1.5);
 * - evaporating water takes about 2,430 kJ/kg at cooling-tower temperatures: 1.48 L per kWh rejected,
 *   and towers bleed off water so that make-up is evaporation x C/(C-1) at C cycles of concentration.
 */
import { rackKW } from '../catalog/gpus';
import { NodePool, Site } from '../model/cluster';
import { DEFAULTS } from '../spec/defaults';
import { HallSpec } from '../spec/types';

/** Volumetric heat capacity of water near 30 degrees C, kJ/(L K): 4.18 kJ/(kg K) x 0.996 kg/L. */
export const WATER_KJ_PER_LITRE_K = 4.18 * 0.996;
/** Water evaporated per kWh of heat rejected by evaporation, L: 3,600 kJ over 2,430 kJ/kg. */
export const EVAPORATION_LITRES_PER_KWH = 3600 / 2430;
/** Litres per US gallon. */
const LITRES_PER_US_GALLON = 3.785411784;

/** The parts of a pool the facility model reads. */
export type FacilityPool = Pick<NodePool, 'name' | 'sku' | 'nodes' | 'racks' | 'nodesPerRack'>;

/** A pool's rack as a hall sees it: the catalog's profile with the site's declared figures over it. */
export interface RackFigures {
  readonly pool: string;
  readonly sku: string;
  /** IT power (and heat) of the pool's fullest rack, kW. */
  readonly itKW: number;
  /** Share of the heat carried by liquid; undefined when neither the catalog nor the site knows it. */
  readonly liquidShare?: number;
  /** Weight of a full rack, kg; undefined when unknown. */
  readonly weightKg?: number;
  /** Floor positions one rack takes. */
  readonly positions: number;
}

/** What the racks of one hall ask of it, next to what it offers. */
export interface HallPlan {
  readonly site: string;
  readonly hall: string;
  /** Racks per pool. */
  readonly racks: Readonly<Record<string, number>>;
  readonly rackPositions: number;
  readonly positionsUsed: number;
  /** IT power of the hall's racks, kW. */
  readonly itKW: number;
  /** Heat to the CDUs, kW. */
  readonly liquidKW: number;
  /** Heat to the hall's air, kW. */
  readonly airKW: number;
  readonly airCoolingKW: number;
  /** CDU groups and units (0 without CDUs). */
  readonly cduGroups: number;
  readonly cduUnits: number;
  readonly cduRedundancy: string;
  /** Liquid heat of the most loaded CDU group, kW. */
  readonly worstGroupLiquidKW: number;
  /** Heat a group moves with its allowed units out, kW. */
  readonly groupCapacityKW: number;
  /** Coolant flow the most loaded group needs, L/min. */
  readonly worstGroupFlowLpm: number;
  /** Flow a group delivers with its allowed units out, L/min. */
  readonly groupFlowLpm: number;
  /** The heaviest rack, kg, and the load it puts on its share of the floor, kg/m2. */
  readonly heaviestRackKg: number;
  readonly floorLoadKgPerM2: number;
  readonly floorRatingKgPerM2: number;
  readonly waterClass: string;
  readonly supplyC: number;
}

/** The facility figures of one ground site with halls. */
export interface FacilityPlan {
  readonly site: string;
  readonly halls: readonly HallPlan[];
  /**
   * Water the site's cooling towers take per day, litres.
   * @default - none without evaporative cooling
   */
  readonly waterLitresPerDay?: number;
}

/** The rack of `pool` at `site`. */
export function rackFigures(pool: FacilityPool, site: Pick<Site, 'rackProfiles'>): RackFigures {
  const catalog = pool.sku.rack;
  const declared = site.rackProfiles?.[pool.sku.name];
  return {
    pool: pool.name,
    sku: pool.sku.name,
    itKW: round(rackKW(pool.sku, Math.min(pool.nodesPerRack, pool.nodes))),
    liquidShare: declared?.liquidShare ?? catalog?.liquidShare,
    weightKg: declared?.weightKg ?? catalog?.weightKg,
    positions: declared?.positions ?? catalog?.positions ?? 1,
  };
}

/** Units of a group that may be out under `redundancy`. */
export function unitsAllowedOut(redundancy: string | undefined, unitsPerGroup: number): number {
  if (redundancy === 'N') return 0;
  if (redundancy === '2N') return Math.floor(unitsPerGroup / 2);
  return 1; // N+1, the default
}

/** Flow per kW and rise of a site's coolant. */
export function coolantOf(site: Pick<Site, 'coolant'>): { litresPerMinutePerKW: number; riseK: number } {
  return {
    litresPerMinutePerKW: site.coolant?.litresPerMinutePerKW ?? DEFAULTS.coolant.litresPerMinutePerKW,
    riseK: site.coolant?.riseK ?? DEFAULTS.coolant.riseK,
  };
}

/** The least flow per kW that keeps water within `riseK`, L/min. */
export function minimumLitresPerMinutePerKW(riseK: number): number {
  return 60 / (WATER_KJ_PER_LITRE_K * riseK);
}

/** The figures of `hall`; pools it names that are not in `pools` are left out (the checks report them). */
export function planHall(site: Site, hall: HallSpec, pools: readonly FacilityPool[]): HallPlan {
  const placed = Object.entries(hall.racks)
    .map(([name, racks]) => ({ pool: pools.find((p) => p.name === name), racks }))
    .filter((x): x is { pool: FacilityPool; racks: number } => x.pool !== undefined && x.racks > 0)
    .map(({ pool, racks }) => ({ racks, rack: rackFigures(pool, site) }));
  const cdus = hall.cdus;
  const groupKW: number[] = [];
  let index = 0;
  for (const { racks, rack } of placed) {
    const liquid = rack.itKW * (rack.liquidShare ?? 0);
    // Racks fill the CDU groups in the order the hall lists its pools.
    for (let i = 0; i < racks; i++, index++) {
      const g = cdus ? Math.floor(index / cdus.racksServed) : 0;
      groupKW[g] = (groupKW[g] ?? 0) + liquid;
    }
  }
  const sum = (f: (x: (typeof placed)[number]) => number) => placed.reduce((n, x) => n + f(x), 0);
  const liquidKW = sum((x) => x.racks * x.rack.itKW * (x.rack.liquidShare ?? 0));
  const itKW = sum((x) => x.racks * x.rack.itKW);
  const worst = groupKW.length ? Math.max(...groupKW) : 0;
  const working = cdus ? cdus.unitsPerGroup - unitsAllowedOut(cdus.redundancy, cdus.unitsPerGroup) : 0;
  const groups = cdus ? Math.ceil(index / cdus.racksServed) : 0;
  const heaviest = placed.reduce<{ kg: number; positions: number }>(
    (h, x) => ((x.rack.weightKg ?? 0) > h.kg ? { kg: x.rack.weightKg ?? 0, positions: x.rack.positions } : h),
    { kg: 0, positions: 1 },
  );
  const areaPerPosition = hall.floorAreaM2 / hall.rackPositions;
  return {
    site: site.name,
    hall: hall.name,
    racks: Object.fromEntries(placed.map((x) => [x.rack.pool, x.racks])),
    rackPositions: hall.rackPositions,
    positionsUsed: sum((x) => x.racks * x.rack.positions),
    itKW: round(itKW),
    liquidKW: round(liquidKW),
    airKW: round(itKW - liquidKW),
    airCoolingKW: hall.airCoolingKW,
    cduGroups: groups,
    cduUnits: cdus ? groups * cdus.unitsPerGroup : 0,
    cduRedundancy: cdus ? (cdus.redundancy ?? DEFAULTS.cdu.redundancy) : 'none',
    worstGroupLiquidKW: round(worst),
    groupCapacityKW: round(working * (cdus?.capacityKW ?? 0)),
    worstGroupFlowLpm: round(worst * coolantOf(site).litresPerMinutePerKW),
    groupFlowLpm: round(working * (cdus?.flowLpm ?? 0)),
    heaviestRackKg: heaviest.kg,
    floorLoadKgPerM2: round(heaviest.kg / (heaviest.positions * areaPerPosition)),
    floorRatingKgPerM2: hall.floorLoadKgPerM2,
    waterClass: hall.facilityWater.class,
    supplyC: hall.facilityWater.supplyC,
  };
}

/** Water a site with evaporative cooling takes per day, litres, when it draws `drawMW`. */
export function waterLitresPerDay(site: Pick<Site, 'water'>, drawMW: number): number | undefined {
  const w = site.water;
  if (!w || w.evaporativeShare === 0) return undefined;
  const makeUp = w.cyclesOfConcentration > 1 ? w.cyclesOfConcentration / (w.cyclesOfConcentration - 1) : Infinity;
  return Math.round(drawMW * 1000 * 24 * w.evaporativeShare * EVAPORATION_LITRES_PER_KWH * makeUp);
}

/** Litres as US gallons, whole. */
export function usGallons(litres: number): number {
  return Math.round(litres / LITRES_PER_US_GALLON);
}

/** The facility plan of a ground site with halls. */
export function planFacility(site: Site, pools: readonly FacilityPool[], drawMW: number): FacilityPlan {
  return {
    site: site.name,
    halls: (site.halls ?? []).map((h) => planHall(site, h, pools)),
    waterLitresPerDay: waterLitresPerDay(site, drawMW),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
