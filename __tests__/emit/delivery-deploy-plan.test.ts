/**
 * Issue 19 item 3: the deploy commands run as written. Each `cdktf deploy` of DEPLOY.md is put
 * through cdktf 0.21.0's own stack selection (node_modules/@cdktf/cli-core
 * src/lib/helpers/stack-helpers.js: getMultipleStacks with minimatch, then
 * checkIfAllDependenciesAreIncluded unless --ignore-missing-stack-dependencies), with the stacks and
 * dependencies of the synthesized manifest.json.
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { deploySteps, laterCommands, STATE_NAMESPACE_FILE } from '../../emit/deploy-plan';
import { loadSpecFile } from '../../spec/load';
import { buildClusterStacks } from '../../stacks/cluster-stacks';
import { App } from 'cdktf';
import { ROOT, synthToTemp, tempDir, writeSpec } from '../support/synth';

// The real cdktf CLI code, not a model of it: stack-helpers.js run with its own minimatch, and only
// @cdktf/commons (whose import starts telemetry and a Terraform version probe) replaced by its two
// members the helpers use, `Errors.Usage` and `logger`.
type Stack = { name: string; dependencies: string[] };
const helpers = loadStackHelpers() as {
  getMultipleStacks(stacks: Stack[], patterns: string[], action: string): Stack[];
  checkIfAllDependenciesAreIncluded(stacks: Stack[]): void;
};

function loadStackHelpers(): unknown {
  const file = path.join(ROOT, 'node_modules/@cdktf/cli-core/src/lib/helpers/stack-helpers.js');
  const local = createRequire(file);
  const commons = {
    Errors: { Usage: (m: string) => new Error(m), Internal: (m: string) => new Error(m) },
    logger: { debug: () => undefined },
    ensureAllSettledBeforeThrowing: async (p: Promise<unknown>) => p,
  };
  const exports: Record<string, unknown> = {};
  const source = fs.readFileSync(file, 'utf8');
  const load = new Function('exports', 'require', 'module', source);
  load(exports, (id: string) => (id === '@cdktf/commons' ? commons : local(id)), { exports });
  return exports;
}

/** The words of a shell command, with single quotes removed (as the shell passes them). */
const words = (command: string) => command.split(/\s+/).map((w) => w.replace(/^'(.*)'$/, '$1'));

function stacksOf(outdir: string) {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { name: string; dependencies: string[] }>;
  };
  return Object.values(manifest.stacks).map((s) => ({ name: s.name, dependencies: s.dependencies }));
}

function stepsOf(spec: string) {
  const { cluster } = loadSpecFile(spec.includes('\n') ? writeSpec(spec) : path.join(ROOT, spec));
  return deploySteps(cluster, buildClusterStacks(new App({ outdir: tempDir() }), cluster), 'examples/x.yaml');
}

describe.each(['examples/colossus-1.yaml', 'examples/lab.yaml', 'examples/infiniband.yaml'])(
  'DEPLOY.md of %s',
  (example) => {
    const out = synthToTemp(example);
    const stacks = stacksOf(out.outdir);
    const steps = stepsOf(example);
    const deploys = steps.flatMap((s) => s.commands).filter((c) => c.startsWith('npx cdktf deploy'));

    it('passes cdktf 0.21.0 getMultipleStacks and checkIfAllDependenciesAreIncluded, in order, and deploys every stack once', () => {
      const done = new Set<string>();
      for (const command of deploys) {
        const patterns = words(command)
          .slice(3)
          .filter((w) => !w.startsWith('--'));
        const selected = helpers.getMultipleStacks(stacks, patterns, 'deploy');
        expect(() => helpers.checkIfAllDependenciesAreIncluded(selected)).not.toThrow();
        const names = selected.map((s) => s.name);
        expect(new Set(names).size).toBe(names.length);
        // What a command needs is applied by an earlier command or by itself (cdktf orders within one).
        for (const s of selected) for (const d of s.dependencies) expect(done.has(d) || names.includes(d)).toBe(true);
        names.forEach((n) => done.add(n));
      }
      expect([...done].sort()).toEqual(stacks.map((s) => s.name).sort());
    });

    it('deploys each management stack alone: cdktf runs terraform init on every selected stack first (cdktf-project.ts initializeStacksToRunInSerial)', () => {
      const managements = stacks.filter((s) => s.name.endsWith('-management'));
      for (const management of managements) {
        const command = deploys.find((c) => words(c).includes(management.name))!;
        expect(words(command).slice(3)).toEqual([management.name]);
      }
      // The kubeconfig step sits between it and the workload stacks (of each cell).
      const titles = steps.map((s) => s.title);
      const kubeconfigs = titles.flatMap((t, i) => (t.includes('Workload kubeconfig') ? [i] : []));
      const workloads = titles.flatMap((t, i) => (t.includes('Workload stacks') ? [i] : []));
      expect(kubeconfigs).toHaveLength(managements.length);
      kubeconfigs.forEach((k, i) => expect(k).toBeLessThan(workloads[i]));
    });

    it('later: one tenant stack passes only with --ignore-missing-stack-dependencies, which skips the check', () => {
      const tenant = stacks.find((s) => s.name.includes('-tenant-'))!;
      const alone = helpers.getMultipleStacks(stacks, [tenant.name], 'deploy');
      expect(() => helpers.checkIfAllDependenciesAreIncluded(alone)).toThrow(/--ignore-missing-stack-dependencies/);
      const later = laterCommands(
        buildClusterStacks(new App({ outdir: tempDir() }), loadSpecFile(path.join(ROOT, example)).cluster),
      );
      const one = later.find((c) => c.command.includes('--ignore-missing-stack-dependencies'))!;
      expect(words(one.command)).toContain('--ignore-missing-stack-dependencies');
      const all = helpers.getMultipleStacks(stacks, ['*'], 'deploy');
      expect(() => helpers.checkIfAllDependenciesAreIncluded(all)).not.toThrow();
    });

    it('writes DEPLOY.md with these commands', () => {
      const text = fs.readFileSync(path.join(out.outdir, 'DEPLOY.md'), 'utf8');
      for (const command of deploys) expect(text).toContain(command);
    });
  },
);

