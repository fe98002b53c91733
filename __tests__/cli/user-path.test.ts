/**
 * The user path, as a new user walks it: which spec a run uses (never a silent default), the
 * command-line conventions of kubectl, terraform and helm (help, version, suggestions, JSON,
 * quiet, colour, EPIPE, exit codes), and data records that belong to their cluster and live
 * beside the spec, so a fresh checkout still knows what an earlier synth protected.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { chooseSpec, NoSpecError } from '../../cli/spec-source';
import { EXIT, suggest } from '../../cli/main';
import { highlight, styleFor } from '../../cli/style';
import { ledgerFileFor } from '../../storage/data-ledger';
import { binBuilt, runBin, runCli, STACK_TRACE } from '../support/run-cli';
import { storageSpec, STORAGE_SPEC } from '../support/storage-spec';
import { readOutput, ROOT, tempDir, writeSpec } from '../support/synth';

const LAB = path.join(ROOT, 'examples', 'lab.yaml');
const BIN = path.join(ROOT, 'bin', 'colossus.js');
const itBin = binBuilt() ? it : it.skip;

/** A spec file of its own (so its ledger, written beside it, is its own too). */
function specCopy(text = fs.readFileSync(LAB, 'utf8'), name = 'spec.yaml'): string {
  return writeSpec(text, name);
}

describe('spec selection', () => {
  it('takes the argument, else COLOSSUS_SPEC, else cdktf.json context.colossusSpec, relative to the project', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ context: { colossusSpec: 'clusters/a.yaml' } }));
    expect(chooseSpec('x.yaml', { COLOSSUS_SPEC: 'y.yaml' }, dir)).toEqual({
      file: 'x.yaml',
      namedBy: 'argument',
      implicit: false,
    });
    expect(chooseSpec(undefined, { COLOSSUS_SPEC: 'y.yaml' }, dir)).toMatchObject({ file: 'y.yaml', implicit: false });
    expect(chooseSpec(undefined, {}, dir)).toEqual({
      file: path.join(dir, 'clusters', 'a.yaml'),
      namedBy: 'cdktf.json (context.colossusSpec)',
      implicit: true,
    });
    // The cdktf CLI hands cdktf.json's context to the app in CDKTF_CONTEXT_JSON.
    expect(chooseSpec(undefined, { CDKTF_CONTEXT_JSON: '{"colossusSpec":"b.yaml"}' }, dir).file).toBe(
      path.join(dir, 'b.yaml'),
    );
  });

  it('fails, saying where to name one, when nothing names a spec', () => {
    expect(() => chooseSpec(undefined, {}, tempDir())).toThrow(NoSpecError);
    expect(() => chooseSpec(undefined, {}, tempDir())).toThrow(
      /"context": \{ "colossusSpec": "path\/to\/cluster.yaml" \}/,
    );
    const r = runBin(['synth', '--out', path.join(tempDir(), 'out')], tempDir());
    if (binBuilt()) {
      expect(r.code).toBe(EXIT.usage);
      expect(r.stderr).toContain('no spec named');
    }
  });

  it('names the built-in example in the repository cdktf.json, so cdktf synth and deploy agree', () => {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
    expect(config.context.colossusSpec).toBe('examples/colossus-1.yaml');
  });

  it('synthesizes the spec given as the argument, or by COLOSSUS_SPEC, never the built-in example', () => {
    const out = path.join(tempDir(), 'out');
    expect(runCli(['synth', specCopy(), '--out', out, '-q']).code).toBe(0);
    expect(readOutput(out).summary.cluster).toBe('lab');
    if (binBuilt()) {
      const env = { ...process.env, COLOSSUS_SPEC: specCopy() };
      const out2 = path.join(tempDir(), 'out');
      expect(runBin(['synth', '--out', out2, '-q'], tempDir(), env).code).toBe(0);
      expect(readOutput(out2).summary.cluster).toBe('lab');
    }
  });

  it('refuses two different specs on one command line', () => {
    const r = runCli(['synth', specCopy(), '--spec', specCopy()]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/two specs named/);
  });
});

