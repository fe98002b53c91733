/**
 * The resolved cluster: the spec with every default applied and every derived figure computed
 * (GPUs, racks, blocks per pool). Pure data, no cdktf: constructs, reports and checks read it.
 */
import { GpuCatalog, GpuSku } from '../catalog/gpus';
import { arrayMW } from '../site/orbital';
import { recordDocument } from './spec-document';
import type { ControlPlaneTuning } from '../cells/control-plane';
import { ClusterStorage, resolveStorage } from '../storage/model';
import { DEFAULTS } from '../spec/defaults';
import { tenantNamespaces } from '../spec/derived-defaults';
import {
  BackendSpec,
  CellsSpec,
  ClusterSpecDocument,
  FabricSpec,
  ManagementSpec,
  NodePoolSpec,
  CoolantSpec,
  HallSpec,
  ObjectQuotaSpec,
  OrbitalSpec,
  OsImageSpec,
  RackProfileSpec,
  SiteKind,
  SiteSpec,
  WaterSpec,
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
  /** Nodes of one block a rollout takes down at once (the whole block unless the spec says less). */
  readonly maxUnavailable: number;
  /** Blocks one rollout wave, driver upgrade or SR-IOV reconfiguration of the pool disrupts at once. */
  readonly blocksAtOnce: number;
  /**
   * OS image of the pool's hosts.
   * @default - the management cluster's image
   */
  readonly image?: OsImageSpec;
  /**
   * PCI addresses of the rail NICs, rail 0 first.
   * @default - none declared
   */
  readonly railPciAddresses?: readonly string[];
  /**
   * Index in the whole pool of this pool's first block, when it is a cell's slice of the pool (cells/plan.ts).
   * @default 0
   */
  readonly firstBlock?: number;
}

/** Day-2 times per node, minutes (spec `operations` with its defaults). */
export interface Operations {
  /** Evict a node's pods. */
  readonly drainMinutes: number;
  /** Reboot a host. */
  readonly rebootMinutes: number;
  /** Deprovision, write the image, boot and join. */
  readonly reimageMinutes: number;
  /** Unload and load the GPU driver. */
  readonly driverMinutes: number;
}

/** Defaults of `spec.operations` (from spec/schema.ts). */
export const DEFAULT_OPERATIONS: Operations = DEFAULTS.operations;

/** A site with its defaults applied. */
export interface Site {
  /** Site name. */
  readonly name: string;
  /** Power available to the site, MW. */
  readonly powerBudgetMW: number;
  /** Power one rack may draw, kW. */
  readonly maxRackKW: number;
  /** Multiplier on GPU-rack draw for CPU, storage and network racks and cooling (with `pue`: other IT racks only). */
  readonly overheadFactor: number;
  /**
   * `ground` or `orbital`.
   * @default - the spec's default, `DEFAULTS.site.kind`
   */
  readonly kind?: SiteKind;
  /**
   * Facility power over IT power; the site draws its IT load times it.
   * @default - none: `overheadFactor` covers cooling
   */
  readonly pue?: number;
  /**
   * Halls with their floor, cooling and racks (site/facility.ts models them).
   * @default - none
   */
  readonly halls?: readonly HallSpec[];
  /**
   * The site's rack figures per SKU, over the catalog's.
   * @default - the catalog's
   */
  readonly rackProfiles?: Readonly<Record<string, RackProfileSpec>>;
  /**
   * Coolant flow sizing.
   * @default - each field's default (`DEFAULTS.coolant`)
   */
  readonly coolant?: CoolantSpec;
  /**
   * Evaporative heat rejection.
   * @default - none
   */
  readonly water?: WaterSpec;
  /**
   * An orbital site's assumptions (site/orbital.ts checks them against physics).
   * @default - none
   */
  readonly orbital?: OrbitalSpec;
}

/**
 * A tenant with its defaults applied. It has each tenant field whose default is a value of spec/schema.ts
 * (`DEFAULTS.tenant`), so a new such field needs no change here; offboarding is the cluster's (`Cluster.offboarding`).
 */
