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
  /** Power available to the site, megawatts. */
  readonly powerBudgetMW: number;
  /** Power a single rack may draw, kilowatts. */
  readonly maxRackKW: number;
  /**
   * Multiplier on the GPU racks' draw for the CPU, storage and network racks and cooling.
   * @default 1.2
   */
  readonly overheadFactor?: number;
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
}

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
   * Nodes of one block that a rollout or a remediation may take down at once.
   * @default 1
   */
  readonly maxUnavailable?: number;
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
}

/** Object count limits per namespace (ResourceQuota `count/...`). */
export interface ObjectQuotaSpec {
  /**
   * Pods per namespace.
   * @default 10000
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
