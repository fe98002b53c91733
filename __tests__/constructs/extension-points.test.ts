/**
 * What a partner extends without forking, used through the public entry point only: an added GPU
 * SKU, objects added to a tenant, the emitter choice and the object policy hook.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformVariable, Testing } from 'cdktf';
import {
  addPolicy,
  ColossusStack,
  GpuCatalog,
  GpuNodePool,
  GpuSku,
  KubeObject,
  ObjectPolicy,
  parseSpec,
  SpecError,
  synthesize,
  Tenant,
  writeManifests,
} from '../../index';
import { runCli } from '../support/run-cli';
import { readOutput, tempDir } from '../support/synth';

// A partner's SKU, here derived from a built-in one: the PCIe card with NVLink bridges.
const CUSTOM: GpuSku = {
  ...GpuCatalog.builtIn().get('H100-SXM5-80GB'),
  name: 'H100-NVL-94GB',
  productLabel: 'NVIDIA-H100-NVL',
  gpuMemoryGB: 94,
  nvlinkDomainGpus: 2,
  kWPerNode: 7.5,
};
const catalog = GpuCatalog.builtIn().withSku(CUSTOM);

const SPEC = `apiVersion: colossus.dev/v1alpha1
kind: Cluster
metadata:
  name: acme
spec:
  kubernetes:
    version: '1.33'
    context: acme
  site:
    name: acme
    powerBudgetMW: 1
    maxRackKW: 40
  nodePools:
    - name: rtx
      gpu: H100-NVL-94GB
      nodes: 4
  tenants:
    - name: lab
      groups: ['acme:lab']
      gpuQuota: { rtx: 16 }
`;

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** A platform stack with one pool of the added SKU and a tenant stack, as a partner composes them. */
function compose(app: App) {
  const platform = new ColossusStack(app, 'platform', { kubeContext: 'acme' });
  const pool = new GpuNodePool(platform, 'rtx', { name: 'rtx', gpu: CUSTOM.name, nodes: 2, catalog });
  const tenantStack = new ColossusStack(app, 'tenant', { kubeContext: 'acme' });
  const tenant = new Tenant(tenantStack, 'lab', {
    name: 'lab',
    groups: ['acme:lab'],
    gpuQuota: { rtx: 8 },
    clusterName: 'acme',
    kubernetesVersion: '1.33',
    pools: [pool.pool],
  });
  return { platform, pool, tenantStack, tenant };
}

const extraPolicy = (namespace: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'allow-mirror', namespace, labels: { 'colossus.dev/tenant': 'someone-else', team: 'ml' } },
  spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }] }] },
});

describe('an added GPU SKU', () => {
  it('flows from parseSpec through synthesize without naming the catalog twice', () => {
    const { cluster } = parseSpec(SPEC, 'acme.yaml', catalog);
    expect(cluster.pools[0]).toMatchObject({ gpus: 32, racks: 1 });
    const outdir = path.join(tempDir(), 'out');
    synthesize(cluster, { outdir });
    const out = readOutput(outdir);
    const flavor = out.terraformObjects('acme-platform').get('resourceflavor_rtx');
    expect(flavor?.spec).toEqual({ nodeLabels: { 'colossus.node-restriction.kubernetes.io/pool': 'rtx' } });
    const driver = out.yamlObjects('acme-platform').find((o) => o.kind === 'NVIDIADriver');
    expect(driver?.spec).toMatchObject({
      version: CUSTOM.defaultDriverVersion,
      nodeSelector: { 'colossus.dev/pool': 'rtx' },
    });
  });

  it('feeds a GpuNodePool composed in code', () => {
    const { pool } = compose(new App({ outdir: tempDir() }));
    expect(pool.pool).toMatchObject({ gpus: 16, sku: { name: CUSTOM.name } });
    expect(pool.nodeLabels['nvidia.com/gpu.product']).toBe(CUSTOM.productLabel);
  });

  it('fails to load a spec naming it when the catalog passed lacks it', () => {
    expect(() => parseSpec(SPEC, 'acme.yaml')).toThrow(SpecError);
    try {
      parseSpec(SPEC, 'acme.yaml');
    } catch (e) {
      expect((e as SpecError).issues.map((i) => i.code)).toContain('unknown-gpu');
    }
  });
});

