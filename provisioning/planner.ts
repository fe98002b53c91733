/**
 * The provisioning planner: the management settings with their defaults (what the Cluster API
 * objects, DEPLOY.md and the Flux units read), and its rules: the machines run the cluster's
 * Kubernetes minor (kubeadm would join nodes of another minor than the Pod Security labels pin), every
 * pool's OS image is built for its hosts' CPU (a raw disk image boots one architecture: GB200 and
 * GB300 trays are Grace, arm64), and a staged rollout changes something and stops at its last wave.
 */
import { cpuArchitectureOf } from '../catalog/gpus';
import { Cluster, declaredPools, NodePool } from '../model/cluster';
import { declaredAt, planner, planOf } from '../model/planner';
import { DEFAULTS } from '../spec/defaults';
import { formatPath, showValue } from '../spec/errors';
import { OsImageSpec } from '../spec/types';

/** The management settings with their defaults applied. */
export interface ResolvedManagement {
  readonly context: string;
  readonly kubeconfig: string;
  readonly namespace: string;
  readonly kubernetesVersion: string;
  readonly controlPlaneEndpoint: { readonly host: string; readonly port: number };
  readonly controlPlaneReplicas: number;
  /** The default image, as Metal3 takes it (the architecture is checked, not emitted). */
  readonly image: Metal3Image;
}

/** An OS image as `Metal3MachineTemplate.spec.template.spec.image` takes it (CAPM3 v1.13.2 api/v1beta2 Image). */
export interface Metal3Image {
  readonly url: string;
  readonly checksum: string;
  readonly checksumType: Required<OsImageSpec>['checksumType'];
  readonly diskFormat: Required<OsImageSpec>['diskFormat'];
}

/** An image spec with its defaults, without the architecture Metal3 has no field for. */
export function metal3Image(image: OsImageSpec): Metal3Image {
  return {
    url: image.url,
    checksum: image.checksum,
    checksumType: image.checksumType ?? DEFAULTS.osImage.checksumType,
    diskFormat: image.diskFormat ?? DEFAULTS.osImage.diskFormat,
  };
}

/** Waves a staged rollout takes until every block of every pool runs the new settings. */
export function rolloutWaves(pools: readonly Pick<NodePool, 'blocks' | 'blocksAtOnce'>[]): number {
  return Math.max(0, ...pools.map((p) => Math.ceil(p.blocks / p.blocksAtOnce)));
}

const minorOf = (version: string) => version.replace(/^v/, '').split('.').slice(0, 2).join('.');

/**
 * The rules judge the cluster as declared. A cell's plan is read for its settings only: its pools are
 * slices, so its own count of waves would be short of the pool's.
 */
export const provisioningPlanner = planner<ResolvedManagement | undefined>(
  'provisioning',
  (cluster) => {
    const m = cluster.management;
    const plan = m && {
      context: m.context,
      kubeconfig: m.kubeconfig ?? cluster.kubernetes.kubeconfig,
      namespace: m.namespace ?? cluster.name,
      kubernetesVersion: m.kubernetesVersion,
      controlPlaneEndpoint: {
        host: m.controlPlaneEndpoint.host,
        port: m.controlPlaneEndpoint.port ?? DEFAULTS.management.controlPlaneEndpoint.port,
      },
      controlPlaneReplicas: m.controlPlaneReplicas ?? DEFAULTS.management.controlPlaneReplicas,
      image: metal3Image(m.image),
    };
    return { plan, issues: [] };
  },
  [
    {
      name: 'machine-minor',
      check: (m, cluster) =>
        m && minorOf(m.kubernetesVersion) !== cluster.kubernetes.version
          ? [
              {
                code: 'version-mismatch',
                path: ['management', 'kubernetesVersion'],
                message: `machines would run Kubernetes ${showValue(m.kubernetesVersion)}, but kubernetes.version is "${cluster.kubernetes.version}"`,
                fix: `use a v${cluster.kubernetes.version}.x release, or change kubernetes.version to "${minorOf(m.kubernetesVersion)}"`,
              },
            ]
          : [],
    },
    {
      // Every pool as declared, orbital ones too: their images are checked like any other.
      name: 'image-architecture',
      check: (m, cluster) =>
        !m
          ? []
          : declaredPools(cluster).flatMap((pool) => {
              const wanted = cpuArchitectureOf(pool.sku);
              const image = pool.image ?? cluster.management!.image;
              const arch = image.architecture ?? DEFAULTS.osImage.architecture;
              if (arch === wanted) return [];
              const at = declaredAt(cluster, 'nodePools', pool.name);
              return [
                {
                  code: 'image-architecture',
                  path: pool.image ? [...at, 'image', 'architecture'] : at,
                  message:
                    `pool "${pool.name}" (${pool.sku.name}) has ${wanted} hosts, but ${pool.image ? 'its image' : 'spec.management.image'} ` +
                    `${showValue(image.url)} is ${arch}`,
                  fix: `give the pool an image of its own built for ${wanted}: ${formatPath(at)}.image: { url, checksum, architecture: ${wanted} }`,
                },
              ];
            }),
    },
    {
      name: 'rollout-changes',
      check: (_, cluster) => {
        const m = cluster.management;
        const from = m?.rollout?.from;
        if (!m || !from) return [];
        const sameImage = from.image === undefined || JSON.stringify(from.image) === JSON.stringify(m.image);
        const sameVersion = from.kubernetesVersion === undefined || from.kubernetesVersion === m.kubernetesVersion;
        return sameImage && sameVersion
          ? [
              {
                code: 'rollout-changes-nothing',
                path: ['management', 'rollout', 'from'],
                message: 'rollout.from names the same image and Kubernetes version as management: nothing would roll',
                fix: 'put the settings the blocks run now under rollout.from (image, kubernetesVersion), or remove management.rollout',
              },
            ]
          : [];
      },
    },
    {
      name: 'rollout-skew',
      check: (_, cluster) => {
        const from = cluster.management?.rollout?.from.kubernetesVersion;
        if (from === undefined) return [];
        // kubeadm joins nodes one minor behind the control plane at most.
        const [major, fromMinor] = minorOf(from).split('.').map(Number);
        const [, toMinor] = cluster.kubernetes.version.split('.').map(Number);
        return major !== 1 || fromMinor > toMinor || toMinor - fromMinor > 1
          ? [
              {
                code: 'version-mismatch',
                path: ['management', 'rollout', 'from', 'kubernetesVersion'],
                message: `blocks not yet rolled would run ${showValue(from)}, more than one minor from kubernetes.version "${cluster.kubernetes.version}"`,
                fix: 'upgrade one minor at a time: roll every block to the next minor first',
              },
            ]
          : [];
      },
    },
    {
      name: 'rollout-wave',
      check: (_, cluster) => {
        const rollout = cluster.management?.rollout;
        const waves = rolloutWaves(declaredPools(cluster));
        return rollout && rollout.wave > waves
          ? [
              {
                code: 'rollout-complete',
                path: ['management', 'rollout', 'wave'],
                message: `wave ${rollout.wave} is past the last one: every block of every pool is rolled after wave ${waves}`,
                fix: 'the rollout is complete: remove management.rollout',
              },
            ]
          : [];
      },
    },
  ],
);

/** The management settings of `cluster` with their defaults (undefined when it declares none), planned once. */
export function resolveManagement(cluster: Cluster): ResolvedManagement | undefined {
  return planOf(cluster, provisioningPlanner).plan;
}
