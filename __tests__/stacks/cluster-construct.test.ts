/**
 * ColossusCluster: a cluster composed in code goes through the YAML path (one document, one check,
 * one builder). The mutation table of mutations.test.ts, composed in code wherever the typed API can
 * express it, is refused with exactly the issues the YAML path reports for the same spec; and each
 * example spec composed in code gives byte-identical output.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { GpuCatalog } from '../../catalog/gpus';
import { GpuNodePool } from '../../constructs/gpu-node-pool';
import { Tenant } from '../../constructs/tenant';
import { AppSynthError, ColossusApp } from '../../emit/colossus-app';
import { synthesize } from '../../emit/synthesize';
import { resolvePool } from '../../model/cluster';
import { SpecError, SpecIssue, SpecPath } from '../../spec/errors';
import { parseSpec } from '../../spec/load';
import { ClusterSpecDocument } from '../../spec/types';
import { ClusterPool, ClusterTenant, ColossusCluster, ColossusClusterProps } from '../../stacks/colossus-cluster';
import { ColossusStack } from '../../stacks/colossus-stack';
import { SpecDoc, toYamlText } from '../support/arbitraries';
import { binBuilt, readTree } from '../support/run-cli';
import { ROOT, tempDir } from '../support/synth';

const EXAMPLES = path.join(ROOT, 'examples');

/** The lab example (examples/lab.yaml), composed in code. */
interface Lab {
  readonly cluster: ColossusCluster;
  readonly h100: ClusterPool;
  readonly teamA: ClusterTenant;
  readonly partner: ClusterTenant;
}

function lab(props: Partial<ColossusClusterProps> = {}, name = 'lab'): Lab {
  const cluster = new ColossusCluster(Testing.app(), name, {
    kubernetes: { version: '1.33', context: 'kind-lab' },
    site: { name: 'lab', powerBudgetMW: 0.1, maxRackKW: 30 },
    ...props,
  });
  const h100 = cluster.addPool({ name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 2, nodesPerRack: 2, racksPerBlock: 1 });
  const nfs = cluster.addFilesystem({
    name: 'nfs',
    kind: 'nfs',
    csiDriver: 'nfs.csi.k8s.io',
    parameters: { server: 'nfs.lab.internal', share: '/export' },
    capacityTiB: 10,
    throughputGBps: 1,
  });
  const teamA = cluster.addTenant({ name: 'team-a', groups: ['lab:team-a'] });
  teamA.grant(h100, { gpus: 8 }).addStorage(nfs, {
    capacityTiB: 6,
    volumes: [
      { name: 'datasets', purpose: 'datasets', capacityTiB: 2 },
      { name: 'checkpoints', purpose: 'checkpoints', capacityTiB: 4 },
    ],
  });
  const partner = cluster.addTenant({ name: 'partner', external: true, groups: ['partner:admins'] });
  partner.grant(h100, { gpus: 8 });
  return { cluster, h100, teamA, partner };
}

/** A case of the mutation table, composed in code: the change, the code and the path the YAML table expects. */
interface CodeMutation {
  readonly name: string;
  readonly code: string;
  readonly at: SpecPath;
  readonly compose: () => ColossusCluster;
}

const P = (...rest: (string | number)[]): SpecPath => ['spec', ...rest];
const withPool = (pool: Partial<Parameters<ColossusCluster['addPool']>[0]>) => () => {
  const cluster = new ColossusCluster(Testing.app(), 'lab', {
    kubernetes: { version: '1.33', context: 'kind-lab' },
    site: { name: 'lab', powerBudgetMW: 0.1, maxRackKW: 30 },
  });
  const h100 = cluster.addPool({ name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 2, ...pool });
  cluster.addTenant({ name: 'team-a', groups: ['lab:team-a'] }).grant(h100, { gpus: 8 });
  return cluster;
};
const mgmt = {
  kubernetesVersion: 'v1.33.4',
  controlPlaneEndpoint: { host: 'api.lab.internal' },
  image: { url: 'https://images.internal/os.raw', checksum: 'abc123' },
};

