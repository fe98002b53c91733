/** Issue 19 item 13: adopting objects and releases that already exist, through import blocks. */
import * as path from 'path';
import { manifestImportId } from '../../stacks/colossus-stack';
import { runCli } from '../support/run-cli';
import { readOutput, tempDir } from '../support/synth';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function synth(...flags: string[]) {
  const out = path.join(tempDir(), 'out');
  const r = runCli(['synth', '--spec', 'examples/lab.yaml', '--out', out, ...flags]);
  expect(r.code).toBe(0);
  return readOutput(out);
}

describe('synth --adopt true', () => {
  const adopted = synth('--adopt', 'true');
  const plain = synth();

  it('writes one import block per kubernetes_manifest, with the ID terraform-provider-kubernetes v2.38.0 util.ParseResourceID reads', () => {
    for (const stack of adopted.stacks) {
      const json = adopted.cdktf(stack) as Json;
      const manifests = Object.entries<Json>(json.resource?.kubernetes_manifest ?? {});
      const imports = new Map<string, string>((json.import ?? []).map((i: Json) => [i.to, i.id]));
      for (const [name, r] of manifests) {
        const id = imports.get(`kubernetes_manifest.${name}`);
        expect(id).toBe(manifestImportId(r.manifest));
        // key=value pairs, 3 or 4 of them, keys from the provider's set.
        const pairs = id!.split(',').map((p) => p.split('='));
        expect(pairs.length === 3 || pairs.length === 4).toBe(true);
        expect(pairs.map(([k]) => k)).toEqual(
          r.manifest.metadata.namespace === undefined
            ? ['apiVersion', 'kind', 'name']
            : ['apiVersion', 'kind', 'namespace', 'name'],
        );
        // Server-side apply takes over the fields kubectl or Helm owned (a conflict would fail the apply).
        expect(r.field_manager.force_conflicts).toBe(true);
      }
    }
    expect(manifestImportId({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } })).toBe(
      'apiVersion=v1,kind=Namespace,name=team-a',
    );
  });

  it('imports the Helm releases as namespace/name (terraform-provider-helm v3.1.1 ImportState)', () => {
    const json = adopted.cdktf('lab-operators') as Json;
    const helm = (json.import as Json[]).filter((i) => i.to.startsWith('helm_release.')).map((i) => `${i.to} ${i.id}`);
    expect(helm.sort()).toEqual([
      'helm_release.cilium cilium/cilium',
      'helm_release.gpu_operator gpu-operator/gpu-operator',
      'helm_release.kueue kueue-system/kueue',
      'helm_release.network_operator nvidia-network-operator/network-operator',
      'helm_release.node_feature_discovery node-feature-discovery/node-feature-discovery',
    ]);
  });

  it('is off by default: no import block, no forced field ownership', () => {
    for (const stack of plain.stacks) {
      const json = plain.cdktf(stack) as Json;
      expect(json.import).toBeUndefined();
      for (const r of Object.values<Json>(json.resource?.kubernetes_manifest ?? {})) {
        expect(r.field_manager.force_conflicts).toBe(false);
      }
    }
  });

  it('changes no address and no object', () => {
    for (const stack of plain.stacks) {
      const a = adopted.cdktf(stack) as Json;
      const p = plain.cdktf(stack) as Json;
      expect(Object.keys(a.resource ?? {})).toEqual(Object.keys(p.resource ?? {}));
      expect([...adopted.terraformObjects(stack)]).toEqual([...plain.terraformObjects(stack)]);
    }
  });
});
