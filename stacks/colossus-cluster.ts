/**
 * ColossusCluster: a whole cluster composed in code. It owns its pools, tenants and filesystems,
 * which refer to each other by object (`tenant.grant(pool, { gpus })`, `tenant.addStorage(filesystem,
 * share)`, `pool.dedicateTo(tenant)`), and creates the cluster's stacks.
 *
 * It builds through the same path as a YAML spec: the parts make a spec document (`toDocument()`),
 * checked by `checkDocument` (spec/check-spec.ts, what `colossus synth` runs on a file), resolved
 * (model/cluster.ts) and turned into stacks by `buildClusterStacks`. A cluster composed in code and
 * the same cluster written in YAML are refused with the same codes, or give the same output. The YAML
 * path builds through it too (`buildCheckedSpec`, read by emit/synthesize.ts): `build()` is the one
 * build sequence of a cluster's stacks.
 */
import { Construct } from 'constructs';
import { GpuCatalog } from '../catalog/gpus';
import { Tenant } from '../constructs/tenant';
import { ColossusApp, fromSpec } from '../emit/colossus-app';
import { assertNoTenantAbandoned, assertRecordsWhereStateIs } from '../emit/synth-guards';
import { Cluster } from '../model/cluster';
import { KubeObject } from '../model/kube';
import { checkDocument, CheckedDocument } from '../spec/check-spec';
import { formatPath, SpecError, SpecIssue } from '../spec/errors';
import {
  ClusterSpec,
  ClusterSpecDocument,
  FilesystemSpec,
  NodePoolSpec,
  TenantSpec,
  TenantStorageSpec,
} from '../spec/types';
import { buildClusterStacks, ClusterStacks } from './cluster-stacks';
import { onPrepare } from './prepare';

/**
 * Props of a ColossusCluster: the spec's cluster-wide sections (`kubernetes`, `site` or `sites`,
 * `backend`, `management`, `fabric`, ...), as in a YAML spec. Pools, tenants and filesystems are
 * added with `addPool`, `addTenant` and `addFilesystem`.
 */
export interface ColossusClusterProps extends Omit<ClusterSpec, 'nodePools' | 'tenants' | 'storage'> {
  /**
   * Catalog the pools' GPUs come from (a partner's own SKU: `GpuCatalog.builtIn().withSku(...)`).
   * @default GpuCatalog.builtIn()
   */
  readonly catalog?: GpuCatalog;
  /**
   * Create Terraform resources; false emits YAML only.
   * @default true
   */
  readonly terraform?: boolean;
  /**
   * Adopt objects and Helm releases that already exist (import blocks, field ownership taken over).
   * @default false
   */
  readonly adopt?: boolean;
}

/** Props of a pool of a ColossusCluster: the spec's `nodePools[]` entry, its dedicated tenant by object. */
export interface ClusterPoolProps extends Omit<NodePoolSpec, 'dedicatedTo'> {
  /**
   * The tenant owning the pool exclusively (see `ClusterPool.dedicateTo`).
   * @default - shared by every tenant granted GPUs on it
   */
  readonly dedicatedTo?: ClusterTenant;
}

/** Props of a tenant of a ColossusCluster: the spec's `tenants[]` entry; GPUs and storage are added by object. */
export type ClusterTenantProps = Omit<TenantSpec, 'gpuQuota' | 'storage'>;

/** A tenant's share of a filesystem: the spec's `tenants[].storage[]` entry without the filesystem's name. */
export type StorageShareProps = Omit<TenantStorageSpec, 'filesystem'>;

/** GPUs granted to a tenant on one pool. */
export interface GpuGrant {
  /** GPUs of the pool the tenant's ClusterQueue may use (its nominal quota on the pool's flavor). */
  readonly gpus: number;
}

/** Options of the build of a checked spec (the YAML path): the construct's, and the spec file as named. */
export interface SpecBuildOptions extends Pick<ColossusClusterProps, 'catalog' | 'terraform' | 'adopt'> {
  /** The spec file as the user named it, for the commands in DEPLOY.md (see `SynthOptions.specPath`). */
  readonly specPath?: string | null;
}

/**
 * The check of the spec a ColossusCluster was made from, kept with it: `parts` is the document its
 * parts made then. While they still make it, the build reuses the checked cluster (and so the plans
 * its check made) instead of checking again: a spec is checked and planned once per synth.
 */
interface SpecCheck {
  readonly checked: CheckedDocument;
  readonly parts: string;
  readonly specPath?: string | null;
}

const SPEC_CHECKS = new WeakMap<ColossusCluster, SpecCheck>();

/**
 * Builds the stacks of a checked spec (`loadSpecFile`, `parseSpec`) through a ColossusCluster made from
 * it in `scope` (the YAML path: emit/synthesize.ts). Its build reuses the check; what it refuses (local
 * state without records, a tenant dropped without offboarding) it throws.
 */
