/**
 * Issue 19 items 2, 5, 6 and 12: each stack is planned only once its CRDs exist, waits where the
 * next stack depends on a controller, protects what deprovisions hosts, replaces what cannot change
 * in place, and names its kubernetes-backend state the way Terraform accepts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { diffOutputs } from '../../review/diff';
import { readOutput } from '../../review/read-output';
import { stateSecretSuffix } from '../../stacks/kubernetes-backend';
import { ROOT, synthToTemp, tempDir } from '../support/synth';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const colossus = synthToTemp('examples/colossus-1.yaml');
const manifest = JSON.parse(fs.readFileSync(path.join(colossus.outdir, 'manifest.json'), 'utf8')) as {
  stacks: Record<string, { dependencies: string[] }>;
};
const resourceOf = (stack: string, address: string): Json =>
  colossus.cdktf(stack).resource?.kubernetes_manifest?.[address];
/** The example's first cell, whose stacks are a workload cluster's (`colossus-1-h100-c00-*`). */
const CELL = 'colossus-1-h100-c00';

describe('stack order: nothing is planned before its CRD exists (terraform-provider-kubernetes v2.38.0 manifest/provider/plan.go resolves the GVK at plan time)', () => {
  it('puts the nv-ipam IPPools, whose CRD the Network Operator installs while reconciling NicClusterPolicy (network-operator v26.4 manifests/state-nv-ipam-cni), in a fabric stack after the platform', () => {
    const kinds = (stack: string) => new Set([...colossus.terraformObjects(stack).values()].map((o) => o.kind));
    expect([...kinds(`${CELL}-fabric`)]).toEqual(['IPPool']);
    expect(kinds(`${CELL}-platform`).has('IPPool')).toBe(false);
    expect(kinds(`${CELL}-platform`).has('NicClusterPolicy')).toBe(true);
    expect(colossus.yamlObjects(`${CELL}-fabric`).map((o) => o.kind)).toEqual(Array(8).fill('IPPool'));
    expect(manifest.stacks[`${CELL}-fabric`].dependencies).toEqual([`${CELL}-platform`]);
  });

  it('has no dependency across clusters: management stands alone (the workload kubeconfig is a step between), and no cell depends on the manager or another cell', () => {
    const deps = Object.fromEntries(
      Object.entries(manifest.stacks)
        .filter(([k]) => k.startsWith(`${CELL}-`) || k.startsWith('colossus-1-manager'))
        .map(([k, v]) => [k, v.dependencies]),
    );
    expect(deps).toEqual({
      'colossus-1-manager-operators': [],
      'colossus-1-manager': ['colossus-1-manager-operators'],
      [`${CELL}-management`]: [],
      [`${CELL}-operators`]: [],
      [`${CELL}-platform`]: [`${CELL}-operators`],
      [`${CELL}-fabric`]: [`${CELL}-platform`],
      [`${CELL}-tenant-grok`]: [`${CELL}-platform`],
      [`${CELL}-tenant-grok-research`]: [`${CELL}-platform`],
    });
    for (const [stack, { dependencies }] of Object.entries(manifest.stacks)) {
      const prefix = stack.match(/^colossus-1-(manager|[a-z0-9]+-c\d\d)/)![0];
      for (const d of dependencies) expect(d.startsWith(prefix)).toBe(true);
    }
  });

  it('makes the NicClusterPolicy apply wait until the operator has synced every state once (network-operator v26.4.0 controllers/nicclusterpolicy_controller.go, pkg/state/manager.go)', () => {
    const policy = resourceOf(`${CELL}-platform`, 'nicclusterpolicy_nic_cluster_policy');
    expect(policy.wait).toEqual({ fields: { 'status.state': '^(ready|notReady)$' } });
    expect(policy.timeouts).toEqual({ create: '30m' });
    const re = new RegExp(policy.wait.fields['status.state']);
    expect(['ready', 'notReady'].map((s) => re.test(s))).toEqual([true, true]);
    expect(['', 'error', 'ignore'].map((s) => re.test(s))).toEqual([false, false, false]);
  });

  it('makes the KubeadmControlPlane apply wait until the workload API accepts requests (CAPI v1beta2 status.initialization.controlPlaneInitialized)', () => {
    const kcp = resourceOf(`${CELL}-management`, 'kubeadmcontrolplane_colossus_1_colossus_1_h100_c00_control_plane');
    expect(kcp.wait).toEqual({ fields: { 'status.initialization.controlPlaneInitialized': '^true$' } });
    expect(kcp.timeouts).toEqual({ create: '90m' });
    // Nothing else waits: a wait on 78 MachineDeployments would hold the deploy for the slowest host.
    const waiting = Object.entries(colossus.cdktf(`${CELL}-management`).resource?.kubernetes_manifest ?? {})
      .filter(([, r]) => (r as Json).wait)
      .map(([a]) => a);
    expect(waiting).toEqual(['kubeadmcontrolplane_colossus_1_colossus_1_h100_c00_control_plane']);
  });
});

