/**
 * Management checks: the machines' full Kubernetes version must be of the minor the cluster
 * declares, or kubeadm would join nodes of another minor than the Pod Security labels pin; every
 * pool's OS image must be built for its hosts' CPU (a raw disk image boots one architecture: GB200
 * and GB300 trays are Grace, arm64); a staged rollout must change something and must not run past
 * its last wave.
 */
import { cpuArchitectureOf, GpuCatalog } from '../catalog/gpus';
import { NodePool, resolvePool } from '../model/cluster';
import { DEFAULTS } from './defaults';
import { SpecIssue, SpecPath, showValue } from './errors';
import { ClusterSpec } from './types';

/** Every issue of `spec.management` (none when it is absent). */
export function checkManagement(
  input: Pick<ClusterSpec, 'management' | 'kubernetes'> & Partial<Pick<ClusterSpec, 'nodePools'>>,
  base: SpecPath = ['spec'],
  catalog: GpuCatalog = GpuCatalog.builtIn(),
): SpecIssue[] {
  const management = input.management;
  if (!management) return [];
  const issues: SpecIssue[] = [];
  const minorOf = (version: string) => version.replace(/^v/, '').split('.').slice(0, 2).join('.');
  const minor = minorOf(management.kubernetesVersion);
  if (minor !== input.kubernetes.version) {
    issues.push({
      code: 'version-mismatch',
      path: [...base, 'management', 'kubernetesVersion'],
      message: `machines would run Kubernetes ${showValue(management.kubernetesVersion)}, but kubernetes.version is "${input.kubernetes.version}"`,
      fix: `use a v${input.kubernetes.version}.x release, or change kubernetes.version to "${minor}"`,
    });
  }
  (input.nodePools ?? []).forEach((pool, i) => {
    const sku = catalog.find(pool.gpu);
    if (!sku) return; // checkCluster reports unknown GPUs
    const wanted = cpuArchitectureOf(sku);
    const image = pool.image ?? management.image;
    const arch = image.architecture ?? DEFAULTS.osImage.architecture;
    if (arch === wanted) return;
    issues.push({
      code: 'image-architecture',
      path: pool.image ? [...base, 'nodePools', i, 'image', 'architecture'] : [...base, 'nodePools', i],
      message:
        `pool "${pool.name}" (${sku.name}) has ${wanted} hosts, but ${pool.image ? 'its image' : 'spec.management.image'} ` +
        `${showValue(image.url)} is ${arch}`,
      fix: `give the pool an image of its own built for ${wanted}: nodePools[${i}].image: { url, checksum, architecture: ${wanted} }`,
    });
  });
  const rollout = management.rollout;
  if (!rollout) return issues;
  const at = (...path: (string | number)[]): SpecPath => [...base, 'management', 'rollout', ...path];
  const { from } = rollout;
  const sameImage = from.image === undefined || JSON.stringify(from.image) === JSON.stringify(management.image);
  const sameVersion = from.kubernetesVersion === undefined || from.kubernetesVersion === management.kubernetesVersion;
  if (sameImage && sameVersion) {
    issues.push({
      code: 'rollout-changes-nothing',
      path: at('from'),
      message: 'rollout.from names the same image and Kubernetes version as management: nothing would roll',
      fix: 'put the settings the blocks run now under rollout.from (image, kubernetesVersion), or remove management.rollout',
    });
  }
  if (from.kubernetesVersion !== undefined) {
    // kubeadm joins nodes one minor behind the control plane at most.
    const [major, fromMinor] = minorOf(from.kubernetesVersion).split('.').map(Number);
    const [, toMinor] = input.kubernetes.version.split('.').map(Number);
    if (major !== 1 || fromMinor > toMinor || toMinor - fromMinor > 1) {
      issues.push({
        code: 'version-mismatch',
        path: at('from', 'kubernetesVersion'),
        message: `blocks not yet rolled would run ${showValue(from.kubernetesVersion)}, more than one minor from kubernetes.version "${input.kubernetes.version}"`,
        fix: 'upgrade one minor at a time: roll every block to the next minor first',
      });
    }
  }
  // A pool of an unknown GPU (reported by checkCluster) has no known size: its waves are unknown.
  const known = (input.nodePools ?? []).every((p) => catalog.find(p.gpu));
  const waves = known ? Math.max(0, ...(input.nodePools ?? []).map((p) => wavesOf(resolvePool(p, catalog)))) : 0;
  if (input.nodePools && known && rollout.wave > waves) {
    issues.push({
      code: 'rollout-complete',
      path: at('wave'),
      message: `wave ${rollout.wave} is past the last one: every block of every pool is rolled after wave ${waves}`,
      fix: 'the rollout is complete: remove management.rollout',
    });
  }
  return issues;
}

/** Waves of one pool: its blocks, blocksAtOnce at a time. */
function wavesOf(pool: Pick<NodePool, 'blocks' | 'blocksAtOnce'>): number {
  return Math.ceil(pool.blocks / pool.blocksAtOnce);
}
