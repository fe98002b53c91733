/**
 * Mutations of valid specs into invalid ones. Each must be refused by `colossus synth` with the
 * project's own error (stable code, file:line:column, field path), exit code 1, no stack trace
 * and nothing written.
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { GpuCatalog } from '../../catalog/gpus';
import { formatPath, SpecPath } from '../../spec/errors';
import { SEED, SpecDoc, specDoc, toYamlText } from '../support/arbitraries';
import { binBuilt, readTree, runBin, runCli, STACK_TRACE } from '../support/run-cli';
import { ROOT, tempDir } from '../support/synth';

const CATALOG = GpuCatalog.builtIn();

/** A mutation: what it does to a (cloned) valid document, and the issue it must cause. */
interface Mutation {
  readonly name: string;
  readonly code: string;
  readonly apply: (doc: SpecDoc) => SpecPath;
}

type Pool = Record<string, unknown>;
type Tenant = Record<string, unknown> & { gpuQuota: Record<string, number>; groups: string[] };
const pool0 = (d: SpecDoc) => d.spec.nodePools[0] as Pool;
const tenant0 = (d: SpecDoc) => d.spec.tenants[0] as Tenant;
const sizeKey = (p: Pool) => (p.racks !== undefined ? 'racks' : 'nodes');
const P = (...rest: (string | number)[]): SpecPath => ['spec', ...rest];
const setSize = (value: unknown) => (d: SpecDoc) => {
  const key = sizeKey(pool0(d));
  pool0(d)[key] = value;
  return P('nodePools', 0, key);
};
const namespacesOf = (t: Record<string, unknown>) => (t.namespaces as string[] | undefined) ?? [t.name as string];
const addTenant = (d: SpecDoc, tenant: Record<string, unknown>): number =>
  (d.spec.tenants as Record<string, unknown>[]).push({ groups: ['g'], gpuQuota: {}, ...tenant }) - 1;

