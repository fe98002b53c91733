/**
 * The checks every cluster passes, whichever way it was declared. A YAML spec (spec/load.ts) and a
 * cluster composed in code (`ColossusCluster`, or loose `GpuNodePool`/`Tenant`/`TenantStorage`
 * constructs) are both turned into the same spec-shaped model and checked here, so both refuse the
 * same clusters with the same codes and paths.
 */
import { GpuCatalog } from '../catalog/gpus';
import { Cluster, resolveCluster } from '../model/cluster';
import { checkCluster } from './check';
import { checkCells } from './check-cells';
import { checkFabric } from './check-fabric';
import { checkManagement } from './check-management';
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
  Partial<Pick<ClusterSpec, 'allowOvercommit' | 'storage' | 'checkpoint' | 'backend' | 'kubernetes' | 'management'>>;

/**
 * The cross-construct checks: unique names, reserved names, groups bound once, pools and
 * filesystems that exist, quotas and shares within capacity. One function for the YAML path and
 * the code path. `base` prefixes the reported paths.
 */
export function checkComposition(input: CompositionInput, catalog: GpuCatalog, base: SpecPath = ['spec']): SpecIssue[] {
  return [...checkCluster(input, catalog, base), ...checkStorage(input, base), ...checkReserved(input, base)];
}

/** Every semantic issue of a schema-valid spec: the cross-construct checks, then power, site, management and fabric. */
export function checkSpec(spec: ClusterSpec, catalog: GpuCatalog): SpecIssue[] {
  return [
    ...checkComposition(spec, catalog),
    ...checkPower(spec, catalog),
    ...checkSite(spec, catalog),
    ...checkManagement(spec, ['spec'], catalog),
    ...checkFabric(spec, catalog),
  ];
}

/** A document that passed every check, and the cluster it resolves to. */
export interface CheckedDocument {
  /** The document as declared. */
  readonly document: ClusterSpecDocument;
  /** The resolved cluster, every default applied. */
  readonly cluster: Cluster;
}

/**
 * Checks a spec document completely and resolves it, in the order the checks depend on: structure
 * (schema and hostile strings), then semantics, then the cells of the resolved cluster. Returns the
 * issues of the first stage that has any, or the resolved cluster.
 */
export function checkDocument(value: unknown, catalog: GpuCatalog): { readonly issues: SpecIssue[] } | CheckedDocument {
  const structural = validateSchema(value, CLUSTER_SCHEMA);
  const reported = new Set(structural.map((i) => JSON.stringify(i.path)));
  structural.push(...checkStrings(value).filter((i) => !reported.has(JSON.stringify(i.path))));
  if (structural.length > 0) return { issues: structural };
  const document = value as ClusterSpecDocument;
  const semantic = checkSpec(document.spec, catalog);
  if (semantic.length > 0) return { issues: semantic };
  const cluster = resolveCluster(document, catalog);
  // Cells and their scale envelope need the resolved pools and tenants.
  const cells = checkCells(cluster);
  if (cells.length > 0) return { issues: cells };
  return { document, cluster };
}
