/**
 * The YAML path (`colossus synth`, the cdktf app main.ts, the library's `synthesize`) builds a spec's
 * stacks through one ColossusCluster, so a cluster's stacks have one build sequence
 * (ColossusCluster's build); and a spec is checked and resolved once per synth, its check reused
 * by the construct as long as its parts still make the checked spec.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ColossusApp } from '../../emit/colossus-app';
import { synthesize, synthesizeApp } from '../../emit/synthesize';
import * as model from '../../model/cluster';
import * as checkSpec from '../../spec/check-spec';
import { loadSpecFile } from '../../spec/load';
import { ClusterSpecDocument } from '../../spec/types';
import { ColossusCluster } from '../../stacks/colossus-cluster';
import { ColossusStack } from '../../stacks/colossus-stack';
import { ROOT, tempDir } from '../support/synth';

const LAB = path.join(ROOT, 'examples', 'lab.yaml');

afterEach(() => jest.restoreAllMocks());

/** Every ColossusStack held by a cluster's stacks (`ClusterStacks`: stacks, lists and groups of stacks). */
function stacksIn(value: unknown): ColossusStack[] {
  if (value instanceof ColossusStack) return [value];
  if (Array.isArray(value)) return value.flatMap(stacksIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stacksIn);
  return [];
}

describe('the YAML path builds through ColossusCluster', () => {
  // One synth of examples/lab.yaml as `colossus synth` makes it, read by the tests below.
  let dir: string;
  let loaded: model.Cluster;
  let app: ColossusApp;
  let calls: { checkDocument: number; resolveCluster: number };
  beforeAll(() => {
    const checks = jest.spyOn(checkSpec, 'checkDocument');
    const resolves = jest.spyOn(model, 'resolveCluster');
    dir = tempDir('colossus-yaml-construct-');
    loaded = loadSpecFile(LAB).cluster;
    app = synthesizeApp(loaded, { outdir: path.join(dir, 'out'), specPath: 'specs/lab.yaml' });
    calls = { checkDocument: checks.mock.calls.length, resolveCluster: resolves.mock.calls.length };
    jest.restoreAllMocks();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("synthesizeApp's app holds exactly one ColossusCluster, named after the spec, whose stacks are all the app's stacks", () => {
    const clusters = app.node.findAll().filter((c): c is ColossusCluster => c instanceof ColossusCluster);
    expect(clusters.map((c) => c.node.path)).toEqual(['lab']);
    const [built] = clusters;
    // The construct reuses the resolved cluster of the spec's check: the very object loadSpecFile returned.
    expect(built.cluster).toBe(loaded);
    const appStacks = app.node.findAll().filter((c): c is ColossusStack => c instanceof ColossusStack);
    expect(appStacks.length).toBeGreaterThan(3);
    expect(new Set(stacksIn(built.stacks))).toEqual(new Set(appStacks));
    // Its parts are the spec's: the document it gives back is the one written in examples/lab.yaml.
    expect(built.toDocument()).toEqual(parse(fs.readFileSync(LAB, 'utf8')));
  });

  it('loading the spec and synthesizing it check and resolve the spec once', () => {
    expect(calls).toEqual({ checkDocument: 1, resolveCluster: 1 });
  });

  it('the construct carries what only the YAML path knows: the spec file as named, into DEPLOY.md', () => {
    expect(fs.readFileSync(path.join(dir, 'out', 'DEPLOY.md'), 'utf8')).toContain(
      'export COLOSSUS_SPEC=specs/lab.yaml ',
    );
  });

  it('a cluster not resolved from a spec is refused with a clear error, and nothing is written', () => {
    const out = path.join(dir, 'other');
    expect(() => synthesize({ ...loaded }, { outdir: out })).toThrow(
      'cluster "lab" was not resolved from a spec: synthesize a cluster from loadSpecFile or parseSpec',
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('a cluster made from a spec document is checked once', () => {
  it('ColossusCluster.fromDocument checks once through check(), the build and the synth of its app', () => {
    const document = parse(fs.readFileSync(LAB, 'utf8')) as ClusterSpecDocument;
    const checks = jest.spyOn(checkSpec, 'checkDocument');
    const dir = tempDir('colossus-yaml-construct-');
    const app = new ColossusApp({ cluster: 'lab', outdir: path.join(dir, 'out'), dataRecords: false });
    const cluster = ColossusCluster.fromDocument(app, document);
    expect(cluster.check()).toEqual([]);
    app.synth();
    expect(checks).toHaveBeenCalledTimes(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a cluster composed in code is checked once when its app synthesizes (prepare and build share the check)', () => {
    const dir = tempDir('colossus-yaml-construct-');
    const app = new ColossusApp({ cluster: 'small', outdir: path.join(dir, 'out'), dataRecords: false });
    const cluster = new ColossusCluster(app, 'small', {
      kubernetes: { version: '1.33', context: 'kind-small' },
      site: { name: 'lab', powerBudgetMW: 0.1, maxRackKW: 30 },
    });
    const h100 = cluster.addPool({ name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 2, nodesPerRack: 2, racksPerBlock: 1 });
    cluster.addTenant({ name: 'team-a', groups: ['small:team-a'] }).grant(h100, { gpus: 16 });
    const checks = jest.spyOn(checkSpec, 'checkDocument');
    app.synth();
    expect(cluster.stacks.tenants.map((s) => s.node.id)).toEqual(['small-tenant-team-a']);
    expect(checks).toHaveBeenCalledTimes(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a part added after the spec was checked is checked with the rest: the earlier check is not reused', () => {
    const document = parse(fs.readFileSync(LAB, 'utf8')) as ClusterSpecDocument;
    const dir = tempDir('colossus-yaml-construct-');
    const app = new ColossusApp({ cluster: 'lab', outdir: path.join(dir, 'out'), dataRecords: false });
    const cluster = ColossusCluster.fromDocument(app, document);
    const checks = jest.spyOn(checkSpec, 'checkDocument');
    // A second tenant binding team-a's group: the spec as checked was valid, the cluster as it is now is not.
    cluster.addTenant({ name: 'intruder', groups: ['lab:team-a'] });
    expect(cluster.check().map((i) => i.code)).toContain('shared-group');
    expect(checks).toHaveBeenCalledTimes(1);
    expect(() => cluster.stacks).toThrow(/error\[shared-group\]|shared-group/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
