/**
 * Nothing lost: a volume (or a whole tenant) removed from the spec is never destroyed. The next
 * synth into the same output reads what the last one protected, tells Terraform to forget what is
 * gone (`removed` with `destroy = false`), keeps its namespace protected, and says so.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, DataResource, TerraformStack } from 'cdktf';
import { run } from '../../cli/main';
import { synthesize } from '../../emit/synthesize';
import { formatSummary } from '../../reports/summary';
import { parseSpec } from '../../spec/load';
import { RemovedBlocks } from '../../stacks/data-retention';
import { SpecData, storageSpec, STORAGE_SPEC } from '../support/storage-spec';
import { readOutput, SynthOutput, tempDir, writeSpec } from '../support/synth';

/** Synthesizes spec text into `outdir` (replacing what is there) and reads it back. */
function synthInto(outdir: string, text: string): SynthOutput {
  const { cluster } = parseSpec(text, 'spec.yaml');
  return readOutput(outdir, synthesize(cluster, { outdir }));
}

const PVC_B = 'kubernetes_manifest.persistentvolumeclaim_team_b_checkpoints';
const withoutVolumeB = storageSpec((s) => (s.tenants[1].storage[0].volumes = []));
const removedBlocks = (out: SynthOutput, stack: string) => (out.cdktf(stack).removed as unknown[] | undefined) ?? [];

describe('a volume removed from the spec', () => {
  const outdir = path.join(tempDir(), 'out');
  // Read now: the next synth replaces the output directory.
  const first = synthInto(outdir, STORAGE_SPEC).cdktf('st-tenant-team-b');
  const second = synthInto(outdir, withoutVolumeB);

  it('was protected from destruction while declared', () => {
    const manifests = first.resource!.kubernetes_manifest;
    // The replace trigger of its immutable fields (model/lifecycle.ts): with prevent_destroy, a change fails the plan.
    expect(manifests.persistentvolumeclaim_team_b_checkpoints.lifecycle).toEqual({
      prevent_destroy: true,
      replace_triggered_by: ['terraform_data.persistentvolumeclaim_team_b_checkpoints_immutable'],
    });
    expect(first.removed).toBeUndefined();
  });

  it('is forgotten by Terraform, never destroyed: a removed block with destroy = false', () => {
    const tf = second.cdktf('st-tenant-team-b');
    expect(tf.resource!.kubernetes_manifest.persistentvolumeclaim_team_b_checkpoints).toBeUndefined();
    expect(tf.removed).toEqual([{ from: PVC_B, lifecycle: { destroy: false } }]);
    expect((tf.terraform as { required_version?: string }).required_version).toBe('>= 1.7.0');
  });

  it('keeps the namespace holding it protected, since deleting a namespace deletes its claims', () => {
    const ns = second.cdktf('st-tenant-team-b').resource!.kubernetes_manifest.namespace_team_b;
    expect(ns.lifecycle).toEqual({ prevent_destroy: true });
  });

  it('touches no other stack', () => {
    expect(removedBlocks(second, 'st-tenant-team-a')).toEqual([]);
    expect(removedBlocks(second, 'st-platform')).toEqual([]);
  });

  it('is recorded as retained and explained in the synth output', () => {
    expect(second.summary.storage!.retained).toEqual([
      {
        stack: 'st-tenant-team-b',
        tenant: 'team-b',
        kind: 'PersistentVolumeClaim',
        namespace: 'team-b',
        name: 'checkpoints',
        terraformAddress: PVC_B,
      },
    ]);
    expect(formatSummary(second.summary)).toContain(
      `kept: PersistentVolumeClaim team-b/checkpoints (stack st-tenant-team-b) is no longer in the spec; a removed block makes Terraform forget ${PVC_B} without destroying it`,
    );
  });

  it('stays retained in every later synth, applied or not', () => {
    const third = synthInto(outdir, withoutVolumeB);
    expect(removedBlocks(third, 'st-tenant-team-b')).toEqual([{ from: PVC_B, lifecycle: { destroy: false } }]);
    expect(third.summary.storage!.retained.map((r) => r.terraformAddress)).toEqual([PVC_B]);
  });

  it('is managed again, without a removed block, once declared again', () => {
    const back = synthInto(outdir, STORAGE_SPEC);
    expect(removedBlocks(back, 'st-tenant-team-b')).toEqual([]);
    expect(
      back.cdktf('st-tenant-team-b').resource!.kubernetes_manifest.persistentvolumeclaim_team_b_checkpoints.lifecycle,
    ).toEqual({
      prevent_destroy: true,
      replace_triggered_by: ['terraform_data.persistentvolumeclaim_team_b_checkpoints_immutable'],
    });
    expect(back.summary.storage!.retained).toEqual([]);
  });
});

