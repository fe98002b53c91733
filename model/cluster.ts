/**
 * The resolved cluster: the spec with every default applied and every derived figure computed
 * (GPUs, racks, blocks per pool). Pure data, no cdktf: constructs, reports and checks read it.
 */
import { GpuCatalog, GpuSku } from '../catalog/gpus';
import type { ControlPlaneTuning } from '../cells/control-plane';
import { ClusterStorage, resolveStorage } from '../storage/model';
import {
  BackendSpec,
  CellsSpec,
  ClusterSpecDocument,
  FabricSpec,
  ManagementSpec,
  NodePoolSpec,
  ObjectQuotaSpec,
  PodSecurityLevel,
  TenantPriority,
  TenantSpec,
} from '../spec/types';

/** A node pool with its derived sizes. */
export interface NodePool {
  /** Pool name; also its Kueue ResourceFlavor's. */
  readonly name: string;
  /** The GPU system the pool is made of. */
  readonly sku: GpuSku;
  /** Nodes (compute trays on NVL72). */
  readonly nodes: number;
  /** Racks the nodes fill. */
  readonly racks: number;
  /** Nodes per rack. */
  readonly nodesPerRack: number;
  /** Racks per block, the unit of rollout and scheduling locality. */
  readonly racksPerBlock: number;
  /** Blocks the racks form. */
  readonly blocks: number;
  /** Physical GPUs. */
  readonly gpus: number;
  /** NVIDIA driver version of the pool's nodes. */
  readonly driverVersion: string;
  /**
   * Tenant owning the pool exclusively.
   * @default - shared by every tenant with quota on it
   */
  readonly dedicatedTo?: string;
  /**
   * MIG layout of every GPU.
   * @default - MIG disabled
   */
  readonly migProfile?: string;
  /** Schedulable `nvidia.com/gpu` devices per physical GPU: MIG instances, or 1. */
  readonly devicesPerGpu: number;
  /**
   * Site the pool stands in; set by `resolveCluster` (the cluster's only site when the spec names none).
   * @default - none, for a pool built outside a cluster
   */
  readonly site?: string;
  /** Nodes of one block a rollout or remediation may take down at once. */
  readonly maxUnavailable: number;
  /**
   * Index in the whole pool of this pool's first block, when it is a cell's slice of the pool (cells/plan.ts).
   * @default 0
   */
  readonly firstBlock?: number;
}

/** A site with its defaults applied. */
export interface Site {
  /** Site name. */
  readonly name: string;
  /** Power available to the site, MW. */
  readonly powerBudgetMW: number;
  /** Power one rack may draw, kW. */
  readonly maxRackKW: number;
  /** Multiplier on GPU-rack draw for CPU, storage and network racks and cooling. */
  readonly overheadFactor: number;
}

/** Default of `site.overheadFactor`: CPU, storage and network racks and cooling add about 20% to the GPU racks. */
export const DEFAULT_OVERHEAD_FACTOR = 1.2;

/** A tenant with its defaults applied. */
export interface Tenant {
  /** Tenant name; names its ClusterQueue and WorkloadPriorityClass. */
  readonly name: string;
  /** An external party, never granted anything cluster-scoped. */
  readonly external: boolean;
  /** Identity-provider groups bound to the tenant's role. */
  readonly groups: readonly string[];
  /** Namespaces the tenant owns. */
  readonly namespaces: readonly string[];
  /** GPUs per pool name; pools the tenant has no quota on are absent. */
  readonly gpuQuota: Readonly<Record<string, number>>;
  /** Scheduling priority of the tenant's workloads. */
  readonly priority: TenantPriority;
  /** May borrow idle GPUs from its cohort. */
  readonly canBorrow: boolean;
  /**
   * Kueue cohort of the tenant's ClusterQueue.
   * @default - none: the tenant neither lends nor borrows
   */
  readonly cohort?: string;
  /** Pod Security level enforced on the tenant's namespaces. */
  readonly podSecurity: PodSecurityLevel;
  /** Object count limits per namespace. */
  readonly objectQuota: Required<ObjectQuotaSpec>;
  /**
   * The partition the spec pins; see fabric/partitions.ts for the assigned one.
   * @default - assigned by the fabric plan
   */
  readonly fabricPartition?: number;
}

