/**
 * The GPU catalog: the physical facts of each supported GPU system.
 *
 * Figures are NVIDIA reference-architecture maxima (DGX/HGX user guides, GB200/GB300 NVL72
 * datasheets); see README "GPU catalog". Power is the maximum draw used for site budgeting.
 */
import type { CpuArchitecture } from '../spec/types';

/** One GPU system: an HGX/DGX node, or a rack-scale NVL72 system made of compute trays. */
export interface GpuSku {
  /** Catalog key used in specs, for example `H100-SXM5-80GB`. */
  readonly name: string;
  /** Value GPU Feature Discovery puts in the `nvidia.com/gpu.product` node label. */
  readonly productLabel: string;
  /** GPUs per node (per compute tray on NVL72). */
  readonly gpusPerNode: number;
  /** Memory per GPU, GB (decimal, as marketed). */
  readonly gpuMemoryGB: number;
  /** RDMA NICs per node on the compute fabric: one per rail. */
  readonly rdmaNicsPerNode: number;
  /** GPUs sharing one NVLink domain. */
  readonly nvlinkDomainGpus: number;
  /** Sold and powered per rack (NVL72): pools of it are declared in racks, not nodes. */
  readonly rackScale: boolean;
  /** Nodes per rack when the spec does not say (fixed at 18 compute trays for NVL72). */
  readonly defaultNodesPerRack: number;
  /**
   * Maximum power per node, kW (HGX); for rack-scale systems see `kWPerRack`.
   * @default - none; required unless `rackScale`
   */
  readonly kWPerNode?: number;
  /**
   * Maximum power per rack, kW (rack-scale systems only).
   * @default - none; required when `rackScale`
   */
  readonly kWPerRack?: number;
  /** Allocatable CPU cores per node, for derived CPU quotas. */
  readonly cpuCoresPerNode: number;
  /** Allocatable memory per node, GiB, for derived memory quotas. */
  readonly memoryGiBPerNode: number;
  /** Driver installed when a pool does not pin one. */
  readonly defaultDriverVersion: string;
  /** MIG layouts (mig-parted `all-*` configs) to the number of GPU instances each GPU yields. */
  readonly migProfiles: Readonly<Record<string, number>>;
  /**
   * The rack as the floor and the cooling see it; its IT power is `rackKW`.
   * @default - one position, weight and liquid share unknown (a site declares them in `rackProfiles`)
   */
  readonly rack?: RackProfile;
  /**
   * CPU architecture of the node (the OS image must match): Grace-based NVL72 trays are arm64.
   * @default "amd64"
   */
  readonly cpuArchitecture?: CpuArchitecture;
}

/** The node's CPU architecture, default applied. */
export function cpuArchitectureOf(sku: Pick<GpuSku, 'cpuArchitecture'>): CpuArchitecture {
  return sku.cpuArchitecture ?? 'amd64';
}

/**
 * A rack's figures for halls and cooling. Figures that are not published (an NVL72's liquid share,
 * an HGX rack's built weight) are left out: a site declares them in its `rackProfiles`.
 */
export interface RackProfile {
  /** Floor positions one rack takes. */
  readonly positions: number;
  /**
   * Weight of a full rack, kg.
   * @default - unknown
   */
  readonly weightKg?: number;
  /**
   * Share of the rack's heat carried away by liquid, 0 to 1; the rest goes to the hall's air.
   * @default - unknown
   */
  readonly liquidShare?: number;
}

/** DGX/HGX reference systems are air-cooled (DGX H100/H200/B200 user guides); liquid-cooled builds declare their share. */
const AIR_COOLED_HGX: RackProfile = { positions: 1, liquidShare: 0 };
/** NVL72: about 1,360 kg (vendor figures as reported); liquid share often quoted 85-90 %, unverified, so declared per site. */
const NVL72_RACK: RackProfile = { positions: 1, weightKg: 1360 };

const DRIVER = '580.95.05';

const mig = (sizes: readonly [string, number][]): Record<string, number> =>
  Object.fromEntries(sizes.map(([profile, perGpu]) => [`all-${profile}`, perGpu]));

