/**
 * Issue 19 item 16: the stacks delivered by Flux alone. Field names from fluxcd/kustomize-controller
 * v1.9.4 api/v1, fluxcd/helm-controller v1.6.3 api/v2, fluxcd/source-controller v1.9.1 api/v1; health
 * expressions evaluated as fluxcd/pkg runtime/cel does (CEL over the object's top-level fields).
 */
import * as fs from 'fs';
import * as path from 'path';
import { isCelError, run } from '@bufbuild/cel';
import { parse, parseAllDocuments } from 'yaml';
import { KubeObject } from '../../model/kube';
import { customResourceSchema, describeWithCrds, validateCustomResource } from '../support/crd-validator';
import { synthToTemp } from '../support/synth';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const out = synthToTemp('examples/colossus-1.yaml');
const read = (file: string) =>
  parseAllDocuments(fs.readFileSync(path.join(out.outdir, 'gitops', 'flux', file), 'utf8')).map(
    (d) => d.toJS() as Json,
  );
const units: Json[] = read('colossus-1.yaml');
/** The example's first cell (its stacks are a workload cluster's). */
const CELL = 'colossus-1-h100-c00';
const helm: Json[] = read(`${CELL}-operators/releases.yaml`);
const unit = (name: string) => units.find((u) => u.metadata.name === name)!;
const manifest = JSON.parse(fs.readFileSync(path.join(out.outdir, 'manifest.json'), 'utf8')) as {
  stacks: Record<string, { dependencies: string[] }>;
};

describe('Flux Kustomizations, one per stack', () => {
  it('read each stack’s manifests (the operators as HelmReleases), in the stacks’ dependency order', () => {
    const byPath = Object.fromEntries(units.map((u) => [u.metadata.name, u.spec.path]));
    for (const stack of out.stacks) {
      if (stack.endsWith('-operators')) continue;
      expect(byPath[stack]).toBe(`./manifests/${stack}`);
      expect((unit(stack).spec.dependsOn ?? []).map((d: Json) => d.name)).toEqual(manifest.stacks[stack].dependencies);
    }
    expect(byPath[`${CELL}-operators-namespaces`]).toBe(`./manifests/${CELL}-operators`);
    expect(byPath[`${CELL}-operators`]).toBe(`./gitops/flux/${CELL}-operators`);
    expect(unit(`${CELL}-operators`).spec.dependsOn).toEqual([{ name: `${CELL}-operators-namespaces` }]);
    expect(unit(`${CELL}-operators-namespaces`).spec.dependsOn).toEqual([{ name: `${CELL}-management` }]);
    // The operators unit is Ready only when every HelmRelease is (its CRDs exist for the platform).
    expect(unit(`${CELL}-operators`).spec.wait).toBe(true);
    // The manager: Kueue alone, then its queues; no cell unit waits for it.
    expect(read('colossus-1-manager-operators/releases.yaml').filter((o) => o.kind === 'HelmRelease')).toEqual([
      expect.objectContaining({ metadata: expect.objectContaining({ name: 'kueue' }) }),
    ]);
    expect(unit('colossus-1-manager').spec.dependsOn).toEqual([{ name: 'colossus-1-manager-operators' }]);
    // Every path the units read exists in the output.
    for (const u of units) expect(fs.existsSync(path.join(out.outdir, u.spec.path))).toBe(true);
  });

  it('run on the management cluster and reach each cell through the kubeconfig Secret Cluster API writes for it (the manager through one the operator makes)', () => {
    for (const u of units) {
      expect(u.metadata.namespace).toBe('colossus-1');
      expect(u.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'colossus', namespace: 'colossus-1' });
      // Management units and the HelmRelease units are applied on the management cluster itself.
      const local = /-(management|operators)$/.test(u.metadata.name);
      const cluster = u.metadata.name.match(/^colossus-1-(manager|[a-z0-9]+-c\d\d)/)![0];
      expect(u.spec.kubeConfig).toEqual(
        local ? undefined : { secretRef: { name: `${cluster}-kubeconfig`, key: 'value' } },
      );
    }
  });

  it('gate the next unit on the controller: KubeadmControlPlane initialized, NicClusterPolicy synced (the IPPools are a unit of their own)', () => {
    expect(unit(`${CELL}-management`).spec.healthChecks).toEqual([
      {
        apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
        kind: 'KubeadmControlPlane',
        name: `${CELL}-control-plane`,
        namespace: 'colossus-1',
      },
    ]);
    expect(unit(`${CELL}-platform`).spec.healthChecks).toEqual([
      { apiVersion: 'mellanox.com/v1alpha1', kind: 'NicClusterPolicy', name: 'nic-cluster-policy' },
    ]);
    expect(unit(`${CELL}-fabric`).spec.dependsOn).toEqual([{ name: `${CELL}-platform` }]);
    expect(out.yamlObjects(`${CELL}-platform`).some((o) => o.kind === 'IPPool')).toBe(false);
  });

  it('health expressions give the readiness the Terraform waits give (evaluated with CEL, fluxcd/pkg runtime/cel)', () => {
    const expr = (name: string, kind: string) =>
      (unit(name).spec.healthCheckExprs as Json[]).find((e) => e.kind === kind).current as string;
    const kcp = expr(`${CELL}-management`, 'KubeadmControlPlane');
    const policy = expr(`${CELL}-platform`, 'NicClusterPolicy');
    const cases: [string, Json, boolean][] = [
      [kcp, { status: { initialization: { controlPlaneInitialized: true } } }, true],
      [kcp, { status: { initialization: { controlPlaneInitialized: false } } }, false],
      [kcp, { status: { initialization: {} } }, false],
      [kcp, { status: {} }, false],
      [policy, { status: { state: 'notReady' } }, true],
      [policy, { status: { state: 'ready' } }, true],
      [policy, { status: { state: 'error' } }, false],
      [policy, { status: { state: 'ready-ish notReady' } }, false],
      [policy, { status: {} }, false],
    ];
    for (const [e, object, expected] of cases) {
      const result = run(e, object);
      expect(isCelError(result) ? result.message : result).toBe(expected);
    }
  });

  it('never prune what holds machines or data, nor the HelmReleases (uninstalling Kueue deletes its CRDs and every queue)', () => {
    const keep = (o: Json) => o.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune'] === 'disabled';
    expect(keep(unit(`${CELL}-management`))).toBe(true);
    expect(keep(unit(`${CELL}-operators`))).toBe(true);
    for (const r of helm.filter((o) => o.kind === 'HelmRelease')) expect(keep(r)).toBe(true);
  });
});