/** The whole resolved cluster. */
export interface Cluster {
  /** Cluster name (`metadata.name`); prefixes every stack. */
  readonly name: string;
  /** The workload cluster's API: version, kubeconfig context and file, pod and service ranges. */
  readonly kubernetes: {
    /** Kubernetes minor version, for example "1.33". */
    readonly version: string;
    /** kubeconfig context. */
    readonly context: string;
    /** kubeconfig file. */
    readonly kubeconfig: string;
    /**
     * Pod network range.
     * @default - unknown
     */
    readonly podCIDR?: string;
    /**
     * Service network range.
     * @default - unknown
     */
    readonly serviceCIDR?: string;
  };
  /** Where Terraform keeps each stack's state. */
  readonly backend: Required<BackendSpec>;
  /** The first (usually the only) site. */
  readonly site: Site;
  /** Every site, in spec order. */
  readonly sites: readonly Site[];
  /**
   * The management cluster that provisions the nodes, as in the spec.
   * @default - none: nodes are provisioned outside this project
   */
  readonly management?: ManagementSpec;
  /** Node pools, in spec order. */
  readonly pools: readonly NodePool[];
  /** Tenants, in spec order. */
  readonly tenants: readonly Tenant[];
  /** Tenants' quotas on a pool may add up to more than its GPUs. */
  readonly allowOvercommit: boolean;
  /** Filesystems, tenant shares and volumes, and the checkpoint model. */
  readonly storage: ClusterStorage;
  /**
   * The compute fabric as in the spec (defaults are applied by fabric/plan.ts).
   * @default - none declared
   */
  readonly fabric?: FabricSpec;
  /**
   * The cells as in the spec (planned by cells/plan.ts).
   * @default - none declared
   */
  readonly cells?: CellsSpec;
  /**
   * kubeadm tuning of the control plane; set on a cell's cluster (cells/control-plane.ts).
   * @default - kubeadm's defaults
   */
  readonly controlPlaneTuning?: ControlPlaneTuning;
}

/** Value of `WorkloadPriorityClass.value` and `PriorityClass.value` per tenant priority. */
export const PRIORITY_VALUES: Readonly<Record<TenantPriority, number>> = {
  low: 1000,
  normal: 10000,
  high: 100000,
  critical: 1000000,
};

export const DEFAULT_OBJECT_QUOTA: Required<ObjectQuotaSpec> = {
  pods: 10000,
  services: 100,
  configMaps: 1000,
  secrets: 1000,
  persistentVolumeClaims: 200,
};

/** Resolves a pool: sizes follow from `nodes` or `racks` and the catalog. The SKU must exist. */
export function resolvePool(spec: NodePoolSpec, catalog: GpuCatalog): NodePool {
  const sku = catalog.get(spec.gpu);
  const nodesPerRack = spec.nodesPerRack ?? sku.defaultNodesPerRack;
  const nodes = spec.nodes ?? (spec.racks ?? 0) * nodesPerRack;
  const racks = spec.racks ?? Math.ceil(nodes / nodesPerRack);
  const racksPerBlock = spec.racksPerBlock ?? 8;
  const devicesPerGpu = spec.migProfile ? (sku.migProfiles[spec.migProfile] ?? 1) : 1;
  return {
    name: spec.name,
    sku,
    nodes,
    racks,
    nodesPerRack,
    racksPerBlock,
    blocks: Math.ceil(racks / racksPerBlock),
    gpus: nodes * sku.gpusPerNode,
    driverVersion: spec.driverVersion ?? sku.defaultDriverVersion,
    dedicatedTo: spec.dedicatedTo,
    migProfile: spec.migProfile,
    devicesPerGpu,
    site: spec.site,
    maxUnavailable: spec.maxUnavailable ?? 1,
  };
}

