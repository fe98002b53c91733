/**
 * The whole synth: a resolved cluster in, a complete output directory out (Terraform per
 * stack, YAML manifests per stack, reports), swapped in atomically.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { GpuCatalog } from '../catalog/gpus';
import { Cluster } from '../model/cluster';
import { objectSizeSummary } from '../day2/object-size';
import { buildSummary, StackSummary, Summary, SUMMARY_FILE } from '../reports/summary';
import { buildClusterStacks, ClusterStacks } from '../stacks/cluster-stacks';
import { ColossusStack } from '../stacks/colossus-stack';
import { storageSummaryOf } from '../stacks/data-retention';
import { addPolicy, ObjectPolicy } from '../stacks/policy';
import { operatorReleases } from '../operators/charts';
import { renderHelmfile } from '../operators/helmfile';
import { readDataRecords, readPreviousDataRecords } from '../storage/previous-output';
import { writeDeliveryFiles } from './delivery-files';
import { writeAtomically, writeFile } from './output';
import { writeManifests } from './write-manifests';

/** Which emitters a synth runs: Terraform JSON (`stacks/`), YAML manifests (`manifests/`) or both. */
export type EmitTarget = 'terraform' | 'yaml' | 'both';

/** Options of a synth. */
export interface SynthOptions {
  /** Output directory, as the user named it. */
  readonly outdir: string;
  /**
   * Catalog the pools' GPUs come from.
   * @default GpuCatalog.builtIn()
   */
  readonly catalog?: GpuCatalog;
  /**
   * Outputs to write; `reports/` is always written.
   * @default "both"
   */
  readonly emit?: EmitTarget;
  /**
   * Policies every object must pass (see `addPolicy`); a violation fails the synth and writes nothing.
   * @default - none
   */
  readonly policies?: readonly ObjectPolicy[];
  /**
   * Summary (`reports/summary.json`) of the last synth whose protected data must not be lost, when it was
   * written elsewhere (a review job synthesizing base and head into two directories, say).
   * @default - `<outdir>/reports/summary.json`, when there is one
   */
  readonly previousSummary?: string;
  /**
   * Adopt objects and Helm releases that already exist (import blocks, field ownership taken over).
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * The spec file as the user named it (relative to the project), for the commands in DEPLOY.md; `null` when
   * it cannot be written (an absolute path would tie the output to one machine).
   * @default - the built-in example
   */
  readonly specPath?: string | null;
}

/** Synthesizes `cluster` into `options.outdir`, replacing what was there only on success. */
export function synthesize(cluster: Cluster, options: SynthOptions): Summary {
  return writeAtomically(options.outdir, (tmp) => {
    // Read before the swap replaces it: what the last synth into this directory protected.
    const previousData = options.previousSummary
      ? readDataRecords(options.previousSummary)
      : readPreviousDataRecords(options.outdir);
    const app = new App({ outdir: tmp, stackTraces: false });
    const emit = options.emit ?? 'both';
    for (const policy of options.policies ?? []) addPolicy(app, policy);
    const stacks = buildClusterStacks(app, cluster, {
      previousData,
      catalog: options.catalog,
      terraform: emit !== 'yaml',
      adopt: options.adopt,
    });
    app.synth();
    if (emit === 'yaml') {
      // The stacks still synthesize (provider and backend only); a YAML-only output holds no Terraform.
      fs.rmSync(path.join(tmp, 'stacks'), { recursive: true, force: true });
      fs.rmSync(path.join(tmp, 'manifest.json'), { force: true });
    }
    return writeOutputs(tmp, cluster, stacks, { yaml: emit !== 'terraform', specPath: options.specPath });
  });
}

/** Writes the YAML manifests (unless `yaml` is false) and reports of synthesized `stacks` into `outdir`. */
export function writeOutputs(
  outdir: string,
  cluster: Cluster,
  stacks: ClusterStacks,
  { yaml = true, specPath }: { readonly yaml?: boolean; readonly specPath?: string | null } = {},
): Summary {
  if (yaml) writeManifests(outdir, stacks.all);
  // DEPLOY.md, the kubernetes backend's namespace, the Flux units.
  writeDeliveryFiles(outdir, cluster, stacks, { yaml, specPath });
  // The operators as helmfile releases: the same charts, versions and values as the operators stack.
  if (yaml)
    writeFile(
      path.join(outdir, 'helmfile.yaml'),
      renderHelmfile(operatorReleases(cluster), cluster.kubernetes.context),
    );
  const figures: Record<string, StackSummary> = {};
  for (const stack of stacks.all) {
    figures[stackName(stack)] = { terraformResources: countResources(outdir, stack), objects: stack.objects.length };
  }
  const storage = storageSummaryOf(cluster, stacks.all, stacks.retained);
  const summary: Summary = {
    ...buildSummary(cluster, figures),
    ...(storage ? { storage } : {}),
    objectSizes: objectSizeSummary(
      cluster,
      stacks.all.flatMap((s) => s.objects),
    ),
  };
  writeFile(path.join(outdir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

function stackName(stack: ColossusStack): string {
  return stack.node.id;
}

/** Resources in the stack's synthesized cdk.tf.json (0 when Terraform emission is off). */
function countResources(outdir: string, stack: ColossusStack): number {
  const file = path.join(outdir, 'stacks', stackName(stack), 'cdk.tf.json');
  if (!fs.existsSync(file)) return 0;
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
  return Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}
