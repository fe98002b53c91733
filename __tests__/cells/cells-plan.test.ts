import * as fs from 'fs';
import * as path from 'path';
import { analyzeCells } from '../../cells/analysis';
import { envelopeFigures, envelopeFindings } from '../../cells/envelope';
import { planCells } from '../../cells/plan';
import { SpecError } from '../../spec/errors';
import { parseSpec } from '../../spec/load';
import { ROOT } from '../support/synth';

/**
 * The 230k example without its halls: these tests grow pools, and on a site with halls every rack must stand in
 * one (issue 18's racks-unplaced), which is not what they test.
 */
const colossus = fs
  .readFileSync(path.join(ROOT, 'examples/colossus-1.yaml'), 'utf8')
  .replace(/^ {4}halls:\n(?: {6}.*\n| *#.*\n)*/m, '');
/** The 230k example with `cells` inserted under spec. */
const withCells = (cells: string, edit: (t: string) => string = (t) => t) =>
  parseSpec(edit(colossus.replace('  nodePools:', `  cells:\n${cells}\n  nodePools:`)), 'colossus-1.yaml').cluster;
/** Room for more than eight cells. */
const roomy = (t: string) =>
  wide(t)
    .replace('podCIDR: 10.0.0.0/8', 'podCIDR: 10.0.0.0/7')
    .replace('railCIDR: 100.64.0.0/10', 'railCIDR: 100.0.0.0/9');
const wide = (t: string) =>
  t
    .replace('podCIDR: 10.0.0.0/9', 'podCIDR: 10.0.0.0/8')
    .replace('serviceCIDR: 10.192.0.0/16', 'serviceCIDR: 172.16.0.0/12');

describe('the cell planner', () => {
  it('cuts each pool into cells of whole blocks of at most 5,000 nodes, a dedicated pool in cells of its own', () => {
    const cluster = withCells('    maxNodesPerCell: 5000', wide);
    const plan = planCells(cluster);
    expect(plan.split).toBe(true);
    expect(plan.issues).toEqual([]);
    expect(plan.cells.map((c) => [c.name, c.pool, c.firstBlock, c.blocks, c.nodes])).toEqual([
      ['h100-c00', 'h100', 0, 78, 4992],
      ['h100-c01', 'h100', 78, 78, 4992],
      ['h100-c02', 'h100', 156, 78, 4992],
      ['h100-c03', 'h100', 234, 59, 3776],
      ['h200-c00', 'h200', 0, 78, 4992],
      ['h200-c01', 'h200', 78, 20, 1280],
      ['gb200-c00', 'gb200', 0, 34, 4896],
      ['gb200-c01', 'gb200', 34, 19, 2628],
    ]);
    for (const c of plan.cells) expect(c.nodes).toBeLessThanOrEqual(5000);
  });

  it('keeps every existing cell when a pool grows: the last cell fills, then cells are added', () => {
    const before = planCells(withCells('    maxNodesPerCell: 5000', roomy)).cells;
    const grown = planCells(
      withCells('    maxNodesPerCell: 5000', (t) =>
        roomy(t).replace('nodes: 18752', 'nodes: 30000').replace('powerBudgetMW: 420', 'powerBudgetMW: 600'),
      ),
    ).cells;
    for (const c of before.filter((c) => c.pool === 'h100').slice(0, -1)) {
      expect(grown.find((g) => g.name === c.name)).toEqual(c);
    }
    const last = before.filter((c) => c.pool === 'h100').at(-1)!;
    const lastAfter = grown.find((g) => g.name === last.name)!;
    expect([lastAfter.firstBlock, lastAfter.blocks]).toEqual([last.firstBlock, 78]);
    expect(grown.filter((c) => c.pool === 'h100').map((c) => c.name)).toEqual([
      'h100-c00',
      'h100-c01',
      'h100-c02',
      'h100-c03',
      'h100-c04',
      'h100-c05',
      'h100-c06',
    ]);
    expect(grown.filter((c) => c.pool !== 'h100')).toEqual(before.filter((c) => c.pool !== 'h100'));
  });

  it('pins cells of the layout first, in order, then cuts the rest automatically', () => {
    const cluster = withCells(
      '    layout:\n      - { name: hall-a, pool: h100, blocks: 40, context: hall-a-admin }\n      - { name: hall-b, pool: h100, blocks: 40 }',
      roomy,
    );
    const { cells } = planCells(cluster);
    expect(cells.filter((c) => c.pool === 'h100').map((c) => [c.name, c.firstBlock, c.blocks])).toEqual([
      ['hall-a', 0, 40],
      ['hall-b', 40, 40],
      ['h100-c00', 80, 78],
      ['h100-c01', 158, 78],
      ['h100-c02', 236, 57],
    ]);
    const reports = analyzeCells(cluster).reports;
    expect(reports.find((r) => r.name === 'hall-a')!.context).toBe('hall-a-admin');
    expect(reports.find((r) => r.name === 'hall-b')!.context).toBe('colossus-1-hall-b');
  });

  it('refuses a pinned cell over maxNodesPerCell, more blocks than the pool has, and a reserved name', () => {
    const refuse = (layout: string) => {
      try {
        withCells(`    layout:\n${layout}`, roomy);
      } catch (e) {
        return (e as SpecError).issues.map((i) => [i.code, i.message, i.fix]);
      }
      return [];
    };
    expect(refuse('      - { name: big, pool: h100, blocks: 100 }').slice(0, 1)).toEqual([
      [
        'cell-too-large',
        'cell "big" has 6,400 nodes (100 blocks of 64), over maxNodesPerCell 5,000',
        'pin at most 78 blocks per cell',
      ],
    ]);
    expect(refuse('      - { name: all, pool: h200, blocks: 99 }').map((i) => i[0])).toContain(
      'cell-blocks-exceed-pool',
    );
    expect(refuse('      - { name: manager, pool: h200, blocks: 9 }').map((i) => i[0])).toEqual(['reserved-name']);
  });

  it('refuses cells above 5,000 nodes unless a reason is recorded, and records it', () => {
    expect(() => withCells('    maxNodesPerCell: 8000', wide)).toThrow(/cell-above-threshold[\s\S]*exceedReason/);
    const cluster = withCells(
      "    maxNodesPerCell: 8000\n    exceedReason: 'etcd on dedicated NVMe hosts, SLOs measured at 8,000 nodes in staging'",
      wide,
    );
    const { plan, reports } = analyzeCells(cluster);
    expect(plan.exceedReason).toMatch(/staging/);
    expect(reports.find((r) => r.name === 'h100-c00')!.findings.map((f) => f.code)).toContain('nodes-above-threshold');
  });

  it("splits each tenant's quota over its pool's cells so that the cells add up to the spec", () => {
    const { reports } = analyzeCells(withCells('    maxNodesPerCell: 5000', wide));
    const sum = (tenant: string, pool: string) => reports.reduce((s, r) => s + (r.tenants[tenant]?.[pool] ?? 0), 0);
    expect(sum('grok', 'h100')).toBe(150016);
    expect(sum('grok-research', 'h200')).toBe(50176);
    expect(sum('anthropic', 'gb200')).toBe(30096);
    for (const r of reports) {
      const gpus = Object.values(r.tenants).reduce((s, q) => s + Object.values(q).reduce((a, b) => a + b, 0), 0);
      expect(gpus).toBeLessThanOrEqual(r.figures.gpus);
    }
    // The GB200 cells hold the external tenant only.
    expect(reports.filter((r) => r.name.startsWith('gb200')).map((r) => Object.keys(r.tenants))).toEqual([
      ['anthropic'],
      ['anthropic'],
    ]);
  });
});

describe('the scale envelope', () => {
  it('puts the 230k example as one cluster outside it: 32,548 nodes, about 850k pods, a 3 MiB IPPool', () => {
    const cluster = parseSpec(colossus, 'colossus-1.yaml').cluster;
    const f = envelopeFigures(cluster);
    expect(f.nodes).toBe(32548);
    expect(f.nodeAgents).toBe(19);
    // 19 agents per node, and the job pods the pools hold at one pod per GPU (the tenants' pod quotas follow
    // their GPUs, so the pools bound them).
    expect(f.pods).toBe(32548 * 19 + 230288);
    expect(f.heartbeatWritesPerSecond).toBeCloseTo(3254.8);
    expect(f.largestObject.bytes).toBeGreaterThan(2.5 * 1024 * 1024);
    const findings = envelopeFindings(f, { nodeCidrsAllocated: true, splitFix: 'split it' });
    expect(findings.map((x) => [x.severity, x.code])).toEqual([
      ['error', 'object-too-large'],
      ['warning', 'nodes-above-threshold'],
      ['warning', 'pods-above-threshold'],
    ]);
    expect(findings[0].message).toMatch(/IPPool\/rail-0 .* over the 1\.5 MiB the API accepts/);
    // So it is split without being asked: the cluster declares no spec.cells.
    expect(cluster.cells).toBeUndefined();
    expect(analyzeCells(cluster).plan.split).toBe(true);
  });

  it('puts every cell of the 230k example inside the envelope', () => {
    const { reports, errors } = analyzeCells(withCells('    maxNodesPerCell: 5000', wide));
    expect(errors).toEqual([]);
    for (const r of reports) {
      expect(r.findings).toEqual([]);
      expect(r.figures.pods).toBeLessThanOrEqual(150000);
      expect(r.figures.podRange!.nodeCapacity).toBeGreaterThanOrEqual(r.figures.nodes);
      expect(r.figures.largestObject.bytes).toBeLessThan(r.figures.largestObjectLimitBytes);
    }
  });

  it('refuses a cell whose pod range cannot hold a /24 per node, naming the figure, the limit and the fix', () => {
    expect(() =>
      withCells('    layout:\n      - { name: hall-a, pool: h100, blocks: 70, podCIDR: 11.0.0.0/12 }', roomy),
    ).toThrow(
      /pod-range-exhausted\] spec\.cells\.layout\[0\]: cell "hall-a": pod range 11\.0\.0\.0\/12 holds 4,096 per-node \/24 ranges, but there are 4,480 nodes[\s\S]*fix: give a pod range of \/11 or shorter/,
    );
  });
});

describe('cell ranges', () => {
  it('gives each cell fixed slots that do not move when the last pool grows', () => {
    const ranges = (edit: (t: string) => string) =>
      analyzeCells(withCells('    maxNodesPerCell: 5000', (t) => roomy(edit(t)))).cellClusters!.map((c) => [
        c.cell.name,
        c.cluster.kubernetes.podCIDR,
        c.cluster.kubernetes.serviceCIDR,
        c.cluster.fabric!.railCIDR,
      ]);
    const before = ranges((t) => t);
    const after = ranges((t) =>
      t.replace('racks: 418', 'racks: 600').replace('powerBudgetMW: 420', 'powerBudgetMW: 600'),
    );
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.length).toBe(before.length + 1);
    expect(before[0]).toEqual(['h100-c00', '10.0.0.0/11', '172.16.0.0/16', '100.0.0.0/13']);
  });

  it('refuses a range with fewer slots than cells, with the prefix that fits', () => {
    expect(() =>
      withCells('    maxNodesPerCell: 5000', (t) =>
        wide(t).replace('nodes: 18752', 'nodes: 30000').replace('powerBudgetMW: 420', 'powerBudgetMW: 600'),
      ),
    ).toThrow(
      /cell-ranges-exhausted\] spec\.kubernetes\.podCIDR: 10\.0\.0\.0\/8 holds 8 cell ranges of \/11 \(sized for 5000 nodes\), but there are 11 cells[\s\S]*fix: give podCIDR a prefix of \/7 or shorter/,
    );
  });
});
