/**
 * What a synth refuses before it builds a cluster's stacks, because of what earlier synths left:
 * local Terraform state without records of the data it protects, and a tenant whose stack an earlier
 * synth wrote, dropped without offboarding. `ColossusCluster` runs both when it builds in a ColossusApp.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cluster } from '../model/cluster';
import { ColossusApp, namedOutdir, RefusedSynthError } from './colossus-app';

/**
 * Local state of this cluster's stacks exists, but no record of what was protected does (no ledger, no
 * summary): a synth now could plan the destruction of a volume the spec no longer declares (Terraform
 * destroys what leaves the configuration, prevent_destroy or not). Stop and ask for the records.
 */
export function assertRecordsWhereStateIs(app: ColossusApp, cluster: Cluster): void {
  if (app.foundRecords || cluster.backend.kind !== 'local') return;
  const outdir = namedOutdir(app);
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