/** Resolves a tenant's defaults. `clusterName` names the default cohort. */
export function resolveTenant(spec: TenantSpec, clusterName: string): Tenant {
  const external = spec.external ?? false;
  const canBorrow = spec.canBorrow ?? !external;
  return {
    name: spec.name,
    external,
    groups: [...spec.groups],
    namespaces: [...(spec.namespaces ?? [spec.name])],
    gpuQuota: Object.fromEntries(Object.entries(spec.gpuQuota).filter(([, n]) => n > 0)),
    priority: spec.priority ?? 'normal',
    canBorrow,
    cohort: spec.cohort ?? (canBorrow ? `${clusterName}-shared` : undefined),
    podSecurity: spec.podSecurity ?? 'restricted',
    objectQuota: { ...DEFAULT_OBJECT_QUOTA, ...definedOnly(spec.objectQuota ?? {}) },
    fabricPartition: spec.fabricPartition,
  };
}

/** Resolves a schema-valid document whose semantic checks passed (see `checkCluster`). */
export function resolveCluster(doc: ClusterSpecDocument, catalog: GpuCatalog): Cluster {
  const { spec } = doc;
  const name = doc.metadata.name;
  // The semantic checks guarantee exactly one of site and sites.
  const sites = (spec.sites ?? (spec.site ? [spec.site] : [])).map((s) => ({
    ...s,
    overheadFactor: s.overheadFactor ?? DEFAULT_OVERHEAD_FACTOR,
  }));
  return {
    name,
    kubernetes: {
      version: spec.kubernetes.version,
      context: spec.kubernetes.context,
      kubeconfig: spec.kubernetes.kubeconfig ?? '~/.kube/config',
      podCIDR: spec.kubernetes.podCIDR,
      serviceCIDR: spec.kubernetes.serviceCIDR,
    },
    backend: {
      kind: spec.backend?.kind ?? 'local',
      path: spec.backend?.path ?? 'state',
      namespace: spec.backend?.namespace ?? 'terraform-state',
    },
    site: sites[0],
    sites,
    management: spec.management,
    pools: spec.nodePools.map((p) => resolvePool({ ...p, site: p.site ?? sites[0].name }, catalog)),
    tenants: spec.tenants.map((t) => resolveTenant(t, name)),
    allowOvercommit: spec.allowOvercommit ?? false,
    storage: resolveStorage(spec),
    fabric: spec.fabric,
    ...(spec.cells ? { cells: spec.cells } : {}),
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Total GPUs of the cluster. */
export function totalGpus(cluster: Pick<Cluster, 'pools'>): number {
  return cluster.pools.reduce((sum, p) => sum + p.gpus, 0);
}

/** Value of the block label of block `index` (0-based) of a pool: `h100-b007`. */
export function blockName(pool: Pick<NodePool, 'name'>, index: number): string {
  return `${pool.name}-b${String(index).padStart(3, '0')}`;
}

/** Value of the rack label of rack `index` (0-based) of a pool: `h100-r0042`. */
export function rackName(pool: Pick<NodePool, 'name'>, index: number): string {
  return `${pool.name}-r${String(index).padStart(4, '0')}`;
}

/** The spec entry a resolved pool comes from (sized in racks for rack-scale systems, else in nodes). */
export function toPoolSpec(pool: NodePool): NodePoolSpec {
  return {
    name: pool.name,
    gpu: pool.sku.name,
    nodes: pool.sku.rackScale ? undefined : pool.nodes,
    racks: pool.sku.rackScale ? pool.racks : undefined,
    nodesPerRack: pool.nodesPerRack,
    racksPerBlock: pool.racksPerBlock,
    driverVersion: pool.driverVersion,
    dedicatedTo: pool.dedicatedTo,
    migProfile: pool.migProfile,
  };
}
