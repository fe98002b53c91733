/**
 * JSON Schema of a site's physics: kind, PUE, halls with their floor, air, facility water and CDUs,
 * rack profiles, coolant, water, and an orbital site's assumptions. Merged into the site schema
 * (spec/schema.ts); the checks with figures are in spec/check-site.ts.
 */
import { whole } from './fabric-schema';
import type { JsonSchema } from './schema';
import { defaultsTo, tsType } from './schema-annotations';
import { dnsLabel, objectOf } from './schema-fields';

const number = (description: string, minimum: number, maximum: number, exclusive = false): JsonSchema => ({
  type: 'number',
  description,
  ...(exclusive ? { exclusiveMinimum: minimum } : { minimum }),
  maximum,
  'x-fix': `use a number ${exclusive ? 'above' : 'from'} ${minimum} ${exclusive ? 'and at most' : 'to'} ${maximum}`,
});

const share = (description: string): JsonSchema => number(`${description} (0 to 1).`, 0, 1);

/** ASHRAE TC 9.9 facility water classes, with the highest supply temperature each allows (W+ has none). */
export const WATER_CLASS_MAX_C: Readonly<Record<string, number>> = { W17: 17, W27: 27, W32: 32, W40: 40, W45: 45 };

const hall = objectOf(
  'A data hall: floor, air cooling, facility water, CDUs, and the racks of each pool placed in it.',
  {
    name: dnsLabel('Hall name, unique within the site.'),
    rackPositions: whole('Rack positions on the floor.', 1, 100_000),
    floorAreaM2: number('Floor area of the rack positions with their aisles, m2.', 0, 1_000_000, true),
    floorLoadKgPerM2: number('Uniform load the floor is rated for, kg/m2.', 0, 100_000, true),
    airCoolingKW: number("Heat the hall's air handling removes, kW.", 0, 1_000_000),
    facilityWater: objectOf(
      'Facility water supplied to the CDUs.',
      {
        class: {
          ...tsType('WaterClass', 'ASHRAE TC 9.9 facility water classes (the highest supply temperature each allows).'),
          type: 'string',
          description: 'ASHRAE facility water class (W17, W27, W32, W40, W45, W+).',
          enum: ['W17', 'W27', 'W32', 'W40', 'W45', 'W+'],
        },
        supplyC: number('Supply temperature, degrees C.', 0, 80),
      },
      ['class', 'supplyC'],
      tsType('FacilityWaterSpec', 'Facility water supplied to a hall.'),
    ),
    cdus: objectOf(
      'CDUs in groups, each group serving racksServed racks. Default: none (the racks must be air-cooled).',
      {
        capacityKW: number('Heat one unit moves to the facility water, kW.', 0, 10_000, true),
        flowLpm: number('Secondary-loop flow one unit delivers, L/min.', 0, 100_000, true),
        racksServed: whole(
          'Racks one group serves: 1 in-rack, a row for row CDUs, the hall for facility CDUs.',
          1,
          100_000,
        ),
        unitsPerGroup: whole('Units in each group.', 1, 64),
        redundancy: {
          type: 'string',
          description: 'Units of a group that may be out: N (none), N+1 (one), 2N (half).',
          enum: ['N', 'N+1', '2N'],
          default: 'N+1',
        },
      },
      ['capacityKW', 'flowLpm', 'racksServed', 'unitsPerGroup'],
      tsType('CduSpec', 'Identical CDUs in groups, each group serving a fixed number of racks.'),
    ),
    racks: {
      type: 'object',
      description: 'Racks of each pool placed in the hall (pool name to racks).',
      propertyNames: dnsLabel('Pool name.', 40),
      additionalProperties: whole('Racks of the pool in this hall.', 0, 100_000),
    },
  },
  ['name', 'rackPositions', 'floorAreaM2', 'floorLoadKgPerM2', 'airCoolingKW', 'facilityWater', 'racks'],
  tsType('HallSpec', 'A data hall: floor, air cooling, facility water, CDUs, and the racks placed in it.'),
);

const rackProfile = objectOf(
  "A site's figures for one SKU's racks.",
  {
    liquidShare: defaultsTo(share("Share of the rack's heat carried away by liquid"), "the catalog's figure"),
    weightKg: defaultsTo(number('Weight of a full rack, kg.', 0, 10_000, true), "the catalog's figure"),
    positions: defaultsTo(whole('Floor positions one rack takes.', 1, 8), "the catalog's figure"),
  },
  [],
  tsType('RackProfileSpec', 'Rack figures a site declares for a SKU.'),
);

