/**
 * The cluster spec as written by users (`kind: Cluster`, `colossus.dev/v1alpha1`).
 *
 * These types are the contract of the YAML file. They hold no cdktf types so that the
 * spec can be loaded, validated and reasoned about without synthesizing anything.
 * Optional fields are resolved to their defaults by `resolveCluster` (model/cluster.ts).
 */

/** Top-level document of a cluster spec file. */
export interface ClusterSpecDocument {
  /** Version of the spec format. */
  readonly apiVersion: 'colossus.dev/v1alpha1';
  /** Kind of the document. */
  readonly kind: 'Cluster';
  /** The cluster's name (a DNS-1123 label); prefixes every stack. */
  readonly metadata: {
    /** The cluster's name. */
    readonly name: string;
  };
  /** The declared cluster. */
  readonly spec: ClusterSpec;
}

/** The declared cluster. */
export interface ClusterSpec {
  /** The workload cluster's Kubernetes API. */
  readonly kubernetes: KubernetesSpec;
  /**
   * Where Terraform keeps each stack's state.
   * @default - local backend, state under `terraform.<stack>.tfstate` relative to the working directory */
  readonly backend?: BackendSpec;
  /**
   * The site, when the cluster has one. Exactly one of `site` and `sites`.
   * @default - none: `sites` is given
   */
  readonly site?: SiteSpec;
  /**
   * The sites, when the cluster spans several; each pool names its own with `site`. Exactly one of `site` and `sites`.
   * @default - none: `site` is given
   */
  readonly sites?: readonly SiteSpec[];
  /**
   * The management cluster that provisions the nodes with Cluster API and Metal3.
   * @default - no management stack: the nodes are provisioned outside colossus-cdktf
   */
  readonly management?: ManagementSpec;
  /** Pools of identical GPU systems. */
  readonly nodePools: readonly NodePoolSpec[];
  /** Teams and partner labs sharing the cluster. */
  readonly tenants: readonly TenantSpec[];
  /**
   * Allow the GPU quota of all tenants on a pool to exceed the pool's GPUs.
   * @default false
   */
  readonly allowOvercommit?: boolean;
  /**
   * Filesystems the cluster offers (parallel filesystems, NFS, local NVMe scratch), one StorageClass each.
   * @default - none
   */
  readonly storage?: readonly FilesystemSpec[];
  /**
   * The checkpoint bandwidth model checked against each filesystem's throughput.
   * @default - 4 GB of state per GPU written within 120 seconds, reported as a warning
   */
  readonly checkpoint?: CheckpointSpec;
  /**
   * The RDMA compute fabric: sized, address-planned and configured (Network Operator, nv-ipam, SR-IOV),
   * with a partition per tenant.
   * @default - no compute fabric objects, no Kueue Topology
   */
  readonly fabric?: FabricSpec;
  /**
   * Day-2 times per node, from which the review estimates how long a rollout, driver upgrade or SR-IOV
   * change takes.
   * @default - 15 minutes to drain or reboot, 60 to reimage, 10 to reload the driver
   */
  readonly operations?: OperationsSpec;
  /**
   * Cells: the site as several workload clusters of at most `maxNodesPerCell` nodes under one MultiKueue manager.
   * @default - one cluster while it fits one cell; see cells/plan.ts
   */
  readonly cells?: CellsSpec;
}

/** How the site is cut into cells (workload clusters) and how the manager cluster is reached. */
export interface CellsSpec {
  /**
   * Most nodes one cell may have. Above 5,000 (the upstream threshold) `exceedReason` must say why.
   * @default 5000
   */
  readonly maxNodesPerCell?: number;
  /**
   * Why cells may exceed the upstream 5,000-node threshold; recorded in the summary.
   * @default - none: maxNodesPerCell may not exceed 5,000
   */
  readonly exceedReason?: string;
  /**
   * Control-plane machines of each cell.
   * @default 5
   */
  readonly controlPlaneReplicas?: number;
  /**
   * The MultiKueue manager cluster.
   * @default - `kubernetes.context` and `kubernetes.kubeconfig`
   */
  readonly manager?: CellManagerSpec;
  /**
   * Pinned cells, each a run of a pool's blocks in order; blocks not pinned are cut into automatic cells.
   * @default - every cell automatic
   */
  readonly layout?: readonly CellLayoutSpec[];
}

