/**
 * Site physics: halls (positions, floor, air, CDUs with a unit out, coolant flow, water class), PUE and
 * water on the ground; arrays, radiators, links and fail-in-place in orbit. Every check refuses a spec
 * that breaks it, with the numbers.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GpuCatalog } from '../../catalog/gpus';
import { SpecIssue } from '../../spec/errors';
import { loadSpecFile } from '../../spec/load';
import {
  EVAPORATION_LITRES_PER_KWH,
  minimumLitresPerMinutePerKW,
  rackFigures,
  usGallons,
  waterLitresPerDay,
} from '../../site/facility';
import { arrayMW, radiatorWPerM2 } from '../../site/orbital';
import { facilitySummary, ORBITAL_NOTE, orbitalSummary } from '../../site/summary';
import { buildSummary } from '../../reports/summary';
import { specIssues } from '../support/spec-issues';
import { ROOT } from '../support/synth';

const ORBITAL = fs.readFileSync(path.join(ROOT, 'examples', 'orbital.yaml'), 'utf8');

/** The issues of spec text; fails the test when it loads. */
function issuesOf(text: string): SpecIssue[] {
  const issues = specIssues(text);
  expect(issues.length).toBeGreaterThan(0);
  return issues;
}

const edit = (from: string, to: string, text = ORBITAL) => {
  expect(text).toContain(from);
  return text.replace(from, to);
};

/** The only issue of `text`, which must have `code`. */
function only(text: string, code: string): SpecIssue {
  const issues = issuesOf(text);
  expect(issues.map((i) => i.code)).toEqual([code]);
  return issues[0];
}

describe('physics of the model', () => {
  it('a two-sided radiator at 350 K, emissivity 0.9, rejects about 1,000 W/m2 after the environment (Stefan-Boltzmann)', () => {
    const perM2 = radiatorWPerM2({ radiatorSides: 2, emissivity: 0.9, radiatorTempK: 350, environmentWPerM2: 250 });
    // 0.9 x 5.670e-8 x 350^4 = 765.8 W/m2 per face, less 250 absorbed, twice.
    expect(perM2).toBeCloseTo(2 * (765.8 - 250), 0);
    // 700 to 1,200 m2 per MW (site-physics.md).
    expect(1e6 / perM2).toBeGreaterThan(700);
    expect(1e6 / perM2).toBeLessThan(1200);
    expect(
      radiatorWPerM2({ radiatorSides: 1, emissivity: 0.9, radiatorTempK: 350, environmentWPerM2: 250 }),
    ).toBeCloseTo(perM2 / 2, 6);
  });

  it('30 % cells under 1,361 W/m2 give 408 W/m2: about 2,450 m2 of array per MW', () => {
    const mw = arrayMW(
      {
        satellites: 1,
        arrayAreaM2: 2450,
        cellEfficiency: 0.3,
      } as Parameters<typeof arrayMW>[0],
      0,
    );
    expect(mw).toBeCloseTo(1.0, 2);
  });

  it('water needs 1.44 L/min per kW at a 10 K rise (OCP sizes 1.5); evaporation takes 1.48 L per kWh', () => {
    expect(minimumLitresPerMinutePerKW(10)).toBeCloseTo(1.44, 2);
    expect(EVAPORATION_LITRES_PER_KWH).toBeCloseTo(1.48, 2);
    // 1 MW all evaporative at 4 cycles: 24,000 kWh x 1.48 x 4/3.
    expect(waterLitresPerDay({ water: { evaporativeShare: 1, cyclesOfConcentration: 4 } }, 1)).toBe(
      Math.round(24000 * EVAPORATION_LITRES_PER_KWH * (4 / 3)),
    );
    expect(waterLitresPerDay({}, 1)).toBeUndefined();
  });

  it('takes rack figures from the catalog, with a site declaring the unpublished ones', () => {
    const sku = GpuCatalog.builtIn().get('GB200-NVL72');
    const pool = { name: 'gb', sku, nodes: 18, racks: 1, nodesPerRack: 18 };
    expect(rackFigures(pool, {})).toEqual({
      pool: 'gb',
      sku: 'GB200-NVL72',
      itKW: 132,
      liquidShare: undefined,
      weightKg: 1360,
      positions: 1,
    });
    expect(rackFigures(pool, { rackProfiles: { 'GB200-NVL72': { liquidShare: 0.85 } } }).liquidShare).toBe(0.85);
  });
});