describe('objects whose deletion deprovisions hosts (item 6)', () => {
  const resources = colossus.cdktf(`${CELL}-management`).resource?.kubernetes_manifest ?? {};
  const byKind = (kind: string) => Object.values(resources).filter((r) => (r as Json).manifest.kind === kind) as Json[];

  it('carry prevent_destroy and the Argo CD / Flux prune guards: Cluster, Metal3Cluster, KubeadmControlPlane, every MachineDeployment', () => {
    for (const kind of ['Cluster', 'Metal3Cluster', 'KubeadmControlPlane', 'MachineDeployment']) {
      const list = byKind(kind);
      expect(list.length).toBeGreaterThan(0);
      for (const r of list) {
        expect(r.lifecycle).toEqual({ prevent_destroy: true });
        expect(r.manifest.metadata.annotations).toMatchObject({
          'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
          'kustomize.toolkit.fluxcd.io/prune': 'disabled',
        });
      }
    }
    expect(byKind('MachineDeployment')).toHaveLength(78);
    // Templates are re-created harmlessly: not protected, and replaced new-first (issue 17, content-named templates).
    for (const r of byKind('Metal3MachineTemplate')) expect(r.lifecycle).toEqual({ create_before_destroy: true });
  });

  it('an apiVersion change of them is a high-risk replacement in colossus diff, not a low-risk change', () => {
    const head = path.join(tempDir(), 'out');
    fs.cpSync(colossus.outdir, head, { recursive: true });
    const file = path.join(head, 'stacks', `${CELL}-management`, 'cdk.tf.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const r of Object.values<Json>(json.resource.kubernetes_manifest)) {
      if (r.manifest.apiVersion === 'cluster.x-k8s.io/v1beta2') r.manifest.apiVersion = 'cluster.x-k8s.io/v1';
    }
    fs.writeFileSync(file, JSON.stringify(json));
    const d = diffOutputs(readOutput(colossus.outdir), readOutput(head));
    expect(d.risk).toBe('high');
    const stack = d.stacks.find((s) => s.stack === `${CELL}-management`)!;
    expect(stack.counts.changed).toBe(0);
    // The Cluster, 78 MachineDeployments and 79 MachineHealthChecks.
    expect(stack.counts.replaced).toBeGreaterThanOrEqual(1 + 78 + 79);
    const cluster = stack.changes.find((c) => c.identity === 'Cluster/colossus-1/colossus-1-h100-c00')!;
    expect(cluster.change).toBe('replaced');
    expect(cluster.risks[0].reason).toMatch(
      /cluster.x-k8s.io\/v1beta2 Cluster -> cluster.x-k8s.io\/v1 Cluster: kubernetes_manifest destroys and re-creates it; deleting it deprovisions its hosts/,
    );
  });
});