export function buildCheckedSpec(
  scope: Construct,
  checked: CheckedDocument,
  options: SpecBuildOptions = {},
): ClusterStacks {
  const { specPath, ...props } = options;
  return composeSpec(scope, checked, props, specPath).stacks;
}

/** A ColossusCluster whose parts are those of a checked spec, the check kept for its build. */
function composeSpec(
  scope: Construct,
  checked: CheckedDocument,
  props: Pick<ColossusClusterProps, 'catalog' | 'terraform' | 'adopt'>,
  specPath?: string | null,
): ColossusCluster {
  const { document } = checked;
  const { nodePools, tenants, storage, ...rest } = document.spec;
  const cluster = new ColossusCluster(scope, document.metadata.name, { ...rest, ...props });
  const pools = new Map(nodePools.map((p) => [p.name, cluster.addPool({ ...p, dedicatedTo: undefined })]));
  const filesystems = new Map((storage ?? []).map((f) => [f.name, cluster.addFilesystem(f)]));
  for (const t of tenants) {
    const { gpuQuota, storage: shares, ...tenantProps } = t;
    const tenant = cluster.addTenant(tenantProps);
    for (const [pool, gpus] of Object.entries(gpuQuota)) tenant.grant(pools.get(pool)!, { gpus });
    for (const { filesystem, ...share } of shares ?? []) tenant.addStorage(filesystems.get(filesystem)!, share);
    for (const p of nodePools) if (p.dedicatedTo === t.name) pools.get(p.name)!.dedicateTo(tenant);
  }
  SPEC_CHECKS.set(cluster, { checked, parts: JSON.stringify(cluster.toDocument()), specPath });
  return cluster;
}

/** For each part, whether its cluster's stacks are built: a part cannot change after that. */
const BUILT = new WeakMap<object, () => boolean>();

function assertOpen(part: { readonly name: string }, what: string): void {
  if (BUILT.get(part)?.()) throw new Error(`cannot ${what} "${part.name}": its cluster's stacks are built already`);
}

/** A node pool of a ColossusCluster (`ColossusCluster.addPool`). */
export class ClusterPool {
  /** The pool's name; also its Kueue ResourceFlavor's. */
  public readonly name: string;
  private readonly props: ClusterPoolProps;
  private owner?: ClusterTenant;

  /** Use `ColossusCluster.addPool`. */
  public constructor(props: ClusterPoolProps) {
    this.name = props.name;
    this.props = props;
    this.owner = props.dedicatedTo;
  }

  /** Dedicates the pool to `tenant`: its nodes are tainted, and only that tenant may be granted GPUs on it. */
  public dedicateTo(tenant: ClusterTenant): this {
    assertOpen(this, 'dedicate pool');
    this.owner = tenant;
    return this;
  }

  /** The tenant the pool is dedicated to, if any. */
  public get dedicatedTo(): ClusterTenant | undefined {
    return this.owner;
  }

  /** The pool as a spec's `nodePools[]` entry. */
  public toSpec(): NodePoolSpec {
    return { ...this.props, dedicatedTo: this.owner?.name };
  }
}

/** A filesystem of a ColossusCluster (`ColossusCluster.addFilesystem`). */
export class ClusterFilesystem {
  /** The filesystem's name; also its StorageClass's. */
  public readonly name: string;
  private readonly props: FilesystemSpec;

  /** Use `ColossusCluster.addFilesystem`. */
  public constructor(props: FilesystemSpec) {
    this.name = props.name;
    this.props = props;
  }

  /** The filesystem as a spec's `storage[]` entry. */
  public toSpec(): FilesystemSpec {
    return this.props;
  }
}

/** Objects added to a tenant before its Tenant constructs exist, and those constructs once built. */
const TENANT_OBJECTS = new WeakMap<ClusterTenant, { queued: KubeObject[]; built: Tenant[] }>();

/** A tenant of a ColossusCluster (`ColossusCluster.addTenant`). */
export class ClusterTenant {
  /** The tenant's name; names its ClusterQueue, WorkloadPriorityClass and stack. */
  public readonly name: string;
  private readonly props: ClusterTenantProps;
  private readonly grants: [ClusterPool, GpuGrant][] = [];
  private readonly shares: [ClusterFilesystem, StorageShareProps][] = [];

  /** Use `ColossusCluster.addTenant`. */
  public constructor(props: ClusterTenantProps) {
    this.name = props.name;
    this.props = props;
    TENANT_OBJECTS.set(this, { queued: [], built: [] });
  }

