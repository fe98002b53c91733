/**
 * The planners (model/planner.ts): a synth makes each capability's plan once per cluster, the check and
 * the stacks read the same plan, and the planners' rules, which read resolved values, locate their
 * issues where the spec declares the part.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { cellsPlanner } from '../../cells/analysis';
import { synthesize } from '../../emit/synthesize';
import * as fabricPlan from '../../fabric/plan';
import { clusterFabricPlan, fabricPlanner } from '../../fabric/planner';
import { Cluster } from '../../model/cluster';
import { planOf } from '../../model/planner';
import { powerPlanner } from '../../power/planner';
import { provisioningPlanner } from '../../provisioning/planner';
import { sitePlanner } from '../../site/planner';
import { storagePlanner } from '../../storage/planner';
import { loadSpecFile, parseSpec } from '../../spec/load';
import { specIssues } from '../support/spec-issues';
import { MINIMAL } from '../support/spec-builder';

const ROOT = path.join(__dirname, '..', '..');

afterEach(() => jest.restoreAllMocks());

describe('one plan per capability and cluster', () => {
  it('one synth of the 230k example plans each capability once per cluster: the check plans the whole cluster, the synth only the fabric and management of each of its 8 cells', () => {
    const { cluster } = loadSpecFile(path.join(ROOT, 'examples', 'colossus-1.yaml'));
    const planners = {
      storage: storagePlanner,
      power: powerPlanner,
      site: sitePlanner,
      provisioning: provisioningPlanner,
      fabric: fabricPlanner,
      cells: cellsPlanner,
    };
    const spies = Object.fromEntries(Object.entries(planners).map(([name, p]) => [name, jest.spyOn(p, 'plan')]));
    const fabrics = jest.spyOn(fabricPlan, 'planFabric');
    const outdir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'planner-'));
    synthesize(cluster, { outdir: path.join(outdir, 'out') });

    const planned = (name: string) => spies[name].mock.calls.map(([c]) => c as Cluster);
    for (const name of Object.keys(planners)) {
      // No cluster is planned twice by one planner.
      expect(new Set(planned(name)).size).toBe(planned(name).length);
    }
    const cells = [
      'colossus-1-h100-c00',
      'colossus-1-h100-c01',
      'colossus-1-h100-c02',
      'colossus-1-h100-c03',
      'colossus-1-h200-c00',
      'colossus-1-h200-c01',
      'colossus-1-gb200-c00',
      'colossus-1-gb200-c01',
    ];
    // loadSpecFile made the whole cluster's plans (its checks are their rules); the synth planned only the cells.
    for (const name of ['storage', 'power', 'site', 'cells']) expect(planned(name).map((c) => c.name)).toEqual([]);
    expect(
      planned('fabric')
        .map((c) => c.name)
        .sort(),
    ).toEqual([...cells].sort());
    expect(
      planned('provisioning')
        .map((c) => c.name)
        .sort(),
    ).toEqual([...cells].sort());
    expect(fabrics).toHaveBeenCalledTimes(cells.length);
  });

  it('the stacks read the plan the check made: the same object, not a second plan', () => {
    const doc = { ...MINIMAL, spec: { ...MINIMAL.spec, ...WITH_FABRIC } };
    const { cluster } = parseSpec(stringify(doc), 'lab.yaml');
    const made = planOf(cluster, fabricPlanner).plan;
    expect(made).toBeDefined();
    const fabrics = jest.spyOn(fabricPlan, 'planFabric');
    expect(clusterFabricPlan(cluster)).toBe(made);
    expect(fabrics).not.toHaveBeenCalled();
  });
});

describe('rules on resolved values, issues where the spec declares the part', () => {
  it('a partition clash of a tenant declared after an offboarded one is reported at its own place in the spec (tenants[2], not its index among the active tenants)', () => {
    const tenants = [
      { ...MINIMAL.spec.tenants[0], fabricPartition: 100 },
      { name: 'gone', groups: ['lab:gone'], gpuQuota: {}, offboard: true },
      { ...MINIMAL.spec.tenants[1], fabricPartition: 100 },
    ];
    const doc = {
      ...MINIMAL,
      spec: { ...MINIMAL.spec, ...WITH_FABRIC, tenants },
    };
    const issues = specIssues(stringify(doc));
    expect(issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['duplicate-fabric-partition', 'spec.tenants.2.fabricPartition'],
    ]);
  });

  it('a rack over its site limit is reported at the pool, with the fix naming the one site as written (site:, not sites[0])', () => {
    const doc = { ...MINIMAL, spec: { ...MINIMAL.spec, site: { ...MINIMAL.spec.site!, maxRackKW: 20 } } };
    const [issue] = specIssues(stringify(doc));
    expect(issue).toMatchObject({ code: 'rack-over-power', path: ['spec', 'nodePools', 0] });
    expect(issue.fix).toMatch(/raise site\.maxRackKW$/);
  });

  it('the same rack over the limit of the second of two sites names sites[1] in its fix', () => {
    const [first] = [MINIMAL.spec.site!];
    const doc = {
      ...MINIMAL,
      spec: {
        ...MINIMAL.spec,
        site: undefined,
        sites: [
          { ...first, name: 'north' },
          { ...first, name: 'south', maxRackKW: 20 },
        ],
        nodePools: MINIMAL.spec.nodePools.map((p) => ({ ...p, site: 'south' })),
      },
    };
    const [issue] = specIssues(stringify(doc));
    expect(issue).toMatchObject({ code: 'rack-over-power', path: ['spec', 'nodePools', 0] });
    expect(issue.fix).toMatch(/raise sites\[1\]\.maxRackKW$/);
  });
  it('a pool cut into more cells than MultiKueue lists is reported at its own entry when an orbital pool is declared before it', () => {
    const doc = parse(fs.readFileSync(path.join(ROOT, 'examples', 'orbital.yaml'), 'utf8'));
    const [qual, orbit] = doc.spec.nodePools;
    // Ground pool second: 21 blocks of one rack, one block a cell, past MultiKueueConfig's 20 clusters.
    doc.spec.nodePools = [orbit, { ...qual, racks: 21 }];
    doc.spec.sites[0] = { ...doc.spec.sites[0], powerBudgetMW: 10, halls: undefined, pue: undefined };
    doc.spec.cells = { maxNodesPerCell: 18 };
    const issues = specIssues(stringify(doc));
    expect(issues.map((i) => [i.code, i.path.join('.')])).toEqual([['too-many-cells', 'spec.nodePools.1']]);
  });
});

/** The lab with a Spectrum-X fabric (as __tests__/fabric/fabric-spec.test.ts declares it). */
const WITH_FABRIC = {
  kubernetes: { ...MINIMAL.spec.kubernetes, podCIDR: '10.0.0.0/16', serviceCIDR: '10.96.0.0/12' },
  site: { ...MINIMAL.spec.site!, powerBudgetMW: 1000, maxRackKW: 100 },
  nodePools: MINIMAL.spec.nodePools.map(railed),
  fabric: {
    kind: 'spectrum-x' as const,
    linkGbps: 400,
    switch: { model: 'SN5600', ports: 128, portGbps: 400 },
    railCIDR: '100.64.0.0/16',
  },
};

/** A pool whose eight rail NICs are named by PCI address (a DGX H100's ConnectX-7 ports). */
function railed<T extends object>(pool: T): T {
  const railPciAddresses = ['18', '40', '4f', '5e', '9a', 'c0', 'ce', 'dc'].map((bus) => `0000:${bus}:00.0`);
  return { ...pool, nodesPerRack: 2, racksPerBlock: 1, railPciAddresses };
}