/** Where the MultiKueue manager cluster is. */
export interface CellManagerSpec {
  /** kubeconfig context of the manager cluster. */
  readonly context: string;
  /**
   * kubeconfig file holding that context.
   * @default - `kubernetes.kubeconfig`
   */
  readonly kubeconfig?: string;
}

/** One pinned cell (a hall, a power domain): the next `blocks` blocks of `pool`. */
export interface CellLayoutSpec {
  /** Cell name; prefixes the cell's stacks (`<cluster>-<cell>-*`). */
  readonly name: string;
  /** The pool whose blocks the cell takes. */
  readonly pool: string;
  /** How many blocks, taken in order after the pool's earlier pinned cells. */
  readonly blocks: number;
  /**
   * kubeconfig context of the cell's cluster.
   * @default "<kubernetes.context>-<cell>"
   */
  readonly context?: string;
  /**
   * kubeconfig file holding that context.
   * @default - `kubernetes.kubeconfig`
   */
  readonly kubeconfig?: string;
  /**
   * The cell's pod range.
   * @default - the cell's share of `kubernetes.podCIDR`
   */
  readonly podCIDR?: string;
  /**
   * The cell's Service range.
   * @default - the cell's share of `kubernetes.serviceCIDR`
   */
  readonly serviceCIDR?: string;
  /**
   * The cell's rail range.
   * @default - the cell's share of `fabric.railCIDR`
   */
  readonly railCIDR?: string;
  /**
   * The cell's API endpoint.
   * @default - "<cell>.<management.controlPlaneEndpoint.host>"
   */
  readonly endpoint?: {
    /** Host name or address. */
    readonly host: string;
    /**
     * API server port.
     * @default 6443
     */
    readonly port?: number;
  };
}

/** The workload cluster's Kubernetes API. */
export interface KubernetesSpec {
  /** Kubernetes minor version, for example "1.33"; pins the Pod Security version label. */
  readonly version: string;
  /** kubeconfig context the Terraform providers use. */
  readonly context: string;
  /**
   * kubeconfig file the Terraform providers read. Never copied into the output.
   * @default "~/.kube/config"
   */
  readonly kubeconfig?: string;
  /**
   * The pod network range (IPv4 CIDR); the fabric's rail ranges must not overlap it.
   * @default - unknown; required when `fabric` is declared
   */
  readonly podCIDR?: string;
  /**
   * The Service range (IPv4 CIDR); the fabric's rail ranges must not overlap it.
   * @default - unknown; required when `fabric` is declared
   */
  readonly serviceCIDR?: string;
}

/** Where Terraform keeps each stack's state. */
export interface BackendSpec {
  /** `local` (a file per stack) or `kubernetes` (a Secret per stack, locked with a Lease). */
  readonly kind: 'local' | 'kubernetes';
  /**
   * Directory of the state files, relative to the directory `cdktf deploy` runs in (local only).
   * @default "state"
   */
  readonly path?: string;
  /**
   * Namespace of the state Secrets (kubernetes only).
   * @default "terraform-state"
   */
  readonly namespace?: string;
}

/** The physical site: the power and cooling envelope. */
export interface SiteSpec {
  /** Site name, as pools refer to it. */
  readonly name: string;
  /**
   * `ground` (a data centre), or `orbital` (a satellite constellation: a planning target, never emitted).
   * @default "ground"
   */
  readonly kind?: SiteKind;
  /**
   * Power available to the site (its feed), megawatts. Required on the ground; an orbital site's arrays set its power.
   * @default - none on an orbital site
   */
  readonly powerBudgetMW?: number;
  /** Power a single rack may draw, kilowatts (on an orbital site: one satellite's compute payload). */
  readonly maxRackKW: number;
  /**
   * Multiplier on the GPU racks' draw for the CPU, storage and network racks and cooling; with `pue`
   * declared, for the other IT racks only (cooling and facility losses are then in `pue`).
   * @default 1.2
   */
  readonly overheadFactor?: number;
  /**
   * Power usage effectiveness: facility power over IT power. When declared, the site draws its IT load times it.
   * @default - none: `overheadFactor` covers cooling
   */
  readonly pue?: number;
  /**
   * The site's halls: rack positions, floor, air and liquid cooling, and the racks of each pool they hold.
   * @default - none: no space or cooling checks
   */
  readonly halls?: readonly HallSpec[];
  /**
   * Rack figures per catalog SKU that the catalog does not know or that this site builds differently
   * (liquid share, weight); SKU name to profile.
   * @default - the catalog's rack profiles
   */
  readonly rackProfiles?: Readonly<Record<string, RackProfileSpec>>;
  /**
   * Coolant flow sizing of the secondary (rack) loops.
   * @default - 1.5 L/min per kW at a 10 K rise
   */
  readonly coolant?: CoolantSpec;
  /**
   * Evaporative heat rejection: water used per day is reported from it.
   * @default - none: dry heat rejection, no water figure
   */
  readonly water?: WaterSpec;
  /**
   * The declared assumptions of an orbital site (required with `kind: orbital`).
   * @default - none
   */
  readonly orbital?: OrbitalSpec;
}

