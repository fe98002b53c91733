/**
 * The checks every cluster passes, whichever way it was declared. A YAML spec (spec/load.ts) and a
 * cluster composed in code (`ColossusCluster`, or loose `GpuNodePool`/`Tenant`/`TenantStorage`
 * constructs) are both turned into the same spec-shaped model and checked here, so both refuse the
 * same clusters with the same codes and paths.
 */
import { GpuCatalog } from '../catalog/gpus';
import { Cluster, resolveCluster } from '../model/cluster';
import { cellsPlanner } from '../cells/analysis';
import { fabricPlanner } from '../fabric/planner';
import { Planner, planOf } from '../model/planner';
import { powerPlanner } from '../power/planner';
import { provisioningPlanner } from '../provisioning/planner';
import { sitePlanner } from '../site/planner';
import { storagePlanner } from '../storage/planner';
import { checkCluster } from './check';
import { checkPower } from './check-power';
import { checkSite } from './check-site';
import { checkStorage } from './check-storage';
import { SpecIssue, SpecPath } from './errors';
import { checkReserved, checkStrings } from './hostile';
import { CLUSTER_SCHEMA } from './schema';
import { ClusterSpec, ClusterSpecDocument } from './types';
import { validateSchema } from './validate-schema';

/**
 * What the cross-construct checks read: pools and tenants (with their storage shares), and, where
 * known, the filesystems, the backend and the provider sections. Constructs composed in code give
 * what they know; a spec gives all of it.
 */
export type CompositionInput = Pick<ClusterSpec, 'nodePools' | 'tenants'> &
  Partial<Pick<ClusterSpec, 'allowOvercommit' | 'storage' | 'backend' | 'kubernetes' | 'management'>>;

/**
 * The cross-construct checks: unique names, reserved names, groups bound once, pools and
 * filesystems that exist, quotas and shares within capacity. One function for the YAML path and
 * the code path. `base` prefixes the reported paths.
 */
export function checkComposition(input: CompositionInput, catalog: GpuCatalog, base: SpecPath = ['spec']): SpecIssue[] {
  return [...checkCluster(input, catalog, base), ...checkStorage(input, base), ...checkReserved(input, base)];
}

/**
 * The planners whose rules judge a resolved cluster, in the order their issues are reported. The
 * cells planner comes last, on its own: a cluster is cut into cells only once everything else holds.
 */
const PLANNERS: readonly Planner<unknown>[] = [
  storagePlanner,
  powerPlanner,
  sitePlanner,
  provisioningPlanner,
  fabricPlanner,
];

/**
 * Every semantic issue of a schema-valid spec, and the cluster it resolves to when it can be resolved.
 * The checks on the spec as declared come first: the cross-construct checks, where the power comes
 * from, the sites as declared. Then, on the resolved cluster, the planners' rules (storage, power,
 * site, provisioning, fabric): each plan is made once and kept with the cluster for the synth to read.
 */
function checkSemantics(
  document: ClusterSpecDocument,
  catalog: GpuCatalog,
): { readonly issues: SpecIssue[]; readonly cluster?: Cluster } {
  const { spec } = document;
  const sites = checkPower(spec);
  const declared = [...checkComposition(spec, catalog), ...sites, ...checkSite(spec, catalog)];
  // What resolving needs: every pool of a known GPU with one size, standing in a declared site.
  const sizeable = spec.nodePools.every(
    (p) => catalog.find(p.gpu) && (p.nodes === undefined) !== (p.racks === undefined),
  );
  if (sites.length > 0 || !sizeable) return { issues: declared };
  const cluster = resolveCluster(document, catalog);
  const planned = PLANNERS.flatMap((p) => planOf(cluster, p).issues).map(inSpec);
  return { issues: [...declared, ...planned], cluster };
}

const inSpec = (issue: SpecIssue): SpecIssue => ({ ...issue, path: ['spec', ...issue.path] });

/** A document that passed every check, and the cluster it resolves to. */
export interface CheckedDocument {
  /** The document as declared. */
  readonly document: ClusterSpecDocument;
  /** The resolved cluster, every default applied. */
  readonly cluster: Cluster;
}

/**
 * Checks a spec document completely and resolves it, in the order the checks depend on: structure
 * (schema and hostile strings), then semantics (on the spec, then the planners' rules on the resolved
 * cluster), then its cells. Returns the issues of the first stage that has any, or the resolved cluster
 * with its plans made.
 */
export function checkDocument(value: unknown, catalog: GpuCatalog): { readonly issues: SpecIssue[] } | CheckedDocument {
  const structural = validateSchema(value, CLUSTER_SCHEMA);
  const reported = new Set(structural.map((i) => JSON.stringify(i.path)));
  structural.push(...checkStrings(value).filter((i) => !reported.has(JSON.stringify(i.path))));
  if (structural.length > 0) return { issues: structural };
  const document = value as ClusterSpecDocument;
  const { issues, cluster } = checkSemantics(document, catalog);
  if (issues.length > 0 || !cluster) return { issues };
  const cells = planOf(cluster, cellsPlanner).issues.map(inSpec);
  if (cells.length > 0) return { issues: cells };
  return { document, cluster };
}
