/** The site power model and checks: per-pool draw, rack and site limits, several sites. */
import * as fs from 'fs';
import * as path from 'path';
import { GpuCatalog } from '../../catalog/gpus';
import { computePower, gpuRacksKW } from '../../power/model';
import { formatPowerLines, powerSummary } from '../../power/summary';
import { SpecIssue } from '../../spec/errors';
import { loadSpecFile } from '../../spec/load';
import { runCli } from '../support/run-cli';
import { spec, SpecBuilder } from '../support/spec-builder';
import { ROOT, tempDir } from '../support/synth';

const catalog = GpuCatalog.builtIn();

/** The issues of a spec; fails the test when it loads. */
function issuesOf(spec: SpecBuilder): SpecIssue[] {
  const issues = spec.issues();
  expect(issues.length).toBeGreaterThan(0);
  return issues;
}

const LAB_SITE = { name: 'lab', powerBudgetMW: 0.1, maxRackKW: 30 };
const ANNEX = { name: 'annex', powerBudgetMW: 0.5, maxRackKW: 60, overheadFactor: 1.5 };

/** The lab with two sites: the lab pool stays in "lab", a B200 pool goes to "annex". */
const TWO_SITES = spec()
  .withSites(LAB_SITE, ANNEX)
  .pool('h100', { site: 'lab' })
  .withPool({ name: 'b200', gpu: 'B200-SXM-180GB', nodes: 8, site: 'annex' })
  .tenant('team-a', { gpuQuota: { h100: 8, b200: 8 } });

describe('the built-in example', () => {
  const { cluster } = loadSpecFile(path.join(ROOT, 'examples', 'colossus-1.yaml'));
  const power = computePower(cluster.pools, cluster.sites);

  it('draws about 310 MW of GPU racks at the catalog figures, and fits 420 MW with its overhead and PUE', () => {
    const gpuMW = power.pools.reduce((sum, p) => sum + p.gpuKW, 0) / 1000;
    expect(gpuMW).toBeCloseTo(18752 * 10.2e-3 + 6272 * 10.2e-3 + 418 * 0.132, 3);
    expect(gpuMW).toBeGreaterThan(305);
    expect(gpuMW).toBeLessThan(315);
    const [site] = power.sites;
    // Other IT racks x 1.1, then the facility x PUE 1.2 (the example declares both; see site-checks.test.ts).
    expect(site).toMatchObject({ site: 'memphis', budgetMW: 420, overheadFactor: 1.1, pue: 1.2 });
    expect(site.drawMW).toBeCloseTo(gpuMW * 1.1 * 1.2, 2);
    expect(site.headroomMW).toBeCloseTo(420 - site.drawMW, 3);
    expect(site.headroomMW).toBeGreaterThan(0);
  });

  it('sizes per node for HGX and per rack for NVL72, and reports the fullest rack', () => {
    const byPool = Object.fromEntries(power.pools.map((p) => [p.pool, p]));
    expect(byPool.h100).toMatchObject({ racks: 2344, maxRackKW: 81.6, gpuKW: 191270.4 });
    expect(byPool.gb200).toMatchObject({ racks: 418, maxRackKW: 132, gpuKW: 55176 });
    expect(gpuRacksKW(catalog.get('GB200-NVL72'), 7524, 418)).toBe(418 * 132);
  });

  it('summarizes draw per pool and per site, and prints it', () => {
    const summary = powerSummary(cluster);
    expect(summary.pools.h100).toEqual({ kW: 252476.928, racks: 2344, maxRackKW: 81.6, site: 'memphis' });
    expect(summary.sites.memphis).toMatchObject({ budgetMW: 420, drawMW: 409.755, headroomMW: 10.245, pue: 1.2 });
    expect(formatPowerLines(summary).join('\n')).toContain(
      'site memphis: 409.755 MW of 420 MW (GPU racks x 1.1 x PUE 1.2)',
    );
  });
});