describe('the Colossus example', () => {
  const { cluster } = loadSpecFile(path.join(ROOT, 'examples', 'colossus-1.yaml'));
  const facility = facilitySummary(cluster)!;
  const memphis = facility.sites.memphis;

  it('draws its IT load times its PUE from the feed, and reports the water its towers take', () => {
    // GPU racks 310.4 MW x 1.1 (other IT racks) x PUE 1.2.
    expect(memphis).toMatchObject({ pue: 1.2, itMW: 341.463, drawMW: 409.755, feedMW: 420 });
    expect(memphis.waterLitresPerDay).toBe(waterLitresPerDay(cluster.site, 409.755));
    // The assumption is calibrated on the reported ~812,500 US gal/day peak draw.
    expect(memphis.waterUSGallonsPerDay).toBe(usGallons(memphis.waterLitresPerDay!));
    expect(memphis.waterUSGallonsPerDay).toBeGreaterThan(700_000);
    expect(memphis.waterUSGallonsPerDay).toBeLessThan(850_000);
  });

  it('places every rack in nine halls: 64-GPU racks on in-rack CDUs, NVL72 on row CDUs with one of two out', () => {
    expect(Object.keys(memphis.halls)).toHaveLength(9);
    const racks = Object.values(memphis.halls).flatMap((h) => Object.entries(h.racks));
    expect(racks.filter(([p]) => p === 'h100').reduce((n, [, r]) => n + r, 0)).toBe(2344);
    expect(memphis.halls['hall-1']).toMatchObject({
      racks: { h100: 391 },
      rackPositions: 400,
      itKW: 391 * 81.6,
      cduUnits: 391,
      cduRedundancy: 'N',
      worstGroupLiquidKW: 61.2,
      groupCapacityKW: 100,
      worstGroupFlowLpm: 91.8,
      floorLoadKgPerM2: 333.333,
    });
    expect(memphis.halls['hall-1'].liquidKW).toBeCloseTo(391 * 81.6 * 0.75, 3);
    expect(memphis.halls['hall-9']).toMatchObject({
      racks: { gb200: 418 },
      cduGroups: 53,
      cduUnits: 106,
      worstGroupLiquidKW: 8 * 132 * 0.85,
      groupCapacityKW: 1350,
      worstGroupFlowLpm: 8 * 132 * 0.85 * 1.5,
      groupFlowLpm: 2000,
    });
  });
});

describe('specs without halls', () => {
  it('keep their summary unchanged: no facility or orbital section, the same power figures', () => {
    const { cluster } = loadSpecFile(path.join(ROOT, 'examples', 'lab.yaml'));
    const summary = buildSummary(cluster, {});
    expect(summary.facility).toBeUndefined();
    expect(summary.orbital).toBeUndefined();
    expect(Object.keys(JSON.parse(JSON.stringify(summary)))).not.toContain('facility');
    expect(summary.power?.sites.lab).toEqual({ budgetMW: 0.1, drawMW: 0.024, headroomMW: 0.076, overheadFactor: 1.2 });
  });
});