const MUTATIONS: readonly Mutation[] = [
  {
    name: 'wrong apiVersion',
    code: 'invalid-value',
    apply: (d) => ((d.apiVersion = 'colossus.dev/v1'), ['apiVersion']),
  },
  { name: 'wrong kind', code: 'invalid-value', apply: (d) => ((d.kind = 'Clusters'), ['kind']) },
  {
    name: 'missing metadata',
    code: 'missing-field',
    apply: (d) => (delete (d as Partial<SpecDoc>).metadata, ['metadata']),
  },
  {
    name: 'cluster name not DNS-1123',
    code: 'invalid-format',
    apply: (d) => ((d.metadata.name = 'Colossus_1'), ['metadata', 'name']),
  },
  {
    name: 'version as a number',
    code: 'invalid-type',
    apply: (d) => (((d.spec.kubernetes as Record<string, unknown>).version = 1.33), P('kubernetes', 'version')),
  },
  {
    name: 'template in the context',
    code: 'template-sequence',
    apply: (d) => ((d.spec.kubernetes.context = '${var.ctx}'), P('kubernetes', 'context')),
  },
  {
    name: 'template in the kubeconfig',
    code: 'template-sequence',
    apply: (d) => ((d.spec.kubernetes.kubeconfig = '%{if true}x%{endif}'), P('kubernetes', 'kubeconfig')),
  },
  {
    name: 'backend path escaping the project',
    code: 'invalid-format',
    apply: (d) => ((d.spec.backend = { kind: 'local', path: '../../etc' }), P('backend', 'path')),
  },
  {
    name: 'zero power budget',
    code: 'out-of-range',
    apply: (d) => ((d.spec.site.powerBudgetMW = 0), P('site', 'powerBudgetMW')),
  },
  { name: 'no tenants', code: 'too-few-items', apply: (d) => ((d.spec.tenants = []), P('tenants')) },
  {
    name: 'pool name not DNS-1123',
    code: 'invalid-format',
    apply: (d) => ((pool0(d).name = 'H100_pool'), P('nodePools', 0, 'name')),
  },
  {
    name: 'pool named constructor',
    code: 'reserved-name',
    apply: (d) => ((pool0(d).name = 'constructor'), P('nodePools', 0, 'name')),
  },
  {
    name: 'GPU not in the catalog',
    code: 'unknown-gpu',
    apply: (d) => ((pool0(d).gpu = 'H100-SXM5-80G'), P('nodePools', 0, 'gpu')),
  },
  { name: 'zero size', code: 'out-of-range', apply: setSize(0) },
  { name: 'negative size', code: 'out-of-range', apply: setSize(-3) },
  { name: 'fractional size', code: 'invalid-type', apply: setSize(2.5) },
  { name: 'size as text', code: 'invalid-type', apply: setSize('ten') },
  { name: 'huge size', code: 'out-of-range', apply: setSize(1e12) },
  { name: 'infinite size', code: 'invalid-value', apply: setSize(Infinity) },
  { name: 'NaN size', code: 'invalid-value', apply: setSize(NaN) },
  {
    name: 'both nodes and racks',
    code: 'nodes-or-racks',
    apply: (d) => {
      Object.assign(pool0(d), { nodes: 1, racks: 1, gpu: 'H100-SXM5-80GB' });
      delete pool0(d).migProfile;
      return P('nodePools', 0);
    },
  },
  {
    name: 'unknown pool field',
    code: 'unknown-field',
    apply: (d) => ((pool0(d).replicas = 3), P('nodePools', 0, 'replicas')),
  },
  {
    name: 'driver version not a version',
    code: 'invalid-format',
    apply: (d) => ((pool0(d).driverVersion = 'latest'), P('nodePools', 0, 'driverVersion')),
  },
  {
    name: 'MIG layout of another GPU',
    code: 'unknown-mig-profile',
    apply: (d) => ((pool0(d).migProfile = 'all-9g.99gb'), P('nodePools', 0, 'migProfile')),
  },
  {
    name: 'dedicated to nobody',
    code: 'unknown-tenant',
    apply: (d) => ((pool0(d).dedicatedTo = 'ghost'), P('nodePools', 0, 'dedicatedTo')),
  },
  {
    name: 'duplicate pool',
    code: 'duplicate-name',
    apply: (d) => P('nodePools', d.spec.nodePools.push({ ...pool0(d), dedicatedTo: undefined }) - 1, 'name'),
  },
  {
    name: 'quota above the pool',
    code: 'quota-exceeds-pool',
    apply: (d) => {
      const p = pool0(d);
      const sku = CATALOG.get(p.gpu as string);
      const nodes = p.racks !== undefined ? (p.racks as number) * sku.defaultNodesPerRack : (p.nodes as number);
      delete p.dedicatedTo;
      d.spec.allowOvercommit = false;
      tenant0(d).gpuQuota[p.name as string] = nodes * sku.gpusPerNode + 1;
      return P('nodePools', 0);
    },
  },
  {
    name: 'quota on a pool that does not exist',
    code: 'unknown-pool',
    apply: (d) => ((tenant0(d).gpuQuota['no-such-pool'] = 1), P('tenants', 0, 'gpuQuota', 'no-such-pool')),
  },
  {
    name: 'quota on a pool dedicated to another tenant',
    code: 'dedicated-pool-shared',
    apply: (d) => {
      const p = pool0(d);
      p.dedicatedTo = tenant0(d).name;
      const t = addTenant(d, { name: 'zz-intruder', gpuQuota: { [p.name as string]: 1 } });
      return P('tenants', t, 'gpuQuota', p.name as string);
    },
  },
  {
    name: 'negative quota',
    code: 'out-of-range',
    apply: (d) => {
      const poolName = pool0(d).name as string;
      tenant0(d).gpuQuota[poolName] = -1;
      return P('tenants', 0, 'gpuQuota', poolName);
    },
  },
  {
    name: 'duplicate tenant',
    code: 'duplicate-name',
    apply: (d) => P('tenants', addTenant(d, { name: tenant0(d).name, namespaces: ['zz-other-namespace'] }), 'name'),
  },
  {
    name: 'tenant name too long',
    code: 'too-long',
    apply: (d) => ((tenant0(d).name = 'a'.repeat(41)), P('tenants', 0, 'name')),
  },
  {
    name: 'system namespace',
    code: 'reserved-name',
    apply: (d) => ((tenant0(d).namespaces = ['kube-system']), P('tenants', 0, 'namespaces', 0)),
  },
  {
    name: "an operator's namespace",
    code: 'reserved-name',
    apply: (d) => ((tenant0(d).namespaces = ['gpu-operator']), P('tenants', 0, 'namespaces', 0)),
  },
  {
    name: 'template in the management context',
    code: 'template-sequence',
    apply: (d) => {
      d.spec.management = {
        context: '${var.mgmt}',
        kubernetesVersion: 'v1.33.4',
        controlPlaneEndpoint: { host: 'api.lab.internal' },
        image: { url: 'https://images.internal/os.raw', checksum: 'abc123' },
      };
      return P('management', 'context');
    },
  },
  {
    name: 'namespace claimed by two tenants',
    code: 'duplicate-name',
    apply: (d) =>
      P('tenants', addTenant(d, { name: 'zz-copycat', namespaces: [namespacesOf(tenant0(d))[0]] }), 'namespaces', 0),
  },
  {
    name: 'tenant owning the state namespace',
    code: 'state-namespace-shared',
    apply: (d) => {
      d.spec.backend = { kind: 'kubernetes', namespace: namespacesOf(tenant0(d))[0] };
      const t = tenant0(d);
      return P('tenants', 0, ...(t.namespaces ? ['namespaces', 0] : ['name']));
    },
  },
  { name: 'no groups', code: 'too-few-items', apply: (d) => ((tenant0(d).groups = []), P('tenants', 0, 'groups')) },
  {
    name: 'missing groups',
    code: 'missing-field',
    apply: (d) => (delete (tenant0(d) as Partial<Tenant>).groups, P('tenants', 0, 'groups')),
  },
  {
    name: 'repeated group',
    code: 'duplicate',
    apply: (d) => {
      tenant0(d).groups = ['g', 'g'];
      return P('tenants', 0, 'groups', 1);
    },
  },
  {
    name: 'group bound by two tenants',
    code: 'shared-group',
    apply: (d) => P('tenants', addTenant(d, { name: 'zz-sharer', groups: [tenant0(d).groups[0]] }), 'groups', 0),
  },
  {
    name: 'group with a cdktf token',
    code: 'reserved-sequence',
    apply: (d) => ((tenant0(d).groups = ['${TfToken[TOKEN.1]}']), P('tenants', 0, 'groups', 0)),
  },
  {
    name: 'group with a bidi override',
    code: 'control-character',
    apply: (d) => ((tenant0(d).groups = ['admins\u202e']), P('tenants', 0, 'groups', 0)),
  },
  {
    name: 'unknown priority',
    code: 'invalid-value',
    apply: (d) => ((tenant0(d).priority = 'urgent'), P('tenants', 0, 'priority')),
  },
  {
    name: 'unknown Pod Security level',
    code: 'invalid-value',
    apply: (d) => ((tenant0(d).podSecurity = 'none'), P('tenants', 0, 'podSecurity')),
  },
  {
    name: 'zero pods allowed',
    code: 'out-of-range',
    apply: (d) => ((tenant0(d).objectQuota = { pods: 0 }), P('tenants', 0, 'objectQuota', 'pods')),
  },
];

