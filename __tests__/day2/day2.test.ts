/**
 * Day-2 at scale: content-named templates replaced before they are destroyed, rollouts in waves the
 * spec bounds, driver and SR-IOV parallelism from the same bound, controllers sized from the fleet,
 * the object size budget, and the disruption `colossus diff` states for each change.
 */
import * as fs from 'fs';
import * as path from 'path';
import { controllerMemoryMiB, clusterLoad } from '../../day2/controller-sizing';
import { estimateObjectSize, OBJECT_BUDGET_BYTES, overBudget } from '../../day2/object-size';
import { formatDuration, planWaves } from '../../day2/waves';
import { DEFAULT_OPERATIONS } from '../../model/cluster';
import { build, KubeObject } from '../../model/kube';
import type { MachineHealthCheck } from '../../model/crds/cluster-api';
import { diffOutputs } from '../../review/diff';
import { formatDiffMarkdown } from '../../review/diff-markdown';
import { readOutput } from '../../review/read-output';
import { GpuCatalog } from '../../catalog/gpus';
import { specIssues } from '../support/spec-issues';
import { ROOT, synthToTemp, tempDir, writeSpec } from '../support/synth';
import { loadSpecFile } from '../../spec/load';
import { synthesize } from '../../emit/synthesize';

// Power for the extra pools: the lab site's 0.1 MW holds its two nodes only.
const LAB = fs
  .readFileSync(path.join(ROOT, 'examples', 'lab.yaml'), 'utf8')
  .replace('powerBudgetMW: 0.1', 'powerBudgetMW: 500')
  .replace('maxRackKW: 30', 'maxRackKW: 700');
const COLOSSUS = fs.readFileSync(path.join(ROOT, 'examples', 'colossus-1.yaml'), 'utf8');

const IMAGE = "image: { url: 'https://images.lab.internal/ubuntu.raw', checksum: 0123abcd }";
const NEW_IMAGE = "image: { url: 'https://images.lab.internal/ubuntu-2.raw', checksum: 4567ef01 }";
const management = (image = IMAGE, extra = '') => `  management:
    context: lab-mgmt
    kubernetesVersion: v1.33.4
    controlPlaneEndpoint: { host: 10.0.0.10 }
    ${image}
${extra}`;

/** The lab with a management cluster and a 3-block pool of 2-node racks. */
const lab = (image = IMAGE, extra = '', pool = '') =>
  LAB.replace('  site:\n', `${management(image, extra)}  site:\n`).replace(
    '      racksPerBlock: 1\n',
    `      racksPerBlock: 1
    - name: big
      gpu: H100-SXM5-80GB
      nodes: 12
      nodesPerRack: 2
      racksPerBlock: 2
${pool}`,
  );

const objectsOf = (out: ReturnType<typeof synthToTemp>) => out.yamlObjects('lab-management');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const spec = (o: KubeObject) => o.spec as any;
const md = (objects: KubeObject[], name: string) =>
  objects.find((o) => o.kind === 'MachineDeployment' && o.metadata.name === name)!;
const infraRef = (objects: KubeObject[], name: string): string =>
  spec(md(objects, name)).template.spec.infrastructureRef.name;

const before = synthToTemp(lab());