describe('Flux HelmReleases of the operators', () => {
  const terraform = out.cdktf(`${CELL}-operators`).resource?.helm_release as Json;
  const releases = helm.filter((o) => o.kind === 'HelmRelease');

  it('install the same charts, versions and values as the Terraform releases, in the same order', () => {
    for (const r of Object.values<Json>(terraform)) {
      const flux = releases.find((h) => h.spec.releaseName === r.name);
      expect(flux.spec.targetNamespace).toBe(r.namespace);
      expect(flux.spec.chart.spec.chart).toBe(r.chart);
      expect(flux.spec.chart.spec.version).toBe(r.version);
      const repo = helm.find(
        (o) => o.kind === 'HelmRepository' && o.metadata.name === flux.spec.chart.spec.sourceRef.name,
      );
      expect(repo.spec.url).toBe(r.repository);
      expect(flux.spec.values).toEqual(parse(r.values[0]));
      const needs = r.depends_on.filter((d: string) => d.startsWith('helm_release.')).map((d: string) => d.slice(13));
      expect((flux.spec.dependsOn ?? []).map((d: Json) => d.name.replace(/-/g, '_'))).toEqual(needs);
    }
    expect(helm.find((o) => o.metadata.name === 'kueue' && o.kind === 'HelmRepository').spec.type).toBe('oci');
  });

  it('upgrade NFD’s crds/ (Helm never does) and the GPU Operator without OpenAPI validation; retry failed installs', () => {
    const byName = (n: string) => releases.find((r) => r.metadata.name === n);
    expect(byName('node-feature-discovery').spec.upgrade.crds).toBe('CreateReplace');
    expect(byName('kueue').spec.upgrade.crds).toBe('Skip');
    expect(byName('gpu-operator').spec.upgrade.disableOpenAPIValidation).toBe(true);
    for (const r of releases) expect(r.spec.install.remediation.retries).toBeGreaterThan(0);
  });
});

describeWithCrds('Flux objects against the Flux CRDs (when COLOSSUS_CRDS_DIR holds them)', () => {
  const all: KubeObject[] = [...units, ...helm];
  const available = all.every((o) => customResourceSchema(o) !== undefined);
  (available ? it : it.skip)(
    'validate against kustomize-controller, helm-controller and source-controller CRDs',
    () => {
      expect(all.flatMap((o) => validateCustomResource(o))).toEqual([]);
    },
  );
});