const CODE_MUTATIONS: readonly CodeMutation[] = [
  {
    name: 'cluster name not DNS-1123',
    code: 'invalid-format',
    at: ['metadata', 'name'],
    compose: () => lab({}, 'Colossus_1').cluster,
  },
  {
    name: 'template in the context',
    code: 'template-sequence',
    at: P('kubernetes', 'context'),
    compose: () => lab({ kubernetes: { version: '1.33', context: '${var.ctx}' } }).cluster,
  },
  {
    name: 'template in the kubeconfig',
    code: 'template-sequence',
    at: P('kubernetes', 'kubeconfig'),
    compose: () => lab({ kubernetes: { version: '1.33', context: 'c', kubeconfig: '%{if true}x%{endif}' } }).cluster,
  },
  {
    name: 'backend path escaping the project',
    code: 'invalid-format',
    at: P('backend', 'path'),
    compose: () => lab({ backend: { kind: 'local', path: '../../etc' } }).cluster,
  },
  {
    name: 'zero power budget',
    code: 'out-of-range',
    at: P('site', 'powerBudgetMW'),
    compose: () => lab({ site: { name: 'lab', powerBudgetMW: 0, maxRackKW: 30 } }).cluster,
  },
  {
    name: 'no tenants',
    code: 'too-few-items',
    at: P('tenants'),
    compose: () => {
      const cluster = new ColossusCluster(Testing.app(), 'lab', {
        kubernetes: { version: '1.33', context: 'c' },
        site: { name: 'lab', powerBudgetMW: 0.1, maxRackKW: 30 },
      });
      cluster.addPool({ name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 2 });
      return cluster;
    },
  },
  {
    name: 'pool name not DNS-1123',
    code: 'invalid-format',
    at: P('nodePools', 0, 'name'),
    compose: withPool({ name: 'H100_pool' }),
  },
  {
    name: 'pool named constructor',
    code: 'reserved-name',
    at: P('nodePools', 0, 'name'),
    compose: withPool({ name: 'constructor' }),
  },
  {
    name: 'GPU not in the catalog',
    code: 'unknown-gpu',
    at: P('nodePools', 0, 'gpu'),
    compose: withPool({ gpu: 'H100-SXM5-80G' }),
  },
  { name: 'zero size', code: 'out-of-range', at: P('nodePools', 0, 'nodes'), compose: withPool({ nodes: 0 }) },
  { name: 'negative size', code: 'out-of-range', at: P('nodePools', 0, 'nodes'), compose: withPool({ nodes: -3 }) },
  { name: 'fractional size', code: 'invalid-type', at: P('nodePools', 0, 'nodes'), compose: withPool({ nodes: 2.5 }) },
  { name: 'huge size', code: 'out-of-range', at: P('nodePools', 0, 'nodes'), compose: withPool({ nodes: 1e12 }) },
  {
    name: 'infinite size',
    code: 'invalid-value',
    at: P('nodePools', 0, 'nodes'),
    compose: withPool({ nodes: Infinity }),
  },
  { name: 'NaN size', code: 'invalid-value', at: P('nodePools', 0, 'nodes'), compose: withPool({ nodes: NaN }) },
  {
    name: 'both nodes and racks',
    code: 'nodes-or-racks',
    at: P('nodePools', 0),
    compose: withPool({ nodes: 1, racks: 1 }),
  },
  {
    name: 'driver version not a version',
    code: 'invalid-format',
    at: P('nodePools', 0, 'driverVersion'),
    compose: withPool({ driverVersion: 'latest' }),
  },
  {
    name: 'MIG layout of another GPU',
    code: 'unknown-mig-profile',
    at: P('nodePools', 0, 'migProfile'),
    compose: withPool({ migProfile: 'all-9g.99gb' }),
  },
  {
    // By object, the only tenant a pool can name that the cluster lacks is another cluster's.
    name: 'dedicated to nobody',
    code: 'unknown-tenant',
    at: P('nodePools', 0, 'dedicatedTo'),
    compose: () => {
      const { cluster, h100 } = lab();
      h100.dedicateTo(lab({}, 'other').cluster.addTenant({ name: 'ghost', groups: ['g'] }));
      return cluster;
    },
  },
  {
    name: 'duplicate pool',
    code: 'duplicate-name',
    at: P('nodePools', 1, 'name'),
    compose: () => {
      const { cluster } = lab();
      cluster.addPool({ name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 2 });
      return cluster;
    },
  },
  {
    name: 'quota above the pool',
    code: 'quota-exceeds-pool',
    at: P('nodePools', 0),
    compose: () => {
      const { cluster, h100, teamA } = lab();
      teamA.grant(h100, { gpus: 17 });
      return cluster;
    },
  },
  {
    // By object, the only pool a tenant can be granted that the cluster lacks is another cluster's.
    name: 'quota on a pool that does not exist',
    code: 'unknown-pool',
    at: P('tenants', 0, 'gpuQuota', 'no-such-pool'),
    compose: () => {
      const { cluster, teamA } = lab();
      const other = lab({}, 'other').cluster.addPool({ name: 'no-such-pool', gpu: 'H100-SXM5-80GB', nodes: 1 });
      teamA.grant(other, { gpus: 1 });
      return cluster;
    },
  },
  {
    name: 'quota on a pool dedicated to another tenant',
    code: 'dedicated-pool-shared',
    at: P('tenants', 1, 'gpuQuota', 'h100'),
    compose: () => {
      const { cluster, h100, teamA } = lab();
      h100.dedicateTo(teamA);
      return cluster;
    },
  },
  {
    name: 'negative quota',
    code: 'out-of-range',
    at: P('tenants', 0, 'gpuQuota', 'h100'),
    compose: () => {
      const { cluster, h100, teamA } = lab();
      teamA.grant(h100, { gpus: -1 });
      return cluster;
    },
  },
  {
    name: 'duplicate tenant',
    code: 'duplicate-name',
    at: P('tenants', 2, 'name'),
    compose: () => {
      const { cluster } = lab();
      cluster.addTenant({ name: 'team-a', groups: ['g'], namespaces: ['zz-other-namespace'] });
      return cluster;
    },
  },
  {
    name: 'tenant name too long',
    code: 'too-long',
    at: P('tenants', 2, 'name'),
    compose: () => {
      const { cluster } = lab();
      cluster.addTenant({ name: 'a'.repeat(41), groups: ['g'] });
      return cluster;
    },
  },
  {
    name: 'system namespace',
    code: 'reserved-name',
    at: P('tenants', 2, 'namespaces', 0),
    compose: () => {
      const { cluster } = lab();
      cluster.addTenant({ name: 'ops', groups: ['g'], namespaces: ['kube-system'] });
      return cluster;
    },
  },
  {
    name: "an operator's namespace",
    code: 'reserved-name',
    at: P('tenants', 2, 'namespaces', 0),
    compose: () => {
      const { cluster } = lab();
      cluster.addTenant({ name: 'ops', groups: ['g'], namespaces: ['gpu-operator'] });
      return cluster;
    },
  },
  {
    name: 'template in the management context',
    code: 'template-sequence',
    at: P('management', 'context'),
    compose: () => lab({ management: { context: '${var.mgmt}', ...mgmt } }).cluster,
  },
  {
    name: 'namespace claimed by two tenants',
    code: 'duplicate-name',
    at: P('tenants', 2, 'namespaces', 0),
    compose: () => {
      const { cluster } = lab();
      cluster.addTenant({ name: 'zz-copycat', groups: ['g'], namespaces: ['team-a'] });
      return cluster;
    },
  },
  {
    name: 'tenant owning the state namespace',
    code: 'state-namespace-shared',
    at: P('tenants', 0, 'name'),
    compose: () => lab({ backend: { kind: 'kubernetes', namespace: 'team-a' } }).cluster,
  },
  {
    name: 'no groups',
    code: 'too-few-items',
    at: P('tenants', 2, 'groups'),
    compose: () => {
      const { cluster } = lab();
      cluster.addTenant({ name: 'ops', groups: [] });
      return cluster;
    },
  },
  {
    name: 'repeated group',
    code: 'duplicate',
    at: P('tenants', 2, 'groups', 1),
    compose: () => {
      const { cluster } = lab();
      cluster.addTenant({ name: 'ops', groups: ['g', 'g'] });
      return cluster;
    },
  },
  {
    name: 'group bound by two tenants',
    code: 'shared-group',
    at: P('tenants', 2, 'groups', 0),
    compose: () => {
      const { cluster } = lab();
      cluster.addTenant({ name: 'zz-sharer', groups: ['lab:team-a'] });
      return cluster;
    },
  },
  {
    name: 'group with a cdktf token',
    code: 'reserved-sequence',
    at: P('tenants', 2, 'groups', 0),
    compose: () => {
      const { cluster } = lab();
      cluster.addTenant({ name: 'ops', groups: ['${TfToken[TOKEN.1]}'] });
      return cluster;
    },
  },
  {
    name: 'group with a bidi override',
    code: 'control-character',
    at: P('tenants', 2, 'groups', 0),
    compose: () => {
      const { cluster } = lab();
      cluster.addTenant({ name: 'ops', groups: ['admins\u202e'] });
      return cluster;
    },
  },
  {
    name: 'zero pods allowed',
    code: 'out-of-range',
    at: P('tenants', 2, 'objectQuota', 'pods'),
    compose: () => {
      const { cluster } = lab();
      cluster.addTenant({ name: 'ops', groups: ['g'], objectQuota: { pods: 0 } });
      return cluster;
    },
  },
];