/** Where a site is. */
export type SiteKind = 'ground' | 'orbital';

/** ASHRAE TC 9.9 facility water classes (the highest supply temperature each allows). */
export type WaterClass = 'W17' | 'W27' | 'W32' | 'W40' | 'W45' | 'W+';

/** A data hall: floor, air cooling, facility water, CDUs, and the racks placed in it. */
export interface HallSpec {
  /** Hall name, unique within the site; what a later cell layout refers to. */
  readonly name: string;
  /** Rack positions on the floor. */
  readonly rackPositions: number;
  /** Floor area of the rack positions with their aisles, m2. */
  readonly floorAreaM2: number;
  /** Uniform load the floor is rated for, kg/m2. */
  readonly floorLoadKgPerM2: number;
  /** Heat the hall's air handling removes, kW. */
  readonly airCoolingKW: number;
  /** Facility water supplied to the CDUs. */
  readonly facilityWater: FacilityWaterSpec;
  /**
   * The coolant distribution units serving the hall's liquid-cooled racks.
   * @default - none: the hall's racks must be air-cooled
   */
  readonly cdus?: CduSpec;
  /** Racks of each pool placed in the hall (pool name to racks). */
  readonly racks: Readonly<Record<string, number>>;
}

/** Facility water supplied to a hall. */
export interface FacilityWaterSpec {
  /** ASHRAE class the plant is built to. */
  readonly class: WaterClass;
  /** Supply temperature, degrees C. */
  readonly supplyC: number;
}

/** Identical CDUs in groups, each group serving a fixed number of racks. */
export interface CduSpec {
  /** Heat one unit moves to the facility water, kW. */
  readonly capacityKW: number;
  /** Secondary-loop flow one unit delivers, L/min. */
  readonly flowLpm: number;
  /** Racks one group serves: 1 for in-rack CDUs, a row for row CDUs, the hall for facility CDUs. */
  readonly racksServed: number;
  /** Units in each group. */
  readonly unitsPerGroup: number;
  /**
   * Units of a group that may be out with its racks still cooled: N (none), N+1 (one), 2N (half).
   * @default "N+1"
   */
  readonly redundancy?: 'N' | 'N+1' | '2N';
}

/** Rack figures a site declares for a SKU. */
export interface RackProfileSpec {
  /**
   * Share of the rack's heat carried away by liquid, 0 to 1 (the rest goes to the hall's air).
   * @default - the catalog's figure
   */
  readonly liquidShare?: number;
  /**
   * Weight of a full rack, kg.
   * @default - the catalog's figure
   */
  readonly weightKg?: number;
  /**
   * Floor positions one rack takes.
   * @default - the catalog's figure
   */
  readonly positions?: number;
}

/** Coolant flow sizing: flow per kW of liquid heat at a temperature rise. */
export interface CoolantSpec {
  /**
   * Secondary-loop flow per kW of liquid heat, L/min (OCP guidance: about 1.5, range 1.25 to 2.0).
   * @default 1.5
   */
  readonly litresPerMinutePerKW?: number;
  /**
   * Temperature rise of the coolant across the racks, K.
   * @default 10
   */
  readonly riseK?: number;
}

/** Evaporative heat rejection (cooling towers), for the water figure. */
export interface WaterSpec {
  /** Share of the site's heat rejected by evaporation, 0 to 1 (the rest by dry coolers or chillers). */
  readonly evaporativeShare: number;
  /** Cycles of concentration of the towers: make-up water is evaporation times C/(C-1). */
  readonly cyclesOfConcentration: number;
}

/**
 * The declared assumptions of an orbital site: a formation of identical satellites. Every figure is
 * a planning assumption (none is flight data), checked against physics.
 */
