/** Synthesizes a spec into a temporary directory and reads the results back, for tests. */
import { createHash } from 'crypto';
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

/**
 * Synthesizes a spec (a file path, or YAML text when it contains a newline).
 *
 * A spec file (an example) is synthesized once per test run and its output shared by every suite and worker that asks
 * for the same file content: the 230k-GPU example alone takes seconds, and a dozen suites read it. The shared output is
 * read-only; copy it (`fs.cpSync`) before changing it. Spec text is synthesized afresh into its own directory.
 */
export function synthToTemp(spec: string): SynthOutput {
  if (spec.includes('\n')) return synthFresh(writeSpec(spec));
  const file = path.resolve(ROOT, spec);
  const shared = sharedOutputDir(file);
  return shared ? readOutput(shared) : synthFresh(file);
}

/** Synthesizes a spec file into a new temporary directory. */
function synthFresh(file: string): SynthOutput {
  const { cluster } = loadSpecFile(file);
  const outdir = path.join(tempDir(), 'out');
  const summary = synthesize(cluster, { outdir });
  return readOutput(outdir, summary);
}

/**
 * The run's shared output of a spec file, synthesized by whichever worker asks first; undefined outside a jest run
 * (no run directory from support/tmp-setup.js). Two workers asking at once both synthesize; the first rename wins and
 * the other reads it (the outputs are byte-identical).
 */
function sharedOutputDir(file: string): string | undefined {
  const run = process.env.COLOSSUS_JEST_TMP;
  if (!run) return undefined;
  const key = createHash('sha256').update(file).update('\0').update(fs.readFileSync(file)).digest('hex').slice(0, 16);
  const dir = path.join(run, 'shared-synth', `${path.basename(file, '.yaml')}-${key}`);
  if (fs.existsSync(dir)) return dir;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const mine = synthFresh(file).outdir;
  try {
    fs.renameSync(mine, dir);
  } catch (e) {
    if (!fs.existsSync(dir)) throw e;
  }
  return dir;
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