describe('a tenant removed from the spec without offboarding', () => {
  it('fails with tenant-removed: cdktf would stop deploying its stack and leave its objects live', () => {
    const outdir = path.join(tempDir(), 'out');
    synthInto(outdir, STORAGE_SPEC);
    const before = fs.readFileSync(path.join(outdir, 'reports', 'summary.json'), 'utf8');
    expect(() =>
      synthInto(
        outdir,
        storageSpec((s) => (s.tenants = s.tenants.slice(0, 1))),
      ),
    ).toThrow(
      /error\[tenant-removed\] spec\.tenants: "team-b" had stacks \(st-tenant-team-b\)[^]*fix: put it back with "offboard: true"/,
    );
    expect(fs.readFileSync(path.join(outdir, 'reports', 'summary.json'), 'utf8')).toBe(before);
  });
});

describe('a tenant offboarded, then removed from the spec', () => {
  const outdir = path.join(tempDir(), 'out');
  synthInto(outdir, STORAGE_SPEC);
  const offboard = (s: SpecData) => (s.tenants[1].offboard = true);
  const offboarded = synthInto(outdir, storageSpec(offboard));
  // Read now: the next synth replaces the output directory.
  const tombstone = offboarded.cdktf('st-tenant-team-b');
  const gone = synthInto(
    outdir,
    storageSpec((s) => (s.tenants = s.tenants.slice(0, 1))),
  );

  it('keeps its stack, empty, with removed blocks for its data: deploying it destroys the rest', () => {
    const json = tombstone;
    expect(json.resource).toBeUndefined();
    expect(json.removed).toEqual([
      { from: 'kubernetes_manifest.namespace_team_b', lifecycle: { destroy: false } },
      { from: PVC_B, lifecycle: { destroy: false } },
    ]);
    expect(offboarded.summary.offboarding).toEqual(['team-b']);
    expect(Object.keys(offboarded.summary.tenants)).toEqual(['team-a']);
    expect(formatSummary(offboarded.summary)).toContain(
      'tenant team-b: offboarding; deploying stack st-tenant-team-b destroys its objects and keeps its data, then remove it from the spec',
    );
  });

  it('may then leave the spec; its data stays recorded as kept', () => {
    expect(gone.stacks).not.toContain('st-tenant-team-b');
    expect(gone.summary.storage!.retained.map((r) => `${r.kind} ${r.name}`)).toEqual([
      'Namespace team-b',
      'PersistentVolumeClaim checkpoints',
    ]);
    expect(formatSummary(gone.summary)).toContain(
      'kept: PersistentVolumeClaim team-b/checkpoints (stack st-tenant-team-b) is no longer in the spec; stack st-tenant-team-b is no longer synthesized, so nothing plans its destruction',
    );
  });

  it('comes back with its old volume forgotten, not destroyed, when re-added without it', () => {
    const back = synthInto(outdir, withoutVolumeB);
    expect(removedBlocks(back, 'st-tenant-team-b')).toEqual([{ from: PVC_B, lifecycle: { destroy: false } }]);
    expect(back.cdktf('st-tenant-team-b').resource!.kubernetes_manifest.namespace_team_b.lifecycle).toEqual({
      prevent_destroy: true,
    });
  });
});

describe('a namespace that held volumes, removed from its tenant', () => {
  it('is forgotten with its claims instead of being deleted', () => {
    const outdir = path.join(tempDir(), 'out');
    synthInto(outdir, STORAGE_SPEC);
    const moved = synthInto(
      outdir,
      storageSpec((s) => {
        s.tenants[0].namespaces = ['a-serve'];
        s.tenants[0].storage[0].namespace = 'a-serve';
        s.tenants[0].storage.pop();
      }),
    );
    const blocks = removedBlocks(moved, 'st-tenant-team-a') as { from: string }[];
    expect(blocks.map((b) => b.from)).toEqual([
      'kubernetes_manifest.namespace_a_train',
      'kubernetes_manifest.persistentvolumeclaim_a_train_checkpoints',
      'kubernetes_manifest.persistentvolumeclaim_a_train_datasets',
    ]);
  });
});