  /** Grants the tenant `gpus` GPUs on `pool` (its quota there; a later grant on the same pool replaces it). */
  public grant(pool: ClusterPool, grant: GpuGrant): this {
    assertOpen(this, 'grant GPUs to tenant');
    const at = this.grants.findIndex(([p]) => p === pool);
    if (at >= 0) this.grants.splice(at, 1, [pool, grant]);
    else this.grants.push([pool, grant]);
    return this;
  }

  /** Gives the tenant a share of `filesystem`, with the volumes created on it. */
  public addStorage(filesystem: ClusterFilesystem, share: StorageShareProps): this {
    assertOpen(this, 'add storage to tenant');
    this.shares.push([filesystem, share]);
    return this;
  }

  /**
   * Adds an object of the tenant's own (an extra NetworkPolicy or Role) next to its isolation bundle,
   * as `Tenant.add` does once the cluster is built.
   */
  public add(object: KubeObject): this {
    const state = TENANT_OBJECTS.get(this)!;
    if (state.built.length > 0) state.built.forEach((t) => t.add(object));
    else state.queued.push(object);
    return this;
  }

  /** The tenant as a spec's `tenants[]` entry. */
  public toSpec(): TenantSpec {
    return {
      ...this.props,
      gpuQuota: Object.fromEntries(this.grants.map(([pool, g]) => [pool.name, g.gpus])),
      storage: this.shares.length ? this.shares.map(([fs, share]) => ({ filesystem: fs.name, ...share })) : undefined,
    };
  }
}

/**
 * A whole cluster composed in code: pools, tenants and filesystems that refer to each other by
 * object, built into the same stacks a YAML spec gives (`<cluster>-platform`, one
 * `<cluster>-tenant-<tenant>` per tenant, ...), created in the cluster's scope (the app) with the
 * construct paths a spec's stacks have. The construct id is the cluster's name.
 *
 * Like a spec, the parts are checked together, once every part is declared, and every problem is
 * reported at once: when the app synthesizes (a `ColossusApp` prepares the cluster and refuses it
 * with an `AppSynthError` listing each `error[code]`), or by `check()`. The stacks are created then,
 * or when `stacks` is first read (do so before `synth()` in a plain cdktf App).
 */
export class ColossusCluster extends Construct {
  /** The cluster's name (`metadata.name`): the construct id. */
  public readonly name: string;
  private readonly props: ColossusClusterProps;
  private readonly pools: ClusterPool[] = [];
  private readonly tenants: ClusterTenant[] = [];
  private readonly filesystems: ClusterFilesystem[] = [];
  private built?: { readonly cluster: Cluster; readonly stacks: ClusterStacks };
  private refused?: readonly SpecIssue[];

  /**
   * Builds a cluster from a spec document (a parsed YAML spec), which can then be extended in code.
   * @throws SpecError when the document is not a valid spec
   */
  public static fromDocument(scope: Construct, document: ClusterSpecDocument, catalog?: GpuCatalog): ColossusCluster {
    const checked = checkDocument(document, catalog ?? GpuCatalog.builtIn());
    if ('issues' in checked) throw new SpecError(`cluster ${document.metadata.name}`, checked.issues);
    return composeSpec(scope, checked, { catalog });
  }

  public constructor(scope: Construct, id: string, props: ColossusClusterProps) {
    super(scope, id);
    this.name = id;
    this.props = props;
    onPrepare(this, () => this.prepare());
    this.node.addValidation({ validate: () => (this.refused ?? []).map(render) });
    if (!(this.node.root instanceof ColossusApp)) {
      // A plain cdktf App synthesizes the stacks that exist when synth() starts and validates the app
      // after: a cluster whose stacks were never built would otherwise give an empty output silently.
      this.node.root.node.addValidation({
        validate: () =>
          this.built
            ? []
            : [
                `error[cluster-not-built] ${this.node.path}: the cluster's stacks were never built\n` +
                  '  fix: read cluster.stacks before app.synth(), or compose the cluster in a ColossusApp, which builds it',
              ],
      });
    }
  }

  /** Adds a node pool. */
  public addPool(props: ClusterPoolProps): ClusterPool {
    this.assertOpen('a pool');
    const pool = new ClusterPool(props);
    BUILT.set(pool, () => this.built !== undefined);
    this.pools.push(pool);
    return pool;
  }

  /** Adds a filesystem (its StorageClass is created in the platform stack). */
  public addFilesystem(props: FilesystemSpec): ClusterFilesystem {
    this.assertOpen('a filesystem');
    const filesystem = new ClusterFilesystem(props);
    this.filesystems.push(filesystem);
    return filesystem;
  }

  /** Adds a tenant, with a stack of its own; give it GPUs with `grant` and storage with `addStorage`. */
  public addTenant(props: ClusterTenantProps): ClusterTenant {
    this.assertOpen('a tenant');
    const tenant = new ClusterTenant(props);
    BUILT.set(tenant, () => this.built !== undefined);
    this.tenants.push(tenant);
    return tenant;
  }

