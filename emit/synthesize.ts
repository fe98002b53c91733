/**
 * The whole synth of a spec: a resolved cluster in, a complete output directory out, through the
 * one pipeline (ColossusApp) that the cdktf app and apps composed in code use too.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GpuCatalog } from '../catalog/gpus';
import { Cluster } from '../model/cluster';
import { Summary } from '../reports/summary';
import { buildClusterStacks } from '../stacks/cluster-stacks';
import { ObjectPolicy } from '../stacks/policy';
import { ColossusApp, EmitTarget, fromSpec, RefusedSynthError } from './colossus-app';

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

/** Synthesizes `cluster` into `options.outdir`, replacing what was there only on success. */
export function synthesize(cluster: Cluster, options: SynthOptions): Summary {
  return synthesizeApp(cluster, options).summary;
}

/** Synthesizes `cluster` and returns the app, with its notes (for the command line and the cdktf app). */
export function synthesizeApp(cluster: Cluster, options: SynthOptions): ColossusApp {
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
    assertRecordsWhereStateIs(app, cluster, options.outdir);
    assertNoTenantAbandoned(app, cluster);
    const stacks = buildClusterStacks(app, cluster, {
      previousData: app.previousData,
      catalog: options.catalog,
      terraform: emit !== 'yaml',
      adopt: options.adopt,
    });
    fromSpec(app, cluster, stacks, { specPath: options.specPath });
  } catch (e) {
    app.discard();
    throw e;
  }
  app.synth();
  return app;
}

/**
 * Local state of this cluster's stacks exists, but no record of what was protected does (no ledger, no
 * summary): a synth now could plan the destruction of a volume the spec no longer declares (Terraform
 * destroys what leaves the configuration, prevent_destroy or not). Stop and ask for the records.
 */
export function assertRecordsWhereStateIs(app: ColossusApp, cluster: Cluster, outdir: string): void {
  if (app.foundRecords || cluster.backend.kind !== 'local') return;
  // Terraform runs in <out>/stacks/<stack> with `../../../<path>` (stacks/cluster-stacks.ts backendFor).
  const stateDir = path.resolve(outdir, '..', cluster.backend.path);
  const states = fs.existsSync(stateDir)
    ? fs.readdirSync(stateDir).filter((f) => f.startsWith(`${cluster.name}-`) && f.endsWith('.tfstate'))
    : [];
  if (states.length === 0) return;
  throw new RefusedSynthError(
    `${stateDir} holds the Terraform state of ${states.length} stack(s) of cluster "${cluster.name}" (${states[0]}, ...), ` +
      `but no record of the data they protect was found (no data ledger beside the spec, no reports/summary.json in ${outdir}); ` +
      `a synth now could let Terraform destroy a volume the spec dropped.\n` +
      `  fix: restore the ledger <spec>.protected.json from version control, or name the last applied summary with --previous`,
  );
}

/**
 * A tenant an earlier synth wrote a stack for may leave the spec only after being offboarded. Under
 * cdktf a stack that is no longer synthesized is simply no longer deployed: its RoleBindings, queue,
 * networks and policies would stay live, unmanaged (cdktf-cli removes the stack's directory only).
 */
export function assertNoTenantAbandoned(app: ColossusApp, cluster: Cluster): void {
  const declared = new Set([...cluster.tenants.map((t) => t.name), ...(cluster.offboarding ?? [])]);
  const gone = [...app.previousTenants.active].filter(
    (t) => !declared.has(t) && !app.previousTenants.offboarding.has(t),
  );
  if (gone.length === 0) return;
  const stacks = gone.map((t) => `${cluster.name}-tenant-${t}`);
  throw new RefusedSynthError(
    `error[tenant-removed] spec.tenants: ${gone.map((t) => `"${t}"`).join(', ')} had stacks (${stacks.join(', ')}) and ` +
      `${gone.length === 1 ? 'is' : 'are'} gone from the spec without offboarding; cdktf would stop deploying ` +
      `${gone.length === 1 ? 'that stack' : 'those stacks'} and leave the tenant's access, queue, networks and policies live\n` +
      `  fix: put ${gone.length === 1 ? 'it' : 'them'} back with "offboard: true", synthesize, deploy ${stacks.join(', ')} ` +
      `(it destroys the tenant's objects and keeps its volumes), then remove ${gone.length === 1 ? 'it' : 'them'} (README: Offboarding a tenant)`,
  );
}