describe('machine templates named by their content', () => {
  const after = synthToTemp(lab(NEW_IMAGE));

  it('keep their name while their content is the same, and get a new one when it changes', () => {
    const again = synthToTemp(lab());
    const names = (objects: KubeObject[]) =>
      objects.filter((o) => o.kind.endsWith('Template')).map((o) => o.metadata.name);
    expect(names(objectsOf(again))).toEqual(names(objectsOf(before)));
    for (const block of ['big-b000', 'big-b001', 'big-b002']) {
      expect(infraRef(objectsOf(after), block)).not.toBe(infraRef(objectsOf(before), block));
      expect(infraRef(objectsOf(after), block)).toMatch(new RegExp(`^${block}-[0-9a-f]{8}$`));
    }
    // The bootstrap template did not change, so it keeps its name (and no rollout comes from it).
    const bootstrap = (objects: KubeObject[]) => spec(md(objects, 'big-b000')).template.spec.bootstrap.configRef.name;
    expect(bootstrap(objectsOf(after))).toBe(bootstrap(objectsOf(before)));
  });

  it('are created before the MachineDeployments that name them change, and destroyed only after', () => {
    const tf = after.cdktf('lab-management').resource!.kubernetes_manifest;
    const template = Object.entries(tf).find(([k]) => k.startsWith('metal3machinetemplate_lab_big_b000_'))!;
    expect(template[1].lifecycle).toEqual({ create_before_destroy: true });
    const deployment = tf.machinedeployment_lab_big_b000;
    expect(deployment.depends_on).toEqual(
      expect.arrayContaining([
        `kubernetes_manifest.${template[0]}`,
        expect.stringMatching(/^kubernetes_manifest\.kubeadmconfigtemplate_lab_big_[0-9a-f]{8}$/),
      ]),
    );
    const kcp = tf.kubeadmcontrolplane_lab_lab_control_plane;
    expect(kcp.depends_on).toEqual([
      expect.stringMatching(/^kubernetes_manifest\.metal3machinetemplate_lab_lab_control_plane_[0-9a-f]{8}$/),
    ]);
    // GitOps prunes the old template last too.
    const yamlTemplate = objectsOf(after).find((o) => o.kind === 'Metal3MachineTemplate')!;
    expect(yamlTemplate.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'PruneLast=true' });
  });

  it('rolls every block at once without a staged rollout, which the diff calls high risk', () => {
    const diff = diffOutputs(readOutput(before.outdir), readOutput(after.outdir));
    const rows = diff.disruption.filter((d) => d.pool === 'big');
    expect(rows).toEqual([
      expect.objectContaining({ kind: 'reimage', nodes: 12, blocksAtOnce: 3, nodesAtOnce: 12, risk: 'high' }),
    ]);
    expect(rows[0].reason).toContain('every block at once');
    expect(diff.risk).toBe('high');
  });

  it('replaces the control plane one machine at a time when its template changes', () => {
    const diff = diffOutputs(readOutput(before.outdir), readOutput(after.outdir));
    expect(diff.disruption.filter((d) => d.pool.endsWith('(control plane)'))).toEqual([
      expect.objectContaining({ pool: 'lab-control-plane (control plane)', kind: 'reimage', nodesAtOnce: 1 }),
    ]);
  });
});

describe('re-blocking a pool', () => {
  it('is high risk in fleet terms: the machines every block gives up, more blocks at once than the bound', () => {
    const reblocked = synthToTemp(
      lab().replace(
        '      nodesPerRack: 2\n      racksPerBlock: 2\n',
        '      nodesPerRack: 2\n      racksPerBlock: 1\n',
      ),
    );
    const diff = diffOutputs(readOutput(before.outdir), readOutput(reblocked.outdir));
    expect(diff.disruption).toEqual([
      expect.objectContaining({ pool: 'big', kind: 'reimage', nodes: 6, blocksAtOnce: 3, risk: 'high' }),
    ]);
    expect(diff.disruption[0].reason).toBe(
      'big: 6 nodes drained and reimaged, 3 blocks at once (6 nodes), about 75 min (over the declared bound of 1 block, 2 nodes)',
    );
  });
});