describe('the hall checks', () => {
  it('accepts the orbital example', () => {
    expect(specIssues(ORBITAL)).toEqual([]);
  });

  it('fails on racks beyond the hall positions', () => {
    const issue = only(edit('rackPositions: 4', 'rackPositions: 1'), 'hall-over-positions');
    expect(issue).toMatchObject({
      path: ['spec', 'sites', 0, 'halls', 0, 'rackPositions'],
      message: 'hall "lab-hall" holds racks taking 2 positions (qual: 2), more than its 1',
      fix: 'move 1 racks to another hall, or raise rackPositions',
    });
  });

  it('fails on a rack heavier than the floor carries over its share of the floor', () => {
    const issue = only(edit('floorLoadKgPerM2: 1200', 'floorLoadKgPerM2: 300'), 'floor-over-load');
    // 1,360 kg over 14 m2 / 4 positions = 3.5 m2.
    expect(issue.message).toBe(
      'a 1,360 kg rack on its 3.50 m2 of floor (14 m2 / 4 positions) loads it with 389 kg/m2, more than the 300 kg/m2 hall "lab-hall" is rated for',
    );
    expect(issue.fix).toContain('reinforce the floor to 389 kg/m2, or give each rack 4.53 m2');
  });

  it('fails on more heat to air than the hall removes', () => {
    const issue = only(edit('airCoolingKW: 60', 'airCoolingKW: 30'), 'hall-over-air');
    expect(issue.message).toBe(
      'the racks of hall "lab-hall" put 40 kW into its air (qual: 2 x 132 kW x 0.15), more than its 30 kW of air cooling',
    );
    expect(issue.fix).toContain('raise airCoolingKW to 40');
  });

  it('fails on liquid heat beyond a CDU group with one unit out (N+1)', () => {
    const issue = only(edit('capacityKW: 250', 'capacityKW: 200'), 'cdu-over-capacity');
    expect(issue.path).toEqual(['spec', 'sites', 0, 'halls', 0, 'cdus', 'capacityKW']);
    // 2 racks x 132 kW x 0.85 = 224.4 kW on the one unit left.
    expect(issue.message).toBe(
      'the most loaded CDU group of hall "lab-hall" (2 racks) carries 224 kW of liquid heat, more than its 1 of 2 units move with 1 out (N+1): 1 x 200 kW = 200 kW',
    );
    expect(issue.fix).toBe('use units of 225 kW or more, 3 units per group, or fewer racks per group');
  });

  it('fails on N+1 on a single-unit group: nothing is left with the unit out', () => {
    const issue = only(edit('unitsPerGroup: 2', 'unitsPerGroup: 1'), 'cdu-over-capacity');
    expect(issue.message).toContain('has 1 unit, and N+1 takes it out: 224 kW of liquid heat would have no unit left');
    // The same group with redundancy N fits (250 kW for 224.4 kW).
    expect(specIssues(edit('unitsPerGroup: 2, redundancy: N+1', 'unitsPerGroup: 1, redundancy: N'))).toEqual([]);
  });

  it('fails on a coolant flow the CDUs cannot pump (1.5 L/min per kW at 10 K)', () => {
    const issue = only(edit('flowLpm: 400', 'flowLpm: 300'), 'cdu-over-flow');
    expect(issue.message).toBe(
      'the most loaded CDU group of hall "lab-hall" needs 337 L/min (224 kW x 1.5 L/min per kW at a 10 K rise), more than its 1 working units pump: 1 x 300 L/min = 300 L/min',
    );
  });

  it('fails on a declared flow per kW that water cannot carry at the declared rise', () => {
    const text = edit('      pue: 1.3\n', '      pue: 1.3\n      coolant: { litresPerMinutePerKW: 1.0, riseK: 10 }\n');
    const issue = issuesOf(text).find((i) => i.code === 'coolant-below-physics')!;
    expect(issue).toMatchObject({
      path: ['spec', 'sites', 0, 'coolant', 'litresPerMinutePerKW'],
      message: 'at 1 L/min per kW, water (4.18 kJ/(kg K)) warms by 14.4 K, more than the declared rise of 10 K',
      fix: 'declare at least 1.44 L/min per kW at 10 K, or a larger riseK',
    });
  });

  it('fails on a supply temperature above the facility water class', () => {
    const issue = only(edit('supplyC: 30', 'supplyC: 35'), 'supply-above-class');
    expect(issue.message).toBe(
      'hall "lab-hall" is supplied at 35 degrees C, above the 32 degrees C its class W32 allows',
    );
  });

  it('fails on liquid-cooled racks in a hall without CDUs', () => {
    const issue = only(edit(/ {10}cdus: .*\n/.exec(ORBITAL)![0], ''), 'hall-without-cdus');
    expect(issue.message).toBe('the racks of hall "lab-hall" send 224 kW to liquid, but the hall declares no CDUs');
  });

  it('fails on a pool not placed in full, and racks of unknown pools or pools of other sites', () => {
    expect(only(edit('racks: { qual: 2 }', 'racks: { qual: 1 }'), 'racks-unplaced')).toMatchObject({
      path: ['spec', 'nodePools', 0],
      message: 'pool "qual" has 2 racks, but the halls of site "qual" hold 1 of them (lab-hall: 1)',
      fix: "place 1 more racks of qual in a hall's racks",
    });
    expect(only(edit('racks: { qual: 2 }', 'racks: { qual: 2, qaul: 1 }'), 'unknown-pool')).toMatchObject({
      path: ['spec', 'sites', 0, 'halls', 0, 'racks', 'qaul'],
      fix: 'did you mean "qual"?',
    });
    expect(only(edit('racks: { qual: 2 }', 'racks: { qual: 2, orbit: 1 }'), 'pool-on-other-site').message).toBe(
      'pool "orbit" stands on site "dawn-dusk", not "qual"',
    );
  });

  it('fails on an unpublished rack figure left undeclared (the NVL72 liquid share)', () => {
    const issue = only(
      edit('        GB200-NVL72: { liquidShare: 0.85 } # 85-90 % often quoted, unverified\n', '').replace(
        '      rackProfiles:\n',
        '',
      ),
      'missing-rack-figure',
    );
    expect(issue).toMatchObject({
      path: ['spec', 'sites', 0, 'rackProfiles'],
      fix: 'declare it as an assumption: rackProfiles: { GB200-NVL72: { liquidShare: ... } }',
    });
    expect(issue.message).toContain('has no liquidShare');
  });

  it('fails on a site whose IT load times its PUE exceeds the feed, with the figures', () => {
    const issue = only(edit('pue: 1.3', 'pue: 2'), 'site-over-budget');
    // 2 x 132 kW x 1.1 = 290.4 kW of IT, x 2 = 580.8 kW against 500 kW.
    expect(issue.message).toBe(
      'site "qual" draws 0.581 MW (qual: 0.581 MW; IT load 0.290 MW (GPU racks x 1.1) x PUE 2), more than its budget of 0.5 MW by 0.081 MW',
    );
  });

  it('fails on two halls of one name, and orbital assumptions on a ground site', () => {
    const hall = /( {8}- name: lab-hall\n(?: {10}.*\n)+)/.exec(ORBITAL)![1];
    expect(only(edit(hall, hall + hall.replace('racks: { qual: 2 }', 'racks: {}')), 'duplicate-name')).toMatchObject({
      path: ['spec', 'sites', 0, 'halls', 1, 'name'],
      message: 'hall name "lab-hall" is used by halls[0] too',
    });
    const orbital = /( {6}orbital:\n(?: {8}.*\n)+)/.exec(ORBITAL)![1];
    expect(only(edit('      pue: 1.3\n', `      pue: 1.3\n${orbital}`), 'orbital-on-ground')).toMatchObject({
      path: ['spec', 'sites', 0, 'orbital'],
      fix: 'set kind: orbital, or remove orbital',
    });
    expect(only(edit(orbital, ''), 'missing-field')).toMatchObject({ path: ['spec', 'sites', 1, 'orbital'] });
  });

  it('fails on a ground site without a power budget', () => {
    expect(only(edit('      powerBudgetMW: 0.5\n', ''), 'missing-field')).toMatchObject({
      path: ['spec', 'sites', 0, 'powerBudgetMW'],
      message: 'required field "powerBudgetMW" is missing',
    });
  });
});

