/**
 * GitOps units for Flux: the same stacks, in the same order, delivered by Flux alone.
 *
 * - One `Kustomization` (kustomize.toolkit.fluxcd.io/v1) per stack, reading `manifests/<stack>`,
 *   with `dependsOn` mirroring the stack dependencies and health checks where the next unit needs a
 *   controller to have acted: the KubeadmControlPlane initialized (CAPI v1beta2
 *   `status.initialization.controlPlaneInitialized`), the operators' HelmReleases ready (`wait`), the
 *   NicClusterPolicy synced once (its IPPool CRD then exists: Flux's ApplyAll dry-runs a whole stage
 *   first, fluxcd/pkg ssa/manager_apply.go, so the IPPools live in a unit of their own).
 * - The operators as `HelmRelease`s (helm.toolkit.fluxcd.io/v2) with their `HelmRepository` sources
 *   (source.toolkit.fluxcd.io/v1), the same charts, versions and values as the Terraform releases;
 *   `upgrade.crds: CreateReplace` where Helm would never upgrade the chart's `crds/` (NFD),
 *   `disableOpenAPIValidation` where the chart asks for it (GPU Operator), remediation retries.
 * - With a management cluster, Flux runs there: the workload units reach the workload cluster
 *   through the kubeconfig Secret Cluster API writes (`<cluster>-kubeconfig`, key `value`), so no
 *   kubeconfig is handled by hand. A split cluster has units per cell (each cell is a Cluster API
 *   cluster of its own) and for the MultiKueue manager.
 * - HelmReleases and the units holding data or machines are never pruned
 *   (`kustomize.toolkit.fluxcd.io/prune: disabled`): removing one from git must not uninstall Kueue
 *   (its CRDs are chart templates) or delete a cluster.
 *
 * Field names from fluxcd/kustomize-controller v1.9.4 api/v1/kustomization_types.go,
 * fluxcd/helm-controller v1.6.3 api/v2/helmrelease_types.go, fluxcd/source-controller api/v1.
 */
import { Cluster } from '../model/cluster';
import { build, KubeObject, standardLabels } from '../model/kube';
import type { HelmRelease, HelmRepository, Kustomization } from '../model/crds/flux';
import { readinessWait } from '../model/lifecycle';
import { OperatorRelease, operatorReleases } from '../operators/charts';
import { resolveManagement } from '../provisioning/planner';
import { managerReleases } from '../cells/multikueue';
import { cellsOf, ClusterStacks, WorkloadStacks } from '../stacks/cluster-stacks';
import { ColossusStack } from '../stacks/colossus-stack';
import { FLUX_PRUNE } from '../storage/protection';

/** The GitRepository (created by the site, `flux create source git`) that holds this output at its root. */
export const FLUX_SOURCE = 'colossus';
/** Flux's own namespace, where the units live without a management cluster. */
export const FLUX_NAMESPACE = 'flux-system';

const KUSTOMIZE = 'kustomize.toolkit.fluxcd.io/v1';
const HELM = 'helm.toolkit.fluxcd.io/v2';
const SOURCE = 'source.toolkit.fluxcd.io/v1';
const NEVER_PRUNE = { [FLUX_PRUNE]: 'disabled' };

/** The Flux files of a cluster: path under `gitops/flux/` to its objects. */
export function fluxUnits(cluster: Cluster, stacks: ClusterStacks): Map<string, KubeObject[]> {
  // Flux runs on the management cluster when there is one, and reaches each workload cluster remotely.
  const namespace = resolveManagement(cluster)?.namespace ?? FLUX_NAMESPACE;
  if (!stacks.manager) {
    const units = workloadUnits(stacks, operatorReleases(cluster), namespace, kubeconfigOf(cluster, cluster.name));
    return new Map([[`${cluster.name}.yaml`, units.kustomizations], units.releases]);
  }
  // A split cluster: the manager (Kueue, then its queues), then each cell as a workload cluster of its own.
  // The manager is no Cluster API cluster: with a management cluster, its kubeconfig Secret
  // `<cluster>-manager-kubeconfig` (key `value`, as Cluster API writes them) is made by the operator.
  const { operators, queues } = stacks.manager;
  const manager = workloadUnits(
    { operators, platform: queues, tenants: [], offboarding: [], all: [operators, queues] },
    managerReleases(cluster),
    namespace,
    kubeconfigOf(cluster, `${cluster.name}-manager`),
  );
  const cells = cellsOf(stacks).map((c) =>
    workloadUnits(c.stacks, operatorReleases(c.cluster), namespace, kubeconfigOf(c.cluster, c.cluster.name)),
  );
  return new Map([
    [`${cluster.name}.yaml`, [manager, ...cells].flatMap((u) => u.kustomizations)],
    manager.releases,
    ...cells.map((u) => u.releases),
  ]);
}

/** How Flux on the management cluster reaches workload cluster `name`: Cluster API's kubeconfig Secret; none without one. */
function kubeconfigOf(cluster: Cluster, name: string): object {
  return resolveManagement(cluster) ? { kubeConfig: { secretRef: { name: `${name}-kubeconfig`, key: 'value' } } } : {};
}