describe('a volume whose data may go', () => {
  it('is destroyed when removed after allowDataDeletion: true was synthesized', () => {
    const outdir = path.join(tempDir(), 'out');
    synthInto(
      outdir,
      storageSpec((s) => (s.tenants[1].storage[0].volumes[0].allowDataDeletion = true)),
    );
    const after = synthInto(outdir, withoutVolumeB);
    expect(removedBlocks(after, 'st-tenant-team-b')).toEqual([]);
    expect(after.summary.storage!.retained).toEqual([]);
  });
});

describe('a synth into another directory (a review job: base and head side by side)', () => {
  it('reads what the base protected from --previous', () => {
    const base = path.join(tempDir(), 'base');
    const head = path.join(tempDir(), 'head');
    const io = { out: () => undefined, err: () => undefined };
    expect(run(['synth', '--spec', writeSpec(STORAGE_SPEC), '--out', base], io)).toBe(0);
    const previous = path.join(base, 'reports', 'summary.json');
    expect(run(['synth', '--spec', writeSpec(withoutVolumeB), '--out', head, '--previous', previous], io)).toBe(0);
    expect(removedBlocks(readOutput(head), 'st-tenant-team-b')).toEqual([
      { from: PVC_B, lifecycle: { destroy: false } },
    ]);
  });

  it('fails when the named summary does not exist, rather than protect nothing', () => {
    const lines: string[] = [];
    const io = { out: () => undefined, err: (l: string) => lines.push(l) };
    const missing = path.join(tempDir(), 'nope', 'summary.json');
    expect(
      run(['synth', '--spec', writeSpec(STORAGE_SPEC), '--out', path.join(tempDir(), 'o'), '--previous', missing], io),
    ).not.toBe(0);
    expect(lines.join('\n')).toContain(
      `${missing}: no such file; name the reports/summary.json of the last synth that was applied`,
    );
  });
});

describe('an unreadable previous summary', () => {
  it('fails the synth and leaves the output as it was, rather than forget what it protected', () => {
    const outdir = path.join(tempDir(), 'out');
    synthInto(outdir, STORAGE_SPEC);
    const summaryFile = path.join(outdir, 'reports', 'summary.json');
    fs.writeFileSync(summaryFile, '{"storage": {"protected": [{"stack": 1}]}}');
    expect(() => synthInto(outdir, withoutVolumeB)).toThrow(
      /summary\.json: storage\.protected\[0\] is not a record of stack, kind, name and terraformAddress; .*Restore it/,
    );
    expect(fs.readFileSync(summaryFile, 'utf8')).toBe('{"storage": {"protected": [{"stack": 1}]}}');
    expect(fs.existsSync(path.join(outdir, 'stacks', 'st-tenant-team-b', 'cdk.tf.json'))).toBe(true);
  });
});

const hasTerraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
(hasTerraform ? describe : describe.skip)('the removed block, run by Terraform', () => {
  it('keeps the object: Terraform forgets it and destroys nothing', () => {
    const dir = tempDir('colossus-removed-');
    const synthStack = (build: (s: TerraformStack) => void): void => {
      const app = new App({ outdir: path.join(dir, 'out'), stackTraces: false });
      const stack = new TerraformStack(app, 'data');
      build(stack);
      app.synth();
      fs.copyFileSync(path.join(dir, 'out', 'stacks', 'data', 'cdk.tf.json'), path.join(dir, 'main.tf.json'));
    };
    const tf = (...args: string[]) =>
      execFileSync('terraform', [...args, '-no-color'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, TF_INPUT: '0' },
      });
    synthStack(
      (s) => new DataResource(s, 'volume', { input: { data: 'volume' }, lifecycle: { preventDestroy: true } }),
    );
    tf('init');
    tf('apply', '-auto-approve');
    synthStack((s) => new RemovedBlocks(s, 'retained-data', ['terraform_data.volume']));
    const plan = tf('plan');
    expect(plan).toContain('will no longer be managed');
    expect(plan).not.toMatch(/will be destroyed/);
    expect(tf('apply', '-auto-approve')).toContain('0 destroyed');
    expect(tf('state', 'list').trim()).toBe('');
  });
});
