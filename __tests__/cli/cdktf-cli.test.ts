/**
 * The real cdktf CLI (`cdktf synth`, `cdktf deploy`, cdktf-cli 0.21.0) in a temporary copy of the
 * project: the spec comes from cdktf.json, the output is the same complete output as
 * `colossus synth` (nothing stale), and a deploy after a synth of another cluster stops before
 * Terraform runs, saying which cluster was synthesized.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { ROOT, tempDir } from '../support/synth';

const built = fs.existsSync(path.join(ROOT, 'dist', 'main.js'));
const CDKTF = path.join(ROOT, 'node_modules', '.bin', 'cdktf');

/** The project as a clone has it (tracked and unignored files), with the build and the dependencies. */
function copyProject(dest: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f && fs.existsSync(path.join(ROOT, f)) && fs.lstatSync(path.join(ROOT, f)).isFile());
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(dest, file));
  }
  fs.cpSync(path.join(ROOT, 'dist'), path.join(dest, 'dist'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
}

/** Runs the cdktf CLI in `cwd`; its output and exit code. */
function cdktf(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): { code: number; output: string } {
  const r = spawnSync(CDKTF, args, {
    cwd,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1', CI: '1', ...env },
  });
  return { code: r.status ?? -1, output: `${r.stdout}\n${r.stderr}` };
}

(built ? describe : describe.skip)('the cdktf CLI in a copy of the project', () => {
  let project: string;
  const out = () => path.join(project, 'cdktf.out');
  const summary = () => JSON.parse(fs.readFileSync(path.join(out(), 'reports', 'summary.json'), 'utf8'));

  beforeAll(() => {
    project = path.join(tempDir('colossus-cdktf-cli-'), 'project');
    copyProject(project);
    // A user project names its own spec in cdktf.json.
    const config = JSON.parse(fs.readFileSync(path.join(project, 'cdktf.json'), 'utf8'));
    config.context.colossusSpec = 'examples/lab.yaml';
    fs.writeFileSync(path.join(project, 'cdktf.json'), JSON.stringify(config, null, 2));
    fs.rmSync(path.join(project, 'examples', 'lab.protected.json'), { force: true });
  }, 60_000);

  it('synthesizes the spec cdktf.json names into one complete output, with the data ledger beside the spec', () => {
    expect(cdktf(['synth'], project)).toMatchObject({ code: 0 });
    expect(summary().cluster).toBe('lab');
    // DEPLOY.md and the Flux units (issue 19) come from the same pipeline as everything else.
    expect(fs.readdirSync(out()).sort()).toEqual([
      'DEPLOY.md',
      'gitops',
      'helmfile.yaml',
      'manifest.json',
      'manifests',
      'reports',
      'stacks',
    ]);
    expect(fs.readdirSync(path.join(out(), 'stacks')).sort()).toEqual([
      'lab-operators',
      'lab-platform',
      'lab-tenant-partner',
      'lab-tenant-team-a',
    ]);
    expect(fs.readdirSync(path.join(out(), 'manifests')).sort()).toEqual(
      fs.readdirSync(path.join(out(), 'stacks')).sort(),
    );
    expect(JSON.parse(fs.readFileSync(path.join(project, 'examples', 'lab.protected.json'), 'utf8'))).toMatchObject({
      cluster: 'lab',
      tenants: ['partner', 'team-a'],
    });
  }, 200_000);

  it('leaves nothing stale: an offboarded tenant keeps an empty stack and loses its manifests', () => {
    const file = path.join(project, 'examples', 'lab.yaml');
    const doc = parse(fs.readFileSync(file, 'utf8'));
    doc.spec.tenants.find((t: { name: string }) => t.name === 'partner').offboard = true;
    fs.writeFileSync(file, stringify(doc));
    expect(cdktf(['synth'], project)).toMatchObject({ code: 0 });
    expect(fs.existsSync(path.join(out(), 'manifests', 'lab-tenant-partner'))).toBe(false);
    const tombstone = JSON.parse(
      fs.readFileSync(path.join(out(), 'stacks', 'lab-tenant-partner', 'cdk.tf.json'), 'utf8'),
    );
    expect(tombstone.resource).toBeUndefined();
    expect(summary().offboarding).toEqual(['partner']);
    expect(fs.readdirSync(project).filter((f) => f.startsWith('cdktf.out.'))).toEqual([]);
  }, 200_000);

  it('stops a deploy whose stacks belong to another cluster than the one synthesized, naming it', () => {
    const ib = cdktf(['synth'], project, { COLOSSUS_SPEC: 'examples/infiniband.yaml' });
    if (ib.code !== 0) throw new Error(ib.output);
    expect(summary().cluster).toBe('ib-pod');
    // No stack of the cluster synthesized before survives (cdktf removes the directories we leave empty).
    expect(fs.readdirSync(path.join(out(), 'stacks')).filter((s) => !s.startsWith('ib-pod-'))).toEqual([]);
    // The README's old trap: COLOSSUS_SPEC on the synth line only, then a deploy without it.
    const deploy = cdktf(['deploy', 'ib-pod-platform', '--auto-approve'], project);
    expect(deploy.code).not.toBe(0);
    expect(deploy.output).toContain('holds the stacks of cluster "ib-pod", but this run synthesizes "lab"');
    expect(deploy.output).toContain('named by cdktf.json (context.colossusSpec)');
    // Nothing was deployed and the synthesized output is untouched.
    expect(summary().cluster).toBe('ib-pod');
  }, 200_000);
});