/**
 * Cases of the table the typed API cannot express: the document's envelope is the construct's own, and
 * TypeScript refuses a wrong type, a missing required prop, an unknown prop and a value outside a union.
 */
const NOT_EXPRESSIBLE: Readonly<Record<string, string>> = {
  'wrong apiVersion': 'the construct writes apiVersion',
  'wrong kind': 'the construct writes kind',
  'missing metadata': 'the construct id is the name',
  'version as a number': 'type error',
  'size as text': 'type error',
  'unknown pool field': 'excess property: type error',
  'missing groups': 'required prop: type error',
  'unknown priority': 'not a TenantPriority: type error',
  'unknown Pod Security level': 'not a PodSecurityLevel: type error',
};

/** Names of the mutation table's cases, read from its source (wherever the test tiers put it). */
function tableNames(): string[] {
  const find = (dir: string): string | undefined => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        const found = find(file);
        if (found) return found;
      } else if (
        entry.name.endsWith('.ts') &&
        /const MUTATIONS: readonly Mutation\[\]/.test(fs.readFileSync(file, 'utf8'))
      )
        return file;
    }
    return undefined;
  };
  const source = fs.readFileSync(find(path.join(ROOT, '__tests__'))!, 'utf8');
  const table = source.slice(
    source.indexOf('const MUTATIONS'),
    source.indexOf('\n];', source.indexOf('const MUTATIONS')),
  );
  return [...table.matchAll(/^ {2,4}(?:\{ )?name: (['"])(.+?)\1,/gm)].map((m) => m[2]);
}

const withoutPosition = (i: SpecIssue) => ({ code: i.code, path: i.path, message: i.message, fix: i.fix });

/** The issues the YAML path reports for the document the cluster composes. */
function yamlIssues(cluster: ColossusCluster): SpecIssue[] {
  try {
    parseSpec(toYamlText(cluster.toDocument() as unknown as SpecDoc), 'spec.yaml');
  } catch (e) {
    if (e instanceof SpecError) return e.issues.map(withoutPosition);
    throw e;
  }
  return [];
}

describe('the mutation table composed in code', () => {
  it('covers every case of the YAML table: 37 of 46 composed in code, the rest refused by the types', () => {
    const names = tableNames();
    const coded = CODE_MUTATIONS.map((m) => m.name);
    expect(names).toHaveLength(46);
    expect(coded.filter((n) => !names.includes(n))).toEqual([]);
    expect(names.filter((n) => !coded.includes(n) && NOT_EXPRESSIBLE[n] === undefined)).toEqual([]);
    expect(coded).toHaveLength(37);
  });

  it('composes the lab example without an issue, and so does the YAML path', () => {
    const { cluster } = lab();
    expect(cluster.check()).toEqual([]);
    expect(yamlIssues(cluster)).toEqual([]);
  });

  it.each(CODE_MUTATIONS.map((m) => [m.name, m] as const))(
    'fails: %s, with the issues the YAML path reports',
    (_, m) => {
      const cluster = m.compose();
      const issues = cluster.check().map(withoutPosition);
      expect(issues.map((i) => [i.code, i.path])).toContainEqual([m.code, m.at]);
      expect(issues).toEqual(yamlIssues(cluster));
    },
  );
});

describe('ColossusCluster in an app', () => {
  it('fails a synth of the app with every error[code], and writes nothing', () => {
    const dir = tempDir('colossus-cluster-refused-');
    const out = path.join(dir, 'out');
    const app = new ColossusApp({ cluster: 'lab', outdir: out, dataRecords: false });
    const cluster = new ColossusCluster(app, 'lab', {
      kubernetes: { version: '1.33', context: 'kind-lab' },
      site: { name: 'lab', powerBudgetMW: 0.1, maxRackKW: 30 },
    });
    const h100 = cluster.addPool({ name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 2 });
    cluster.addTenant({ name: 'team-a', groups: ['lab:team-a'] }).grant(h100, { gpus: 16 });
    cluster.addTenant({ name: 'kube-ops', groups: ['lab:team-a'] }).grant(h100, { gpus: 1 });
    expect(() => app.synth()).toThrow(AppSynthError);
    try {
      app.synth();
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toContain('[lab] error[shared-group] spec.tenants[1].groups[0]: group "lab:team-a" is bound by');
      expect(message).toContain('error[quota-exceeds-pool] spec.nodePools[0]: tenants are given 17 GPUs');
      expect(message).toContain('error[reserved-name] spec.tenants[1].name');
    }
    expect(fs.existsSync(out)).toBe(false);
  });

  it('fails a synth that drops a tenant without offboarding it, as colossus synth does, and keeps the output', () => {
    const out = path.join(tempDir('colossus-cluster-dropped-'), 'out');
    const synth = (tenants: string[]) => {
      const app = new ColossusApp({ cluster: 'lab', outdir: out, dataRecords: false });
      const cluster = new ColossusCluster(app, 'lab', {
        kubernetes: { version: '1.33', context: 'kind-lab' },
        site: { name: 'lab', powerBudgetMW: 0.1, maxRackKW: 30 },
      });
      const h100 = cluster.addPool({ name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 2 });
      for (const name of tenants) cluster.addTenant({ name, groups: [`lab:${name}`] }).grant(h100, { gpus: 8 });
      app.synth();
    };
    synth(['team-a', 'partner']);
    const before = readTree(out);
    expect(() => synth(['team-a'])).toThrow(
      /error\[tenant-removed\] spec\.tenants: "partner" had stacks \(lab-tenant-partner\)/,
    );
    expect(readTree(out)).toEqual(before);
  });

  it('fails the synth of a plain cdktf App whose cluster was never built, and builds it when asked', () => {
    const plain = (build: boolean) => {
      const { cluster } = lab();
      if (build) expect(cluster.stacks.platform.node.id).toBe('lab-platform');
      return () => (cluster.node.root as ReturnType<typeof Testing.app>).synth();
    };
    expect(plain(false)).toThrow(/error\[cluster-not-built\] lab: the cluster's stacks were never built/);
    expect(plain(true)).not.toThrow();
  });

  it('fails to add a part once the stacks are built', () => {
    const { cluster } = lab();
    expect(cluster.stacks.tenants.map((s) => s.node.id)).toEqual(['lab-tenant-team-a', 'lab-tenant-partner']);
    expect(() => cluster.addTenant({ name: 'late', groups: ['g'] })).toThrow(
      "cannot add a tenant: the cluster's stacks are built already",
    );
    expect(() => lab().teamA.grant(lab().h100, { gpus: 1 })).not.toThrow();
    const { cluster: built, teamA, h100 } = lab();
    expect(built.stacks.all.length).toBeGreaterThan(0);
    expect(() => teamA.grant(h100, { gpus: 1 })).toThrow(
      `cannot grant GPUs to tenant "team-a": its cluster's stacks are built already`,
    );
    expect(() => h100.dedicateTo(teamA)).toThrow(`cannot dedicate pool "h100"`);
  });
});

describe('loose constructs run the same cross-construct checks', () => {
  it('fails two Tenant constructs binding one group with shared-group, as the spec is refused', () => {
    const stack = new ColossusStack(Testing.app(), 'test', { kubeContext: 'c' });
    const h100 = resolvePool({ name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 1 }, GpuCatalog.builtIn());
    new GpuNodePool(stack, 'h100', { name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 1 });
    const tenant = { clusterName: 'c', kubernetesVersion: '1.33', pools: [h100], groups: ['lab:team-a'] };
    new Tenant(stack, 'a', { ...tenant, name: 'a', gpuQuota: { h100: 4 } });
    new Tenant(stack, 'b', { ...tenant, name: 'b', gpuQuota: { h100: 4 } });
    expect(() => Testing.synth(stack, true)).toThrow(
      /\[test\/b\] +error\[shared-group\] tenants\[1\]\.groups\[0\]: group "lab:team-a" is bound by tenant "a" too/,
    );
  });

  it("fails a Tenant in an operator's namespace with reserved-name (checkReserved)", () => {
    const stack = new ColossusStack(Testing.app(), 'test', { kubeContext: 'c' });
    new Tenant(stack, 'a', {
      name: 'a',
      namespaces: ['gpu-operator'],
      groups: ['g'],
      gpuQuota: {},
      clusterName: 'c',
      kubernetesVersion: '1.33',
      pools: [],
    });
    expect(() => Testing.synth(stack, true)).toThrow(
      /\[test\/a\] +error\[reserved-name\] tenants\[0\]\.namespaces\[0\]: namespace "gpu-operator" belongs to an operator/,
    );
  });
});

describe('each example composed in code', () => {
  // The small examples (colossus-1 and cells take 20 s each here; the closing note of issue 12 item 3 records them identical too).
  const examples = ['lab.yaml', 'infiniband.yaml', 'orbital.yaml'];

  it.each(examples)('gives the same output as the YAML path: %s', (file) => {
    const text = fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
    const { cluster } = parseSpec(text, file);
    const dir = tempDir('colossus-cluster-same-');
    synthesize(cluster, { outdir: path.join(dir, 'yaml') });
    const app = new ColossusApp({ cluster: cluster.name, outdir: path.join(dir, 'code'), dataRecords: false });
    ColossusCluster.fromDocument(app, parse(text) as ClusterSpecDocument);
    app.synth();
    const yaml = readTree(path.join(dir, 'yaml'));
    const code = readTree(path.join(dir, 'code'));
    expect([...code.keys()]).toEqual([...yaml.keys()]);
    for (const [file, content] of yaml) expect({ file, content: code.get(file) }).toEqual({ file, content });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

(binBuilt() ? describe : describe.skip)('the README example of ColossusCluster', () => {
  it('compiles against the built public API (dist/index.d.ts), runs and writes the cluster it declares', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('Reuse the constructs'))!;
    const block = [...section.matchAll(/```ts\n([\s\S]*?)```/g)]
      .map((m) => m[1])
      .find((b) => /ColossusCluster/.test(b));
    expect(block).toBeDefined();
    const dir = tempDir('colossus-readme-cluster-');
    const file = path.join(dir, 'main.ts');
    // As a partner's app gets the package: the compiled JavaScript and its declarations.
    fs.writeFileSync(
      file,
      block!.replace(`from 'colossus-cdktf'`, `from ${JSON.stringify(path.join(ROOT, 'dist', 'index'))}`),
    );
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
    });
    const errors = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === file)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors).toEqual([]);
    const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    fs.writeFileSync(path.join(dir, 'main.js'), js);
    const run = spawnSync(process.execPath, ['main.js'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = path.join(dir, 'cdktf.out');
    expect(fs.readdirSync(path.join(out, 'stacks')).sort()).toEqual([
      'acme-lab-operators',
      'acme-lab-platform',
      'acme-lab-tenant-partner',
      'acme-lab-tenant-research',
    ]);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'reports', 'summary.json'), 'utf8'));
    expect(summary.tenants.research.gpuQuota).toEqual({ h100: 24, gb200: 72 });
    expect(summary.pools.gb200.dedicatedTo).toBe('research');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'acme-lab.protected.json'), 'utf8')).protected).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'PersistentVolumeClaim', name: 'checkpoints' })]),
    );
  });
});
