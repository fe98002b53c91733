/**
 * Kueue's controller configuration (the chart's `managerConfig.controllerManagerConfigYaml`): the
 * chart's defaults at v0.19.2 plus what the job path needs. The chart takes the whole file as one
 * string, so the defaults are restated here.
 */
import { stringify } from 'yaml';
import { Cluster } from '../model/cluster';

/**
 * Resources Kueue leaves out of quota: the rail virtual functions (`nvidia.com/rail<k>`). Kueue
 * refuses any requested resource its ClusterQueue does not cover ("resource ... unavailable in
 * ClusterQueue", kueue v0.19.2 pkg/scheduler/flavorassigner/flavorassigner.go findFlavorForPodSets)
 * unless its name starts with one of these prefixes (pkg/workload/workload.go dropExcludedResources,
 * strings.HasPrefix). Rail VFs are bounded per node by the SR-IOV policies and per tenant by its
 * GPUs (one VF per GPU per rail), so quota on them would add nothing.
 */
export const KUEUE_EXCLUDED_RESOURCE_PREFIXES = ['nvidia.com/rail'] as const;

/**
 * DeviceClass of the channel a ComputeDomain's ResourceClaimTemplate requests (NVIDIA DRA driver
 * v0.4.0 cmd/compute-domain-controller/computedomain.go computeDomainDefaultChannelDeviceClass).
 */
export const COMPUTE_DOMAIN_CHANNEL_DEVICE_CLASS = 'compute-domain-default-channel.nvidia.com';

/**
 * The logical resource Kueue counts a ComputeDomain channel claim as. With KueueDRAIntegration (beta,
 * on by default in v0.19.2) a pod's ResourceClaimTemplate whose DeviceClass has no mapping makes the
 * workload inadmissible ("DeviceClass ... is not mapped in DRA configuration", pkg/dra/claims.go), so
 * every NVL72 job would be refused without this mapping and a ClusterQueue quota on it.
 */
export const COMPUTE_DOMAIN_RESOURCE = 'nvidia.com/compute-domain-channel';

/** The job integrations the chart enables by default (charts/kueue/values.yaml at v0.19.2). */
export const KUEUE_FRAMEWORKS = [
  'batch/job',
  'kubeflow.org/mpijob',
  'ray.io/rayjob',
  'ray.io/rayservice',
  'ray.io/raycluster',
  'jobset.x-k8s.io/jobset',
  'workload.codeflare.dev/appwrapper',
  'trainer.kubeflow.org/trainjob',
  'pod',
  'deployment',
  'statefulset',
  'leaderworkerset.x-k8s.io/leaderworkerset',
] as const;

/** True when the cluster has rack-scale NVLink systems (NVL72), whose jobs use ComputeDomains. */
export function hasComputeDomains(cluster: Pick<Cluster, 'pools'>): boolean {
  return cluster.pools.some((p) => p.sku.rackScale);
}

/** The Configuration object Kueue reads (`config.kueue.x-k8s.io/v1beta2`). */
export function kueueConfiguration(cluster: Pick<Cluster, 'pools'>): Record<string, unknown> {
  return {
    apiVersion: 'config.kueue.x-k8s.io/v1beta2',
    kind: 'Configuration',
    health: { healthProbeBindAddress: ':8081' },
    metrics: { bindAddress: ':8443' },
    webhook: { port: 9443 },
    leaderElection: { leaderElect: true, resourceName: 'c1f6bfd2.kueue.x-k8s.io' },
    controller: {
      groupKindConcurrency: {
        'Job.batch': 5,
        Pod: 5,
        'Workload.kueue.x-k8s.io': 10,
        'LocalQueue.kueue.x-k8s.io': 5,
        'ClusterQueue.kueue.x-k8s.io': 5,
        'ResourceFlavor.kueue.x-k8s.io': 1,
      },
    },
    clientConnection: { qps: 300, burst: 500 },
    integrations: { frameworks: [...KUEUE_FRAMEWORKS] },
    resources: {
      excludeResourcePrefixes: [...KUEUE_EXCLUDED_RESOURCE_PREFIXES],
      deviceClassMappings: hasComputeDomains(cluster)
        ? [{ name: COMPUTE_DOMAIN_RESOURCE, deviceClassNames: [COMPUTE_DOMAIN_CHANNEL_DEVICE_CLASS] }]
        : undefined,
    },
  };
}

/** The configuration as the chart's `managerConfig.controllerManagerConfigYaml` string (deterministic). */
export function kueueConfigYaml(cluster: Pick<Cluster, 'pools'>): string {
  const config = JSON.parse(JSON.stringify(kueueConfiguration(cluster))) as Record<string, unknown>;
  return stringify(config, { lineWidth: 0, sortMapEntries: true });
}