/** The Kustomizations of one workload cluster's stacks, and its releases file. */
function workloadUnits(
  stacks: WorkloadStacks,
  releases: readonly OperatorRelease[],
  namespace: string,
  kubeConfig: object,
): { kustomizations: KubeObject[]; releases: [string, KubeObject[]] } {
  const name = (s: ColossusStack) => s.node.id;
  const operatorsUnit = `gitops/flux/${name(stacks.operators)}`;
  const namespacesUnit = `${name(stacks.operators)}-namespaces`;

  const unit = (
    unitName: string,
    path: string,
    spec: { dependsOn?: string[]; remote: boolean; wait?: boolean; health?: KubeObject[]; keep?: boolean },
  ) =>
    build<Kustomization>({
      apiVersion: KUSTOMIZE,
      kind: 'Kustomization',
      metadata: {
        name: unitName,
        namespace,
        labels: standardLabels(),
        annotations: spec.keep ? NEVER_PRUNE : undefined,
      },
      spec: {
        interval: '10m',
        retryInterval: '1m',
        timeout: '20m',
        path: `./${path}`,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: FLUX_SOURCE, namespace },
        dependsOn: spec.dependsOn?.length ? spec.dependsOn.map((n) => ({ name: n })) : undefined,
        ...(spec.remote ? kubeConfig : {}),
        wait: spec.wait,
        healthChecks: spec.health?.length
          ? spec.health.map((o) => ({
              apiVersion: o.apiVersion,
              kind: o.kind,
              name: o.metadata.name,
              namespace: o.metadata.namespace,
            }))
          : undefined,
        healthCheckExprs: healthExprs(spec.health ?? []),
      },
    });

  const waitingOn = (stack: ColossusStack) => stack.objects.filter((o) => readinessWait(o) !== undefined);
  const kustomizations: KubeObject[] = [];
  if (stacks.management) {
    kustomizations.push(
      unit(name(stacks.management), `manifests/${name(stacks.management)}`, {
        remote: false,
        health: waitingOn(stacks.management),
        keep: true,
      }),
    );
  }
  const afterManagement = stacks.management ? [name(stacks.management)] : [];
  kustomizations.push(
    unit(namespacesUnit, `manifests/${name(stacks.operators)}`, { dependsOn: afterManagement, remote: true }),
    // `wait`: every HelmRelease Ready (installed, its workloads ready) before the platform, which needs their CRDs.
    unit(name(stacks.operators), operatorsUnit, { dependsOn: [namespacesUnit], remote: false, wait: true, keep: true }),
  );
  const dependencies = (s: ColossusStack) => s.dependencies.map((d) => d.node.id);
  for (const stack of stacks.all) {
    if (stack === stacks.management || stack === stacks.operators) continue;
    const holdsData = stack.stackObjects.some((e) => e.options.protectData);
    kustomizations.push(
      unit(name(stack), `manifests/${name(stack)}`, {
        dependsOn: dependencies(stack),
        remote: true,
        health: waitingOn(stack),
        keep: holdsData,
      }),
    );
  }
  return {
    kustomizations,
    releases: [`${name(stacks.operators)}/releases.yaml`, helmObjects(releases, namespace, kubeConfig)],
  };
}

/** Readiness of the objects a unit waits on, as Flux CEL health checks (kstatus knows neither kind). */
function healthExprs(objects: readonly KubeObject[]): NonNullable<Kustomization['spec']>['healthCheckExprs'] {
  const kinds = new Map<string, { apiVersion: string; kind: string; current: string }>();
  for (const o of objects) {
    const wait = readinessWait(o);
    if (!wait) continue;
    // `wait.fields` as CEL over the object's top-level fields (fluxcd/pkg runtime/cel: no `self`): each field
    // present and matching. Until the controller writes `status` at all, evaluation errors and Flux retries.
    const current = Object.entries(wait.fields)
      .map(([path, re]) => {
        const parts = path.split('.');
        const present = parts.slice(1).map((_, i) => `has(${parts.slice(0, i + 2).join('.')})`);
        return [...present, `string(${path}).matches('${re}')`].join(' && ');
      })
      .join(' && ');
    kinds.set(`${o.apiVersion}/${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind, current });
  }
  return kinds.size ? [...kinds.values()] : undefined;
}

/** The HelmRepositories and HelmReleases of the operators. */
function helmObjects(releases: readonly OperatorRelease[], namespace: string, kubeConfig: object): KubeObject[] {
  const repositories = new Map<string, KubeObject>();
  for (const r of releases) {
    repositories.set(
      r.repoName,
      build<HelmRepository>({
        apiVersion: SOURCE,
        kind: 'HelmRepository',
        metadata: { name: r.repoName, namespace, labels: standardLabels() },
        spec: {
          interval: '1h',
          url: r.repository,
          type: r.repository.startsWith('oci://') ? 'oci' : undefined,
        },
      }),
    );
  }
  const upgradeCrds = (r: OperatorRelease) => (r.crds === 'crds-directory' ? 'CreateReplace' : 'Skip');
  const helmReleases = releases.map((r) =>
    build<HelmRelease>({
      apiVersion: HELM,
      kind: 'HelmRelease',
      metadata: { name: r.name, namespace, labels: standardLabels(), annotations: NEVER_PRUNE },
      spec: {
        interval: '30m',
        releaseName: r.name,
        targetNamespace: r.namespace,
        storageNamespace: r.namespace,
        ...kubeConfig,
        chart: {
          spec: {
            chart: r.chart,
            version: r.version,
            sourceRef: { kind: 'HelmRepository', name: r.repoName, namespace },
          },
        },
        dependsOn: r.needs.length ? r.needs.map((n) => ({ name: n })) : undefined,
        timeout: '15m',
        install: {
          crds: 'Create',
          disableOpenAPIValidation: r.disableOpenApiValidation,
          remediation: { retries: 3 },
        },
        upgrade: {
          crds: upgradeCrds(r),
          disableOpenAPIValidation: r.disableOpenApiValidation,
          remediation: { retries: 3, remediateLastFailure: true },
        },
        values: r.values,
      },
    }),
  );
  return [
    ...[...repositories.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
    ...helmReleases,
  ];
}