describe('the kubernetes backend bootstrap (Terraform v1.11.4 kubernetes backend creates neither Secret nor Lease without the namespace)', () => {
  const doc = parse(fs.readFileSync(path.join(ROOT, 'examples/colossus-1.yaml'), 'utf8'));
  doc.spec.backend = { kind: 'kubernetes', namespace: 'tf-state' };
  const text = stringify(doc);
  const out = synthToTemp(text);

  it('writes the state namespace, which no stack manages (a stack must not hold its own state in a namespace it could delete)', () => {
    const ns = parse(fs.readFileSync(path.join(out.outdir, STATE_NAMESPACE_FILE), 'utf8'));
    expect(ns).toMatchObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tf-state' } });
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const stack of out.stacks) {
      expect(out.yamlObjects(stack).some((o) => o.kind === 'Namespace' && o.metadata.name === 'tf-state')).toBe(false);
    }
  });

  it('applies it in each cluster before the stacks whose state it holds: the management cluster, the manager, each cell', () => {
    const steps = stepsOf(text).flatMap((s) => s.commands);
    const apply = (ctx: string) => steps.indexOf(`kubectl --context ${ctx} apply -f cdktf.out/${STATE_NAMESPACE_FILE}`);
    const deploy = (stack: string) => steps.findIndex((c) => c.startsWith(`npx cdktf deploy ${stack}`));
    expect(apply('colossus-1-mgmt')).toBeGreaterThanOrEqual(0);
    expect(apply('colossus-1-mgmt')).toBeLessThan(deploy('colossus-1-h100-c00-management'));
    // The manager's context is the spec's kubernetes.context.
    expect(apply('colossus-1')).toBeGreaterThanOrEqual(0);
    expect(apply('colossus-1')).toBeLessThan(deploy('colossus-1-manager-operators'));
    const cell = 'colossus-1-h100-c00';
    expect(apply(cell)).toBeGreaterThan(deploy(`${cell}-management`));
    expect(apply(cell)).toBeLessThan(deploy(`${cell}-operators`));
  });

  it('writes no bootstrap for the local backend', () => {
    expect(fs.existsSync(path.join(synthToTemp('examples/lab.yaml').outdir, STATE_NAMESPACE_FILE))).toBe(false);
  });
});

describe('README "Deploying"', () => {
  it('shows exactly the commands DEPLOY.md gives for the built-in example, up to its first cell connected to the manager', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Deploying'));
    const block = section.slice(section.indexOf('```sh\n') + 6, section.indexOf('\n```', section.indexOf('```sh\n')));
    const commands = block
      .split('\n')
      .map((l) => l.replace(/\s+# .*$/, '').trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const { cluster } = loadSpecFile(path.join(ROOT, 'examples/colossus-1.yaml'));
    const steps = deploySteps(
      cluster,
      buildClusterStacks(new App({ outdir: tempDir() }), cluster),
      'examples/colossus-1.yaml',
    );
    // The later cells repeat the first cell's steps; DEPLOY.md lists them all.
    const firstCell = steps.findIndex((s) => / connect it to the manager$/.test(s.title));
    expect(firstCell).toBeGreaterThan(0);
    expect(commands).toEqual(steps.slice(0, firstCell + 1).flatMap((s) => s.commands));
  });
});
