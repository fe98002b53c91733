/**
 * Validation of constructs composed in code, without a YAML spec: props are checked against
 * the same schema as the spec when a construct is created, and the cross-construct checks of
 * spec/check.ts run over every pool and tenant of the app when it synthesizes.
 */
import { Construct, IConstruct } from 'constructs';
import { GpuCatalog } from '../catalog/gpus';
import { NodePool, toPoolSpec } from '../model/cluster';
import { checkCluster } from '../spec/check';
import { formatPath, SpecIssue } from '../spec/errors';
import { CLUSTER_SCHEMA, JsonSchema } from '../spec/schema';
import { NodePoolSpec, TenantSpec } from '../spec/types';
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

interface Declared {
  [POOL]?: { spec: NodePoolSpec; pool: NodePool; allowOvercommit: boolean };
  [TENANT]?: { spec: TenantSpec; pools: readonly NodePool[] };
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

/**
 * The issues reported at `scope` by the checks over every pool and tenant of its app. A pool known
 * only from a tenant's props has no construct of its own: its issues go to the tenants quoting it.
 */
function issuesAt(scope: Construct): string[] {
  const group = checkGroup(scope);
  const all = (scope.node.root.node.findAll() as (IConstruct & Declared)[]).filter((c) => checkGroup(c) === group);
  const tenants = all.filter((c) => c[TENANT]);
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
  const issues = checkCluster(
    { nodePools: pools.map((p) => p.spec), tenants: tenants.map((t) => t[TENANT]!.spec) },
    catalog,
    [],
  );
  const quotes = (tenant: IConstruct, pool: NodePoolSpec) =>
    ((tenant as Declared)[TENANT]!.spec.gpuQuota[pool.name] ?? 0) > 0;
  return issues
    .filter((i) => {
      const [list, index] = i.path as [string, number];
      if (list === 'tenants') return tenants[index] === scope;
      const pool = pools[index];
      if (i.code === 'quota-exceeds-pool' && pool.allowOvercommit) return false;
      return pool.owner ? pool.owner === scope : tenants.includes(scope) && quotes(scope, pool.spec);
    })
    .map(render);
}