describe('command-line conventions', () => {
  it('shows per-command help and the version, exit 0', () => {
    for (const command of ['synth', 'validate', 'diff', 'report', 'audit']) {
      const r = runCli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: colossus ${command}`));
      expect(r.stdout).toContain('exit codes:');
    }
    expect(runCli(['help', 'diff']).stdout).toMatch(/^usage: colossus diff BASE_OUT HEAD_OUT/);
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(runCli(['--version'])).toMatchObject({ code: 0, stdout: `colossus ${version}` });
  });

  it('rejects unknown flags, short ones included, and suggests what was meant', () => {
    const typo = runCli(['synth', '--sepc', LAB]);
    expect(typo.code).toBe(EXIT.usage);
    expect(typo.stderr).toContain('unknown option --sepc for synth; did you mean --spec?');
    expect(runCli(['synth', '-x', LAB]).stderr).toContain('unknown option -x for synth');
    expect(runCli(['diff', 'a', 'b', '--fail-of', 'high']).stderr).toContain('did you mean --fail-on?');
    expect(runCli(['synht']).stderr).toContain('unknown command "synht"; did you mean synth?');
    expect(suggest('--formt', ['--format', '--fail-on'])).toBe('--format');
    expect(suggest('--zzzzzz', ['--format'])).toBeUndefined();
  });

  it('prints JSON with --format json on every command that prints results', () => {
    const out = path.join(tempDir(), 'out');
    const synth = runCli(['synth', specCopy(), '--out', out, '--format', 'json']);
    expect(JSON.parse(synth.stdout)).toMatchObject({ cluster: 'lab', gpus: 16 });
    expect(JSON.parse(runCli(['validate', LAB, '--format', 'json']).stdout)).toMatchObject({
      valid: true,
      pools: 1,
      tenants: 2,
    });
    expect(JSON.parse(runCli(['audit', out, '--format', 'json']).stdout)).toMatchObject({ findings: [] });
    expect(JSON.parse(runCli(['report', out, '--format', 'json']).stdout)).toMatchObject({ cluster: 'lab' });
    expect(JSON.parse(runCli(['diff', out, out, '--format', 'json']).stdout)).toMatchObject({ risk: 'none' });
    // An invalid spec is data too: the issues with their codes.
    const bad = specCopy(fs.readFileSync(LAB, 'utf8').replace('nodes: 2', 'nodes: 0'));
    const invalid = runCli(['validate', bad, '--format', 'json']);
    expect(invalid.code).toBe(EXIT.invalid);
    expect(JSON.parse(invalid.stdout).issues[0]).toMatchObject({ code: 'out-of-range', line: 18 });
  });

  it('prints nothing but errors with --quiet (-q)', () => {
    const out = path.join(tempDir(), 'out');
    expect(runCli(['synth', specCopy(), '--out', out, '--quiet'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(runCli(['audit', out, '-q'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(runCli(['validate', LAB, '-q'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const failed = runCli(['report', path.join(tempDir(), 'nothing'), '-q']);
    expect(failed.code).toBe(EXIT.noInput);
    expect(failed.stderr).toContain('not a synth output');
  });

  it('colours only a terminal, and never under NO_COLOR', () => {
    const red = (s: string) => styleFor(true, {}).red(s);
    expect(red('x')).toBe('\u001b[31mx\u001b[0m');
    expect(styleFor(true, { NO_COLOR: '1' }).red('x')).toBe('x');
    expect(styleFor(false, {}).red('x')).toBe('x');
    expect(styleFor(true, { TERM: 'dumb' }).red('x')).toBe('x');
    expect(highlight('a.yaml:1:1: error[bad] x\n  fix: y', styleFor(true, {}))).toBe(
      'a.yaml:1:1: \u001b[31merror[bad]\u001b[0m x\n  \u001b[32mfix:\u001b[0m y',
    );
  });

  itBin('writes no colour codes into a pipe', () => {
    const r = runBin(['synth', specCopy(), '--out', path.join(tempDir(), 'out')]);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('\u001b[');
  });

  itBin('stops quietly when the reader closes the pipe (| head)', () => {
    const out = path.join(tempDir(), 'out');
    const pipe = (command: string) =>
      spawnSync('bash', ['-c', `${command} | head -1 > /dev/null; echo "exit=\${PIPESTATUS[0]}"`], {
        encoding: 'utf8',
        env: { ...process.env, FORCE_COLOR: '0' },
      });
    const synth = pipe(`node ${BIN} synth ${specCopy()} --out ${out}`);
    expect(synth.stdout.trim()).toBe('exit=0');
    expect(synth.stderr).toBe('');
    const big = path.join(tempDir(), 'big');
    expect(runBin(['synth', path.join(ROOT, 'examples', 'colossus-1.yaml'), '--out', big, '-q']).code).toBe(0);
    const diff = pipe(`node ${BIN} diff ${out} ${big} --format json`);
    expect(diff.stdout.trim()).toBe('exit=0');
    expect(diff.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });

  it('exits 73 for an output it cannot write, 66 for a missing input: never 70, never errno text', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    const under = runCli(['synth', specCopy(), '--out', path.join(dir, 'file', 'out')]);
    expect(under.code).toBe(EXIT.cannotCreate);
    expect(under.stderr).toContain('cannot write --out');
    expect(under.stderr).toContain(`${path.join(dir, 'file')} is a file, not a directory`);
    expect(under.stderr).not.toMatch(/ENOTDIR|internal error/);

    const out = path.join(tempDir(), 'out');
    expect(runCli(['synth', specCopy(), '--out', out, '-q']).code).toBe(0);
    const html = runCli(['report', out, '--html', path.join(dir, 'no', 'such', 'dir', 'r.html'), '-q']);
    expect(html.code).toBe(EXIT.cannotCreate);
    expect(html.stderr).toContain('cannot write --html');
    expect(html.stderr).not.toMatch(/ENOENT/);

    const previous = runCli([
      'synth',
      specCopy(),
      '--out',
      path.join(tempDir(), 'o'),
      '--previous',
      path.join(dir, 'nope.json'),
    ]);
    expect(previous.code).toBe(EXIT.noInput);
    expect(previous.stderr).toContain('no such file');
    expect(runCli(['audit', path.join(dir, 'missing')]).code).toBe(EXIT.noInput);
    expect(STACK_TRACE.test(under.stderr + html.stderr + previous.stderr)).toBe(false);
  });
});

describe('data records belong to their cluster', () => {
  it('a second cluster synthesized into the same output inherits nothing from the first', () => {
    const out = path.join(tempDir(), 'out');
    expect(runCli(['synth', specCopy(STORAGE_SPEC), '--out', out, '-q']).code).toBe(0);
    const lab = runCli(['synth', specCopy(), '--out', out]);
    expect(lab.code).toBe(0);
    expect(lab.stdout).not.toContain('kept:');
    expect(lab.stderr).toContain('held cluster "st"; it is replaced by "lab"');
    expect(readOutput(out).summary.storage?.retained ?? []).toEqual([]);
  });

  it('a run whose spec only cdktf.json named never replaces the output of another cluster', () => {
    const project = tempDir();
    fs.copyFileSync(LAB, path.join(project, 'lab.yaml'));
    fs.writeFileSync(path.join(project, 'cdktf.json'), JSON.stringify({ context: { colossusSpec: 'lab.yaml' } }));
    const out = path.join(project, 'cdktf.out');
    expect(runCli(['synth', specCopy(STORAGE_SPEC), '--out', out, '-q']).code).toBe(0);
    const cwd = process.cwd();
    process.chdir(project);
    try {
      const r = runCli(['synth', '--out', out]);
      expect(r.code).toBe(EXIT.invalid);
      expect(r.stderr).toContain('holds the stacks of cluster "st", but this run synthesizes "lab"');
    } finally {
      process.chdir(cwd);
    }
    expect(readOutput(out).summary.cluster).toBe('st');
  });

  it('refuses a --previous summary of another cluster', () => {
    const base = path.join(tempDir(), 'base');
    expect(runCli(['synth', specCopy(STORAGE_SPEC), '--out', base, '-q']).code).toBe(0);
    const r = runCli([
      'synth',
      specCopy(),
      '--out',
      path.join(tempDir(), 'head'),
      '--previous',
      path.join(base, 'reports', 'summary.json'),
    ]);
    expect(r.code).toBe(EXIT.invalid);
    expect(r.stderr).toContain('is the summary of cluster "st", not "lab"');
  });
});

describe('the data ledger beside the spec', () => {
  it('keeps a dropped volume on a fresh checkout, where no earlier output exists', () => {
    const spec = specCopy(STORAGE_SPEC);
    expect(runCli(['synth', spec, '--out', path.join(tempDir(), 'first'), '-q']).code).toBe(0);
    const ledger = JSON.parse(fs.readFileSync(ledgerFileFor(spec), 'utf8'));
    expect(ledger).toMatchObject({ cluster: 'st', tenants: ['team-a', 'team-b'], offboarding: [] });
    expect(ledger.protected).toContainEqual(
      expect.objectContaining({ kind: 'PersistentVolumeClaim', namespace: 'team-b', name: 'checkpoints' }),
    );
    // The "fresh checkout": the spec and its ledger, no output.
    fs.writeFileSync(
      spec,
      storageSpec((s) => (s.tenants[1].storage[0].volumes = [])),
    );
    const out = path.join(tempDir(), 'fresh');
    const r = runCli(['synth', spec, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kept: PersistentVolumeClaim team-b/checkpoints');
    const json = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'st-tenant-team-b', 'cdk.tf.json'), 'utf8'));
    expect(json.removed).toEqual([
      { from: 'kubernetes_manifest.persistentvolumeclaim_team_b_checkpoints', lifecycle: { destroy: false } },
    ]);
  });

  it('stops when Terraform state of the cluster exists but no record of its data does', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'state'));
    fs.writeFileSync(path.join(dir, 'state', 'lab-tenant-team-a.tfstate'), '{}');
    const spec = specCopy();
    const r = runCli(['synth', spec, '--out', path.join(dir, 'cdktf.out')]);
    expect(r.code).toBe(EXIT.invalid);
    expect(r.stderr).toContain('holds the Terraform state of 1 stack(s) of cluster "lab"');
    expect(r.stderr).toContain('fix: restore the ledger');
    expect(fs.existsSync(path.join(dir, 'cdktf.out'))).toBe(false);
    // With the ledger restored, the synth goes ahead.
    fs.writeFileSync(ledgerFileFor(spec), JSON.stringify({ cluster: 'lab', protected: [], retained: [] }));
    expect(runCli(['synth', spec, '--out', path.join(dir, 'cdktf.out'), '-q']).code).toBe(0);
  });

  it('refuses a ledger that records another cluster', () => {
    const spec = specCopy();
    fs.writeFileSync(ledgerFileFor(spec), JSON.stringify({ cluster: 'other', protected: [], retained: [] }));
    const r = runCli(['synth', spec, '--out', path.join(tempDir(), 'out')]);
    expect(r.code).toBe(EXIT.invalid);
    expect(r.stderr).toContain('records the data of cluster "other", not "lab"');
  });

  itBin(
    'needs no Terraform on the machine: a synth adopting every object succeeds where none is installed (cdktf 0.21 ran `terraform version` once per terraform_data and per import block)',
    () => {
      // A machine without Terraform: a GitOps pipeline that only applies the YAML, a reviewer's laptop.
      const noTerraform = tempDir();
      const out = path.join(tempDir(), 'out');
      const r = runBin(['synth', specCopy(), '--adopt', 'true', '--out', out, '-q'], ROOT, {
        ...process.env,
        PATH: noTerraform,
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const platform = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'lab-platform', 'cdk.tf.json'), 'utf8'));
      expect(platform.import.length).toBeGreaterThan(0);
      expect(Object.keys(platform.resource.terraform_data).length).toBeGreaterThan(0);
    },
  );
});
