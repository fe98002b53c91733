/**
 * The delivery files of a synth: DEPLOY.md (the first deploy, command by command), the kubernetes
 * backend's namespace to bootstrap, and the Flux units that deliver the same stacks by GitOps.
 */
import * as path from 'path';
import { managerKube } from '../cells/cell-cluster';
import { managerReleases } from '../cells/multikueue';
import { Cluster } from '../model/cluster';
import { operatorReleases } from '../operators/charts';
import { renderHelmfile } from '../operators/helmfile';
import { cellsOf, ClusterStacks } from '../stacks/cluster-stacks';
import { renderDeployPlan, STATE_NAMESPACE_FILE, stateNamespace } from './deploy-plan';
import { fluxUnits } from './flux';
import { writeFile } from './output';
import { toYaml } from './yaml';

/** Options of the delivery files. */
export interface DeliveryOptions {
  /** Write the GitOps units (with the YAML manifests they read). */
  readonly yaml: boolean;
  /** The spec file as the user named it, relative to the project; undefined for the built-in example, null when unknown. */
  readonly specPath?: string | null;
}

/** Writes DEPLOY.md, bootstrap/ and gitops/ into `outdir`. */
export function writeDeliveryFiles(
  outdir: string,
  cluster: Cluster,
  stacks: ClusterStacks,
  options: DeliveryOptions,
): void {
  writeFile(path.join(outdir, 'DEPLOY.md'), renderDeployPlan(cluster, stacks, options.specPath));
  const namespace = stateNamespace(cluster);
  if (namespace) writeFile(path.join(outdir, STATE_NAMESPACE_FILE), toYaml(namespace));
  if (!options.yaml) return;
  for (const [file, objects] of fluxUnits(cluster, stacks)) {
    writeFile(path.join(outdir, 'gitops', 'flux', file), objects.map(toYaml).join('---\n'));
  }
}

/**
 * Writes the operators as helmfile releases (the same charts, versions and values as the operators
 * stacks): `helmfile.yaml` for one workload cluster; for a split cluster, `helmfile.yaml` holds the
 * manager's Kueue and `helmfiles/<cluster>-<cell>.yaml` each cell's operators.
 */
export function writeHelmfiles(outdir: string, cluster: Cluster, stacks: ClusterStacks): void {
  if (!stacks.cells) {
    writeFile(
      path.join(outdir, 'helmfile.yaml'),
      renderHelmfile(operatorReleases(cluster), cluster.kubernetes.context),
    );
    return;
  }
  writeFile(path.join(outdir, 'helmfile.yaml'), renderHelmfile(managerReleases(cluster), managerKube(cluster).context));
  for (const { cluster: cell } of cellsOf(stacks)) {
    writeFile(
      path.join(outdir, 'helmfiles', `${cell.name}.yaml`),
      renderHelmfile(operatorReleases(cell), cell.kubernetes.context),
    );
  }
}
