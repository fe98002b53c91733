/**
 * Management checks: the machines' full Kubernetes version must be of the minor the cluster
 * declares, or kubeadm would join nodes of another minor than the Pod Security labels pin; and
 * every pool's OS image must be built for its hosts' CPU (a raw disk image boots one architecture:
 * GB200 and GB300 trays are Grace, arm64).
 */
import { cpuArchitectureOf, GpuCatalog } from '../catalog/gpus';
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
  const minor = management.kubernetesVersion.replace(/^v/, '').split('.').slice(0, 2).join('.');
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
    const arch = image.architecture ?? 'amd64';
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
  return issues;
}
