/** The test support itself: the spec builder builds what it says, and the object matchers fail when they should. */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { KubeObject } from '../../model/kube';
import { LAB } from './fixtures';
import { describeRef, getObject } from './objects';
import { MINIMAL, spec, specFromFile } from './spec-builder';
import { readOutput, tempDir } from './synth';

const object = (kind: string, name: string, namespace?: string, spec: object = {}): KubeObject =>
  ({ apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) }, spec }) as KubeObject;

const OBJECTS = [
  object('Namespace', 'team-a'),
  object('ResourceQuota', 'gpu', 'team-a', { hard: { 'requests.nvidia.com/gpu': '8' } }),
  object('ResourceQuota', 'gpu', 'partner', { hard: { 'requests.nvidia.com/gpu': '0' } }),
];

describe('the spec builder', () => {
  it('starts from the lab fixture, as data', () => {
    expect(spec().build()).toEqual(parse(LAB));
    expect(
      spec()
        .load()
        .cluster.tenants.map((t) => t.name),
    ).toEqual(['team-a', 'partner']);
  });

  it('changes one part per call and leaves the builder it came from alone', () => {
    const base = spec();
    const grown = base.pool('h100', { nodes: 4 }).tenant('partner', { gpuQuota: { h100: 16 } });
    expect(grown.build().spec.nodePools[0]).toMatchObject({ name: 'h100', nodes: 4, nodesPerRack: 2 });
    expect(grown.build().spec.tenants[1].gpuQuota).toEqual({ h100: 16 });
    expect(base.build()).toEqual(MINIMAL);
  });

  it('removes a field patched to undefined, and swaps the site for sites', () => {
    const doc = spec()
      .pool('h100', { racksPerBlock: undefined })
      .withSites({ name: 'a', powerBudgetMW: 1, maxRackKW: 30 })
      .build();
    expect(doc.spec.nodePools[0]).not.toHaveProperty('racksPerBlock');
    expect(doc.spec).not.toHaveProperty('site');
    expect(doc.spec.sites).toEqual([{ name: 'a', powerBudgetMW: 1, maxRackKW: 30 }]);
  });

  it('fails at once on a pool or tenant the spec does not have', () => {
    expect(() => spec().pool('h200', { nodes: 1 })).toThrow('the spec has no pool "h200" (it has h100)');
    expect(() => spec().withoutTenant('nobody')).toThrow('the spec has no tenant "nobody" (it has team-a, partner)');
  });

  it("reports the loader's issues, and reaches what the types refuse through raw()", () => {
    expect(spec().issues()).toEqual([]);
    const issues = spec()
      .raw((doc) => (doc.spec.nodePools[0].nodes = 'two'))
      .issues();
    expect(issues.map((i) => [i.code, i.path])).toEqual([['invalid-type', ['spec', 'nodePools', 0, 'nodes']]]);
  });

  it('starts from a spec file', () => {
    const lab = specFromFile('examples/lab.yaml');
    expect(lab.build().spec.storage?.map((f) => f.name)).toEqual(['nfs']);
    expect(
      lab
        .withoutTenant('partner')
        .load()
        .cluster.tenants.map((t) => t.name),
    ).toEqual(['team-a']);
  });
});

describe('the object matchers', () => {
  it('find an object by kind, name and namespace, and name what there is when it is missing', () => {
    expect(getObject(OBJECTS, { kind: 'ResourceQuota', namespace: 'partner' }).spec).toEqual({
      hard: { 'requests.nvidia.com/gpu': '0' },
    });
    expect(() => getObject(OBJECTS, { kind: 'ResourceQuota', name: 'gpu' })).toThrow(
      'expected one ResourceQuota gpu, found 2 (objects of kind ResourceQuota: ResourceQuota team-a/gpu, ResourceQuota partner/gpu)',
    );
    expect(describeRef({ kind: 'Namespace', name: 'team-a', namespace: null })).toBe('Namespace team-a');
  });

  it('toContainObject passes on a match with the fields given, and fails naming the objects of that kind', () => {
    expect(OBJECTS).toContainObject({ kind: 'Namespace', name: 'team-a', namespace: null });
    expect(OBJECTS).toContainObject(
      { kind: 'ResourceQuota', namespace: 'team-a' },
      { spec: { hard: { 'requests.nvidia.com/gpu': expect.stringMatching(/^\d+$/) } } },
    );
    expect(OBJECTS).not.toContainObject({ kind: 'ResourceQuota', namespace: 'team-b' });
    expect(() => expect(OBJECTS).toContainObject({ kind: 'ResourceQuota', namespace: 'team-b' })).toThrow(
      'its objects of kind ResourceQuota: ResourceQuota team-a/gpu, ResourceQuota partner/gpu',
    );
    expect(() =>
      expect(OBJECTS).toContainObject(
        { kind: 'ResourceQuota', namespace: 'partner' },
        { spec: { hard: { 'requests.nvidia.com/gpu': '8' } } },
      ),
    ).toThrow(/it holds ResourceQuota partner as:/);
    expect(() => expect(OBJECTS).toContainObject({ kind: 'Namespace' }, { metadata: { labels: {} } })).toThrow();
  });

  it('toHaveObject wants the object in both the manifests and the Terraform JSON of the stack', () => {
    const outdir = tempDir();
    const stack = 'lab-platform';
    const quota = OBJECTS[1];
    fs.mkdirSync(path.join(outdir, 'stacks', stack), { recursive: true });
    fs.mkdirSync(path.join(outdir, 'manifests', stack), { recursive: true });
    fs.mkdirSync(path.join(outdir, 'reports'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'reports', 'summary.json'), '{}');
    fs.writeFileSync(path.join(outdir, 'manifests', stack, '01-resourcequota.yaml'), JSON.stringify(quota));
    const writeTerraform = (objects: KubeObject[]) =>
      fs.writeFileSync(
        path.join(outdir, 'stacks', stack, 'cdk.tf.json'),
        JSON.stringify({
          resource: { kubernetes_manifest: Object.fromEntries(objects.map((o, i) => [`o${i}`, { manifest: o }])) },
        }),
      );
    writeTerraform([quota]);
    const ref = { kind: 'ResourceQuota', namespace: 'team-a', name: 'gpu' };
    expect(readOutput(outdir)).toHaveObject(stack, ref, { spec: { hard: { 'requests.nvidia.com/gpu': '8' } } });
    expect(() => expect(readOutput(outdir)).toHaveObject('lab-tenant-x', ref)).toThrow(
      'expected a stack lab-tenant-x; the output has lab-platform',
    );
    writeTerraform([]);
    expect(() => expect(readOutput(outdir)).toHaveObject(stack, ref)).toThrow(
      'expected the Terraform JSON of lab-platform to hold ResourceQuota team-a/gpu',
    );
    expect(() => expect(readOutput(outdir)).not.toHaveObject(stack, ref)).toThrow(
      'expected the manifests of lab-platform not to hold ResourceQuota team-a/gpu',
    );
  });
});
