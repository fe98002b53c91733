/**
 * Validation of constructs composed in code, without a YAML spec: props are checked against
 * the same schema as the spec when a construct is created, and the cross-construct checks the YAML
 * path runs (spec/check-spec.ts `checkComposition`) run over every pool, tenant and tenant storage
 * of the app when it synthesizes.
 */
import { Construct, IConstruct } from 'constructs';
import { GpuCatalog } from '../catalog/gpus';
import { NodePool, toPoolSpec } from '../model/cluster';
import { checkComposition } from '../spec/check-spec';
import { formatPath, SpecIssue } from '../spec/errors';
import { CLUSTER_SCHEMA, JsonSchema } from '../spec/schema';
import { FilesystemSpec, NodePoolSpec, TenantSpec, TenantStorageSpec } from '../spec/types';
import { validateSchema } from '../spec/validate-schema';

const specSchema = CLUSTER_SCHEMA.properties!.spec.properties!;
/** Schema of one `nodePools[]` entry. */
export const NODE_POOL_SCHEMA: JsonSchema = specSchema.nodePools.items!;
/** Schema of one `tenants[]` entry. */
export const TENANT_SCHEMA: JsonSchema = specSchema.tenants.items!;

/** Throws, naming the construct, every field of `props` that the spec schema would refuse. */
export function assertValidProps(scope: IConstruct, schema: JsonSchema, props: object, what: string): void {
  const known = Object.keys(schema.properties ?? {});
  const specPart = Object.fromEntries(Object.entries(props).filter(([k, v]) => known.includes(k) && v !== undefined));
  const issues = validateSchema(specPart, schema);
  if (issues.length > 0) throw new Error(`${scope.node.path}: invalid ${what}:\n${issues.map(render).join('\n')}`);
}

function render(issue: SpecIssue): string {
  return `  error[${issue.code}] ${formatPath(issue.path)}: ${issue.message} (fix: ${issue.fix})`;
}

const POOL = Symbol.for('colossus-cdktf.pool');
const CHECK_GROUP = Symbol.for('colossus-cdktf.check-group');

/**
 * Marks `scope` (a stack) as part of workload cluster `name`: the cross-construct checks compare
 * pools and tenants of one workload cluster only, so the cells of a split cluster, each its own
 * cluster in one app, are checked each on its own. Unmarked scopes form one group.
 */
export function setCheckGroup(scope: Construct, name: string): void {
  (scope as { [CHECK_GROUP]?: string })[CHECK_GROUP] = name;
}

function checkGroup(c: IConstruct): string | undefined {
  for (const s of [...c.node.scopes].reverse()) {
    const group = (s as { [CHECK_GROUP]?: string })[CHECK_GROUP];
    if (group !== undefined) return group;
  }
  return undefined;
}
const TENANT = Symbol.for('colossus-cdktf.tenant');
const TENANT_STORAGE = Symbol.for('colossus-cdktf.tenant-storage');

/** What a TenantStorage declares, for the checks across the app. */
export interface DeclaredTenantStorage {
  /** The tenant's name. */
  readonly name: string;
  /** The tenant's namespaces. */
  readonly namespaces?: readonly string[];
  /** The tenant's shares. */
  readonly storage?: readonly TenantStorageSpec[];
  /** The filesystems the tenant was given. */
  readonly filesystems: readonly FilesystemSpec[];
}

interface Declared {
  [POOL]?: { spec: NodePoolSpec; pool: NodePool; allowOvercommit: boolean };
  [TENANT]?: { spec: TenantSpec; pools: readonly NodePool[] };
  [TENANT_STORAGE]?: DeclaredTenantStorage;
}

/** Registers a pool for the cross-construct checks; they run when the app synthesizes. */
export function declarePool(scope: Construct, spec: NodePoolSpec, pool: NodePool, allowOvercommit: boolean): void {
  (scope as Declared)[POOL] = { spec, pool, allowOvercommit };
  scope.node.addValidation({ validate: () => issuesAt(scope) });
}

/**
 * Registers a tenant for the cross-construct checks. `pools` are the pools the tenant was given:
 * a partner app may declare a tenant of a cluster whose pools live in another app.
 */
