/**
 * What `colossus admit` knows about a cluster: the objects of a synth output (every stack's YAML
 * manifests), the Kueue configuration the operators stack installs, and the node groups the
 * provisioning registers (one per pool: labels and taints from the bootstrap template, GPUs, CPU and
 * memory from the catalog, rail virtual functions from the SR-IOV policies). Read-only, offline.
 *
 * A cell (a member cluster behind MultiKueue) is one more ClusterView: `loadClusterView` reads one
 * output directory, and the admit steps take the view they are given.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { GpuCatalog, GpuSku } from '../catalog/gpus';
import { isKind } from '../model/kinds';
import { KubeObject, LABELS } from '../model/kube';

/** A group of identical nodes: one pool as the provisioning registers it. */
export interface NodeGroup {
  readonly pool: string;
  readonly sku: GpuSku;
  readonly nodes: number;
  readonly nodesPerRack: number;
  readonly nodesPerBlock: number;
  /** Labels every node carries (block, rack and hostname differ per node and are present too). */
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly { key: string; value?: string; effect: string }[];
  /** Allocatable per node, in base units (cores, bytes, devices). */
  readonly capacity: Readonly<Record<string, number>>;
}

/** The cluster as admit sees it. */
export interface ClusterView {
  readonly name: string;
  readonly objects: readonly KubeObject[];
  readonly nodeGroups: readonly NodeGroup[];
  /** Kueue `resources.excludeResourcePrefixes`. */
  readonly excludedResourcePrefixes: readonly string[];
  /** Kueue `resources.deviceClassMappings`: DeviceClass to the logical resource quota counts. */
  readonly deviceClassResources: ReadonlyMap<string, string>;
  /** The NVIDIA DRA driver with ComputeDomains is installed. */
  readonly computeDomains: boolean;
}

/** Label keys per node that the node groups do not list as fixed values. */
export const PER_NODE_LABELS = [LABELS.block, LABELS.rack, 'kubernetes.io/hostname', 'nvidia.com/gpu.clique'];

/** A label whose value differs from node to node (block, rack, host, NVLink clique). */
export function isPerNodeLabel(key: string): boolean {
  return PER_NODE_LABELS.includes(key) || key.endsWith('/block') || key.endsWith('/rack');
}

/** A synth output as admit sees it: one cluster, or a split cluster's MultiKueue manager and cells. */
export interface SiteView {
  /** The workload clusters: the cluster itself, or the cells in plan order. */
  readonly clusters: readonly ClusterView[];
  /** The objects of a split cluster's manager (its queues, admission checks and MultiKueueConfigs). */
  readonly manager?: readonly KubeObject[];
}

/** Reads the synth output in `outdir`; throws when it is not one. */
export function loadSiteView(outdir: string, catalog: GpuCatalog = GpuCatalog.builtIn()): SiteView {
  const manifests = path.join(outdir, 'manifests');
  const summaryFile = path.join(outdir, 'reports', 'summary.json');
  if (!fs.existsSync(manifests) || !fs.existsSync(summaryFile)) {
    throw new Error(`${outdir} is not a synth output with YAML manifests (run colossus synth --emit yaml or both)`);
  }
  const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as SummaryShape;
  const stacks = fs.readdirSync(manifests).sort();
  if (!summary.cells?.split) {
    const releases = helmReleases(path.join(outdir, 'helmfile.yaml'));
    return { clusters: [clusterView(summary, readObjects(manifests, stacks), releases, catalog)] };
  }
  const clusters = summary.cells.cells.map((cell) => {
    // The cell's pool, cut to the cell's blocks: its nodes, racks and blocks.
    const pools = Object.fromEntries(
      Object.entries(cell.blocks).map(([pool, [first, last]]) => {
        const p = summary.pools[pool];
        const racks = Math.round((cell.figures.nodes / p.nodes) * p.racks);
        return [pool, { ...p, nodes: cell.figures.nodes, racks, blocks: last - first + 1 }];
      }),
    );
    const objects = readObjects(
      manifests,
      stacks.filter((s) => s.startsWith(`${cell.cluster}-`)),
    );
    const releases = helmReleases(path.join(outdir, 'helmfiles', `${cell.cluster}.yaml`));
    return clusterView({ cluster: cell.cluster, pools }, objects, releases, catalog);
  });
  const manager = readObjects(
    manifests,
    stacks.filter((s) => s === `${summary.cluster}-manager` || s === `${summary.cluster}-manager-operators`),
  );
  return { clusters, manager };
}

/** Reads the synth output in `outdir` as one cluster; throws when it is not one, or is split into cells. */
export function loadClusterView(outdir: string, catalog: GpuCatalog = GpuCatalog.builtIn()): ClusterView {
  const site = loadSiteView(outdir, catalog);
  if (site.manager) {
    throw new Error(`${outdir} is a cluster split into ${site.clusters.length} cells: read it with loadSiteView`);
  }
  return site.clusters[0];
}

function readObjects(manifests: string, stacks: readonly string[]): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const stack of stacks) {
    for (const file of fs.readdirSync(path.join(manifests, stack)).sort()) {
      if (!file.endsWith('.yaml')) continue;
      const text = fs.readFileSync(path.join(manifests, stack, file), 'utf8');
      for (const doc of parseAllDocuments(text)) {
        const o = doc.toJS() as KubeObject | null;
        if (o && typeof o === 'object' && o.kind) objects.push(o);
      }
    }
  }
  return objects;
}