export interface OrbitalSpec {
  /** Satellites in the formation; the site's racks are spread evenly over them. */
  readonly satellites: number;
  /** Solar array area per satellite, m2. */
  readonly arrayAreaM2: number;
  /** Cell efficiency at the start of the mission, 0 to 1. */
  readonly cellEfficiency: number;
  /**
   * Share of the orbit in sunlight (about 1 in a dawn-dusk sun-synchronous orbit).
   * @default 1
   */
  readonly sunlitFraction?: number;
  /**
   * Array output lost per year (radiation and thermal cycling), 0 to 1.
   * @default 0
   */
  readonly arrayDegradationPerYear?: number;
  /** Radiator panel area per satellite, m2 (one face). */
  readonly radiatorAreaM2: number;
  /** Faces of each panel that see space: 2 for a free-standing panel, 1 for one on a body. */
  readonly radiatorSides: 1 | 2;
  /** Infrared emissivity of the radiator surface, 0 to 1. */
  readonly emissivity: number;
  /** Radiator temperature, K. */
  readonly radiatorTempK: number;
  /** Heat absorbed per m2 of each radiator face from Earth's infrared and albedo, W/m2. */
  readonly environmentWPerM2: number;
  /** Optical links per satellite to its neighbours. */
  readonly neighbours: number;
  /** Bandwidth of one optical link, Gb/s. */
  readonly linkGbpsPerNeighbour: number;
  /** Distance at which a link holds that bandwidth, km. */
  readonly linkRangeKm: number;
  /** Radius of the formation, km. */
  readonly clusterRadiusKm: number;
  /** Bandwidth each GPU sends off its satellite, Gb/s (its fabric NIC divided by the oversubscription allowed). */
  readonly offSatelliteGbpsPerGpu: number;
  /** Share of the GPUs that fail per year and are never repaired, 0 to 1. */
  readonly annualFailureRate: number;
  /** Mission length, years. */
  readonly missionYears: number;
  /**
   * Capacity that must remain at the end of the mission, 0 to 1.
   * @default - none: capacity is reported, not checked
   */
  readonly minEndOfMissionCapacity?: number;
}

/** The management cluster (Cluster API v1.14 with Metal3 CAPM3 v1.13 installed) that provisions the nodes. */
export interface ManagementSpec {
  /** kubeconfig context of the management cluster. */
  readonly context: string;
  /**
   * kubeconfig file holding that context. Never copied into the output.
   * @default - the workload cluster's `kubernetes.kubeconfig`
   */
  readonly kubeconfig?: string;
  /**
   * Namespace of the Cluster API objects; the BareMetalHosts must be registered in it.
   * @default - the cluster name
   */
  readonly namespace?: string;
  /** Full Kubernetes version the machines run, for example "v1.33.4"; its minor must match `kubernetes.version`. */
  readonly kubernetesVersion: string;
  /** The workload cluster's API endpoint (a VIP or load balancer in front of the control plane). */
  readonly controlPlaneEndpoint: {
    /** Host name or address. */
    readonly host: string;
    /**
     * API server port.
     * @default 6443
     */
    readonly port?: number;
  };
  /**
   * Control-plane machines.
   * @default 3
   */
  readonly controlPlaneReplicas?: number;
  /** OS image written to every host by Ironic. */
  readonly image: OsImageSpec;
  /**
   * A change of the image or Kubernetes version moving through the pools wave by wave: blocks
   * `0 .. wave x blocksAtOnce - 1` of every pool run the settings above, the others keep `from`.
   * @default - none: every block runs the settings above
   */
  readonly rollout?: RolloutSpec;
}

/** A staged rollout of the machines' image or Kubernetes version (see README "Operations"). */
export interface RolloutSpec {
  /** The settings the blocks not yet rolled keep; at least one of the two. */
  readonly from: {
    /**
     * Image of the blocks not yet rolled.
     * @default - `management.image`
     */
    readonly image?: OsImageSpec;
    /**
     * Kubernetes version of the blocks not yet rolled.
     * @default - `management.kubernetesVersion`
     */
    readonly kubernetesVersion?: string;
  };
  /** Waves applied so far: 0 starts the rollout with no block moved; each deploy moves it by one. */
  readonly wave: number;
}

