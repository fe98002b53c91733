/** The synth pipeline end to end: parity of YAML and Terraform, determinism, atomic output, addresses. */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { writeAtomically } from '../../emit/output';
import { escapeTemplates, terraformAddress } from '../../emit/terraform';
import { applyRank as kindRank } from '../../model/kinds';
import { Construct } from 'constructs';
import { Tenant } from '../../constructs/tenant';
import { ColossusStack } from '../../stacks/colossus-stack';
import { parseSpec } from '../../spec/load';
import { LAB } from '../support/fixtures';
import { readOutput, ROOT, synthToTemp, tempDir } from '../support/synth';

const BIN = path.join(ROOT, 'bin', 'colossus.js');

/** Every file under `dir` with its bytes, keyed by relative path. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) =>
    fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    });
  walk(dir);
  return out;
}

describe('the built-in example', () => {
  const out = synthToTemp('examples/colossus-1.yaml');

  it('is eight cells under a MultiKueue manager: the manager first, then per cell its management, operators, platform, fabric and tenants', () => {
    const cells = ['h100-c00', 'h100-c01', 'h100-c02', 'h100-c03', 'h200-c00', 'h200-c01', 'gb200-c00', 'gb200-c01'];
    // grok and grok-research share a cohort: each is in the other's cells as a borrower; the partner is alone.
    const tenants = (cell: string) => (cell.startsWith('gb200') ? ['anthropic'] : ['grok', 'grok-research']);
    expect(Object.keys(out.summary.stacks)).toEqual([
      'colossus-1-manager-operators',
      'colossus-1-manager',
      ...cells.flatMap((c) =>
        ['management', 'operators', 'platform', 'fabric', ...tenants(c).map((t) => `tenant-${t}`)].map(
          (s) => `colossus-1-${c}-${s}`,
        ),
      ),
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(out.outdir, 'manifest.json'), 'utf8'));
    const deps = (stack: string) => manifest.stacks[stack].dependencies;
    expect(deps('colossus-1-gb200-c00-tenant-anthropic')).toContain('colossus-1-gb200-c00-platform');
    expect(deps('colossus-1-gb200-c00-platform')).toContain('colossus-1-gb200-c00-operators');
    expect(deps('colossus-1-gb200-c00-fabric')).toContain('colossus-1-gb200-c00-platform');
    expect(deps('colossus-1-manager')).toContain('colossus-1-manager-operators');
    // A cell deploys on its own: `cdktf deploy 'colossus-1-gb200-c00-*'` needs no other stack.
    for (const c of cells) {
      for (const s of out.stacks.filter((x) => x.startsWith(`colossus-1-${c}-`))) {
        expect(deps(s).every((d: string) => d.startsWith(`colossus-1-${c}-`))).toBe(true);
      }
    }
  });

  it('describes exactly the same objects in YAML and in Terraform, stack by stack', () => {
    for (const stack of out.stacks) {
      const terraform = [...out.terraformObjects(stack).values()];
      const yaml = out.yamlObjects(stack);
      const key = (o: { kind: string; metadata: { namespace?: string; name: string } }) =>
        `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
      const sort = <T extends Parameters<typeof key>[0]>(xs: T[]) =>
        [...xs].sort((a, b) => key(a).localeCompare(key(b)));
      expect(yaml.length).toBeGreaterThan(0);
      expect(sort(yaml)).toEqual(sort(terraform));
    }
  });

  it('addresses every Terraform resource by the identity of its object', () => {
    for (const stack of out.stacks) {
      for (const [address, object] of out.terraformObjects(stack)) expect(address).toBe(terraformAddress(object));
    }
    expect(terraformAddress({ kind: 'NetworkPolicy', metadata: { namespace: 'grok-train', name: 'allow-dns' } })).toBe(
      'networkpolicy_grok-train_allow-dns'.replace(/-/g, '_'),
    );
  });

  it('names the project as field manager, reads the kubeconfig context, and writes no credential', () => {
    const tf = out.cdktf('colossus-1-h100-c00-tenant-grok');
    for (const r of Object.values(tf.resource!.kubernetes_manifest)) {
      expect(r.field_manager).toEqual({ name: 'colossus-cdktf', force_conflicts: false });
    }
    // Each cell reads its own context, derived from the spec's: colossus-1-<cell>.
    expect(tf.provider!.kubernetes).toEqual([{ config_context: 'colossus-1-h100-c00', config_path: '~/.kube/config' }]);
    const all = Object.values(tree(out.outdir)).join('\n');
    expect(all).not.toMatch(/client-key|client-certificate-data|BEGIN [A-Z ]*PRIVATE KEY|token:/);
  });

  it('keeps local state beside the output with a relative path', () => {
    const tf = out.cdktf('colossus-1-h100-c00-platform');
    expect(tf.terraform!.backend).toEqual({ local: { path: '../../../state/colossus-1-h100-c00-platform.tfstate' } });
  });

  it('writes a summary with pools, tenant quotas and per-stack figures', () => {
    expect(out.summary.gpus).toBe(230288);
    expect(out.summary.pools.gb200).toMatchObject({ gpus: 30096, racks: 418, blocks: 53, dedicatedTo: 'anthropic' });
    expect(out.summary.tenants.anthropic).toMatchObject({ external: true, gpuQuota: { gb200: 30096 } });
    for (const stack of out.stacks) {
      const s = out.summary.stacks[stack];
      expect(s.terraformResources).toBe(
        Object.keys(out.cdktf(stack).resource?.kubernetes_manifest ?? {}).length +
          Object.entries(out.cdktf(stack).resource ?? {})
            .filter(([t]) => t !== 'kubernetes_manifest')
            .reduce((n, [, r]) => n + Object.keys(r).length, 0),
      );
    }
  });

  it('orders YAML files for kubectl: namespaces first, queues after their ClusterQueue', () => {
    const files = fs.readdirSync(path.join(out.outdir, 'manifests', 'colossus-1-h100-c00-tenant-grok')).sort();
    expect(files[0]).toBe('00-namespace.yaml');
    expect(kindRank('ClusterQueue')).toBeLessThan(kindRank('LocalQueue'));
    expect(kindRank('ResourceFlavor')).toBeLessThan(kindRank('ClusterQueue'));
  });
});

describe('the kubernetes backend', () => {
  it('keeps each stack in its own Secret of the state namespace', () => {
    const out = synthToTemp(LAB.replace('  site:', '  backend: { kind: kubernetes, namespace: tf-state }\n  site:'));
    expect(out.cdktf('lab-tenant-partner').terraform!.backend).toEqual({
      kubernetes: {
        secret_suffix: 'lab-tenant-partner',
        namespace: 'tf-state',
        config_context: 'kind-lab',
        config_path: '~/.kube/config',
      },
    });
  });
});

describe('scaling', () => {
  it('grows Terraform resources with pools and tenants, never with nodes', () => {
    const small = synthToTemp(LAB);
    const big = synthToTemp(LAB.replace('nodes: 2', 'nodes: 2000').replace('powerBudgetMW: 0.1', 'powerBudgetMW: 100'));
    const count = (o: typeof small) => Object.values(o.summary.stacks).reduce((n, s) => n + s.terraformResources, 0);
    expect(big.summary.pools.h100.nodes).toBe(2000);
    expect(count(big)).toBe(count(small));
  });
});

describe('Terraform escaping', () => {
  it('turns ${ and %{ into literals in Terraform and keeps them verbatim in YAML', () => {
    expect(escapeTemplates({ a: ['${x}', '%{if y}'], 'k${': 'plain' })).toEqual({
      a: ['$${x}', '%%{if y}'],
      'k$${': 'plain',
    });
    const out = synthToTemp(LAB.replace("'lab:team-a'", '"team-${jsonencode(1)}-%{x}"'));
    const tf = fs.readFileSync(path.join(out.outdir, 'stacks', 'lab-tenant-team-a', 'cdk.tf.json'), 'utf8');
    expect(tf).toContain('team-$${jsonencode(1)}-%%{x}');
    expect(tf).not.toMatch(/[^$]\$\{jsonencode/);
    const binding = out.yamlObjects('lab-tenant-team-a').find((o) => o.kind === 'RoleBinding') as unknown as {
      subjects: { name: string }[];
    };
    expect(binding.subjects[0].name).toBe('team-${jsonencode(1)}-%{x}');
  });
});

describe('refactoring constructs', () => {
  it('keeps Terraform addresses when a tenant moves to another construct path', () => {
    const { cluster } = parseSpec(LAB, 'lab.yaml');
    const props = { ...cluster.tenants[0], clusterName: 'lab', kubernetesVersion: '1.33', pools: cluster.pools };
    const synthOf = (nest: boolean) => {
      const stack = new ColossusStack(Testing.app(), 's', { kubeContext: 'c' });
      new Tenant(nest ? new Construct(new Construct(stack, 'a'), 'b') : stack, nest ? 'renamed' : 'tenant', props);
      return Object.keys(JSON.parse(Testing.synth(stack, true)).resource.kubernetes_manifest).sort();
    };
    expect(synthOf(true)).toEqual(synthOf(false));
  });
});

describe('determinism', () => {
  it('writes byte-identical output on every run and from any working directory', () => {
    const a = path.join(tempDir(), 'out');
    const b = path.join(tempDir(), 'out');
    const spec = path.join(ROOT, 'examples', 'colossus-1.yaml');
    execFileSync('node', [BIN, 'synth', '--spec', spec, '--out', a], { cwd: ROOT });
    execFileSync('node', [BIN, 'synth', '--spec', spec, '--out', b], { cwd: tempDir() });
    const first = tree(a);
    expect(Object.keys(first).length).toBeGreaterThan(10);
    expect(tree(b)).toEqual(first);
    expect(Object.values(first).join('\n')).not.toContain(ROOT);
    expect(Object.values(first).join('\n')).not.toContain(path.dirname(a));
  });
});

describe('atomic output', () => {
  it('fails a synth without touching the previous output and writes nothing on a spec error', () => {
    const out = path.join(tempDir(), 'out');
    execFileSync('node', [BIN, 'synth', '--spec', path.join(ROOT, 'examples', 'lab.yaml'), '--out', out]);
    const before = tree(out);
    const bad = path.join(tempDir(), 'bad.yaml');
    fs.writeFileSync(bad, LAB.replace('nodes: 2', 'nodes: 0'));
    const run = spawnSync('node', [BIN, 'synth', '--spec', bad, '--out', out], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/bad\.yaml:18:7: error\[out-of-range\] spec\.nodePools\[0\]\.nodes/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(tree(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['out']);
  });

  it('removes a partial output when writing fails midway', () => {
    const out = path.join(tempDir(), 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'previous.txt'), 'kept');
    expect(() =>
      writeAtomically(out, (tmp) => {
        fs.writeFileSync(path.join(tmp, 'half.txt'), 'half');
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(tree(out)).toEqual({ 'previous.txt': 'kept' });
    expect(fs.readdirSync(path.dirname(out))).toEqual(['out']);
  });

  it('reads back what it wrote', () => {
    const out = path.join(tempDir(), 'out');
    execFileSync('node', [BIN, 'synth', '--spec', path.join(ROOT, 'examples', 'lab.yaml'), '--out', out]);
    expect(readOutput(out).summary.cluster).toBe('lab');
  });
});

describe('the cdktf app (main.ts)', () => {
  it('synthesizes the spec named by COLOSSUS_SPEC into CDKTF_OUTDIR', () => {
    const out = path.join(tempDir(), 'cdktf.out');
    execFileSync('node', [path.join(ROOT, 'dist', 'main.js')], {
      env: { ...process.env, COLOSSUS_SPEC: path.join(ROOT, 'examples', 'lab.yaml'), CDKTF_OUTDIR: out },
    });
    const read = readOutput(out);
    expect(read.stacks).toEqual(expect.arrayContaining(['lab-platform', 'lab-tenant-partner', 'lab-tenant-team-a']));
    expect(read.summary.gpus).toBe(16);
  });
});

describe('the colossus command', () => {
  it('validates a spec and reports usage errors', () => {
    const ok = spawnSync('node', [BIN, 'validate', '--spec', path.join(ROOT, 'examples', 'lab.yaml')], {
      encoding: 'utf8',
    });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/valid \(1 pools, 2 tenants\)/);
    const usage = spawnSync('node', [BIN, 'synth', '--bogus', 'x'], { encoding: 'utf8' });
    expect(usage.status).toBe(64);
    expect(usage.stderr).toMatch(/unknown option --bogus/);
  });
});
