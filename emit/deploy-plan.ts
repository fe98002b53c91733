/**
 * The deploy commands of a cluster, in order, with what each step waits for: written to
 * `<out>/DEPLOY.md` and checked by a test against cdktf 0.21.0's own stack selection
 * (@cdktf/cli-core src/lib/helpers/stack-helpers.ts getMultipleStacks and
 * checkIfAllDependenciesAreIncluded), so the commands run as written.
 *
 * What the commands rest on:
 * - `cdktf deploy A B` refuses a selection that leaves out a dependency of a selected stack unless
 *   `--ignore-missing-stack-dependencies` is given, and then runs the stacks in the order given;
 * - it runs `terraform init` on every selected stack before applying any (cdktf-project.ts
 *   initializeStacksToRunInSerial), so a stack whose cluster or kubeconfig context does not exist yet
 *   must not be selected with the one that creates it: the management stack deploys on its own;
 * - every cdktf command runs the app again, which reads COLOSSUS_SPEC: it stays exported;
 * - `cdktf diff` takes exactly one stack (getSingleStack).
 */
import { Cluster } from '../model/cluster';
import type { Namespace } from 'kubernetes-types/core/v1';
import { build, KubeObject, standardLabels } from '../model/kube';
import { readinessWait } from '../model/lifecycle';
import { OPERATOR_NAMESPACES, operatorReleases } from '../operators/charts';
import { resolveManagement } from '../provisioning/planner';
import { managerKube } from '../cells/cell-cluster';
import { kubeconfigSecretName, MULTIKUEUE_SERVICE_ACCOUNT } from '../cells/multikueue';
import { cellsOf, ClusterStacks, WorkloadStacks } from '../stacks/cluster-stacks';
import { KUBE_OVERRIDE_VARIABLES } from '../stacks/kube-environment';

/** One step of a first deploy. */
export interface DeployStep {
  readonly title: string;
  /** Shell commands, run as written from the project directory. */
  readonly commands: readonly string[];
  /** What the step waits for before it returns. */
  readonly waitsFor: string;
}

/** Where the kubernetes backend's namespace manifest is written, relative to the output directory. */
export const STATE_NAMESPACE_FILE = 'bootstrap/state-namespace.yaml';

/** The namespace of the kubernetes backend's Secrets and Leases, which no stack may manage (it would hold its own state). */
export function stateNamespace(cluster: Cluster): KubeObject | undefined {
  if (cluster.backend.kind !== 'kubernetes') return undefined;
  const psa = Object.fromEntries(
    ['enforce', 'audit', 'warn'].map((m) => [`pod-security.kubernetes.io/${m}`, 'restricted']),
  );
  return build<Namespace>({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: cluster.backend.namespace, labels: standardLabels(psa) },
  });
}

/**
 * The first deploy of `cluster`, command by command. `specPath`: the spec file as the user named it
 * (relative to the project directory); undefined for the built-in example; null when not known.
 * A split cluster deploys its MultiKueue manager first, then each cell as a workload cluster of its
 * own, connected to the manager last.
 */
export function deploySteps(
  cluster: Cluster,
  stacks: ClusterStacks,
  specPath: string | null | undefined,
  outdir = 'cdktf.out',
): DeployStep[] {
  const steps: DeployStep[] = [
    {
      title: 'Prepare the shell',
      commands: [
        'npm run build',
        specPath === undefined
          ? 'export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1 # no COLOSSUS_SPEC: the app builds the built-in example'
          : `export COLOSSUS_SPEC=${specPath ?? `<the spec file of ${cluster.name}, relative to the project>`} CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1`,
        `unset ${KUBE_OVERRIDE_VARIABLES.join(' ')}`,
      ],
      waitsFor: 'nothing; every cdktf command re-runs the app with COLOSSUS_SPEC, and the app refuses KUBE_* overrides',
    },
  ];
  if (!stacks.manager || !stacks.cells) return [...steps, ...workloadSteps(cluster, stacks, outdir)];
  steps.push(managerStep(cluster, stacks.manager, outdir));
  for (const { cell, cluster: cellCluster, stacks: cellStacks } of cellsOf(stacks)) {
    steps.push(
      ...workloadSteps(cellCluster, cellStacks, outdir).map((step) => ({
        ...step,
        title: `Cell ${cell}: ${step.title}`,
      })),
      connectStep(cluster, cell, cellCluster),
    );
  }
  return steps;
}

