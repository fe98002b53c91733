/**
 * The lifecycle the stacks emit, run through the real Terraform (v1.11.4 when installed; skipped
 * otherwise). Providers cannot be downloaded here, so every kubernetes_manifest and helm_release
 * is planned as a built-in `terraform_data` stand-in that keeps its meta-arguments (lifecycle,
 * depends_on) and its manifest as input: what Terraform decides from those (replace_triggered_by,
 * prevent_destroy, references) is Terraform's own code, not a model of it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { synthToTemp, tempDir } from '../support/synth';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' });
const describeWithTerraform = terraform.status === 0 ? describe : describe.skip;
const ENV = { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1' };

function tf(dir: string, ...args: string[]): { code: number; out: string } {
  const r = spawnSync('terraform', [...args, '-no-color', '-input=false'], { cwd: dir, env: ENV, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const STAND_IN: Record<string, string> = { kubernetes_manifest: 'km_', helm_release: 'hr_' };
const rename = (ref: string) => {
  const [type, name] = ref.split('.');
  return STAND_IN[type] ? `terraform_data.${STAND_IN[type]}${name}` : ref;
};

/** A stack's cdk.tf.json with providers, backend and imports dropped and each resource a terraform_data stand-in. */
function standIn(json: Json): Json {
  const data: Record<string, Json> = { ...(json.resource.terraform_data ?? {}) };
  for (const [type, prefix] of Object.entries(STAND_IN)) {
    for (const [name, r] of Object.entries<Json>(json.resource[type] ?? {})) {
      const { manifest, values, lifecycle, depends_on } = r;
      data[`${prefix}${name}`] = {
        input: { config: JSON.stringify(manifest ?? values ?? null) },
        ...(lifecycle && {
          lifecycle: { ...lifecycle, replace_triggered_by: lifecycle.replace_triggered_by?.map(rename) },
        }),
        ...(depends_on && { depends_on: depends_on.map(rename) }),
      };
    }
  }
  return { resource: { terraform_data: data } };
}

function plannedActions(dir: string): Map<string, string[]> {
  const plan = tf(dir, 'plan', '-out=plan.bin');
  if (plan.code !== 0) throw new Error(plan.out);
  const show = spawnSync('terraform', ['show', '-json', 'plan.bin'], { cwd: dir, env: ENV, encoding: 'utf8' });
  const changes = (JSON.parse(show.stdout).resource_changes ?? []) as {
    address: string;
    change: { actions: string[] };
  }[];
  return new Map(changes.map((c) => [c.address, c.change.actions]));
}

describeWithTerraform(
  'emitted lifecycle under Terraform (hashicorp/terraform internal/terraform, run for real)',
  () => {
    const out = synthToTemp('examples/colossus-1.yaml');

    function applied(stack: string): { dir: string; json: Json } {
      const dir = tempDir('colossus-tf-');
      const json = out.cdktf(stack);
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(standIn(json)));
      const apply = tf(dir, 'apply', '-auto-approve');
      expect(apply.out).toMatch(/Apply complete!/);
      return { dir, json };
    }
    const rewrite = (dir: string, json: Json) =>
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(standIn(json)));

    it('an immutable field change replaces the object (replace_triggered_by as emitted parses and triggers); other changes update in place', () => {
      // A GB200 cell's platform: the gb200 flavor's tolerations cannot change in place.
      const { dir, json } = applied('colossus-1-gb200-c00-platform');
      json.resource.kubernetes_manifest.resourceflavor_gb200.manifest.spec.tolerations = [];
      json.resource.terraform_data.resourceflavor_gb200_immutable.input['spec.tolerations'] = '[]';
      json.resource.kubernetes_manifest.priorityclass_colossus_high.manifest.description = 'edited';
      rewrite(dir, json);
      const actions = plannedActions(dir);
      expect(actions.get('terraform_data.km_resourceflavor_gb200')).toEqual(['delete', 'create']);
      expect(actions.get('terraform_data.km_priorityclass_colossus_high')).toEqual(['update']);
      expect(actions.get('terraform_data.km_priorityclass_colossus_low')).toEqual(['no-op']);
    });

    it('adding the immutable-field resources to a live stack replaces nothing (a create does not trigger)', () => {
      const json = out.cdktf('colossus-1-h100-c00-platform');
      const dir = tempDir('colossus-tf-');
      const bare = JSON.parse(JSON.stringify(json));
      delete bare.resource.terraform_data;
      for (const r of Object.values<Json>(bare.resource.kubernetes_manifest)) {
        if (r.lifecycle) delete r.lifecycle.replace_triggered_by;
      }
      rewrite(dir, bare);
      expect(tf(dir, 'apply', '-auto-approve').out).toMatch(/Apply complete!/);
      rewrite(dir, json);
      const actions = [...plannedActions(dir)].filter(([, a]) => a.includes('delete'));
      expect(actions).toEqual([]);
    });

    it('a protected volume whose immutable field changes fails the plan instead of being destroyed', () => {
      const stack = out.stacks.find((s) =>
        Object.values<Json>(out.cdktf(s).resource?.kubernetes_manifest ?? {}).some(
          (r) => r.manifest.kind === 'PersistentVolumeClaim' && r.lifecycle?.prevent_destroy,
        ),
      )!;
      const { dir, json } = applied(stack);
      const [name] = Object.entries<Json>(json.resource.kubernetes_manifest).find(
        ([, r]) => r.manifest.kind === 'PersistentVolumeClaim' && r.lifecycle?.prevent_destroy,
      )!;
      json.resource.terraform_data[`${name}_immutable`].input['spec.storageClassName'] = '"other"';
      rewrite(dir, json);
      const plan = tf(dir, 'plan');
      expect(plan.code).not.toBe(0);
      expect(plan.out).toMatch(/Instance cannot be destroyed/);
    });

    it('the operator releases refuse to be destroyed', () => {
      const { dir, json } = applied('colossus-1-h100-c00-operators');
      delete json.resource.helm_release.kueue;
      rewrite(dir, json);
      // A removed resource with prevent_destroy is destroyed (its configuration is gone): Terraform's documented
      // limit. What the flag stops is a destroy or replace of a release that is still declared:
      const destroy = tf(dir, 'plan', '-destroy');
      expect(destroy.code).not.toBe(0);
      expect(destroy.out).toMatch(/Instance cannot be destroyed/);
    });
  },
);
