/**
 * The operators every Colossus cluster runs, at pinned chart versions, with values derived from
 * the spec. One list feeds both the Terraform Helm releases and helmfile.yaml, so the two paths
 * install exactly the same thing.
 */
import type { Namespace } from 'kubernetes-types/core/v1';
import { Cluster } from '../model/cluster';
import { build, KubeObject, standardLabels } from '../model/kube';
import { clusterLoad, controllerResources } from '../day2/controller-sizing';
import { registeredTaints } from '../provisioning/cluster-api';
import { hasComputeDomains, kueueConfigYaml } from './kueue-config';
import { ciliumValues } from './pod-network';

/** Where a chart comes from: an HTTP Helm repository or an OCI registry path. */
export interface ChartSource {
  /** Short repository name (helmfile's `repositories[].name`). */
  readonly repoName: string;
  /** `https://...` index URL, or `oci://registry/path` holding the chart. */
  readonly repository: string;
  readonly chart: string;
  /** Exact chart version: never a range, so a plan never drifts. */
  readonly version: string;
}

/** One Helm release of an operator. */
export interface OperatorRelease extends ChartSource {
  /** Release name. */
  readonly name: string;
  readonly namespace: string;
  /**
   * Pod Security level of the release's namespace: `privileged` for operators whose node agents
   * load kernel modules and mount host paths, `restricted` otherwise.
   */
  readonly podSecurity: 'privileged' | 'restricted';
  /** Chart values; keys sorted when serialized. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Releases installed before this one (their CRDs or labels are needed). */
  readonly needs: readonly string[];
  /** How the chart's CRDs are installed, upgraded and removed (decides upgrade flags and GitOps CRD policy). */
  readonly crds: CrdLifecycle;
  /**
   * Upgrade without Helm's OpenAPI validation of the rendered chart, for a chart whose templates use
   * fields of the CRDs its own upgrade hook brings (GPU Operator v26.7.0 values.yaml:87-89).
   * @default false
   */
  readonly disableOpenApiValidation?: boolean;
  /**
   * Helm waits for the release's workloads to be ready. Off for charts that run a DaemonSet on every
   * node: at tens of thousands of nodes Helm's wait outlasts any timeout, fails the release and
   * taints the Terraform resource, although the operator itself is up.
   */
  readonly wait: boolean;
}

/**
 * How a chart ships its CRDs:
 * - `crds-directory`: Helm installs `crds/` once and never upgrades or deletes it (NFD v0.19.0
 *   deployment/helm/node-feature-discovery/crds); upgrades need the CRDs applied explicitly
 *   (Flux: `upgrade.crds: CreateReplace`);
 * - `upgrade-hook`: a pre-install/pre-upgrade hook Job applies them (Network Operator v26.4
 *   `upgradeCRDs: true`; GPU Operator v26.7.0 `operator.upgradeCRD: true`, which "requires
 *   --disable-openapi-validation" on upgrade, values.yaml:87-89);
 * - `templates`: the CRDs are ordinary chart templates (Kueue v0.19.2 charts/kueue/templates/crd,
 *   no `helm.sh/resource-policy: keep`), so uninstalling the release deletes every ClusterQueue,
 *   LocalQueue, ResourceFlavor and Workload with them;
 * - `operator`: the chart ships none; the operator registers its CRDs itself when it starts (Cilium's
 *   cilium-operator), so Helm neither upgrades nor deletes them.
 */
export type CrdLifecycle = 'crds-directory' | 'upgrade-hook' | 'templates' | 'operator';

/** The pinned charts. NVIDIA's NGC repository versions the GPU Operator chart with a `v`, the others without. */
export const CHARTS = {
  nodeFeatureDiscovery: {
    repoName: 'nfd',
    repository: 'https://kubernetes-sigs.github.io/node-feature-discovery/charts',
    chart: 'node-feature-discovery',
    version: '0.19.0',
  },
  gpuOperator: {
    repoName: 'nvidia',
    repository: 'https://helm.ngc.nvidia.com/nvidia',
    chart: 'gpu-operator',
    version: 'v26.7.0',
  },
  networkOperator: {
    repoName: 'nvidia',
    repository: 'https://helm.ngc.nvidia.com/nvidia',
    chart: 'network-operator',
    version: '26.4.1',
  },
  kueue: {
    repoName: 'kueue',
    repository: 'oci://registry.k8s.io/kueue/charts',
    chart: 'kueue',
    version: '0.19.2',
  },
  cilium: {
    repoName: 'cilium',
    repository: 'https://helm.cilium.io',
    chart: 'cilium',
    version: '1.18.0',
  },
  draDriver: {
    repoName: 'dra-driver-nvidia',
    repository: 'oci://registry.k8s.io/dra-driver-nvidia/charts',
    chart: 'dra-driver-nvidia-gpu',
    version: '0.4.0',
  },
} as const satisfies Record<string, ChartSource>;