describe('Tenant.add', () => {
  it('labels an added object as the tenant own (overriding a spoofed tenant label) and normalizes it', () => {
    const { tenant, tenantStack } = compose(new App({ outdir: tempDir() }));
    tenant.add(extraPolicy('lab'));
    const added = tenantStack.objects.find((o) => o.metadata.name === 'allow-mirror')!;
    expect(added.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'colossus-cdktf',
      'colossus.dev/tenant': 'lab',
      team: 'ml',
    });
    expect(Object.keys(added)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(Object.isFrozen(added)).toBe(true);
    const tf = JSON.parse(Testing.synth(tenantStack));
    expect(tf.resource.kubernetes_manifest.networkpolicy_lab_allow_mirror.depends_on).toEqual([
      'kubernetes_manifest.namespace_lab',
    ]);
  });

  it('fails for an object in a namespace the tenant does not own, naming the object and its namespaces', () => {
    const { tenant } = compose(new App({ outdir: tempDir() }));
    expect(() => tenant.add(extraPolicy('kube-system'))).toThrow(
      'NetworkPolicy/kube-system/allow-mirror is in namespace "kube-system", which tenant "lab" does not own; use one of "lab"',
    );
  });
});

describe('plain values', () => {
  it('fails for an object holding a cdktf token, naming the object and the field', () => {
    const { tenant, tenantStack } = compose(new App({ outdir: tempDir() }));
    const cidr = new TerraformVariable(tenantStack, 'mirror-cidr', { type: 'string' }).stringValue;
    const policy = extraPolicy('lab');
    const withToken = { ...policy, spec: { egress: [{ to: [{ ipBlock: { cidr } }] }] } };
    expect(() => tenant.add(withToken)).toThrow(
      'tenant: NetworkPolicy/lab/allow-mirror has a cdktf token at spec.egress[0].to[0].ipBlock.cidr; pass a plain value',
    );
    const port = new TerraformVariable(tenantStack, 'mirror-port', { type: 'number' }).numberValue;
    const withNumberToken = { ...policy, spec: { egress: [{ ports: [{ protocol: 'TCP', port }] }] } };
    expect(() => tenant.add(withNumberToken)).toThrow('has a cdktf token at spec.egress[0].ports[0].port');
  });

  it('fails for a construct given a token where its objects need a plain value', () => {
    const app = new App({ outdir: tempDir() });
    const stack = new ColossusStack(app, 'tenant', { kubeContext: 'acme' });
    const group = new TerraformVariable(stack, 'group', { type: 'string' }).stringValue;
    expect(
      () =>
        new Tenant(stack, 'lab', {
          name: 'lab',
          groups: [group],
          gpuQuota: {},
          clusterName: 'acme',
          kubernetesVersion: '1.33',
          pools: [],
        }),
    ).toThrow('RoleBinding/lab/tenant-member has a cdktf token at subjects[0].name');
  });
});