describe('a staged rollout (management.rollout)', () => {
  const from = `    rollout:
      from: { ${IMAGE} }
      wave: WAVE
`;
  const staged = (wave: number, pool = '') => synthToTemp(lab(NEW_IMAGE, from.replace('WAVE', String(wave)), pool));

  it('moves blocksAtOnce blocks per wave; the others keep their template, byte for byte', () => {
    const w0 = objectsOf(staged(0));
    const w1 = objectsOf(staged(1));
    const old = objectsOf(before);
    for (const block of ['big-b000', 'big-b001', 'big-b002']) expect(infraRef(w0, block)).toBe(infraRef(old, block));
    expect(infraRef(w1, 'big-b000')).not.toBe(infraRef(old, 'big-b000'));
    expect(infraRef(w1, 'big-b001')).toBe(infraRef(old, 'big-b001'));
    expect(infraRef(w1, 'big-b002')).toBe(infraRef(old, 'big-b002'));
    const w2 = objectsOf(staged(1, '      blocksAtOnce: 2\n'));
    expect(infraRef(w2, 'big-b001')).not.toBe(infraRef(old, 'big-b001'));
    expect(infraRef(w2, 'big-b002')).toBe(infraRef(old, 'big-b002'));
  });

  it('shows each wave in the diff as within the bound: one block, medium, with the wave and time', () => {
    const w0 = staged(0);
    const w1 = staged(1);
    const diff = diffOutputs(readOutput(w0.outdir), readOutput(w1.outdir));
    const big = diff.disruption.find((d) => d.pool === 'big')!;
    expect(big).toMatchObject({ kind: 'reimage', nodes: 4, blocksAtOnce: 1, waves: 1, risk: 'medium' });
    // Drain 15 + reimage 60 minutes, the whole block in one step.
    expect(big.minutes).toBe(75);
    expect(big.reason).toBe(
      'big: 4 nodes drained and reimaged, 1 block at once (4 nodes), about 75 min; rollout wave 1 of 3',
    );
    expect(w1.summary.operations!.rollout).toEqual({ wave: 1, waves: 3 });
    expect(formatDiffMarkdown(diff)).toContain(
      '| MEDIUM | big | 4 | drained and reimaged | 1 block, 4 nodes | 1 | about 75 min |',
    );
  });

  it('is refused when it changes nothing, runs past its last wave, or skips a minor', () => {
    expect(specIssues(lab(IMAGE, from.replace('WAVE', '0')))).toEqual([
      expect.objectContaining({ code: 'rollout-changes-nothing', path: ['spec', 'management', 'rollout', 'from'] }),
    ]);
    expect(specIssues(lab(NEW_IMAGE, from.replace('WAVE', '4')))).toEqual([
      expect.objectContaining({
        code: 'rollout-complete',
        path: ['spec', 'management', 'rollout', 'wave'],
        fix: 'the rollout is complete: remove management.rollout',
      }),
    ]);
    const version = `    rollout:\n      from: { kubernetesVersion: v1.31.9 }\n      wave: 0\n`;
    expect(specIssues(lab(IMAGE, version))).toEqual([
      expect.objectContaining({
        code: 'version-mismatch',
        path: ['spec', 'management', 'rollout', 'from', 'kubernetesVersion'],
      }),
    ]);
    expect(specIssues(lab(IMAGE, version.replace('v1.31.9', 'v1.32.9')))).toEqual([]);
  });
});

describe('rack-scale pools', () => {
  it('refuse a rollout unit smaller than the block, which would split NVLink racks', () => {
    const nvl = LAB.replace(
      '      racksPerBlock: 1\n',
      `      racksPerBlock: 1
    - name: gb
      gpu: GB200-NVL72
      racks: 4
      racksPerBlock: 2
      maxUnavailable: 18
`,
    );
    expect(specIssues(nvl)).toEqual([
      expect.objectContaining({
        code: 'rack-scale-rollout',
        path: ['spec', 'nodePools', 1, 'maxUnavailable'],
        fix: 'remove maxUnavailable (a block rolls whole), or set racksPerBlock: 1 to roll one rack at a time',
      }),
    ]);
    expect(specIssues(nvl.replace('maxUnavailable: 18', 'maxUnavailable: 36'))).toEqual([]);
  });
});