/** The manager's stacks: Kueue, then the MultiKueue objects and the tenants' queues. */
function managerStep(cluster: Cluster, manager: NonNullable<ClusterStacks['manager']>, outdir: string): DeployStep {
  const { context } = managerKube(cluster);
  return {
    title: `MultiKueue manager (context ${context}, a cluster that exists already)`,
    commands: [
      ...(cluster.backend.kind === 'kubernetes'
        ? [`kubectl --context ${context} apply -f ${outdir}/${STATE_NAMESPACE_FILE}`]
        : []),
      `npx cdktf deploy ${manager.operators.node.id} ${manager.queues.node.id}`,
    ],
    waitsFor:
      `${manager.operators.node.id}: the Kueue release ready (900 s); ${manager.queues.node.id}: planned after it (Kueue's CRDs). ` +
      "Each MultiKueueCluster stays inactive until its cell's kubeconfig Secret exists (the last step of each cell); the manager's ClusterQueues admit nothing until then",
  };
}

/**
 * Hands the manager a kubeconfig for the cell: a token of the cell's `kueue-system/multikueue-manager`
 * ServiceAccount (least privilege, cells/multikueue.ts) in the Secret its MultiKueueCluster names, key
 * `kubeconfig` (kueue v0.19.2 multikueuecluster.go getKubeConfigFromSecret; its Secret watch re-activates
 * the cluster when the Secret appears). The admin credentials are dropped before the Secret is made.
 */
function connectStep(cluster: Cluster, cell: string, cellCluster: Cluster): DeployStep {
  const manager = managerKube(cluster).context;
  const ctx = cellCluster.kubernetes.context;
  const file = `${cellCluster.name}-multikueue.kubeconfig`;
  const namespace = OPERATOR_NAMESPACES.kueue;
  return {
    title: `Cell ${cell}: connect it to the manager`,
    commands: [
      `kubectl --context ${ctx} config view --raw --minify --flatten > ${file}`,
      `kubectl --kubeconfig ${file} config set-credentials ${MULTIKUEUE_SERVICE_ACCOUNT} --token="$(kubectl --context ${ctx} -n ${namespace} create token ${MULTIKUEUE_SERVICE_ACCOUNT} --duration 8760h)"`,
      `kubectl --kubeconfig ${file} config set-context --current --user=${MULTIKUEUE_SERVICE_ACCOUNT}`,
      `kubectl --kubeconfig ${file} config unset users.${cellCluster.name}-admin`,
      `kubectl --context ${manager} -n ${namespace} create secret generic ${kubeconfigSecretName(cellCluster.name)} --from-file=kubeconfig=${file} && rm ${file}`,
    ],
    waitsFor: `nothing; the manager's MultiKueueCluster ${cellCluster.name} turns Active and dispatches to the cell (renew the token within a year)`,
  };
}