const orbital = objectOf(
  'Declared assumptions of an orbital site (a formation of identical satellites); required with kind: orbital. Default: none.',
  {
    satellites: whole('Satellites in the formation; racks are spread evenly over them.', 1, 1_000_000),
    arrayAreaM2: number('Solar array area per satellite, m2.', 0, 10_000_000, true),
    cellEfficiency: number('Cell efficiency at the start of the mission (0 to 1).', 0, 1, true),
    sunlitFraction: { ...number('Share of the orbit in sunlight (0 to 1).', 0, 1, true), default: 1 },
    arrayDegradationPerYear: { ...share('Array output lost per year'), default: 0 },
    radiatorAreaM2: number('Radiator panel area per satellite (one face), m2.', 0, 10_000_000, true),
    radiatorSides: { type: 'integer', description: 'Faces of each panel that see space.', enum: [1, 2] },
    emissivity: number('Infrared emissivity of the radiator (0 to 1).', 0, 1, true),
    radiatorTempK: number('Radiator temperature, K.', 0, 1000, true),
    environmentWPerM2: number(
      "Heat absorbed per m2 of each radiator face from Earth's infrared and albedo, W/m2.",
      0,
      1361,
    ),
    neighbours: whole('Optical links per satellite to its neighbours.', 1, 64),
    linkGbpsPerNeighbour: number('Bandwidth of one optical link, Gb/s.', 0, 10_000_000, true),
    linkRangeKm: number('Distance at which a link holds that bandwidth, km.', 0, 100_000, true),
    clusterRadiusKm: number('Radius of the formation, km.', 0, 100_000, true),
    offSatelliteGbpsPerGpu: number('Bandwidth each GPU sends off its satellite, Gb/s.', 0, 100_000),
    annualFailureRate: share('Share of the GPUs failing per year, never repaired'),
    missionYears: whole('Mission length, years.', 1, 50),
    minEndOfMissionCapacity: defaultsTo(
      share('Capacity that must remain at the end of the mission'),
      'none (capacity is reported, not checked)',
    ),
  },
  [
    'satellites',
    'arrayAreaM2',
    'cellEfficiency',
    'radiatorAreaM2',
    'radiatorSides',
    'emissivity',
    'radiatorTempK',
    'environmentWPerM2',
    'neighbours',
    'linkGbpsPerNeighbour',
    'linkRangeKm',
    'clusterRadiusKm',
    'offSatelliteGbpsPerGpu',
    'annualFailureRate',
    'missionYears',
  ],
  tsType(
    'OrbitalSpec',
    'The declared assumptions of an orbital site: a formation of identical satellites. Every figure is a planning assumption (none is flight data), checked against physics.',
  ),
);

/** The site fields of this module, merged into the site schema. */
export const sitePhysicsSchemas: Record<string, JsonSchema> = {
  kind: {
    ...tsType('SiteKind', 'Where a site is.'),
    type: 'string',
    description: 'ground (a data centre) or orbital (a planning target: no workload cluster is emitted for it).',
    enum: ['ground', 'orbital'],
    default: 'ground',
  },
  pue: number(
    'Power usage effectiveness: the site draws its IT load times it. Default: overheadFactor covers cooling.',
    1,
    3,
  ),
  halls: {
    type: 'array',
    description:
      "The site's halls (rack positions, floor load, air and liquid cooling, racks per pool). Default: none (no space or cooling checks).",
    items: hall,
    minItems: 1,
    maxItems: 256,
  },
  rackProfiles: {
    type: 'object',
    description:
      "Rack figures per catalog SKU (liquid share, weight, positions) where the catalog has none or the site differs. Default: the catalog's.",
    additionalProperties: rackProfile,
  },
  coolant: objectOf(
    "Coolant flow sizing of the rack loops. Default: each field's default.",
    {
      litresPerMinutePerKW: { ...number('Flow per kW of liquid heat, L/min.', 0, 100, true), default: 1.5 },
      riseK: { ...number('Coolant temperature rise across the racks, K.', 0, 60, true), default: 10 },
    },
    [],
    tsType('CoolantSpec', 'Coolant flow sizing: flow per kW of liquid heat at a temperature rise.'),
  ),
  water: objectOf(
    'Evaporative heat rejection; the water used per day is reported. Default: none (dry).',
    {
      evaporativeShare: share("Share of the site's heat rejected by evaporation"),
      cyclesOfConcentration: number('Cycles of concentration of the cooling towers.', 1, 50, true),
    },
    ['evaporativeShare', 'cyclesOfConcentration'],
    tsType('WaterSpec', 'Evaporative heat rejection (cooling towers), for the water figure.'),
  ),
  orbital,
};
