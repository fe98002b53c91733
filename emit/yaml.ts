/**
 * YAML emission: the same objects the Terraform stacks hold, as plain manifests for
 * `kubectl apply -f` or a GitOps tool, one file per kind, numbered in a safe apply order.
 */
import { stringify } from 'yaml';
import { fastYaml } from './fast-yaml';
import { applyRank } from '../model/kinds';
import { KubeObject } from '../model/kube';

/** Serializes one object as a YAML document. */
export function toYaml(object: KubeObject): string {
  // YAML 1.1 quoting: kubectl reads YAML 1.1, where a bare on/off/yes/no is a boolean (SriovNetwork spoofChk: "on").
  // fastYaml writes the same bytes much faster for what objects usually hold (see emit/fast-yaml.ts).
  return fastYaml(object) ?? stringify(object, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' });
}

/**
 * The YAML files of one stack: file name to content. Files are named `NN-<kind>.yaml`, NN the
 * kind's rank, so that `kubectl apply -f <dir>` (which goes in file-name order) applies them in
 * the kind registry's order; kinds of equal rank (unlisted ones) sort by name.
 */
export function renderManifests(objects: readonly KubeObject[]): Map<string, string> {
  const byKind = new Map<string, KubeObject[]>();
  for (const o of objects) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), o]);
  const kinds = [...byKind.keys()].sort((a, b) => applyRank(a) - applyRank(b) || a.localeCompare(b));
  const files = new Map<string, string>();
  kinds.forEach((kind) => {
    const docs = byKind
      .get(kind)!
      .slice()
      .sort((a, b) => identity(a).localeCompare(identity(b)))
      .map(toYaml);
    files.set(`${String(applyRank(kind)).padStart(2, '0')}-${kind.toLowerCase()}.yaml`, docs.join('---\n'));
  });
  return files;
}

function identity(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}
