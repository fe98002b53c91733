/**
 * The cluster spec as written by users (`kind: Cluster`, `colossus.dev/v1alpha1`).
 *
 * These types are the contract of the YAML file. They hold no cdktf types so that the
 * spec can be loaded, validated and reasoned about without synthesizing anything.
 * Optional fields are resolved to their defaults by `resolveCluster` (model/cluster.ts).
 */

/** Top-level document of a cluster spec file. */
export interface ClusterSpecDocument {
  readonly apiVersion: 'colossus.dev/v1alpha1';
  readonly kind: 'Cluster';
  readonly metadata: { readonly name: string };
  readonly spec: ClusterSpec;
}

/** The declared cluster. */
export interface ClusterSpec {
  readonly kubernetes: KubernetesSpec;
  /** @default - local backend, state under `terraform.<stack>.tfstate` relative to the working directory */
  readonly backend?: BackendSpec;
  readonly site: SiteSpec;
  readonly nodePools: readonly NodePoolSpec[];
  readonly tenants: readonly TenantSpec[];
  /**
   * Allow the GPU quota of all tenants on a pool to exceed the pool's GPUs.
   * @default false
   */
  readonly allowOvercommit?: boolean;
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
  readonly name: string;
  /** Power available to the site, megawatts. */
  readonly powerBudgetMW: number;
  /** Power a single rack may draw, kilowatts. */
  readonly maxRackKW: number;
}

/** A pool of identical GPU systems. */
export interface NodePoolSpec {
  /** DNS-1123 label; also the Kueue ResourceFlavor name. */
  readonly name: string;
  /** A SKU from the GPU catalog, for example `H100-SXM5-80GB` or `GB200-NVL72`. */
  readonly gpu: string;
  /** Number of nodes (HGX systems). Exactly one of `nodes` and `racks`. */
  readonly nodes?: number;
  /** Number of racks (required for rack-scale NVL72 systems). Exactly one of `nodes` and `racks`. */
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
  /** Tenant that owns the pool exclusively; nodes are tainted and only that tenant tolerates them. */
  readonly dedicatedTo?: string;
  /**
   * MIG layout applied to every GPU of the pool (`all-1g.10gb`, ...).
   * @default - MIG disabled
   */
  readonly migProfile?: string;
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
  /** @default "normal" */
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
  /** Per-namespace object count limits. */
  readonly objectQuota?: ObjectQuotaSpec;
}

/** Object count limits per namespace (ResourceQuota `count/...`). */
export interface ObjectQuotaSpec {
  /** @default 10000 */
  readonly pods?: number;
  /** @default 100 */
  readonly services?: number;
  /** @default 1000 */
  readonly configMaps?: number;
  /** @default 1000 */
  readonly secrets?: number;
  /** @default 200 */
  readonly persistentVolumeClaims?: number;
}
