/**
 * The orbital site model: a formation of identical satellites whose power, heat, links and
 * capacity follow from declared assumptions and physics. A planning target only: no workload
 * cluster is emitted for it. Pure arithmetic, shared by the checks, the summary and the report.
 *
 * Physics (see ../shared/reference/site-physics.md, "Orbit"):
 * - arrays: area x solar constant (1,361 W/m2) x cell efficiency x sunlit share, degrading per year;
 * - radiators reject by radiation only (Stefan-Boltzmann): per m2 of panel, sides x (e s T^4 - absorbed
 *   environment), where the environment is Earth's infrared and albedo on each face;
 * - every watt the bus delivers ends as heat on the satellite (the arrays shed their own waste heat);
 * - nothing is repaired: a share of the GPUs fails every year and draws nothing after.
 */
import { gpuRacksKW, PowerPool } from '../power/model';
import { DEFAULTS } from '../spec/defaults';
import { OrbitalSpec } from '../spec/types';

/** Solar constant at 1 AU, W/m2 (total solar irradiance, about 1,361). */
export const SOLAR_CONSTANT_W_PER_M2 = 1361;
/** Stefan-Boltzmann constant, W/(m2 K4). */
export const STEFAN_BOLTZMANN = 5.670374419e-8;
/** Speed of light in vacuum, km/s. */
const LIGHT_KM_PER_S = 299_792.458;

/** One year of the mission. */
export interface OrbitalYear {
  readonly year: number;
  /** Share of the GPUs still working (fail-in-place), 0 to 1. */
  readonly capacity: number;
  /** GPUs still working. */
  readonly gpus: number;
  /** Orbit-average power of the arrays, MW. */
  readonly arrayMW: number;
  /** Power the working payload draws (GPU racks x overhead), MW; all of it is heat to reject. */
  readonly loadMW: number;
}

/** The figures of one orbital site. */
export interface OrbitalPlan {
  readonly site: string;
  readonly satellites: number;
  readonly pools: readonly string[];
  readonly racks: number;
  readonly gpus: number;
  /** GPU racks at the catalog's maximum draw, MW. */
  readonly gpuMW: number;
  /** Multiplier on the GPU racks for the rest of the bus (other IT, power conversion, attitude, links). */
  readonly overheadFactor: number;
  /** Draw (and heat) of one satellite at the start of the mission, kW. */
  readonly loadKWPerSatellite: number;
  /** Orbit-average array power of one satellite at the start of the mission, kW. */
  readonly arrayKWPerSatellite: number;
  /** Net heat one m2 of radiator panel rejects, W (both faces when two-sided). */
  readonly radiatorWPerM2: number;
  /** Heat one satellite's radiators reject, kW. */
  readonly radiatorKWPerSatellite: number;
  /** Radiator panel area one satellite needs for its heat, m2. */
  readonly radiatorAreaNeededM2: number;
  /** Array area one satellite needs for its load at the start of the mission, m2. */
  readonly arrayAreaNeededM2: number;
  /** Off-satellite fabric demand of one satellite, Gb/s. */
  readonly linkDemandGbps: number;
  /** Optical link capacity of one satellite, Gb/s. */
  readonly linkSupplyGbps: number;
  /** Spacing of neighbouring satellites in a hexagonal formation of the declared radius, km. */
  readonly spacingKm: number;
  /** Distance to the farthest of the declared neighbours, km. */
  readonly farthestNeighbourKm: number;
  /** One-way light time across the formation, microseconds. */
  readonly crossingMicroseconds: number;
  /** Year 0 (launch) to the last mission year. */
  readonly years: readonly OrbitalYear[];
}

/** Orbit-average array power of the whole formation in `year`, MW. */
export function arrayMW(o: OrbitalSpec, year: number): number {
  return round((o.satellites * arrayKW(o, year)) / 1000);
}