describe('the power checks', () => {
  it('fails a pool that pushes its site over the power budget, with the figures', () => {
    const issues = issuesOf(spec().pool('h100', { nodes: 10 }));
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'site-over-budget',
        path: ['spec', 'site', 'powerBudgetMW'],
        // 10 x 10.2 kW x 1.2 = 122.4 kW against 100 kW.
        message: expect.stringMatching(
          /site "lab" draws 0\.122 MW \(h100: 0\.122 MW; .*\), more than its budget of 0\.1 MW by 0\.022 MW/,
        ),
        fix: expect.stringContaining('raise powerBudgetMW to 1'),
      }),
    ]);
  });

  it('fails a rack that draws more than the site allows, with the figures and the nodesPerRack that fits', () => {
    const issues = issuesOf(spec().site({ maxRackKW: 15 }));
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'rack-over-power',
        path: ['spec', 'nodePools', 0],
        message:
          'a rack of pool "h100" draws 20.4 kW (2 x 10.2 kW H100-SXM5-80GB), more than site "lab" allows per rack (15 kW)',
        fix: 'set nodesPerRack: 1 or less, or raise site.maxRackKW',
      }),
    ]);
  });

  it('fails an NVL72 rack above the site limit, suggesting a higher limit (its trays cannot be split)', () => {
    const issues = issuesOf(
      spec()
        .pool('h100', { gpu: 'GB200-NVL72', nodes: undefined, nodesPerRack: undefined, racks: 1 })
        .site({ powerBudgetMW: 1 })
        .eachTenant(() => ({ gpuQuota: { h100: 4 } })),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'rack-over-power',
        fix: expect.stringContaining("raise the site's maxRackKW to 132"),
      }),
    ]);
  });

  it('fails `colossus synth` of an over-budget spec with the figures, writing nothing', () => {
    const outdir = path.join(tempDir(), 'out');
    const r = runCli(['synth', '--spec', spec().pool('h100', { nodes: 10 }).file(), '--out', outdir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /spec\.yaml:\d+:\d+: error\[site-over-budget\] spec\.site\.powerBudgetMW: site "lab" draws 0\.122 MW/,
    );
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it('applies the overhead factor of the site', () => {
    const issues = issuesOf(spec().site({ overheadFactor: 3 }).pool('h100', { nodes: 4 }));
    // 4 x 10.2 kW x 3 = 122.4 kW.
    expect(issues.map((i) => [i.code, i.message])).toEqual([
      ['site-over-budget', expect.stringContaining('GPU racks x 3 overhead')],
    ]);
  });
});

describe('several sites', () => {
  it('accepts a spec with sites and a site per pool, and sizes each site on its own', () => {
    const { cluster } = TWO_SITES.load();
    expect(cluster.sites.map((s) => s.name)).toEqual(['lab', 'annex']);
    expect(cluster.pools.map((p) => [p.name, p.site])).toEqual([
      ['h100', 'lab'],
      ['b200', 'annex'],
    ]);
    const summary = powerSummary(cluster);
    expect(summary.sites.lab.drawMW).toBe(0.024); // 2 x 10.2 kW x 1.2, to the kW
    // 8 x 14.3 kW x 1.5.
    expect(summary.sites.annex).toEqual({ budgetMW: 0.5, drawMW: 0.172, headroomMW: 0.328, overheadFactor: 1.5 });
  });

  it('fails a pool naming no site when there are several', () => {
    const issues = issuesOf(TWO_SITES.pool('b200', { site: undefined }));
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'missing-site',
        path: ['spec', 'nodePools', 1],
        fix: 'add site: (one of lab, annex)',
      }),
    ]);
  });

  it('fails a pool naming an unknown site, suggesting the nearest', () => {
    const issues = issuesOf(TWO_SITES.pool('b200', { site: 'anex' }));
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'unknown-site',
        path: ['spec', 'nodePools', 1, 'site'],
        fix: 'did you mean "annex"?',
      }),
    ]);
  });

  it('fails a spec with both site and sites, or neither', () => {
    const both = TWO_SITES.with({ site: { name: 'x', powerBudgetMW: 1, maxRackKW: 1 } });
    expect(issuesOf(both).map((i) => i.code)).toEqual(['site-and-sites']);
    const neither = spec().with({ site: undefined });
    expect(issuesOf(neither)).toEqual([expect.objectContaining({ code: 'missing-site', path: ['spec'] })]);
  });

  it('fails two sites of the same name', () => {
    const issues = issuesOf(TWO_SITES.withSites(LAB_SITE, { ...ANNEX, name: 'lab' }).pool('b200', { site: 'lab' }));
    expect(issues).toContainEqual(
      expect.objectContaining({
        code: 'duplicate-name',
        path: ['spec', 'sites', 1, 'name'],
        message: 'site name "lab" is used by sites[0] too',
        fix: 'give every site its own name',
      }),
    );
  });

  it('fails the site over its budget in a multi-site spec, located at that site', () => {
    const issues = issuesOf(TWO_SITES.withSites(LAB_SITE, { ...ANNEX, powerBudgetMW: 0.15 }));
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'site-over-budget',
        path: ['spec', 'sites', 1, 'powerBudgetMW'],
        message: expect.stringContaining('site "annex" draws 0.172 MW (b200: 0.172 MW'),
      }),
    ]);
  });
});