/** Namespaces of the operators, created by the operators stack; other stacks put their objects in them. */
export const OPERATOR_NAMESPACES = {
  nodeFeatureDiscovery: 'node-feature-discovery',
  networkOperator: 'nvidia-network-operator',
  gpuOperator: 'gpu-operator',
  kueue: 'kueue-system',
  cilium: 'cilium',
  draDriver: 'dra-driver-nvidia-gpu',
} as const;

/**
 * Release settings shared by the Terraform releases and helmfile's helmDefaults (each release sets its own
 * `wait`). `upgradeInstall`: terraform-provider-helm v3.1.1 (resource_helm_release.go Create) upgrades a
 * release that already exists instead of failing with "cannot re-use a name that is still in use", so a first
 * install that timed out (its state never saved) is resumed by the next apply, and an existing install is
 * adopted.
 */
export const RELEASE_DEFAULTS = { wait: true, timeoutSeconds: 900, maxHistory: 5, upgradeInstall: true } as const;

/**
 * GPUDirect RDMA (`driver.rdma.enabled`): on when the spec declares a compute fabric (both
 * kinds, Spectrum-X RoCE and InfiniBand, are RDMA) and, without one, when the pools have RDMA
 * NICs (every catalog system does). The NICs' driver comes from the Network Operator's
 * NicClusterPolicy, so the host's MOFED is not used.
 */
export function rdmaEnabled(cluster: Pick<Cluster, 'pools'> & Partial<Pick<Cluster, 'fabric'>>): boolean {
  return cluster.fabric !== undefined || cluster.pools.some((p) => p.sku.rdmaNicsPerNode > 0);
}

/**
 * `mig.strategy`: `single` exposes MIG instances as `nvidia.com/gpu`, which is what tenant
 * quotas count; it needs every GPU of a node to share one layout, which `all-*` layouts give.
 * Any other layout needs `mixed` (per-profile resources).
 */
export function migStrategy(cluster: Pick<Cluster, 'pools'>): 'single' | 'mixed' {
  return cluster.pools.every((p) => p.migProfile === undefined || p.migProfile.startsWith('all-')) ? 'single' : 'mixed';
}

