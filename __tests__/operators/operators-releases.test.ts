/** The operators stack: pinned Helm releases with values from the spec, and helmfile.yaml with the same content. */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { loadSpecFile } from '../../spec/load';
import { NETWORK_OPERATOR_NAMESPACE } from '../../constructs/fabric';
import { CHARTS, migStrategy, OPERATOR_NAMESPACES, operatorReleases, rdmaEnabled } from '../../operators/charts';
import { renderHelmfile } from '../../operators/helmfile';
import { analyzeCells } from '../../cells/analysis';
import { ROOT, synthToTemp } from '../support/synth';

const out = synthToTemp('examples/colossus-1.yaml');
/** The partner's GB200 cell of the built-in example: its node agents must tolerate the dedicated taint. */
const CELL = 'colossus-1-gb200-c00';
const helmReleases = out.cdktf(`${CELL}-operators`).resource?.helm_release ?? {};
const helmfile = parse(fs.readFileSync(path.join(out.outdir, 'helmfiles', `${CELL}.yaml`), 'utf8')) as {
  repositories: { name: string; url: string; oci?: boolean }[];
  helmDefaults: Record<string, unknown>;
  releases: { name: string; namespace: string; chart: string; version: string; values: unknown[]; needs?: string[] }[];
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const valuesOf = (release: string): any => parse((helmReleases[release].values as string[])[0]);

describe('the operators stack', () => {
  it('installs NFD, the Network Operator, the GPU Operator and Kueue at exact chart versions', () => {
    expect(
      Object.values(helmReleases)
        .map((r) => `${r.repository} ${r.chart} ${r.version}`)
        .sort(),
    ).toEqual([
      'https://helm.cilium.io cilium 1.18.0',
      'https://helm.ngc.nvidia.com/nvidia gpu-operator v26.7.0',
      'https://helm.ngc.nvidia.com/nvidia network-operator 26.4.1',
      'https://kubernetes-sigs.github.io/node-feature-discovery/charts node-feature-discovery 0.19.0',
      'oci://registry.k8s.io/dra-driver-nvidia/charts dra-driver-nvidia-gpu 0.4.0',
      'oci://registry.k8s.io/kueue/charts kueue 0.19.2',
    ]);
    for (const chart of Object.values(CHARTS)) expect(chart.version).toMatch(/^v?\d+\.\d+\.\d+$/);
  });

  it('derives the GPU Operator values from the spec: open kernel modules, GPUDirect RDMA, MIG strategy, pool taints', () => {
    const values = valuesOf('gpu_operator');
    expect(values.driver).toEqual({
      enabled: true,
      kernelModuleType: 'open',
      nvidiaDriverCRD: { enabled: true, deployDefaultCR: false },
    });
    expect(values.mig).toEqual({ strategy: 'single' });
    // The example declares a fabric: its SR-IOV policies need the SR-IOV operator, in the namespace the fabric uses.
    expect(valuesOf('network_operator').sriovNetworkOperator).toEqual({ enabled: true });
    expect(OPERATOR_NAMESPACES.networkOperator).toBe(NETWORK_OPERATOR_NAMESPACE);
    expect(values.nfd).toEqual({ enabled: false });
    expect(values.dcgm).toEqual({ enabled: true });
    // The GB200 pool is dedicated: its taint must not keep the GPU operands off its nodes.
    expect(values.daemonsets.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'colossus.dev/dedicated', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(valuesOf('node_feature_discovery').worker.tolerations).toContainEqual({
      key: 'colossus.dev/dedicated',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
  });

  it('turns RDMA off without RDMA NICs and picks mixed MIG only for layouts that are not uniform per node', () => {
    const { cluster } = loadSpecFile(path.join(ROOT, 'examples', 'lab.yaml'));
    const pool = cluster.pools[0];
    expect(rdmaEnabled({ pools: [{ ...pool, sku: { ...pool.sku, rdmaNicsPerNode: 0 } }] })).toBe(false);
    expect(rdmaEnabled(cluster)).toBe(true);
    expect(migStrategy({ pools: [{ ...pool, migProfile: 'all-1g.10gb' }] })).toBe('single');
    expect(migStrategy({ pools: [{ ...pool, migProfile: 'custom-layout' }] })).toBe('mixed');
    const lab = operatorReleases(cluster);
    expect(lab.find((r) => r.name === 'network-operator')!.values).toMatchObject({
      sriovNetworkOperator: { enabled: false },
    });
    // No dedicated pool in the lab: node agents tolerate only the GPU taint.
    expect(lab.find((r) => r.name === 'gpu-operator')!.values).toMatchObject({
      daemonsets: { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] },
    });
  });

  it('creates the operator namespaces first, privileged only where node agents need it', () => {
    const namespaces = Object.fromEntries(
      out
        .yamlObjects(`${CELL}-operators`)
        .filter((o) => o.kind === 'Namespace')
        .map((o) => [o.metadata.name, o.metadata.labels?.['pod-security.kubernetes.io/enforce']]),
    );
    expect(namespaces).toEqual({
      cilium: 'privileged',
      'dra-driver-nvidia-gpu': 'privileged',
      'gpu-operator': 'privileged',
      'kueue-system': 'restricted',
      'node-feature-discovery': 'privileged',
      'nvidia-network-operator': 'privileged',
    });
    expect(helmReleases.gpu_operator.depends_on).toEqual([
      'kubernetes_manifest.namespace_gpu-operator'.replace(/-/g, '_'),
      'helm_release.node_feature_discovery',
      'helm_release.network_operator',
    ]);
    expect(helmReleases.kueue.create_namespace).toBe(false);
  });

  it('reaches the workload cluster through its kubeconfig context and writes no credential', () => {
    const tf = out.cdktf(`${CELL}-operators`);
    expect(tf.provider?.helm).toEqual([{ kubernetes: { config_context: CELL, config_path: '~/.kube/config' } }]);
    expect(JSON.stringify(tf)).not.toMatch(/token|password|client_key|client_certificate|repository_password/);
  });
});

describe('helmfile.yaml', () => {
  it('installs exactly the same charts, versions and values as the Terraform releases', () => {
    expect(helmfile.releases).toHaveLength(Object.keys(helmReleases).length);
    const repos = new Map(helmfile.repositories.map((r) => [r.name, r]));
    for (const release of helmfile.releases) {
      const tf = Object.values(helmReleases).find((r) => r.name === release.name)!;
      const [repoName, chart] = release.chart.split('/');
      const repo = repos.get(repoName)!;
      expect(repo.oci ? `oci://${repo.url}` : repo.url).toBe(tf.repository);
      expect(chart).toBe(tf.chart);
      expect(release.version).toBe(tf.version);
      expect(release.namespace).toBe(tf.namespace);
      expect(release.values).toEqual([parse((tf.values as string[])[0])]);
    }
    expect(helmfile.helmDefaults).toEqual({
      kubeContext: CELL,
      wait: true,
      timeout: helmReleases.kueue.timeout,
      historyMax: helmReleases.kueue.max_history,
      createNamespace: false,
    });
  });

  it('orders releases by their needs, as the Terraform dependencies do', () => {
    expect(helmfile.releases.find((r) => r.name === 'gpu-operator')!.needs).toEqual([
      'node-feature-discovery/node-feature-discovery',
      'nvidia-network-operator/network-operator',
    ]);
  });

  it('is deterministic and declares the OCI registry of Kueue', () => {
    const { cluster } = loadSpecFile(path.join(ROOT, 'examples', 'colossus-1.yaml'));
    const cell = analyzeCells(cluster).cellClusters!.find((c) => c.cluster.name === CELL)!.cluster;
    const text = renderHelmfile(operatorReleases(cell), CELL);
    expect(text).toBe(fs.readFileSync(path.join(out.outdir, 'helmfiles', `${CELL}.yaml`), 'utf8'));
    // The manager runs Kueue alone.
    const manager = parse(fs.readFileSync(path.join(out.outdir, 'helmfile.yaml'), 'utf8')) as typeof helmfile;
    expect(manager.releases.map((r) => r.name)).toEqual(['kueue']);
    expect(manager.helmDefaults.kubeContext).toBe('colossus-1');
    expect(helmfile.repositories).toContainEqual({ name: 'kueue', url: 'registry.k8s.io/kueue/charts', oci: true });
  });
});