export interface Tenant extends Required<Pick<TenantSpec, Exclude<keyof typeof DEFAULTS.tenant, 'offboard'>>> {
  /** Tenant name; names its ClusterQueue and WorkloadPriorityClass. */
  readonly name: string;
  /** Identity-provider groups bound to the tenant's role. */
  readonly groups: readonly string[];
  /** Namespaces the tenant owns. */
  readonly namespaces: readonly string[];
  /** GPUs per pool name; pools the tenant has no quota on are absent. */
  readonly gpuQuota: Readonly<Record<string, number>>;
  /** May borrow idle GPUs from its cohort. */
  readonly canBorrow: boolean;
  /**
   * Kueue cohort of the tenant's ClusterQueue.
   * @default - none: the tenant neither lends nor borrows
   */
  readonly cohort?: string;
  /** Object count limits per namespace. */
  readonly objectQuota: Required<Omit<ObjectQuotaSpec, 'pods'>> & Pick<ObjectQuotaSpec, 'pods'>;
  /** Namespaces serving inference, reachable from the ingress gateway namespaces. */
  readonly servingNamespaces: readonly string[];
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
  /** Node pools of the workload cluster (every pool on a ground site), in spec order. */
  readonly pools: readonly NodePool[];
  /** Pools on orbital sites: a planning target only, never emitted as workload objects. */
  readonly plannedPools: readonly NodePool[];
  /** Tenants, in spec order (those being offboarded excluded). */
  readonly tenants: readonly Tenant[];
  /**
   * Tenants being offboarded (`offboard: true`): their stacks are kept, empty, so that deploying them
   * destroys their objects and keeps their data.
   * @default - none
   */
  readonly offboarding?: readonly string[];
  /** Tenants' quotas on a pool may add up to more than its GPUs. */
  readonly allowOvercommit: boolean;
  /** Filesystems, tenant shares and volumes, and the checkpoint model. */
  readonly storage: ClusterStorage;
  /**
   * The compute fabric as in the spec (defaults are applied by fabric/plan.ts).
   * @default - none declared
   */
  readonly fabric?: FabricSpec;
  /** Day-2 times per node. */
  readonly operations: Operations;
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

/** Pods per namespace on top of one per GPU: launchers, data loaders, services and CPU jobs. */
export const POD_QUOTA_HEADROOM = 10000;

/** Resolves a pool: sizes follow from `nodes` or `racks` and the catalog. The SKU must exist. */
export function resolvePool(spec: NodePoolSpec, catalog: GpuCatalog): NodePool {
  const sku = catalog.get(spec.gpu);
  const nodesPerRack = spec.nodesPerRack ?? sku.defaultNodesPerRack;
  const nodes = spec.nodes ?? (spec.racks ?? 0) * nodesPerRack;
  const racks = spec.racks ?? Math.ceil(nodes / nodesPerRack);
  const racksPerBlock = spec.racksPerBlock ?? DEFAULTS.nodePool.racksPerBlock;
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
    maxUnavailable: spec.maxUnavailable ?? nodesPerRack * racksPerBlock,
    blocksAtOnce: spec.blocksAtOnce ?? DEFAULTS.nodePool.blocksAtOnce,
    image: spec.image,
    railPciAddresses: spec.railPciAddresses,
  };
}