/** Day-2 figures: how long one node takes to drain, reboot, reimage and reload its GPU driver. */
export interface OperationsSpec {
  /**
   * Minutes to evict a node's pods.
   * @default 15
   */
  readonly drainMinutes?: number;
  /**
   * Minutes to reboot a host (SR-IOV firmware changes).
   * @default 15
   */
  readonly rebootMinutes?: number;
  /**
   * Minutes to deprovision a host, write the image, boot and join (a Cluster API rollout).
   * @default 60
   */
  readonly reimageMinutes?: number;
  /**
   * Minutes to unload and load the GPU driver on a drained node.
   * @default 10
   */
  readonly driverMinutes?: number;
}

/** A disk image Metal3 writes to a host. */
export interface OsImageSpec {
  /** Where Ironic downloads the image. */
  readonly url: string;
  /** Checksum of the image, or the URL of a checksum file. */
  readonly checksum: string;
  /**
   * Algorithm of the checksum.
   * @default "sha256"
   */
  readonly checksumType?: 'sha256' | 'sha512';
  /**
   * Format of the image.
   * @default "raw"
   */
  readonly diskFormat?: 'raw' | 'qcow2';
  /**
   * CPU architecture the image is built for; must match the catalog's for the pools that boot it.
   * @default "amd64"
   */
  readonly architecture?: CpuArchitecture;
}

/** CPU architecture of a host and of the OS image written to it (Go and Kubernetes names). */
export type CpuArchitecture = 'amd64' | 'arm64';

/** A pool of identical GPU systems. */
export interface NodePoolSpec {
  /** DNS-1123 label; also the Kueue ResourceFlavor name. */
  readonly name: string;
  /** A SKU from the GPU catalog, for example `H100-SXM5-80GB` or `GB200-NVL72`. */
  readonly gpu: string;
  /**
   * Number of nodes (HGX systems). Exactly one of `nodes` and `racks`.
   * @default - `racks` times `nodesPerRack`
   */
  readonly nodes?: number;
  /**
   * Number of racks (required for rack-scale NVL72 systems). Exactly one of `nodes` and `racks`.
   * @default - enough racks for `nodes`
   */
  readonly racks?: number;
  /**
   * Nodes per rack.
   * @default - the catalog's figure (8 for HGX, 18 compute trays for NVL72)
   */
  readonly nodesPerRack?: number;
  /**
   * Racks per block: the unit of rollout and of scheduling locality.
   * @default 8
   */
  readonly racksPerBlock?: number;
  /**
   * NVIDIA driver version installed on this pool's nodes.
   * @default - the catalog's recommended driver for the SKU
   */
  readonly driverVersion?: string;
  /**
   * Tenant that owns the pool exclusively; nodes are tainted and only that tenant tolerates them.
   * @default - shared by every tenant with quota on it
   */
  readonly dedicatedTo?: string;
  /**
   * MIG layout applied to every GPU of the pool (`all-1g.10gb`, ...).
   * @default - MIG disabled
   */
  readonly migProfile?: string;
  /**
   * Site the pool stands in (a name from `spec.sites`).
   * @default - the cluster's only site
   */
  readonly site?: string;
  /**
   * Nodes of one block that a rollout takes down at once (Cluster API `maxUnavailable`). On rack-scale
   * systems only the whole block keeps every NVLink rack whole.
   * @default - the whole block: a block is drained and reimaged in one step
   */
  readonly maxUnavailable?: number;
  /**
   * Blocks of this pool that one rollout, driver upgrade or SR-IOV reconfiguration disrupts at once: the
   * wave size of `management.rollout`, the GPU Operator's parallel upgrades and the SR-IOV drain limit.
   * @default 1
   */
  readonly blocksAtOnce?: number;
  /**
   * OS image of the pool's hosts, when it differs from `spec.management.image` (GB200 trays are arm64).
   * @default - spec.management.image
   */
  readonly image?: OsImageSpec;
  /**
   * PCI addresses of the rail NICs on every node of the pool, rail 0 first. The NIC Configuration
   * Operator's NicInterfaceNameTemplate renames them to the fabric's rail names (rail0, rail1, ...).
   * @default - none; required on a fabric whose `railInterfaces` is not declared
   */
  readonly railPciAddresses?: readonly string[];
}

/** Relative scheduling priority of a tenant's workloads. */
export type TenantPriority = 'low' | 'normal' | 'high' | 'critical';