describe('the orbital checks', () => {
  it('fails on arrays that do not cover the load, naming the year (degradation over the mission)', () => {
    const issue = only(edit('arrayAreaM2: 400', 'arrayAreaM2: 350'), 'arrays-short');
    expect(issue.path).toEqual(['spec', 'sites', 1, 'orbital', 'arrayAreaM2']);
    // 350 m2 x 1,361 W/m2 x 0.3 = 142.9 kW; 132 kW x 1.15 = 151.8 kW.
    expect(issue.message).toBe(
      'in year 0 the arrays of site "dawn-dusk" deliver 142.9 kW per satellite (350 m2 x 1,361 W/m2 x 0.3 efficiency x 1 sunlit), less than the 151.8 kW each satellite draws (GPU racks x 1.15)',
    );
    expect(issue.fix).toContain('arrayAreaM2: 372 or more');
    // No failures and 5 % fade a year: 380 m2 covers year 0 (155.1 kW) but not year 1 (147.4 kW).
    const fading = edit('arrayAreaM2: 400', 'arrayAreaM2: 380')
      .replace('arrayDegradationPerYear: 0.01', 'arrayDegradationPerYear: 0.05')
      .replace('annualFailureRate: 0.09', 'annualFailureRate: 0')
      .replace('        minEndOfMissionCapacity: 0.6\n', '');
    expect(only(fading, 'arrays-short').message).toMatch(
      /^in year 1 .* x 0\.950 after degradation\), less than the 151\.8 kW/,
    );
  });

  it('fails on radiators that cannot reject the heat, counting sides and the environment', () => {
    const issue = only(edit('radiatorAreaM2: 160', 'radiatorAreaM2: 100'), 'radiators-short');
    expect(issue.message).toBe(
      'the radiators of a satellite of site "dawn-dusk" reject 103.2 kW (100 m2 x 2 sides x (0.9 x sigma x 350^4 K - 250 W/m2 absorbed) = 1,032 W/m2), less than the 151.8 kW of heat it makes',
    );
    expect(issue.fix).toBe('declare radiatorAreaM2: 148 or more, or run the radiators hotter');
    // The same panel radiating from one face only rejects half.
    expect(only(edit('radiatorSides: 2', 'radiatorSides: 1'), 'radiators-short').message).toContain('reject 82.5 kW');
    // A cold radiator absorbs more than it emits.
    expect(only(edit('radiatorTempK: 350', 'radiatorTempK: 200'), 'radiator-below-environment').message).toBe(
      'a radiator at 200 K with emissivity 0.9 emits 82 W/m2 per face, no more than the 250 W/m2 it absorbs from the environment',
    );
  });

  it('fails on fabric demand beyond the optical links (full 400G per GPU needs 28.8 Tb/s a satellite)', () => {
    const issue = only(edit('offSatelliteGbpsPerGpu: 50', 'offSatelliteGbpsPerGpu: 400'), 'links-short');
    expect(issue.message).toBe(
      'a satellite of site "dawn-dusk" sends 28,800 Gb/s off board (72 GPUs x 400 Gb/s), more than its 4 optical links carry: 4 x 1,600 Gb/s = 6,400 Gb/s',
    );
    expect(issue.fix).toContain('links of 7,200 Gb/s or more');
  });

  it('fails on a formation whose neighbours stand beyond the link range', () => {
    const issue = only(edit('clusterRadiusKm: 1', 'clusterRadiusKm: 3'), 'links-out-of-range');
    expect(issue.message).toBe(
      '81 satellites packed in a 3 km radius stand 635 m apart, and the farthest of 4 neighbours is 635 m away, beyond the 500 m at which a link holds its bandwidth',
    );
  });

  it('fails on a mission that ends below its capacity floor (fail-in-place)', () => {
    const issue = only(edit('minEndOfMissionCapacity: 0.6', 'minEndOfMissionCapacity: 0.7'), 'capacity-below-floor');
    // 0.91^5 = 0.624.
    expect(issue.message).toBe(
      'after 5 years failing in place at 9 % a year, 62.4 % of the GPUs of site "dawn-dusk" work (3,639 of 5,832), less than the 70 % required',
    );
  });

  it('fails on quota on an orbital pool, a power budget on an orbital site, and a spec with no ground pool', () => {
    expect(
      only(edit('gpuQuota: { qual: 144 }', 'gpuQuota: { qual: 144, orbit: 72 }'), 'planned-pool-quota'),
    ).toMatchObject({
      path: ['spec', 'tenants', 0, 'gpuQuota', 'orbit'],
    });
    expect(
      only(edit('      kind: orbital\n', '      kind: orbital\n      powerBudgetMW: 20\n'), 'not-in-orbit'),
    ).toMatchObject({ path: ['spec', 'sites', 1, 'powerBudgetMW'] });
    const allOrbit = edit('      site: qual\n', '      site: dawn-dusk\n')
      .replace('racks: { qual: 2 }', 'racks: {}')
      .replace('gpuQuota: { qual: 144 }', 'gpuQuota: {}');
    expect(issuesOf(allOrbit).map((i) => i.code)).toContain('no-ground-pool');
  });
});

