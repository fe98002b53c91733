/** Issue 19 item 15: a synth keeps what `terraform init` wrote in each stack directory (cdktf 0.21.0 runs init in cdktf.out/stacks/<stack>). */
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../support/run-cli';
import { tempDir } from '../support/synth';

const LOCK =
  '# This file is maintained automatically by "terraform init".\nprovider "registry.terraform.io/hashicorp/kubernetes" {\n  version = "2.38.0"\n}\n';

describe('Terraform working files across synths', () => {
  it('keeps each stack’s .terraform.lock.hcl and .terraform/ through the atomic swap', () => {
    const out = path.join(tempDir(), 'out');
    expect(runCli(['synth', '--spec', 'examples/lab.yaml', '--out', out]).code).toBe(0);
    const stack = path.join(out, 'stacks', 'lab-platform');
    fs.writeFileSync(path.join(stack, '.terraform.lock.hcl'), LOCK);
    fs.mkdirSync(path.join(stack, '.terraform', 'providers'), { recursive: true });
    fs.writeFileSync(path.join(stack, '.terraform', 'terraform.tfstate'), '{"backend":{}}');

    expect(runCli(['synth', '--spec', 'examples/lab.yaml', '--out', out]).code).toBe(0);
    expect(fs.readFileSync(path.join(stack, '.terraform.lock.hcl'), 'utf8')).toBe(LOCK);
    expect(fs.readFileSync(path.join(stack, '.terraform', 'terraform.tfstate'), 'utf8')).toBe('{"backend":{}}');
    // Other stacks had none and get none; the generated files are still replaced.
    expect(fs.existsSync(path.join(out, 'stacks', 'lab-operators', '.terraform.lock.hcl'))).toBe(false);
    expect(fs.existsSync(path.join(stack, 'cdk.tf.json'))).toBe(true);
  });

  it('leaves the previous output, lock file included, untouched when a synth fails', () => {
    const out = path.join(tempDir(), 'out');
    expect(runCli(['synth', '--spec', 'examples/lab.yaml', '--out', out]).code).toBe(0);
    const lock = path.join(out, 'stacks', 'lab-platform', '.terraform.lock.hcl');
    fs.writeFileSync(lock, LOCK);
    // A failing synth (bad spec) leaves the previous output, lock file included, untouched.
    const bad = path.join(tempDir(), 'bad.yaml');
    fs.writeFileSync(bad, 'apiVersion: colossus.dev/v1alpha1\nkind: Cluster\nmetadata: {name: lab}\nspec: {}\n');
    expect(runCli(['synth', '--spec', bad, '--out', out]).code).not.toBe(0);
    expect(fs.readFileSync(lock, 'utf8')).toBe(LOCK);
  });
});