  /** The cluster as a spec document: what `colossus synth` would read to build the same cluster. */
  public toDocument(): ClusterSpecDocument {
    // The build options are no part of a spec (undefined members are dropped below).
    const spec = { ...this.props, catalog: undefined, terraform: undefined, adopt: undefined };
    return definedOnly({
      apiVersion: 'colossus.dev/v1alpha1',
      kind: 'Cluster',
      metadata: { name: this.name },
      spec: {
        ...spec,
        nodePools: this.pools.map((p) => p.toSpec()),
        tenants: this.tenants.map((t) => t.toSpec()),
        storage: this.filesystems.length ? this.filesystems.map((f) => f.toSpec()) : undefined,
      },
    });
  }

  /**
   * Every problem of the cluster as declared so far, as the YAML path reports it for the same spec
   * (codes and paths, without file positions); empty when it is valid.
   */
  public check(): readonly SpecIssue[] {
    const checked = this.checkParts();
    return 'issues' in checked ? checked.issues : [];
  }

  /**
   * The cluster's stacks, created on first use from the parts declared so far (no part can be added after).
   * @throws SpecError when the cluster is not valid
   */
  public get stacks(): ClusterStacks {
    return this.build().stacks;
  }

  /** The resolved cluster, every default applied (built as `stacks` is). */
  public get cluster(): Cluster {
    return this.build().cluster;
  }

  private get catalog(): GpuCatalog {
    return this.props.catalog ?? GpuCatalog.builtIn();
  }

  /** The parts checked as a spec; the check of the spec the cluster was made from while they still make it. */
  private checkParts(): { readonly issues: SpecIssue[] } | CheckedDocument {
    const document = this.toDocument();
    const spec = SPEC_CHECKS.get(this);
    if (spec && JSON.stringify(document) === spec.parts) return spec.checked;
    return checkDocument(document, this.catalog);
  }

  /** The one build sequence of a cluster's stacks, for a cluster composed in code and for a spec alike. */
  private build(checkedParts?: { readonly issues: SpecIssue[] } | CheckedDocument): {
    readonly cluster: Cluster;
    readonly stacks: ClusterStacks;
  } {
    if (this.built) return this.built;
    const checked = checkedParts ?? this.checkParts();
    if ('issues' in checked) throw new SpecError(`cluster ${this.node.path}`, checked.issues);
    const app = this.node.root instanceof ColossusApp ? this.node.root : undefined;
    const { cluster } = checked;
    if (app) {
      // What `colossus synth` refuses before building a spec: local state without records of its data,
      // and a tenant whose stack an earlier synth wrote, dropped without offboarding.
      assertRecordsWhereStateIs(app, cluster);
      assertNoTenantAbandoned(app, cluster);
    }
    // The stacks are created beside the cluster, in its scope (the app): their construct paths, and so
    // cdktf's manifest and the stack dependencies, are those of the same cluster built from a spec.
    const stacks = buildClusterStacks(this.node.scope!, cluster, {
      catalog: this.props.catalog,
      terraform: this.props.terraform,
      adopt: this.props.adopt,
      previousData: app?.previousData,
    });
    // Objects added to a tenant in code join its Tenant construct (one per cell on a split cluster).
    const built = stacks.tenants.flatMap((s) => s.node.children).filter((c): c is Tenant => c instanceof Tenant);
    for (const tenant of this.tenants) {
      const state = TENANT_OBJECTS.get(tenant)!;
      state.built = built.filter((c) => c.tenant.name === tenant.name);
      state.queued.splice(0).forEach((o) => state.built.forEach((t) => t.add(o)));
    }
    // The output of a ColossusApp gets what a spec's gets: helmfile, DEPLOY.md, power and fabric figures.
    if (app) fromSpec(app, cluster, stacks, { specPath: SPEC_CHECKS.get(this)?.specPath });
    this.built = { cluster, stacks };
    return this.built;
  }

  /** Called by the app before it validates: builds, or records the problems for the validation to report. */
  private prepare(): void {
    if (this.built || this.refused) return;
    // One check: the build takes the one that found nothing to refuse.
    const checked = this.checkParts();
    if ('issues' in checked && checked.issues.length > 0) this.refused = checked.issues;
    else this.build(checked);
  }

  private assertOpen(what: string): void {
    if (this.built) throw new Error(`${this.node.path}: cannot add ${what}: the cluster's stacks are built already`);
  }
}

function render(issue: SpecIssue): string {
  return `error[${issue.code}] ${formatPath(issue.path)}: ${issue.message}\n  fix: ${issue.fix}`;
}

/** A copy of `value` without undefined members, as a parsed YAML document has none. */
function definedOnly<T>(value: T): T {
  if (Array.isArray(value)) return value.map(definedOnly) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, definedOnly(v)]),
  ) as T;
}
