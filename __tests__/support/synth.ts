/** Synthesizes a spec into a temporary directory and reads the results back, for tests. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { synthesize } from '../../emit/synthesize';
import { KubeObject } from '../../model/kube';
import { Summary } from '../../reports/summary';
import { loadSpecFile } from '../../spec/load';

/** Repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** A synthesized output in a temporary directory. */
export interface SynthOutput {
  readonly outdir: string;
  readonly summary: Summary;
  readonly stacks: string[];
  /** Parsed cdk.tf.json of a stack. */
  cdktf(stack: string): TerraformJson;
  /** Objects of a stack's `kubernetes_manifest` resources, keyed by Terraform address. */
  terraformObjects(stack: string): Map<string, KubeObject>;
  /** Parsed YAML manifests of a stack, in file order. */
  yamlObjects(stack: string): KubeObject[];
}

/** The parts of cdk.tf.json tests read. */
export interface TerraformJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  terraform?: { backend?: Record<string, Record<string, unknown>> };
  provider?: Record<string, Record<string, unknown>[]>;
  [key: string]: unknown;
}

/** Makes a fresh temporary directory. */
export function tempDir(prefix = 'colossus-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes spec text to a temporary file and returns its path. */
export function writeSpec(text: string, name = 'spec.yaml'): string {
  const file = path.join(tempDir('colossus-spec-'), name);
  fs.writeFileSync(file, text);
  return file;
}

/** Synthesizes a spec (a file path, or YAML text when it contains a newline). */
export function synthToTemp(spec: string): SynthOutput {
  const file = spec.includes('\n') ? writeSpec(spec) : path.resolve(ROOT, spec);
  const { cluster } = loadSpecFile(file);
  const outdir = path.join(tempDir(), 'out');
  const summary = synthesize(cluster, { outdir });
  return readOutput(outdir, summary);
}

/** Reads a synthesized output directory. */
export function readOutput(outdir: string, summary?: Summary): SynthOutput {
  const cdktf = (stack: string) =>
    JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as TerraformJson;
  return {
    outdir,
    summary: summary ?? (JSON.parse(fs.readFileSync(path.join(outdir, 'reports', 'summary.json'), 'utf8')) as Summary),
    stacks: fs.readdirSync(path.join(outdir, 'stacks')).sort(),
    cdktf,
    terraformObjects: (stack) =>
      new Map(
        Object.entries(cdktf(stack).resource?.kubernetes_manifest ?? {}).map(([address, r]) => [
          address,
          r.manifest as KubeObject,
        ]),
      ),
    yamlObjects: (stack) => {
      const dir = path.join(outdir, 'manifests', stack);
      return fs
        .readdirSync(dir)
        .sort()
        .flatMap((f) =>
          parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as KubeObject),
        );
    },
  };
}