describe('fields the API refuses to change (item 12): a change replaces the object instead of failing with 422', () => {
  const platform = colossus.cdktf('colossus-1-gb200-c00-platform').resource ?? {};

  it('ties each such object to a terraform_data of its immutable fields (Terraform v1.11.4 replace_triggered_by)', () => {
    const flavor = (platform.kubernetes_manifest as Json).resourceflavor_gb200;
    // A bare reference, as Terraform parses JSON (configs/import.go unwrapJSONRefExpr); "${...}" would not parse.
    expect(flavor.lifecycle).toEqual({ replace_triggered_by: ['terraform_data.resourceflavor_gb200_immutable'] });
    const data = (platform.terraform_data as Json).resourceflavor_gb200_immutable;
    expect(Object.keys(data.input).sort()).toEqual(['spec.nodeLabels', 'spec.tolerations', 'spec.topologyName']);
    // GB200 flavors use the NVLink topology, which has the clique level (issue 15).
    expect(JSON.parse(data.input['spec.topologyName'])).toBe('block-rack-clique-host');
    const kinds = Object.keys(platform.terraform_data as Json)
      .map((a) => (platform.kubernetes_manifest as Json)[a.replace(/_immutable$/, '')].manifest.kind)
      .sort();
    expect(new Set(kinds)).toEqual(new Set(['NVIDIADriver', 'ResourceFlavor', 'StorageClass', 'Topology']));
    const driver = Object.entries(platform.terraform_data as Json).find(([a]) =>
      a.startsWith('nvidiadriver_'),
    )![1] as Json;
    expect(Object.keys(driver.input)).toContain('spec.driverType');
  });

  it('keeps prevent_destroy where both apply, so replacing a protected volume fails the plan instead', () => {
    const tenant = colossus.stacks.find(
      (s) => (colossus.cdktf(s).resource?.kubernetes_manifest ?? {}) && s.includes('tenant'),
    )!;
    const pvcs = Object.values<Json>(colossus.cdktf(tenant).resource?.kubernetes_manifest ?? {}).filter(
      (r) => r.manifest.kind === 'PersistentVolumeClaim' && r.lifecycle?.prevent_destroy,
    );
    for (const r of pvcs) expect(r.lifecycle.replace_triggered_by).toHaveLength(1);
  });

  it('colossus diff reports such a change as a replacement, naming the field', () => {
    const head = path.join(tempDir(), 'out');
    fs.cpSync(colossus.outdir, head, { recursive: true });
    const file = path.join(head, 'stacks', 'colossus-1-gb200-c00-platform', 'cdk.tf.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    json.resource.kubernetes_manifest.resourceflavor_gb200.manifest.spec.tolerations = [];
    fs.writeFileSync(file, JSON.stringify(json));
    const d = diffOutputs(readOutput(colossus.outdir), readOutput(head));
    const change = d.stacks.flatMap((s) => s.changes).find((c) => c.identity === 'ResourceFlavor/gb200')!;
    expect(change.change).toBe('replaced');
    expect(change.risks[0]).toEqual({
      level: 'high',
      reason: 'spec.tolerations cannot change in place (the API refuses it): destroyed and re-created',
    });
  });
});

describe('kubernetes backend naming (Terraform v1.11.4 internal/backend/remote-state/kubernetes)', () => {
  it('keeps a valid stack name as the suffix, so existing state stays where it is', () => {
    expect(stateSecretSuffix('colossus-1-tenant-grok')).toBe('colossus-1-tenant-grok');
    expect(stateSecretSuffix('lab-platform')).toBe('lab-platform');
  });

  it('never ends in -<number> (backend.go hasNumericSuffix) and fits a 63-character label value (client.go tfstateSecretSuffix)', () => {
    const names = [
      'lab-tenant-team-2',
      'lab-tenant-2',
      `${'c'.repeat(30)}-tenant-${'t'.repeat(40)}`,
      `${'x'.repeat(60)}-9`,
    ];
    const suffixes = names.map(stateSecretSuffix);
    for (const s of suffixes) {
      expect(s.length).toBeLessThanOrEqual(63);
      expect(s).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      expect(/-[0-9]+$/.test(s)).toBe(false);
      // The Secret `tfstate-default-<suffix>` and its `-part-N` chunks stay DNS-1123 subdomains.
      expect(`tfstate-default-${s}-part-99`.length).toBeLessThanOrEqual(253);
    }
    expect(new Set(suffixes).size).toBe(names.length);
    expect(suffixes[0]).toMatch(/^lab-tenant-team-2-[0-9a-f]{8}-state$/);
  });

  it('is what a synth of a tenant named team-2 writes', () => {
    const doc = parse(fs.readFileSync(path.join(ROOT, 'examples', 'lab.yaml'), 'utf8')) as Json;
    doc.spec.backend = { kind: 'kubernetes' };
    doc.spec.tenants[0].name = 'team-2';
    delete doc.spec.tenants[0].namespaces;
    const out = synthToTemp(stringify(doc));
    const backend = out.cdktf('lab-tenant-team-2').terraform?.backend?.kubernetes as Json;
    expect(backend.secret_suffix).toBe(stateSecretSuffix('lab-tenant-team-2'));
    expect(backend.secret_suffix).not.toBe('lab-tenant-team-2');
    expect(backend.namespace).toBe('terraform-state');
  });
});