/** Resolves a tenant's defaults. `clusterName` names the default cohort. */
export function resolveTenant(spec: TenantSpec, clusterName: string): Tenant {
  const fields = (Object.keys(DEFAULTS.tenant) as (keyof typeof DEFAULTS.tenant)[]).filter((f) => f !== 'offboard');
  const valued = Object.fromEntries(fields.map((f) => [f, spec[f] ?? DEFAULTS.tenant[f]])) as Pick<
    Tenant,
    (typeof fields)[number]
  >;
  const canBorrow = spec.canBorrow ?? !valued.external;
  return {
    ...valued,
    name: spec.name,
    groups: [...spec.groups],
    namespaces: [...tenantNamespaces(spec)],
    gpuQuota: Object.fromEntries(Object.entries(spec.gpuQuota).filter(([, n]) => n > 0)),
    canBorrow,
    cohort: spec.cohort ?? (canBorrow ? `${clusterName}-shared` : undefined),
    objectQuota: { ...DEFAULTS.objectQuota, ...definedOnly(spec.objectQuota ?? {}) },
    fabricPartition: spec.fabricPartition,
    servingNamespaces: [...(spec.servingNamespaces ?? [])],
  };
}

/** Resolves a schema-valid document whose semantic checks passed (see `checkCluster`). */
export function resolveCluster(doc: ClusterSpecDocument, catalog: GpuCatalog): Cluster {
  const { spec } = doc;
  const name = doc.metadata.name;
  // A tenant being offboarded has no objects any more: only its (empty) stack remains.
  const active = spec.tenants.filter((t) => !t.offboard);
  // The semantic checks guarantee exactly one of site and sites, and a budget on every ground site.
  const sites = (spec.sites ?? (spec.site ? [spec.site] : [])).map(resolveSite);
  const orbital = new Set(sites.filter((s) => s.kind === 'orbital').map((s) => s.name));
  const pools = spec.nodePools.map((p) => resolvePool({ ...p, site: p.site ?? sites[0].name }, catalog));
  const cluster: Cluster = {
    name,
    kubernetes: {
      version: spec.kubernetes.version,
      context: spec.kubernetes.context,
      kubeconfig: spec.kubernetes.kubeconfig ?? DEFAULTS.kubernetes.kubeconfig,
      podCIDR: spec.kubernetes.podCIDR,
      serviceCIDR: spec.kubernetes.serviceCIDR,
    },
    backend: {
      kind: spec.backend?.kind ?? DEFAULTS.backend.kind,
      path: spec.backend?.path ?? DEFAULTS.backend.path,
      namespace: spec.backend?.namespace ?? DEFAULTS.backend.namespace,
    },
    site: sites[0],
    sites,
    management: spec.management,
    pools: pools.filter((p) => !orbital.has(p.site!)),
    plannedPools: pools.filter((p) => orbital.has(p.site!)),
    tenants: active.map((t) => resolveTenant(t, name)),
    offboarding: spec.tenants.filter((t) => t.offboard).map((t) => t.name),
    allowOvercommit: spec.allowOvercommit ?? DEFAULTS.cluster.allowOvercommit,
    storage: resolveStorage({ ...spec, tenants: active }),
    fabric: spec.fabric,
    operations: { ...DEFAULT_OPERATIONS, ...definedOnly(spec.operations ?? {}) },
    ...(spec.cells ? { cells: spec.cells } : {}),
  };
  // The synth builds through ColossusCluster from this document; the planners locate issues in it.
  recordDocument(cluster, doc);
  return cluster;
}

/** A site with its defaults; an orbital site's budget is what its arrays deliver at the start of the mission. */
export function resolveSite(spec: SiteSpec): Site {
  const overheadFactor = spec.overheadFactor ?? DEFAULTS.site.overheadFactor;
  if (spec.kind === 'orbital' && spec.orbital) {
    return { ...spec, overheadFactor, powerBudgetMW: arrayMW(spec.orbital, 0) };
  }
  return { ...spec, overheadFactor, powerBudgetMW: spec.powerBudgetMW ?? 0 };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Every pool the spec declares: the ground pools, then those planned on orbital sites. */
export function declaredPools(cluster: Pick<Cluster, 'pools' | 'plannedPools'>): NodePool[] {
  return [...cluster.pools, ...cluster.plannedPools];
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
    maxUnavailable: pool.maxUnavailable,
    blocksAtOnce: pool.blocksAtOnce,
    image: pool.image,
    railPciAddresses: pool.railPciAddresses,
  };
}