function clusterView(
  summary: Pick<SummaryShape, 'cluster' | 'pools'>,
  objects: KubeObject[],
  releases: readonly HelmRelease[],
  catalog: GpuCatalog,
): ClusterView {
  const kueueValues = releases.find((r) => r.name === 'kueue')?.values?.[0] as
    { managerConfig?: { controllerManagerConfigYaml?: string } } | undefined;
  const kueueYaml = kueueValues?.managerConfig?.controllerManagerConfigYaml;
  const kueue = (kueueYaml ? parse(kueueYaml) : {}) as KueueConfigShape;
  const dra = releases.find((r) => r.chart.endsWith('/dra-driver-nvidia-gpu'))?.values?.[0] as
    { resources?: { computeDomains?: { enabled?: boolean } } } | undefined;
  return {
    name: summary.cluster,
    objects,
    nodeGroups: nodeGroups(summary, objects, catalog),
    excludedResourcePrefixes: kueue.resources?.excludeResourcePrefixes ?? [],
    deviceClassResources: new Map(
      (kueue.resources?.deviceClassMappings ?? []).flatMap((m) => m.deviceClassNames.map((c) => [c, m.name])),
    ),
    computeDomains: dra?.resources?.computeDomains?.enabled === true,
  };
}

type PoolShape = { gpu: string; nodes: number; racks: number; blocks: number; dedicatedTo?: string };

interface SummaryShape {
  readonly cluster: string;
  readonly pools: Record<string, PoolShape>;
  readonly cells?: {
    readonly split: boolean;
    readonly cells: readonly {
      cluster: string;
      blocks: Record<string, [number, number]>;
      figures: { nodes: number };
    }[];
  };
}

type HelmRelease = { name: string; chart: string; values?: Record<string, unknown>[] };

interface KueueConfigShape {
  resources?: {
    excludeResourcePrefixes?: string[];
    deviceClassMappings?: { name: string; deviceClassNames: string[] }[];
  };
}

/** The operators' Helm releases from a helmfile (the same charts and values as the Terraform releases). */
function helmReleases(file: string): HelmRelease[] {
  if (!fs.existsSync(file)) return [];
  const helmfile = parse(fs.readFileSync(file, 'utf8')) as { releases?: HelmRelease[] };
  return helmfile.releases ?? [];
}

function nodeGroups(
  summary: Pick<SummaryShape, 'pools'>,
  objects: readonly KubeObject[],
  catalog: GpuCatalog,
): NodeGroup[] {
  const spec = (o: KubeObject) => (o as { spec?: Record<string, unknown> }).spec ?? {};
  return Object.entries(summary.pools).map(([pool, p]) => {
    const sku = catalog.get(p.gpu);
    const flavor = objects.find((o) => isKind(o, 'ResourceFlavor') && o.metadata.name === pool);
    // Labels and taints kubelet registers (KubeadmConfigTemplate); without a management stack, the flavor's.
    const bootstrap = objects.find((o) => isKind(o, 'KubeadmConfigTemplate') && o.metadata.name === pool);
    const registration = bootstrap
      ? ((spec(bootstrap).template as Record<string, any>)?.spec?.joinConfiguration?.nodeRegistration ?? {}) // eslint-disable-line @typescript-eslint/no-explicit-any
      : undefined;
    const registeredLabels = registration
      ? Object.fromEntries(
          String(
            (registration.kubeletExtraArgs as { name: string; value: string }[] | undefined)?.find(
              (a) => a.name === 'node-labels',
            )?.value ?? '',
          )
            .split(',')
            .filter((kv) => kv.includes('=') && !kv.includes('{{'))
            .map((kv) => kv.split('=', 2) as [string, string]),
        )
      : { ...((flavor && (spec(flavor).nodeLabels as Record<string, string>)) ?? { [LABELS.pool]: pool }) };
    const taints = registration
      ? ((registration.taints as NodeGroup['taints'] | undefined) ?? [])
      : ((flavor && (spec(flavor).nodeTaints as NodeGroup['taints'])) ?? []);
    const capacity: Record<string, number> = {
      cpu: sku.cpuCoresPerNode,
      memory: sku.memoryGiBPerNode * 2 ** 30,
      'nvidia.com/gpu': sku.gpusPerNode,
      pods: 110,
    };
    // Rail virtual functions: each SriovNetworkNodePolicy selecting the pool advertises numVfs of its resource.
    for (const policy of objects.filter((o) => isKind(o, 'SriovNetworkNodePolicy'))) {
      const s = spec(policy) as { nodeSelector?: Record<string, string>; resourceName?: string; numVfs?: number };
      if (s.nodeSelector?.[LABELS.pool] === pool && s.resourceName) {
        capacity[`nvidia.com/${s.resourceName}`] = s.numVfs ?? 0;
      }
    }
    const nodesPerRack = p.nodes / Math.max(1, p.racks);
    return {
      pool,
      sku,
      nodes: p.nodes,
      nodesPerRack,
      nodesPerBlock: Math.ceil(p.racks / Math.max(1, p.blocks)) * nodesPerRack,
      labels: { ...registeredLabels, [LABELS.pool]: pool, [LABELS.gpuProduct]: sku.productLabel },
      taints,
      capacity,
    };
  });
}