/** Tolerations node agents (NFD worker, GPU Operator operands) need on GPU nodes, pool taints included. */
export function nodeAgentTolerations(cluster: Pick<Cluster, 'pools'>): Record<string, string>[] {
  const keys = [...new Set(cluster.pools.flatMap((p) => registeredTaints(p).map((t) => t.key)))].sort();
  return [
    { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ...keys.map((key) => ({ key, operator: 'Exists', effect: 'NoSchedule' })),
  ];
}

/** The releases of `cluster`, in install order. */
export function operatorReleases(
  cluster: Pick<Cluster, 'pools'> & Partial<Pick<Cluster, 'fabric' | 'kubernetes' | 'management'>>,
): OperatorRelease[] {
  const tolerations = nodeAgentTolerations(cluster);
  const nfd = 'node-feature-discovery';
  // Controllers whose caches hold every Node (and Pod) are sized from the cluster (day2/controller-sizing.ts).
  const load = clusterLoad(cluster.pools, cluster.fabric?.rdmaPodsPerNode);
  const cilium = 'cilium';
  const rackScalePools = cluster.pools.filter((p) => p.sku.rackScale).map((p) => p.name);
  return [
    {
      // The pod network first: without a CNI nodes stay NotReady and no other release's pods start.
      ...CHARTS.cilium,
      name: cilium,
      namespace: OPERATOR_NAMESPACES.cilium,
      podSecurity: 'privileged',
      needs: [],
      crds: 'operator',
      // The agent is a DaemonSet on every node: no wait (see RELEASE_DEFAULTS).
      wait: false,
      values: ciliumValues(cluster),
    },
    {
      ...CHARTS.nodeFeatureDiscovery,
      name: nfd,
      namespace: OPERATOR_NAMESPACES.nodeFeatureDiscovery,
      podSecurity: 'privileged',
      needs: [cilium],
      crds: 'crds-directory',
      wait: false,
      values: {
        // One NFD for both NVIDIA operators: label GPUs (03xx) and NICs (02xx) by vendor.
        master: { config: { extraLabelNs: ['nvidia.com'] }, resources: controllerResources('nfdMaster', load) },
        // The chart's post-delete hook (templates/post-delete-job.yaml, `nfd-master -prune`) would strip
        // every node's NFD labels, which the GPU and Network Operators select nodes by.
        postDeleteCleanup: false,
        worker: {
          tolerations: [
            { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
            ...tolerations,
          ],
          config: {
            sources: {
              pci: { deviceClassWhitelist: ['02', '0200', '0207', '0300', '0302'], deviceLabelFields: ['vendor'] },
            },
          },
        },
      },
    },
    {
      ...CHARTS.networkOperator,
      name: 'network-operator',
      namespace: OPERATOR_NAMESPACES.networkOperator,
      podSecurity: 'privileged',
      needs: [nfd],
      crds: 'upgrade-hook',
      wait: false,
      values: {
        nfd: { enabled: false, deployNodeFeatureRules: true },
        // The fabric's SriovNetworkNodePolicies and SriovNetworks need the SR-IOV operator's CRDs.
        sriovNetworkOperator: { enabled: cluster.fabric !== undefined },
        // The NIC Configuration Operator (rail names, NIC firmware) drains nodes through it (its README).
        maintenanceOperator: { enabled: cluster.fabric !== undefined && cluster.fabric.railInterfaces === undefined },
      },
    },
    {
      ...CHARTS.gpuOperator,
      name: 'gpu-operator',
      namespace: OPERATOR_NAMESPACES.gpuOperator,
      podSecurity: 'privileged',
      needs: [nfd, 'network-operator'],
      crds: 'upgrade-hook',
      disableOpenApiValidation: true,
      wait: false,
      values: {
        nfd: { enabled: false },
        operator: { resources: controllerResources('gpuOperator', load) },
        driver: {
          enabled: true,
          // Hopper and newer run NVIDIA's open kernel modules (Blackwell requires them).
          kernelModuleType: 'open',
          // Each pool's driver comes from its own NVIDIADriver (GpuNodePool); no cluster-wide default.
          // GPUDirect RDMA is set per pool on its NVIDIADriver (spec.rdma): with nvidiaDriverCRD the
          // chart's driver.rdma keys are not read (gpu-operator v26.7.0 internal/state/driver.go).
          nvidiaDriverCRD: { enabled: true, deployDefaultCR: false },
        },
        mig: { strategy: migStrategy(cluster) },
        // Standalone DCGM: the GPU health agent (NVSentinel) reads it to set the Node conditions
        // the MachineHealthChecks act on.
        dcgm: { enabled: true },
        daemonsets: { tolerations },
      },
    },
    {
      ...CHARTS.kueue,
      name: 'kueue',
      namespace: OPERATOR_NAMESPACES.kueue,
      podSecurity: 'restricted',
      needs: [cilium],
      crds: 'templates',
      // A Deployment only: waiting for it keeps its webhooks ready before the platform's Kueue objects.
      wait: true,
      values: {
        // Admission stops while Kueue is down: two replicas and a PDB keep it through node drains.
        controllerManager: {
          replicas: 2,
          podDisruptionBudget: { enabled: true, minAvailable: 1 },
          manager: { resources: controllerResources('kueue', load) },
        },
        // The chart takes the whole controller configuration as one string (charts/kueue/values.yaml).
        managerConfig: { controllerManagerConfigYaml: kueueConfigYaml(cluster) },
      },
    },
    ...(hasComputeDomains(cluster)
      ? [
          {
            // Multi-node NVLink on NVL72: the DRA driver's ComputeDomains set up IMEX across a job's trays
            // (NVIDIA DRA driver v0.4.0 docs/install.md). GPUs stay with the GPU Operator's device plugin.
            ...CHARTS.draDriver,
            name: 'dra-driver-nvidia-gpu',
            namespace: OPERATOR_NAMESPACES.draDriver,
            podSecurity: 'privileged' as const,
            needs: ['gpu-operator'],
            // deployments/helm/dra-driver-nvidia-gpu/crds (v0.4.0); its kubelet plugin is a DaemonSet on the trays.
            crds: 'crds-directory' as const,
            wait: false,
            values: {
              resources: { gpus: { enabled: false }, computeDomains: { enabled: true } },
              // The GPU Operator's driver container installs the driver under /run/nvidia/driver.
              nvidiaDriverRoot: '/run/nvidia/driver',
              kubeletPlugin: {
                tolerations,
                affinity: {
                  nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                      nodeSelectorTerms: [
                        { matchExpressions: [{ key: 'colossus.dev/pool', operator: 'In', values: rackScalePools }] },
                      ],
                    },
                  },
                },
              },
            },
          },
        ]
      : []),
  ];
}

/**
 * The namespaces of the releases, created by the operators stack (not by Helm) so that their Pod
 * Security level is declared and reviewed: only the operators that need it run privileged.
 */
export function operatorNamespaces(releases: readonly OperatorRelease[], kubernetesVersion: string): KubeObject[] {
  const levels = new Map(releases.map((r) => [r.namespace, r.podSecurity]));
  return [...levels].map(([name, level]) =>
    build<Namespace>({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: standardLabels(
          Object.fromEntries(
            ['enforce', 'audit', 'warn'].flatMap((mode) => [
              [`pod-security.kubernetes.io/${mode}`, level],
              [`pod-security.kubernetes.io/${mode}-version`, `v${kubernetesVersion}`],
            ]),
          ),
        ),
      },
    }),
  );
}