describe('at the example scale (230,000 GPUs, eight cells)', () => {
  const base = synthToTemp('examples/colossus-1.yaml');
  /** Objects of kind `kind` in the platform stack of cell `cell`. */
  const byKind = (kind: string, cell = 'h100-c00') =>
    base.yamlObjects(`colossus-1-${cell}-platform`).filter((o) => o.kind === kind);

  it('upgrades GPU drivers one block at a time per cell, draining the nodes', () => {
    const [h100] = byKind('NVIDIADriver');
    expect(spec(h100).upgradePolicy).toEqual({
      autoUpgrade: true,
      maxParallelUpgrades: 64,
      maxUnavailable: 64,
      drain: { enable: true, force: false, deleteEmptyDir: true, timeoutSeconds: 900 },
      podDeletion: { force: false, deleteEmptyDir: true, timeoutSeconds: 900 },
    });
    // A GB200 block is 8 racks of 18 trays.
    expect(spec(byKind('NVIDIADriver', 'gb200-c00')[0]).upgradePolicy.maxParallelUpgrades).toBe(144);
  });

  it('puts every fabric node in an SR-IOV drain pool of its GPU pool, bounded to one block', () => {
    const pools = byKind('SriovNetworkPoolConfig');
    expect(pools.map((p) => [p.metadata.name, spec(p).maxUnavailable, spec(p).nodeSelector])).toEqual([
      ['h100', 64, { matchLabels: { 'colossus.dev/pool': 'h100' } }],
    ]);
    const tf = base.cdktf('colossus-1-h100-c00-platform').resource!.kubernetes_manifest;
    expect(tf.sriovnetworknodepolicy_nvidia_network_operator_h100_rail_0.depends_on).toEqual([
      'kubernetes_manifest.sriovnetworkpoolconfig_nvidia_network_operator_h100',
    ]);
  });

  it('reloads the NIC driver automatically, a block at a time in the cell whose policy changes', () => {
    const [policy] = byKind('NicClusterPolicy');
    expect(spec(policy).ofedDriver.upgradePolicy).toEqual({
      autoUpgrade: true,
      maxParallelUpgrades: 64,
      drain: { enable: true, force: false, deleteEmptyDir: true, timeoutSeconds: 900 },
    });
    // A new DOCA driver in one cell: every fabric node of that cell, 64 at a time; the other cells keep theirs.
    const head = path.join(tempDir(), 'out');
    fs.cpSync(base.outdir, head, { recursive: true });
    const file = path.join(head, 'stacks', 'colossus-1-h100-c00-platform', 'cdk.tf.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    json.resource.kubernetes_manifest.nicclusterpolicy_nic_cluster_policy.manifest.spec.ofedDriver.version = 'doca3.5';
    fs.writeFileSync(file, JSON.stringify(json));
    const diff = diffOutputs(readOutput(base.outdir), readOutput(head));
    expect(diff.disruption).toEqual([
      expect.objectContaining({
        pool: '(fabric)',
        cell: 'h100-c00',
        kind: 'nicDriver',
        nodes: 4992,
        nodesAtOnce: 64,
        waves: 78,
        risk: 'high',
      }),
    ]);
    expect(diff.disruption[0].reason).toMatch(
      /^cell h100-c00, \(fabric\): 4,992 nodes drained for a NIC driver reload, 78 waves of 64, about \d+ h \(every fabric node\)$/,
    );
  });

  it('states in the summary what a pool-wide change takes at the bound: machines in the pool’s waves, operators per cell', () => {
    const h100 = base.summary.operations!.pools.h100;
    expect(h100).toMatchObject({ nodes: 18752, blocks: 293, blocksAtOnce: 1, nodesAtOnce: 64, remediationCap: 8 });
    // Machines roll from the one management cluster, a block at a time across the pool.
    expect(h100.reimage.waves).toBe(293);
    // The GPU Operator of each of the 4 cells rolls its own nodes, at the same time: the largest cell sets the time.
    expect(h100.cells).toBe(4);
    expect(h100.driver).toEqual({ nodes: 4992, nodesPerWave: 64, waves: 78, minutesPerWave: 25, minutes: 78 * 25 });
    expect(h100.sriov!.minutes).toBe(78 * 30);
  });

  it('keeps every object under 1 MiB: a full cell’s rail pool is the largest, about half the budget', () => {
    const [largest] = base.summary.objectSizes!.largest;
    expect(largest.object).toMatch(/^IPPool\/nvidia-network-operator\/rail-\d$/);
    expect(largest.status).toBe('4,992 allocations x 96 B in status.allocations');
    expect(largest.bytes).toBeLessThan(OBJECT_BUDGET_BYTES / 2);
  });

  it('rates a pool-wide driver bump high in fleet terms, cell by cell: nodes, waves and hours', () => {
    const head = synthToTemp(
      COLOSSUS.replace(
        "racksPerBlock: 8\n      driverVersion: '580.95.05'",
        "racksPerBlock: 8\n      driverVersion: '580.105.08'",
      ),
    );
    const diff = diffOutputs(readOutput(base.outdir), readOutput(head.outdir));
    expect(diff.disruption.map((r) => [r.cell, r.pool, r.kind, r.nodes, r.nodesAtOnce, r.waves, r.risk])).toEqual([
      ['h100-c00', 'h100', 'driver', 4992, 64, 78, 'high'],
      ['h100-c01', 'h100', 'driver', 4992, 64, 78, 'high'],
      ['h100-c02', 'h100', 'driver', 4992, 64, 78, 'high'],
      ['h100-c03', 'h100', 'driver', 3776, 64, 59, 'high'],
    ]);
    expect(diff.disruption[0].reason).toBe(
      'cell h100-c00, h100: 4,992 nodes drained for a GPU driver reload, 78 waves of 64, about 33 h (pool-wide)',
    );
    expect(diff.risk).toBe('high');
  });
});

describe('controller sizing', () => {
  it('grows Kueue, the GPU Operator and the NFD master with nodes and pods, from their chart defaults', () => {
    const h100 = GpuCatalog.builtIn().get('H100-SXM5-80GB');
    const small = clusterLoad([{ nodes: 2, sku: h100 }]);
    const big = clusterLoad([{ nodes: 32548, sku: h100 }]);
    expect(big.pods).toBe(32548 * 28);
    // The chart default (512Mi) and a little, rounded up to 256 MiB.
    expect(controllerMemoryMiB('kueue', small)).toBe(768);
    // 512 MiB + 32,548 x 24 KiB + 911,344 pods x 6 KiB = 6,615 MiB, rounded up to 256 MiB.
    expect(controllerMemoryMiB('kueue', big)).toBe(6656);
    expect(controllerMemoryMiB('gpuOperator', big)).toBeGreaterThan(1024);
  });

  it('reach the releases, and Helm waits only for the release without node-wide DaemonSets', () => {
    const out = synthToTemp('examples/colossus-1.yaml');
    const releases = out.cdktf('colossus-1-gb200-c00-operators').resource!.helm_release;
    expect(Object.fromEntries(Object.values(releases).map((r) => [r.name, r.wait]))).toEqual({
      // The pod network and the DRA driver's kubelet plugin are DaemonSets on every (GB200) node too.
      cilium: false,
      'dra-driver-nvidia-gpu': false,
      'node-feature-discovery': false,
      'network-operator': false,
      'gpu-operator': false,
      kueue: true,
    });
    // Sized for the cell it runs in: 4,896 GB200 trays and their pods.
    expect((releases.kueue.values as string[])[0]).toContain('memory: 1536Mi');
  });
});

describe('the object size budget', () => {
  const pools = [{ name: 'h100', nodes: 18752, blocks: 293, nodesPerRack: 8, racksPerBlock: 8 }];
  const mhc = (selector: Record<string, string>) =>
    build<MachineHealthCheck>({
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'MachineHealthCheck',
      metadata: { name: 'x', namespace: 'c' },
      spec: { clusterName: 'c', selector: { matchLabels: selector } },
    });

  it('estimates status from the nodes an object selects, and names the figure and the fix', () => {
    // The old per-pool health check: 18,752 Machine names in status.targets.
    const pool = estimateObjectSize(mhc({ 'colossus.dev/pool': 'h100' }), { pools: pools as never });
    expect(pool.totalBytes).toBeGreaterThan(OBJECT_BUDGET_BYTES);
    expect(overBudget(pool)).toMatch(
      /^estimated 1\.\d MiB with the status its controller writes \(18,752 Machine names in status.targets\), over the 1\.0 MiB object budget/,
    );
    const block = estimateObjectSize(mhc({ 'colossus.dev/block': 'h100-b007' }), { pools: pools as never });
    expect(block.totalBytes).toBeLessThan(16 * 1024);
    expect(overBudget(block)).toBeUndefined();
  });

  it('makes synth refuse an object over budget and write nothing', () => {
    // One block of 19,968 nodes, in a cluster whose cells may hold 20,000 (a block never spans cells).
    const huge = LAB.replace(
      '  site:\n',
      `${management().replace('10.0.0.10', 'api.lab.internal')}  cells:\n    maxNodesPerCell: 20000\n    exceedReason: a test of the object budget\n  site:\n`,
    ).replace(
      '      racksPerBlock: 1\n',
      `      racksPerBlock: 1
    - name: wide
      gpu: H100-SXM5-80GB
      nodes: 19968
      nodesPerRack: 64
      racksPerBlock: 312
`,
    );
    const { cluster } = loadSpecFile(writeSpec(huge));
    const outdir = path.join(tempDir(), 'out');
    expect(() => synthesize(cluster, { outdir })).toThrow(
      /MachineHealthCheck\/lab\/wide-b000 violates policy "object-size-budget": estimated 1\.\d MiB .*19,968 Machine names/,
    );
    expect(fs.existsSync(outdir)).toBe(false);
  });
});

describe('wave arithmetic', () => {
  it('takes nodes parallel at a time, 0 meaning all at once, and says how long', () => {
    expect(planWaves('driver', 18752, 64, DEFAULT_OPERATIONS)).toMatchObject({ waves: 293, minutes: 7325 });
    expect(planWaves('driver', 100, 0, DEFAULT_OPERATIONS)).toMatchObject({ waves: 1, nodesPerWave: 100 });
    expect(planWaves('sriov', 32548, 1, DEFAULT_OPERATIONS).minutes).toBe(32548 * 30);
    expect(formatDuration(75)).toBe('about 75 min');
    expect(formatDuration(300)).toBe('about 5 h');
    expect(formatDuration(7325)).toBe('about 5 days');
  });
});