/** Orbit-average array power of one satellite in `year`, kW. */
function arrayKW(o: OrbitalSpec, year: number): number {
  const fade = (1 - (o.arrayDegradationPerYear ?? DEFAULTS.orbital.arrayDegradationPerYear)) ** year;
  return (
    (o.arrayAreaM2 *
      SOLAR_CONSTANT_W_PER_M2 *
      o.cellEfficiency *
      (o.sunlitFraction ?? DEFAULTS.orbital.sunlitFraction) *
      fade) /
    1000
  );
}

/** Net heat rejected per m2 of panel, W: radiated minus absorbed from the environment, on every face that sees space. */
export function radiatorWPerM2(
  o: Pick<OrbitalSpec, 'radiatorSides' | 'emissivity' | 'radiatorTempK' | 'environmentWPerM2'>,
): number {
  return o.radiatorSides * (o.emissivity * STEFAN_BOLTZMANN * o.radiatorTempK ** 4 - o.environmentWPerM2);
}

/** Hexagonal shells: [neighbours in the shell, distance in lattice spacings]. */
const HEX_SHELLS: readonly [number, number][] = [
  [6, 1],
  [6, Math.sqrt(3)],
  [6, 2],
  [12, Math.sqrt(7)],
  [6, 3],
  [6, Math.sqrt(12)],
  [12, Math.sqrt(13)],
  [6, 4],
  [12, Math.sqrt(19)],
];

/** The plan of the orbital site `site`, holding `pools` (resolved, on that site). */
export function planOrbitalSite(
  site: { name: string; overheadFactor: number; orbital: OrbitalSpec },
  pools: readonly (PowerPool & { gpus: number })[],
): OrbitalPlan {
  const o = site.orbital;
  const gpuKW = pools.reduce((sum, p) => sum + gpuRacksKW(p.sku, p.nodes, p.racks), 0);
  const gpus = pools.reduce((sum, p) => sum + p.gpus, 0);
  const loadKW = (gpuKW * site.overheadFactor) / o.satellites;
  const perM2 = radiatorWPerM2(o);
  // Hexagonal packing of n satellites in a disc of radius R: each takes (sqrt 3 / 2) d^2 of the disc's pi R^2.
  const spacingKm = o.clusterRadiusKm * Math.sqrt((2 * Math.PI) / (Math.sqrt(3) * o.satellites));
  let reached = 0;
  let shell = HEX_SHELLS[HEX_SHELLS.length - 1][1];
  for (const [count, distance] of HEX_SHELLS) {
    reached += count;
    if (reached >= o.neighbours) {
      shell = distance;
      break;
    }
  }
  const years: OrbitalYear[] = [];
  for (let year = 0; year <= o.missionYears; year++) {
    const capacity = (1 - o.annualFailureRate) ** year;
    years.push({
      year,
      capacity: round(capacity),
      gpus: Math.floor(gpus * capacity),
      arrayMW: arrayMW(o, year),
      loadMW: round((gpuKW * site.overheadFactor * capacity) / 1000),
    });
  }
  return {
    site: site.name,
    satellites: o.satellites,
    pools: pools.map((p) => p.name),
    racks: pools.reduce((sum, p) => sum + p.racks, 0),
    gpus,
    gpuMW: round(gpuKW / 1000),
    overheadFactor: site.overheadFactor,
    loadKWPerSatellite: round(loadKW),
    arrayKWPerSatellite: round(arrayKW(o, 0)),
    radiatorWPerM2: round(perM2),
    radiatorKWPerSatellite: round((o.radiatorAreaM2 * perM2) / 1000),
    radiatorAreaNeededM2: perM2 > 0 ? round((loadKW * 1000) / perM2) : Infinity,
    arrayAreaNeededM2: round((loadKW * o.arrayAreaM2) / arrayKW(o, 0)),
    linkDemandGbps: round((gpus / o.satellites) * o.offSatelliteGbpsPerGpu),
    linkSupplyGbps: round(o.neighbours * o.linkGbpsPerNeighbour),
    spacingKm: round(spacingKm),
    farthestNeighbourKm: round(spacingKm * shell),
    crossingMicroseconds: round(((2 * o.clusterRadiusKm) / LIGHT_KM_PER_S) * 1e6),
    years,
  };
}

/** Rounds to 3 decimals so that reports are stable and readable. */
function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