/** Pod Security Standard level enforced on a tenant's namespaces. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** A tenant: a team or an external lab with hard isolation from the others. */
export interface TenantSpec {
  /** DNS-1123 label; prefixes the tenant's cluster-scoped objects. */
  readonly name: string;
  /**
   * An external party (a partner lab): never granted anything cluster-scoped.
   * @default false
   */
  readonly external?: boolean;
  /** Identity-provider groups bound to the tenant's role in its namespaces. */
  readonly groups: readonly string[];
  /**
   * Namespaces owned by the tenant.
   * @default - one namespace named after the tenant
   */
  readonly namespaces?: readonly string[];
  /** GPUs per node pool (pool name to GPU count). */
  readonly gpuQuota: Readonly<Record<string, number>>;
  /**
   * Scheduling priority of the tenant's workloads.
   * @default "normal"
   */
  readonly priority?: TenantPriority;
  /**
   * May the tenant borrow idle GPUs from other tenants of its cohort.
   * @default - true for internal tenants, false for external ones
   */
  readonly canBorrow?: boolean;
  /**
   * Kueue cohort the tenant's ClusterQueue joins.
   * @default - "<cluster>-shared" for tenants that can borrow, none otherwise
   */
  readonly cohort?: string;
  /**
   * Pod Security level enforced on the tenant's namespaces; anything but `restricted` is reported by the audit.
   * @default "restricted"
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Per-namespace object count limits.
   * @default - the defaults of each `ObjectQuotaSpec` field
   */
  readonly objectQuota?: ObjectQuotaSpec;
  /**
   * Namespaces (of the tenant's) serving inference: they accept traffic from the cluster's ingress
   * gateway namespace (`ingress-gateway`).
   * @default - none: no namespace accepts traffic from outside the tenant
   */
  readonly servingNamespaces?: readonly string[];
  /**
   * The tenant's shares of the cluster's filesystems and the volumes it keeps on them.
   * @default - no share: the tenant's namespaces may not claim any declared filesystem
   */
  readonly storage?: readonly TenantStorageSpec[];
  /**
   * The tenant's compute-fabric partition: an InfiniBand partition key (0x0001-0x7FFE) or an Ethernet
   * VLAN (1-4094). Never shared with another tenant.
   * @default - derived from the tenant name, avoiding the others' partitions
   */
  readonly fabricPartition?: number;
  /**
   * Offboarding: the tenant's stack is synthesized with no objects, so deploying it destroys the tenant's
   * RBAC, queue, networks and policies, while `removed` blocks keep its volumes (and the namespaces holding
   * them). Remove the tenant from the spec once that stack is deployed.
   * @default false
   */
  readonly offboard?: boolean;
}

/** Object count limits per namespace (ResourceQuota `count/...`). */
export interface ObjectQuotaSpec {
  /**
   * Pods per namespace.
   * @default - one per GPU the namespace may use (a full-pool job at one GPU per pod), plus 10,000
   */
  readonly pods?: number;
  /**
   * Services per namespace (LoadBalancer and NodePort ones are never allowed).
   * @default 100
   */
  readonly services?: number;
  /**
   * ConfigMaps per namespace.
   * @default 1000
   */
  readonly configMaps?: number;
  /**
   * Secrets per namespace.
   * @default 1000
   */
  readonly secrets?: number;
  /**
   * PersistentVolumeClaims per namespace.
   * @default 200
   */
  readonly persistentVolumeClaims?: number;
}

/** What a filesystem is; decides its StorageClass's binding mode and reclaim policy. */
export type FilesystemKind = 'parallel-filesystem' | 'nfs' | 'local-nvme';

/** A filesystem the cluster offers, emitted as one StorageClass of the same name. */
export interface FilesystemSpec {
  /** DNS-1123 label; also the StorageClass (and VolumeSnapshotClass) name. */
  readonly name: string;
  /** What the filesystem is: decides the StorageClass's binding mode and reclaim policy. */
  readonly kind: FilesystemKind;
  /** CSI driver provisioning the volumes (the StorageClass provisioner), for example `csi.vastdata.com`. */
  readonly csiDriver: string;
  /**
   * Driver parameters, passed to the StorageClass unchanged.
   * @default - none
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Usable capacity, TiB (for local NVMe: the sum over all nodes). */
  readonly capacityTiB: number;
  /** Aggregate write throughput, GB/s (decimal gigabytes per second). */
  readonly throughputGBps: number;
  /**
   * The driver takes CSI snapshots: a VolumeSnapshotClass (deletionPolicy Retain) is emitted.
   * @default false
   */
  readonly snapshots?: boolean;
  /**
   * Mount options of the volumes (the StorageClass `mountOptions`), for example `nconnect=16` for NFS.
   * @default - the driver's defaults
   */
  readonly mountOptions?: readonly string[];
}