describe('the fabric beside an orbital site', () => {
  it('is sized for the ground pools only, and names a ground pool by its index in the spec', () => {
    const withFabric = edit(
      '    context: orbital-qual\n',
      `    context: orbital-qual
    podCIDR: 10.0.0.0/16
    serviceCIDR: 10.96.0.0/16
  fabric:
    kind: spectrum-x
    linkGbps: 400
    switch: { model: SN5600, ports: 128, portGbps: 400 }
    railCIDR: 100.64.0.0/16
    railInterfaces: [ens1np0, ens2np0, ens3np0, ens4np0]
    nodesPerScalableUnit: 18
`,
    );
    // The orbital pool's block (9 racks of 18 trays) is no scalable unit of 18 nodes, and is not checked.
    expect(specIssues(withFabric)).toEqual([]);
    const issue = only(
      withFabric.replace('nodesPerScalableUnit: 18', 'nodesPerScalableUnit: 36'),
      'scalable-unit-mismatch',
    );
    expect(issue.path.slice(0, 3)).toEqual(['spec', 'nodePools', 0]);
  });
});

describe('the orbital example', () => {
  const { cluster } = loadSpecFile(path.join(ROOT, 'examples', 'orbital.yaml'));

  it('plans the orbital pool without putting it into the workload cluster', () => {
    expect(cluster.pools.map((p) => p.name)).toEqual(['qual']);
    expect(cluster.plannedPools.map((p) => p.name)).toEqual(['orbit']);
    const summary = buildSummary(cluster, {});
    expect(Object.keys(summary.pools)).toEqual(['qual']);
    expect(Object.keys(summary.power!.sites)).toEqual(['qual']);
    expect(summary.orbital!.note).toBe(ORBITAL_NOTE);
  });

  it('reports power, heat, links and capacity over the mission years', () => {
    const o = orbitalSummary(cluster)!.sites['dawn-dusk'];
    expect(o).toMatchObject({
      satellites: 81,
      gpus: 81 * 72,
      loadKWPerSatellite: 151.8,
      arrayKWPerSatellite: 163.32,
      radiatorKWPerSatellite: 165.062,
      linkDemandGbps: 3600,
      linkSupplyGbps: 6400,
      spacingM: 212,
    });
    expect(o.years.map((y) => y.capacity)).toEqual([1, 0.91, 0.828, 0.754, 0.686, 0.624]);
    expect(o.years[5].arrayMW).toBeCloseTo(13.229 * 0.99 ** 5, 2);
    expect(o.years.every((y) => y.arrayMW >= y.loadMW)).toBe(true);
  });
});
