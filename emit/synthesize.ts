/**
 * The whole synth: a resolved cluster in, a complete output directory out (Terraform per
 * stack, YAML manifests per stack, reports), swapped in atomically.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { GpuCatalog } from '../catalog/gpus';
import { Cluster } from '../model/cluster';
import { buildSummary, StackSummary, Summary } from '../reports/summary';
import { buildClusterStacks, ClusterStacks } from '../stacks/cluster-stacks';
import { ColossusStack } from '../stacks/colossus-stack';
import { writeAtomically, writeFile } from './output';
import { renderManifests } from './yaml';

/** Options of a synth. */
export interface SynthOptions {
  /** Output directory, as the user named it. */
  readonly outdir: string;
  /**
   * Catalog the pools' GPUs come from.
   * @default GpuCatalog.builtIn()
   */
  readonly catalog?: GpuCatalog;
}

/** Synthesizes `cluster` into `options.outdir`, replacing what was there only on success. */
export function synthesize(cluster: Cluster, options: SynthOptions): Summary {
  return writeAtomically(options.outdir, (tmp) => {
    const app = new App({ outdir: tmp, stackTraces: false });
    const stacks = buildClusterStacks(app, cluster, { catalog: options.catalog });
    app.synth();
    return writeOutputs(tmp, cluster, stacks);
  });
}

/** Writes the YAML manifests and reports of synthesized `stacks` into `outdir`. */
export function writeOutputs(outdir: string, cluster: Cluster, stacks: ClusterStacks): Summary {
  const figures: Record<string, StackSummary> = {};
  for (const stack of stacks.all) {
    for (const [file, content] of renderManifests(stack.objects)) {
      writeFile(path.join(outdir, 'manifests', stackName(stack), file), content);
    }
    figures[stackName(stack)] = { terraformResources: countResources(outdir, stack), objects: stack.objects.length };
  }
  const summary = buildSummary(cluster, figures);
  writeFile(path.join(outdir, 'reports', 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
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