/** The first deploy of one workload cluster (the whole cluster, or a cell): machines, kubeconfig, CNI, stacks. */
function workloadSteps(cluster: Cluster, stacks: WorkloadStacks, outdir: string): DeployStep[] {
  const name = (s: { node: { id: string } }) => s.node.id;
  const management = resolveManagement(cluster);
  const ctx = cluster.kubernetes.context;
  const stateNs = cluster.backend.kind === 'kubernetes';
  const steps: DeployStep[] = [];
  if (stacks.management && management) {
    const kcp = stacks.management.objects.find((o) => readinessWait(o) !== undefined);
    steps.push({
      title: `Machines: ${name(stacks.management)} (management cluster, context ${management.context})`,
      commands: [
        ...(stateNs ? [`kubectl --context ${management.context} apply -f ${outdir}/${STATE_NAMESPACE_FILE}`] : []),
        `npx cdktf deploy ${name(stacks.management)}`,
      ],
      waitsFor: kcp
        ? `the ${kcp.kind} ${kcp.metadata.name} to report status.initialization.controlPlaneInitialized (the workload API accepts requests; up to 90 minutes). MachineDeployments keep provisioning hosts after it returns`
        : 'the objects to be written',
    });
    steps.push({
      title: `Workload kubeconfig as context ${ctx}`,
      commands: [
        `clusterctl get kubeconfig ${cluster.name} -n ${management.namespace} --kubeconfig ${management.kubeconfig} > ${cluster.name}.kubeconfig`,
        `KUBECONFIG=${cluster.kubernetes.kubeconfig}:${cluster.name}.kubeconfig kubectl config view --flatten > merged.kubeconfig && mv merged.kubeconfig ${cluster.kubernetes.kubeconfig}`,
        `kubectl config rename-context ${cluster.name}-admin@${cluster.name} ${ctx}`,
      ],
      waitsFor: 'nothing (the Secret exists once the control plane is initialized)',
    });
  }
  steps.push({
    title: "Primary CNI (the site's choice; not part of this output), then Ready nodes",
    commands: [
      `kubectl --context ${ctx} wait --for=condition=Ready nodes -l node-role.kubernetes.io/control-plane --timeout=30m`,
    ],
    waitsFor:
      'the control-plane nodes to be Ready, which needs the primary CNI (Multus from the Network Operator is only a meta-plugin); without it every Helm release times out after 900 s, and the next deploy resumes it (upgrade_install)',
  });
  const workload = stacks.all.filter((s) => s !== stacks.management && !stacks.tenants.includes(s)).map(name);
  const tenants = stacks.tenants.length ? [`'${cluster.name}-tenant-*'`] : [];
  const releases = operatorReleases(cluster)
    .map((r) => r.name)
    .join(', ');
  steps.push({
    title: `Workload stacks (context ${ctx})`,
    commands: [
      ...(stateNs ? [`kubectl --context ${ctx} apply -f ${outdir}/${STATE_NAMESPACE_FILE}`] : []),
      `npx cdktf deploy ${[...workload, ...tenants].join(' ')}`,
    ],
    waitsFor: [
      `${name(stacks.operators)}: each Helm release ready in order (${releases}; wait, 900 s each)`,
      `${name(stacks.platform)}: planned only after the operators applied (their CRDs exist)` +
        (stacks.fabric
          ? "; the NicClusterPolicy waits for the Network Operator's first sync (the IPPool CRD, up to 30 minutes)"
          : ''),
      ...(stacks.fabric ? [`${name(stacks.fabric)}: planned after the platform (the nv-ipam IPPools)`] : []),
      ...(stacks.tenants.length ? ['the tenant stacks: after the platform, in parallel'] : []),
    ].join('; '),
  });
  return steps;
}

/** Later deploys, which need no bootstrap. */
export function laterCommands(stacks: ClusterStacks): { title: string; command: string }[] {
  const tenant = stacks.tenants[0]?.node.id;
  return [
    { title: 'the whole site, once bootstrapped', command: `npx cdktf deploy '*'` },
    ...(tenant
      ? [
          {
            title: 'one stack, its dependencies already applied',
            command: `npx cdktf deploy ${tenant} --ignore-missing-stack-dependencies`,
          },
        ]
      : []),
    {
      title: 'the plan of one stack (cdktf diff takes exactly one)',
      command: `npx cdktf diff ${stacks.platform.node.id}`,
    },
  ];
}

/** DEPLOY.md: the steps as Markdown. */
export function renderDeployPlan(
  cluster: Cluster,
  stacks: ClusterStacks,
  specPath: string | null | undefined,
  outdir = 'cdktf.out',
): string {
  const lines = [`# Deploying ${cluster.name}`, '', 'Generated by colossus-cdktf. Run from the project directory.', ''];
  deploySteps(cluster, stacks, specPath, outdir).forEach((step, i) => {
    lines.push(
      `## ${i + 1}. ${step.title}`,
      '',
      '```sh',
      ...step.commands,
      '```',
      '',
      `Waits for: ${step.waitsFor}.`,
      '',
    );
  });
  lines.push('## Later deploys', '');
  for (const c of laterCommands(stacks)) lines.push(`- ${c.title}: \`${c.command}\``);
  return `${lines.join('\n')}\n`;
}