/** Runs `colossus synth` on a mutated spec and checks the refusal. */
function expectRefused(valid: SpecDoc, mutation: Mutation): void {
  const doc = structuredClone(valid);
  const at = mutation.apply(doc);
  const dir = tempDir('colossus-mut-');
  const file = path.join(dir, 'spec.yaml');
  const text = toYamlText(doc);
  fs.writeFileSync(file, text);
  const out = path.join(dir, 'out');
  const result = runCli(['synth', '--spec', file, '--out', out]);
  const where = new RegExp(
    `^${escape(file)}:(\\d+):(\\d+): error\\[${mutation.code}\\] ${escape(formatPath(at))}: `,
    'm',
  );
  const found = where.exec(result.stderr);
  if (!found)
    throw new Error(`${mutation.name}: expected error[${mutation.code}] at ${formatPath(at)}, got:\n${result.stderr}`);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toMatch(STACK_TRACE);
  expect(result.stderr).toMatch(/nothing was written\.$/);
  expect(fs.existsSync(out)).toBe(false);
  // The position points at the field: its line names the last key of the path.
  const last = [...at].reverse().find((s) => typeof s === 'string') as string;
  const line = text.split('\n')[Number(found[1]) - 1];
  if (typeof at[at.length - 1] === 'string' && mutation.code !== 'missing-field') expect(line).toContain(last);
  fs.rmSync(dir, { recursive: true, force: true });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const LAB = parse(fs.readFileSync(path.join(ROOT, 'examples', 'lab.yaml'), 'utf8')) as SpecDoc;

describe('each mutation of the lab example', () => {
  it.each(MUTATIONS.map((m) => [m.name, m] as const))('fails: %s', (_name, mutation) => {
    expectRefused(LAB, mutation);
  });
});

describe('mutations of generated specs (120 cases)', () => {
  it('fails each with its code, position, exit code 1 and no output', () => {
    fc.assert(
      fc.property(specDoc, fc.constantFrom(...MUTATIONS), (doc, mutation) => expectRefused(doc, mutation)),
      { seed: SEED, numRuns: 120 },
    );
  });
});

describe('a failed synth into an existing output', () => {
  it('fails and leaves the previous output exactly as it was', () => {
    const out = path.join(tempDir('colossus-mut-prev-'), 'out');
    expect(runCli(['synth', '--spec', path.join(ROOT, 'examples', 'lab.yaml'), '--out', out]).code).toBe(0);
    const before = readTree(out);
    const doc = structuredClone(LAB);
    tenant0(doc).gpuQuota = { h100: 1_000_000 };
    const file = path.join(path.dirname(out), 'bad.yaml');
    fs.writeFileSync(file, toYamlText(doc));
    expect(runCli(['synth', '--spec', file, '--out', out]).code).toBe(1);
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out)).sort()).toEqual(['bad.yaml', 'out']);
  });
});

(binBuilt() ? describe : describe.skip)('the real colossus command (child process)', () => {
  it.each(['negative size', 'group with a cdktf token', 'quota above the pool'])('fails: %s', (name) => {
    const doc = structuredClone(LAB);
    const mutation = MUTATIONS.find((m) => m.name === name)!;
    const at = mutation.apply(doc);
    const dir = tempDir('colossus-mut-bin-');
    fs.writeFileSync(path.join(dir, 'spec.yaml'), toYamlText(doc));
    const result = runBin(['synth', '--spec', 'spec.yaml', '--out', 'out'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^spec\\.yaml:\\d+:\\d+: error\\[${mutation.code}\\] ${escape(formatPath(at))}: `, 'm'),
    );
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(fs.readdirSync(dir)).toEqual(['spec.yaml']);
  });
});