export function declareTenant(scope: Construct, spec: TenantSpec, pools: readonly NodePool[]): void {
  (scope as Declared)[TENANT] = { spec, pools };
  scope.node.addValidation({ validate: () => issuesAt(scope) });
}

/** Registers a tenant's storage for the cross-construct checks; they run when the app synthesizes. */
export function declareTenantStorage(scope: IConstruct, declared: DeclaredTenantStorage): void {
  (scope as Declared)[TENANT_STORAGE] = declared;
  scope.node.addValidation({ validate: () => issuesAt(scope) });
}

/** A tenant as the checks see it: the Tenant construct and the TenantStorage of the same name, either may be absent. */
interface TenantEntry {
  spec: TenantSpec;
  readonly tenant?: IConstruct;
  storage?: IConstruct;
}

/**
 * The issues reported at `scope` by the cross-construct checks (spec/check-spec.ts
 * `checkComposition`, the same function the YAML path runs) over every pool, tenant and tenant
 * storage of its workload cluster. A pool known only from a tenant's props has no construct of its
 * own: its issues go to the tenants quoting it; a filesystem's go to the storages with a share of it.
 */
function issuesAt(scope: IConstruct): string[] {
  const group = checkGroup(scope);
  const all = (scope.node.root.node.findAll() as (IConstruct & Declared)[]).filter((c) => checkGroup(c) === group);
  // A Tenant and the TenantStorage of the same name are one tenant of the spec; its storage is the TenantStorage's.
  const entries: TenantEntry[] = all
    .filter((c) => c[TENANT])
    .map((c) => ({ spec: { ...c[TENANT]!.spec, storage: undefined }, tenant: c }));
  const filesystems: FilesystemSpec[] = [];
  for (const c of all.filter((c) => c[TENANT_STORAGE])) {
    const declared = c[TENANT_STORAGE]!;
    for (const f of declared.filesystems) if (!filesystems.some((s) => s.name === f.name)) filesystems.push(f);
    const entry = entries.find((e) => e.spec.name === declared.name && !e.storage);
    if (entry) {
      entry.storage = c;
      entry.spec = { ...entry.spec, storage: declared.storage };
    } else {
      const { name, namespaces, storage } = declared;
      entries.push({ spec: { name, namespaces, storage, groups: [], gpuQuota: {} }, storage: c });
    }
  }
  const tenants = entries.filter((e) => e.tenant).map((e) => e.tenant! as IConstruct & Declared);
  const pools: { spec: NodePoolSpec; pool: NodePool; allowOvercommit: boolean; owner?: IConstruct }[] = all
    .filter((c) => c[POOL])
    .map((c) => ({ ...c[POOL]!, owner: c }));
  for (const pool of tenants.flatMap((t) => t[TENANT]!.pools)) {
    if (!pools.some((p) => p.spec.name === pool.name))
      pools.push({ spec: toPoolSpec(pool), pool, allowOvercommit: false });
  }
  const catalog = pools.reduce(
    (cat, p) => (cat.find(p.pool.sku.name) ? cat : cat.withSku(p.pool.sku)),
    GpuCatalog.builtIn(),
  );
  const issues = checkComposition(
    {
      nodePools: pools.map((p) => p.spec),
      tenants: entries.map((e) => e.spec),
      storage: filesystems,
    },
    catalog,
    [],
  );
  const quotes = (tenant: IConstruct, pool: NodePoolSpec) =>
    ((tenant as Declared)[TENANT]?.spec.gpuQuota[pool.name] ?? 0) > 0;
  const shares = (c: IConstruct, fs: string) =>
    ((c as Declared)[TENANT_STORAGE]?.storage ?? []).some((s) => s.filesystem === fs);
  return issues
    .filter((i) => {
      const [list, index, field] = i.path as [string, number, string | undefined];
      if (list === 'tenants') {
        const entry = entries[index];
        return (field === 'storage' ? (entry.storage ?? entry.tenant) : (entry.tenant ?? entry.storage)) === scope;
      }
      if (list === 'storage') return shares(scope, filesystems[index].name);
      const pool = pools[index];
      if (i.code === 'quota-exceeds-pool' && pool.allowOvercommit) return false;
      return pool.owner
        ? pool.owner === scope
        : tenants.includes(scope as IConstruct & Declared) && quotes(scope, pool.spec);
    })
    .map(render);
}