const BUILT_IN: readonly GpuSku[] = [
  {
    name: 'H100-SXM5-80GB',
    productLabel: 'NVIDIA-H100-80GB-HBM3',
    gpusPerNode: 8,
    gpuMemoryGB: 80,
    rdmaNicsPerNode: 8,
    nvlinkDomainGpus: 8,
    rackScale: false,
    defaultNodesPerRack: 8,
    kWPerNode: 10.2,
    cpuCoresPerNode: 112,
    memoryGiBPerNode: 2048,
    defaultDriverVersion: DRIVER,
    migProfiles: mig([
      ['1g.10gb', 7],
      ['2g.20gb', 3],
      ['3g.40gb', 2],
      ['7g.80gb', 1],
    ]),
    rack: AIR_COOLED_HGX,
  },
  {
    name: 'H200-SXM-141GB',
    productLabel: 'NVIDIA-H200',
    gpusPerNode: 8,
    gpuMemoryGB: 141,
    rdmaNicsPerNode: 8,
    nvlinkDomainGpus: 8,
    rackScale: false,
    defaultNodesPerRack: 8,
    kWPerNode: 10.2,
    cpuCoresPerNode: 112,
    memoryGiBPerNode: 2048,
    defaultDriverVersion: DRIVER,
    migProfiles: mig([
      ['1g.18gb', 7],
      ['2g.35gb', 3],
      ['3g.71gb', 2],
      ['7g.141gb', 1],
    ]),
    rack: AIR_COOLED_HGX,
  },
  {
    name: 'B200-SXM-180GB',
    productLabel: 'NVIDIA-B200',
    gpusPerNode: 8,
    gpuMemoryGB: 180,
    rdmaNicsPerNode: 8,
    nvlinkDomainGpus: 8,
    rackScale: false,
    defaultNodesPerRack: 4,
    kWPerNode: 14.3,
    cpuCoresPerNode: 112,
    memoryGiBPerNode: 4096,
    defaultDriverVersion: DRIVER,
    migProfiles: mig([
      ['1g.23gb', 7],
      ['2g.45gb', 3],
      ['3g.90gb', 2],
      ['7g.180gb', 1],
    ]),
    rack: AIR_COOLED_HGX,
  },
  {
    name: 'GB200-NVL72',
    productLabel: 'NVIDIA-GB200',
    gpusPerNode: 4,
    gpuMemoryGB: 186,
    rdmaNicsPerNode: 4,
    nvlinkDomainGpus: 72,
    rackScale: true,
    defaultNodesPerRack: 18,
    kWPerRack: 132,
    // Two Grace CPUs (72 Arm Neoverse V2 cores each) per compute tray.
    cpuArchitecture: 'arm64',
    cpuCoresPerNode: 144,
    memoryGiBPerNode: 960,
    defaultDriverVersion: DRIVER,
    migProfiles: mig([
      ['1g.23gb', 7],
      ['2g.47gb', 3],
      ['3g.93gb', 2],
      ['7g.186gb', 1],
    ]),
    rack: NVL72_RACK,
  },
  {
    name: 'GB300-NVL72',
    productLabel: 'NVIDIA-GB300',
    gpusPerNode: 4,
    gpuMemoryGB: 288,
    rdmaNicsPerNode: 4,
    nvlinkDomainGpus: 72,
    rackScale: true,
    defaultNodesPerRack: 18,
    kWPerRack: 135,
    cpuArchitecture: 'arm64',
    cpuCoresPerNode: 144,
    memoryGiBPerNode: 960,
    defaultDriverVersion: DRIVER,
    migProfiles: mig([
      ['1g.36gb', 7],
      ['2g.72gb', 3],
      ['3g.144gb', 2],
      ['7g.288gb', 1],
    ]),
    rack: NVL72_RACK,
  },
];

/**
 * A set of GPU SKUs. The built-in catalog is `GpuCatalog.builtIn()`; partners add their own
 * systems with `withSku` without forking.
 */
export class GpuCatalog {
  /** The SKUs this project ships with. */
  public static builtIn(): GpuCatalog {
    return new GpuCatalog(BUILT_IN);
  }

  private readonly byName: ReadonlyMap<string, GpuSku>;

  private constructor(skus: readonly GpuSku[]) {
    this.byName = new Map(skus.map((s) => [s.name, Object.freeze({ ...s })]));
  }

  /** A new catalog with `sku` added (or replacing the SKU of the same name). */
  public withSku(sku: GpuSku): GpuCatalog {
    if (sku.rackScale ? !(sku.kWPerRack! > 0) : !(sku.kWPerNode! > 0)) {
      throw new Error(`GPU SKU "${sku.name}": ${sku.rackScale ? 'kWPerRack' : 'kWPerNode'} must be a positive number`);
    }
    return new GpuCatalog([...[...this.byName.values()].filter((s) => s.name !== sku.name), sku]);
  }

  /** The SKU named `name`, or undefined. */
  public find(name: string): GpuSku | undefined {
    return this.byName.get(name);
  }

  /** The SKU named `name`; throws with the known names when there is none. */
  public get(name: string): GpuSku {
    const sku = this.byName.get(name);
    if (!sku) throw new Error(`unknown GPU "${name}"; known: ${this.names().join(', ')}`);
    return sku;
  }

  /** Catalog keys, sorted. */
  public names(): string[] {
    return [...this.byName.keys()].sort();
  }
}

/** Power drawn by one rack of `sku` holding `nodesPerRack` nodes, kW. */
export function rackKW(sku: GpuSku, nodesPerRack: number): number {
  return sku.rackScale ? sku.kWPerRack! : sku.kWPerNode! * nodesPerRack;
}
