/**
 * YAML emission: the same objects the Terraform stacks hold, as plain manifests for
 * `kubectl apply -f` or a GitOps tool, one file per kind, numbered in a safe apply order.
 */
import { stringify } from 'yaml';
import { fastYaml } from './fast-yaml';
import { KubeObject } from '../model/kube';

/**
 * Apply order: namespaces first, then cluster-scoped configuration, then what lives in
 * namespaces; kinds that others refer to come before those that refer to them.
 */
const KIND_ORDER: readonly string[] = [
  'Namespace',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
  'VolumeSnapshotClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'NicClusterPolicy',
  'IPPool',
  // Nodes join their SR-IOV drain pool before any policy makes them drain.
  'SriovNetworkPoolConfig',
  'SriovNetworkNodePolicy',
  'ClusterPolicy',
  'NVIDIADriver',
  'ComputeDomain',
  'Topology',
  'ResourceFlavor',
  'Cohort',
  'WorkloadPriorityClass',
  'ClusterQueue',
  'ResourceQuota',
  'LimitRange',
  'NetworkPolicy',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'SriovNetwork',
  'NetworkAttachmentDefinition',
  'LocalQueue',
  // Management cluster: templates before what refers to them, health checks last.
  'Metal3MachineTemplate',
  'KubeadmConfigTemplate',
  'Metal3RemediationTemplate',
  'Metal3Cluster',
  'KubeadmControlPlane',
  'Cluster',
  'MachineDeployment',
  'MachineHealthCheck',
];

/** Rank of a kind in apply order; kinds not listed go last, in name order. */
export function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** Serializes one object as a YAML document. */
export function toYaml(object: KubeObject): string {
  // YAML 1.1 quoting: kubectl reads YAML 1.1, where a bare on/off/yes/no is a boolean (SriovNetwork spoofChk: "on").
  // fastYaml writes the same bytes much faster for what objects usually hold (see emit/fast-yaml.ts).
  return fastYaml(object) ?? stringify(object, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' });
}

/**
 * The YAML files of one stack: file name to content. Files are named `NN-<kind>.yaml`, NN the
 * kind's rank, so that `kubectl apply -f <dir>` (which goes in file-name order) applies them in
 * `KIND_ORDER`; kinds of equal rank (unlisted ones) sort by name.
 */
export function renderManifests(objects: readonly KubeObject[]): Map<string, string> {
  const byKind = new Map<string, KubeObject[]>();
  for (const o of objects) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), o]);
  const kinds = [...byKind.keys()].sort((a, b) => kindRank(a) - kindRank(b) || a.localeCompare(b));
  const files = new Map<string, string>();
  kinds.forEach((kind) => {
    const docs = byKind
      .get(kind)!
      .slice()
      .sort((a, b) => identity(a).localeCompare(identity(b)))
      .map(toYaml);
    files.set(`${String(kindRank(kind)).padStart(2, '0')}-${kind.toLowerCase()}.yaml`, docs.join('---\n'));
  });
  return files;
}

function identity(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}
