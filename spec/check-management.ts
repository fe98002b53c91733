/**
 * Management checks: the machines' full Kubernetes version must be of the minor the cluster
 * declares, or kubeadm would join nodes of another minor than the Pod Security labels pin.
 */
import { SpecIssue, SpecPath, showValue } from './errors';
import { ClusterSpec } from './types';

/** Every issue of `spec.management` (none when it is absent). */
export function checkManagement(
  input: Pick<ClusterSpec, 'management' | 'kubernetes'>,
  base: SpecPath = ['spec'],
): SpecIssue[] {
  const management = input.management;
  if (!management) return [];
  const minor = management.kubernetesVersion.replace(/^v/, '').split('.').slice(0, 2).join('.');
  if (minor === input.kubernetes.version) return [];
  return [
    {
      code: 'version-mismatch',
      path: [...base, 'management', 'kubernetesVersion'],
      message: `machines would run Kubernetes ${showValue(management.kubernetesVersion)}, but kubernetes.version is "${input.kubernetes.version}"`,
      fix: `use a v${input.kubernetes.version}.x release, or change kubernetes.version to "${minor}"`,
    },
  ];
}