describe('emitter choice', () => {
  const { cluster } = parseSpec(SPEC, 'acme.yaml', catalog);

  it('writes YAML only: manifests and reports, no Terraform', () => {
    const outdir = path.join(tempDir(), 'out');
    const summary = synthesize(cluster, { outdir, emit: 'yaml' });
    expect(fs.existsSync(path.join(outdir, 'stacks'))).toBe(false);
    expect(fs.existsSync(path.join(outdir, 'manifest.json'))).toBe(false);
    expect(fs.readdirSync(path.join(outdir, 'manifests', 'acme-tenant-lab'))).toContain('00-namespace.yaml');
    expect(summary.stacks['acme-platform'].terraformResources).toBe(0);
    expect(readJson(path.join(outdir, 'reports', 'summary.json')).cluster).toBe('acme');
  });

  it('writes Terraform only: stacks and reports, no manifests', () => {
    const outdir = path.join(tempDir(), 'out');
    const summary = synthesize(cluster, { outdir, emit: 'terraform' });
    expect(fs.existsSync(path.join(outdir, 'manifests'))).toBe(false);
    // terraform_data: the replace triggers of fields the API cannot change (a LocalQueue's ClusterQueue).
    expect(Object.keys(readJson(path.join(outdir, 'stacks', 'acme-tenant-lab', 'cdk.tf.json')).resource)).toEqual([
      'kubernetes_manifest',
      'terraform_data',
    ]);
    expect(summary.stacks['acme-tenant-lab'].terraformResources).toBeGreaterThan(0);
  });

  it('writes both by default', () => {
    const outdir = path.join(tempDir(), 'out');
    synthesize(cluster, { outdir });
    expect(fs.existsSync(path.join(outdir, 'stacks', 'acme-tenant-lab', 'cdk.tf.json'))).toBe(true);
    expect(fs.existsSync(path.join(outdir, 'manifests', 'acme-tenant-lab', '00-namespace.yaml'))).toBe(true);
  });

  it('is chosen on the command line with --emit', () => {
    const outdir = path.join(tempDir(), 'out');
    const r = runCli(['synth', '--spec', 'examples/lab.yaml', '--out', outdir, '--emit', 'yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `wrote ${path.join(outdir, 'manifests')} and ${path.join(outdir, 'reports', 'summary.json')}`,
    );
    expect(fs.existsSync(path.join(outdir, 'stacks'))).toBe(false);
    expect(fs.existsSync(path.join(outdir, 'manifests', 'lab-tenant-team-a'))).toBe(true);
  });

  it('fails on an --emit value that is not an emitter, naming the allowed ones', () => {
    const r = runCli(['synth', '--spec', 'examples/lab.yaml', '--out', path.join(tempDir(), 'out'), '--emit', 'helm']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--emit must be one of terraform, yaml, both, not "helm"');
  });

  it('writes the YAML of stacks composed in code with writeManifests', () => {
    const app = new App({ outdir: tempDir() });
    const { platform, tenantStack } = compose(app);
    const files = writeManifests(app.outdir, [platform, tenantStack]);
    // NN- prefixes follow the apply order, which grows with the project's kinds.
    expect(files.filter((f) => /^manifests\/platform\/\d\d-resourceflavor\.yaml$/.test(f))).toHaveLength(1);
    expect(files).toContain('manifests/tenant/00-namespace.yaml');
    expect(files.every((f) => fs.existsSync(path.join(app.outdir, f)))).toBe(true);
  });
});

describe('object policies', () => {
  const noBorrowing: ObjectPolicy = {
    name: 'no-cohorts',
    check: (o) =>
      o.kind === 'ClusterQueue' && (o.spec as { cohortName?: string }).cohortName ? 'joins a cohort' : undefined,
  };

  it('fails synthesis naming the object, the policy and the reason, and writes nothing', () => {
    const { cluster } = parseSpec(SPEC, 'acme.yaml', catalog);
    const outdir = path.join(tempDir(), 'out');
    // An earlier output (cdktf's manifest.json marks it): the failed synth leaves it as it was.
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'manifest.json'), '{}');
    expect(() => synthesize(cluster, { outdir, policies: [noBorrowing] })).toThrow(
      '[acme-tenant-lab] error[policy-violation] ClusterQueue/lab violates policy "no-cohorts": joins a cohort',
    );
    expect(fs.readdirSync(outdir)).toEqual(['manifest.json']);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(['out']);
  });

  it('passes objects that comply', () => {
    const { cluster } = parseSpec(
      SPEC.replace('gpuQuota: { rtx: 16 }', 'gpuQuota: { rtx: 16 }\n      canBorrow: false'),
      'x.yaml',
      catalog,
    );
    const outdir = path.join(tempDir(), 'out');
    expect(synthesize(cluster, { outdir, policies: [noBorrowing] }).cluster).toBe('acme');
  });

  it('applies a policy added to an app to every stack, and one added to a stack to that stack only', () => {
    const app = new App({ outdir: tempDir() });
    const { platform, tenantStack } = compose(app);
    addPolicy(app, { name: 'no-drivers', check: (o) => (o.kind === 'NVIDIADriver' ? 'drivers are ours' : undefined) });
    addPolicy(platform, { name: 'no-namespaces', check: (o) => (o.kind === 'Namespace' ? 'not here' : undefined) });
    expect(platform.node.validate()).toEqual(['NVIDIADriver/rtx violates policy "no-drivers": drivers are ours']);
    expect(tenantStack.node.validate()).toEqual([]);
  });

  it('fails an object whose check throws, instead of letting it through', () => {
    const app = new App({ outdir: tempDir() });
    const { platform } = compose(app);
    addPolicy(platform, {
      name: 'buggy',
      check: () => {
        throw new Error('oops');
      },
    });
    expect(platform.node.validate()).toEqual([
      'ResourceFlavor/rtx violates policy "buggy": the check threw: oops',
      'NVIDIADriver/rtx violates policy "buggy": the check threw: oops',
    ]);
  });

  it('fails to register a policy with a name that is not kebab-case, or twice on one scope', () => {
    const app = new App({ outdir: tempDir() });
    expect(() => addPolicy(app, { name: 'No Spaces', check: () => undefined })).toThrow(
      'policy name "No Spaces" must be kebab-case',
    );
    addPolicy(app, { name: 'once', check: () => undefined });
    expect(() => addPolicy(app, { name: 'once', check: () => undefined })).toThrow(
      'a policy named "once" is already registered here',
    );
  });
});
