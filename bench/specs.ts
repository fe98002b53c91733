/**
 * Benchmark specs: Colossus-shaped clusters from 1k to 1M GPUs. Every size keeps the built-in
 * example's mix (two thirds H100, a fifth H200, the rest GB200 NVL72 racks dedicated to an
 * external lab), its tenants, management, fabric and storage, with ranges and budgets scaled.
 */
import { stringify } from 'yaml';

/** GPUs per HGX node and per NVL72 rack. */
const HGX_GPUS = 8;
const NVL72_GPUS = 72;
/** Racks per block, as in the example: a 512-GPU HGX block, a 576-GPU NVL72 block. */
const RACKS_PER_BLOCK = 8;
const HGX_NODES_PER_RACK = 8;

/** The rail NIC names the benchmark image gives its hosts (rail 0 first). */
const RAIL_INTERFACES = [0, 1, 2, 3, 4, 5, 6, 7].map((r) => `ens${r}np0`);

/** A Colossus-shaped spec of about `gpus` GPUs, as YAML text. */
export function benchSpec(gpus: number): string {
  const hgxNodes = (share: number) => Math.max(1, Math.round((gpus * share) / HGX_GPUS));
  const h100 = hgxNodes(0.65);
  const h200 = hgxNodes(0.22);
  const gb200Racks = Math.max(1, Math.round((gpus * 0.13) / NVL72_GPUS));
  const total = (h100 + h200) * HGX_GPUS + gb200Racks * NVL72_GPUS;
  const nodes = h100 + h200 + gb200Racks * 18;
  const name = `bench-${label(gpus).toLowerCase()}`;
  const tib = (perGpu: number) => Math.max(1, Math.round(total * perGpu));
  const doc = {
    apiVersion: 'colossus.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name },
    spec: {
      kubernetes: {
        version: '1.33',
        context: name,
        // A /24 of pods per node; the Service range and the rail ranges stay clear of it. Above 5,000
        // nodes the cluster is split into cells, each with a /11 of pods and a /16 of Services: ten
        // /8s hold eight cells; the 1M spec's thirty cells take 16.0.0.0/4 (a synthetic figure: that
        // many cells with a /24 per node outgrow the private IPv4 ranges).
        podCIDR: nodes <= 5_000 ? '10.0.0.0/9' : nodes <= 40_000 ? '10.0.0.0/8' : '16.0.0.0/4',
        serviceCIDR: nodes <= 5_000 ? '172.16.0.0/16' : nodes <= 80_000 ? '172.16.0.0/12' : '172.0.0.0/11',
      },
      backend: { kind: 'local', path: 'state' },
      management: {
        context: `${name}-mgmt`,
        kubernetesVersion: 'v1.33.4',
        controlPlaneEndpoint: { host: `api.${name}.internal` },
        image: {
          url: `https://images.${name}.internal/ubuntu-24.04-gpu.raw`,
          checksum: `https://images.${name}.internal/ubuntu-24.04-gpu.raw.sha256sum`,
        },
      },
      // About 1.8 MW per 1,000 GPUs with the catalog's overhead, and room to spare.
      site: { name: 'site-1', powerBudgetMW: Math.ceil((total / 1000) * 2.2) + 1, maxRackKW: 140 },
      nodePools: [
        {
          name: 'h100',
          gpu: 'H100-SXM5-80GB',
          nodes: h100,
          nodesPerRack: HGX_NODES_PER_RACK,
          racksPerBlock: RACKS_PER_BLOCK,
        },
        {
          name: 'h200',
          gpu: 'H200-SXM-141GB',
          nodes: h200,
          nodesPerRack: HGX_NODES_PER_RACK,
          racksPerBlock: RACKS_PER_BLOCK,
        },
        {
          name: 'gb200',
          gpu: 'GB200-NVL72',
          racks: gb200Racks,
          racksPerBlock: RACKS_PER_BLOCK,
          dedicatedTo: 'partner',
          // Grace trays are arm64: their own image.
          image: {
            url: `https://images.${name}.internal/ubuntu-24.04-gpu-arm64.raw`,
            checksum: `https://images.${name}.internal/ubuntu-24.04-gpu-arm64.raw.sha256sum`,
            architecture: 'arm64',
          },
        },
      ],
      storage: [
        {
          name: 'shared-nvme',
          kind: 'parallel-filesystem',
          csiDriver: 'csi.vastdata.com',
          parameters: { vip_pool_name: 'data', root_export: '/data' },
          capacityTiB: tib(5),
          throughputGBps: Math.ceil(total / 10),
          snapshots: true,
        },
        {
          name: 'local-scratch',
          kind: 'local-nvme',
          csiDriver: 'topolvm.io',
          capacityTiB: tib(4),
          throughputGBps: total * 4,
        },
      ],
      // Past ~500k GPUs three tiers of 128-port switches no longer reach: 800G NICs on 512-port switches.
      fabric:
        total > 500_000
          ? {
              kind: 'spectrum-x',
              linkGbps: 800,
              switch: { model: 'SN6800', ports: 512, portGbps: 800 },
              oversubscription: 1,
              railCIDR: '100.0.0.0/8',
              railInterfaces: RAIL_INTERFACES,
            }
          : {
              kind: 'spectrum-x',
              linkGbps: 400,
              switch: { model: 'SN5600', ports: 128, portGbps: 400 },
              oversubscription: 1,
              railCIDR: '100.64.0.0/10',
              railInterfaces: RAIL_INTERFACES,
            },
      tenants: [
        tenant('training', ['org:training'], ['train', 'eval'], { h100: h100 * HGX_GPUS }, tib(2.5), 'high'),
        tenant('research', ['org:research'], ['research'], { h200: h200 * HGX_GPUS }, tib(1), 'normal'),
        {
          ...tenant(
            'partner',
            ['partner:admins'],
            ['partner-train'],
            { gb200: gb200Racks * NVL72_GPUS },
            tib(1),
            'normal',
          ),
          external: true,
          canBorrow: false,
        },
      ],
    },
  };
  return `# colossus-cdktf benchmark spec: ${total} GPUs (generated by bench/specs.ts)\n${stringify(doc, { lineWidth: 0 })}`;
}

function tenant(
  name: string,
  groups: string[],
  namespaces: string[],
  gpuQuota: Record<string, number>,
  sharedTiB: number,
  priority: string,
) {
  return {
    name,
    groups,
    namespaces,
    gpuQuota,
    priority,
    storage: [
      {
        filesystem: 'shared-nvme',
        capacityTiB: sharedTiB,
        volumes: [
          { name: 'datasets', purpose: 'datasets', capacityTiB: Math.max(1, Math.floor(sharedTiB / 3)) },
          { name: 'checkpoints', purpose: 'checkpoints', capacityTiB: Math.max(1, Math.floor(sharedTiB / 3)) },
        ],
      },
    ],
  };
}

/** `1k`, `230k`, `1M`. */
export function label(gpus: number): string {
  return gpus >= 1_000_000 ? `${gpus / 1_000_000}M` : `${Math.round(gpus / 1000)}k`;
}