/**
 * The checkpoint bandwidth model: a tenant checkpointing all its GPUs at once needs
 * GPUs x stateGBPerGpu / targetSeconds GB/s from the filesystems holding its checkpoint volumes.
 */
export interface CheckpointSpec {
  /**
   * Checkpoint state each GPU writes, GB (its shard of weights and optimizer state).
   * @default 4
   */
  readonly stateGBPerGpu?: number;
  /**
   * Seconds a checkpoint may take.
   * @default 120
   */
  readonly targetSeconds?: number;
  /**
   * Fail synthesis when a filesystem's checkpoint demand exceeds its throughput (otherwise a summary warning).
   * @default false
   */
  readonly enforce?: boolean;
}

/** What a tenant volume holds; decides its access modes. */
export type VolumePurpose = 'datasets' | 'checkpoints';

/** A tenant's share of one filesystem in one of its namespaces. */
export interface TenantStorageSpec {
  /** Name of a filesystem in `spec.storage`. */
  readonly filesystem: string;
  /** The share, TiB: the namespace's ResourceQuota on the filesystem's StorageClass. */
  readonly capacityTiB: number;
  /**
   * Namespace the share and the volumes belong to.
   * @default - the tenant's first namespace
   */
  readonly namespace?: string;
  /**
   * PersistentVolumeClaims created on the share; protected from deletion.
   * @default - none
   */
  readonly volumes?: readonly TenantVolumeSpec[];
}

/** A tenant volume: one PersistentVolumeClaim. */
export interface TenantVolumeSpec {
  /** DNS-1123 label; the PersistentVolumeClaim name. */
  readonly name: string;
  /** What the volume holds; decides its access modes. */
  readonly purpose: VolumePurpose;
  /** Size, TiB. */
  readonly capacityTiB: number;
  /**
   * Lift the protection: without it Terraform refuses to destroy the volume, GitOps tools never prune
   * it, and removing it from the spec only makes Terraform forget it. Set it (and apply) before removing
   * a volume whose data may go.
   * @default false
   */
  readonly allowDataDeletion?: boolean;
}

/** Compute fabric technology. */
export type FabricKind = 'spectrum-x' | 'infiniband';

/** A switch model of the compute fabric. */
export interface FabricSwitchSpec {
  /** Model name, for the report (`SN5600`, `QM9700`). */
  readonly model: string;
  /** Ports at `portGbps` (an SN5600 is 128 x 400G; a QM9700 64 x 400G). */
  readonly ports: number;
  /** Speed of one port, Gb/s; must equal the GPU NIC `linkGbps`. */
  readonly portGbps: number;
}

/** The rail-optimized RDMA compute fabric: one NIC per GPU, one rail per NIC index. */
export interface FabricSpec {
  /** `spectrum-x` (RoCE Ethernet, tenants on VLANs) or `infiniband` (tenants on partition keys). */
  readonly kind: FabricKind;
  /** Speed of each GPU NIC, Gb/s. */
  readonly linkGbps: number;
  /** The switch every tier is built from. */
  readonly switch: FabricSwitchSpec;
  /**
   * Leaf downlinks per uplink; 1 is non-blocking.
   * @default 1
   */
  readonly oversubscription?: number;
  /**
   * Most switch tiers (leaf, spine, core) the design may use.
   * @default 3
   */
  readonly maxTiers?: number;
  /**
   * Nodes whose rail-k NICs share leaf switches. When set, every pool's block
   * (racksPerBlock x nodesPerRack nodes) must hold exactly this many nodes.
   * @default - each pool's block is its scalable unit
   */
  readonly nodesPerScalableUnit?: number;
  /** IPv4 range split into one equal range per rail. */
  readonly railCIDR: string;
  /**
   * Pods per node that attach to the fabric; nv-ipam reserves this many addresses per node and rail,
   * and SR-IOV creates this many virtual functions per rail NIC.
   * @default - the GPUs per node of the pool (one pod per GPU)
   */
  readonly rdmaPodsPerNode?: number;
  /**
   * Names of the rail NICs (physical functions) on every node, rail 0 first.
   * @default - "rail0", "rail1", ...: names the provisioning gives the rail NICs
   */
  readonly railInterfaces?: readonly string[];
}
