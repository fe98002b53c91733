/**
 * What the README tells a new user works as written: its sample errors are what the command
 * prints, its links resolve in the repository, its deploy walk-through names real stacks and
 * flags, and the shipped CI workflow only runs valid `colossus` command lines.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { run } from '../../cli/main';
import { synthesizeApp } from '../../emit/synthesize';
import { loadSpecFile } from '../../spec/load';
import { binBuilt, runBin, runCli } from '../support/run-cli';
import { ROOT, tempDir } from '../support/synth';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const LAB = fs.readFileSync(path.join(ROOT, 'examples', 'lab.yaml'), 'utf8');
const itBin = binBuilt() ? it : it.skip;

/** The fenced blocks of a README section (`## Title` or `### Title`), in order. */
function blocks(title: string): string[] {
  const section = README.split(/^#{2,3} /m).find((s) => s.startsWith(title));
  if (!section) throw new Error(`README has no section "${title}"`);
  return [...section.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** `examples/lab.yaml` changed by `edit`, in a directory of its own, and that directory. */
function labVariant(edit: (text: string) => string, name: string): { dir: string; file: string } {
  const dir = tempDir();
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, edit(LAB));
  return { dir, file };
}

describe('the README', () => {
  itBin('shows the quota error the command prints, at its current position', () => {
    const { dir } = labVariant(
      (t) => t.replace('gpuQuota: { h100: 8 }', 'gpuQuota: { h100: 12 }'),
      'examples/lab.yaml',
    );
    const r = runBin(['validate', 'examples/lab.yaml'], dir);
    expect(r.code).toBe(1);
    const sample = blocks('The cluster spec').find((b) => b.includes('error[quota-exceeds-pool]'))!;
    expect(r.stderr).toBe(sample);
  });

  itBin('shows the power error the command prints', () => {
    const { dir } = labVariant((t) => t.replace('powerBudgetMW: 0.1', 'powerBudgetMW: 0.01'), 'spec.yaml');
    const r = runBin(['validate', 'spec.yaml'], dir);
    const sample = blocks('Power').find((b) => b.includes('error[site-over-budget]'))!;
    expect(r.stderr.startsWith(sample)).toBe(true);
  });

  it('quotes the power of the built-in example as synth prints it', () => {
    const r = runCli(['synth', path.join(ROOT, 'examples', 'colossus-1.yaml'), '--out', path.join(tempDir(), 'o')]);
    const line = /`(power h100: [^`]*) \.\.\.`/.exec(README)![1];
    expect(r.stdout).toContain(line);
    expect(README).toContain('draws 310.4 MW of GPU racks (191.3 MW H100,');
  });

  it('links only to files that exist in the repository', () => {
    const tracked = new Set(
      execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
        .split('\n')
        .filter(Boolean),
    );
    const links = [...README.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(2);
    expect(links.filter((l) => !tracked.has(path.posix.normalize(l)))).toEqual([]);
  });

  it('walks through a deploy whose commands name real stacks and real cdktf flags', () => {
    const [json, sh, message] = blocks('Deploying, step by step');
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
    expect(JSON.parse(json).context).toEqual(config.context);
    const out = path.join(tempDir(), 'cdktf.out');
    const app = synthesizeApp(loadSpecFile(path.join(ROOT, config.context.colossusSpec)).cluster, { outdir: out });
    const stacks = Object.keys(app.summary.stacks);
    const deploys = sh.split('\n').filter((l) => l.startsWith('npx cdktf deploy '));
    expect(deploys.length).toBeGreaterThanOrEqual(4);
    // cdktf-cli 0.21.0 `cdktf deploy --help`.
    const cdktfDeployFlags = ['--auto-approve', '--ignore-missing-stack-dependencies', '--skip-synth', '--parallelism'];
    for (const line of deploys) {
      const args = line.replace(/#.*/, '').trim().split(/\s+/).slice(3);
      for (const pattern of args.filter((a) => !a.startsWith('--'))) {
        const glob = new RegExp(`^${pattern.replace(/'/g, '').replace(/\*/g, '.*')}$`);
        expect([line, pattern, stacks.filter((s) => glob.test(s)).length > 0]).toEqual([line, pattern, true]);
      }
      for (const flag of args.filter((a) => a.startsWith('--'))) expect(cdktfDeployFlags).toContain(flag);
    }
    expect(sh).toContain('export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1');
    const audit = sh.split('\n').find((l) => l.startsWith('node bin/colossus.js audit'))!;
    expect(runCli(['audit', out]).code).toBe(0);
    expect(audit).toMatch(/audit cdktf\.out/);
    // The refusal quoted is the one a deploy after a synth of lab meets.
    const lab = path.join(tempDir(), 'cdktf.out');
    synthesizeApp(loadSpecFile(path.join(ROOT, 'examples', 'lab.yaml')).cluster, { outdir: lab });
    expect(() =>
      synthesizeApp(loadSpecFile(path.join(ROOT, config.context.colossusSpec)).cluster, {
        outdir: lab,
        sameClusterOnly: true,
      }),
    ).toThrow(message.trim().replace(/^colossus: /, ''));
  });

  it('ships the CI workflow as a file, and every colossus command in it is a valid command line', () => {
    const text = fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'plan-review.yml'), 'utf8');
    const workflow = parse(text) as {
      jobs: Record<string, { env: Record<string, string>; steps: { run?: string }[] }>;
    };
    const job = workflow.jobs.review;
    expect(job.env).toMatchObject({ CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1' });
    const commands = job.steps
      .flatMap((s) => (s.run ?? '').replace(/\\\n\s*/g, '').split('\n'))
      .filter((l) => l.includes('node bin/colossus.js'))
      .map((l) =>
        l
          .replace(/.*node bin\/colossus\.js /, '')
          .replace(/\s*[>|].*$/, '')
          .replace(/"/g, '')
          .replace(/\$\w+/g, 'x')
          .split(/\s+/),
      );
    expect(commands.map((c) => c[0])).toEqual(['synth', 'synth', 'audit', 'diff', 'report']);
    const silent = { out: () => undefined, err: (s: string) => process.stderr.write(`${s}\n`) };
    // --help parses the whole command line first: an unknown flag or bad value fails it.
    for (const args of commands) expect([args, run([...args, '--help'], silent)]).toEqual([args, 0]);
  });
});
