/**
 * The whole synth of a spec: a resolved cluster in, a complete output directory out, through the
 * one pipeline (ColossusApp) that the cdktf app and apps composed in code use too, and the one build
 * of a cluster's stacks (ColossusCluster).
 */
import { GpuCatalog } from '../catalog/gpus';
import { Cluster } from '../model/cluster';
import { documentOf } from '../model/spec-document';
import { Summary } from '../reports/summary';
import { buildCheckedSpec } from '../stacks/colossus-cluster';
import { ObjectPolicy } from '../stacks/policy';
import { ColossusApp, EmitTarget } from './colossus-app';

export type { EmitTarget } from './colossus-app';

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
   * The data ledger committed beside the spec (`ledgerFileFor(specFile)`), read and rewritten by each synth.
   * @default - none: the records live in the output's summary only
   */
  readonly dataRecords?: string;
  /**
   * Refuse to replace the output of another cluster (the spec was chosen implicitly, by cdktf.json).
   * @default false
   */
  readonly sameClusterOnly?: boolean;
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

/**
 * Synthesizes `cluster` (from `loadSpecFile` or `parseSpec`) into `options.outdir`, replacing what was there
 * only on success.
 */
export function synthesize(cluster: Cluster, options: SynthOptions): Summary {
  return synthesizeApp(cluster, options).summary;
}

/**
 * Synthesizes `cluster` (from `loadSpecFile` or `parseSpec`) and returns the app, with its notes (for the
 * command line and the cdktf app). The app holds one ColossusCluster, made from the spec `cluster` was
 * resolved from, and its stacks.
 */
export function synthesizeApp(cluster: Cluster, options: SynthOptions): ColossusApp {
  const document = documentOf(cluster);
  if (!document) {
    throw new Error(
      `cluster "${cluster.name}" was not resolved from a spec: synthesize a cluster from loadSpecFile or parseSpec, ` +
        'or compose a ColossusCluster in a ColossusApp',
    );
  }
  const emit = options.emit ?? 'both';
  const app = new ColossusApp({
    cluster: cluster.name,
    outdir: options.outdir,
    emit,
    policies: options.policies,
    previousSummary: options.previousSummary,
    dataRecords: options.dataRecords ?? false,
    sameClusterOnly: options.sameClusterOnly,
  });
  try {
    // One build sequence for every path: the cluster's stacks are those of a ColossusCluster made from
    // the checked spec, which reuses the cluster (and the plans) its check made.
    buildCheckedSpec(
      app,
      { document, cluster },
      {
        catalog: options.catalog,
        terraform: emit !== 'yaml',
        adopt: options.adopt,
        specPath: options.specPath,
      },
    );
  } catch (e) {
    app.discard();
    throw e;
  }
  app.synth();
  return app;
}
