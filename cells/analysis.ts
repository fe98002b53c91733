/**
 * The cells of a cluster with their scale-envelope figures and findings: what `validate` and
 * `synth` refuse or warn about, and what reports/summary.json records per cell. Pure.
 */
import type { FabricIssue } from '../fabric/plan';
import { Cluster } from '../model/cluster';
import { declaredAt, planner, planOf } from '../model/planner';
import { formatNumber as fmt } from '../model/values';
import { CellCluster, cellClusters } from './cell-cluster';
import { TUNED_ETCD_MAX_REQUEST_BYTES } from './control-plane';
import { EnvelopeFigures, envelopeFigures, envelopeFindings, EnvelopeFinding } from './envelope';
import { MAX_CLUSTERS_PER_CONFIG } from './multikueue';
import { Cell, CellPlan, planCells } from './plan';

/** One workload cluster (a cell, or the whole cluster when it is not split) and its envelope. */
export interface CellReport {
  /** Cell name; the cluster's name when it is not split. */
  readonly name: string;
  /** Prefix of the cell's stacks and name of its Cluster API Cluster. */
  readonly cluster: string;
  /** Pools and their blocks in the cell: `{h100: [0, 77]}` (first and last block). */
  readonly blocks: Readonly<Record<string, readonly [number, number]>>;
  /** Tenants with quota in the cell, and their GPUs per pool there. */
  readonly tenants: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** kubeconfig context of the cell. */
  readonly context: string;
  /** The cell's scale-envelope figures. */
  readonly figures: EnvelopeFigures;
  /** Figures outside the envelope: errors refuse the spec, warnings are reported. */
  readonly findings: readonly EnvelopeFinding[];
}

/** The analysis of a cluster's cells. */
export interface CellAnalysis {
  readonly plan: CellPlan;
  /**
   * The cells as clusters.
   * @default - none: the cluster is not split
   */
  readonly cellClusters?: readonly CellCluster[];
  readonly reports: readonly CellReport[];
  /** Errors, located relative to `spec`: the layout's, and every envelope error. */
  readonly errors: readonly FabricIssue[];
}

/** The cells planner: the cells of a cluster, each checked against the scale envelope. */
export const cellsPlanner = planner<CellAnalysis>('cells', (cluster) => {
  const analysis = planAndCheck(cluster);
  return { plan: analysis, issues: analysis.errors };
});

/** Plans the cells of `cluster` and checks each against the envelope, once per cluster. */
export function analyzeCells(cluster: Cluster): CellAnalysis {
  return planOf(cluster, cellsPlanner).plan;
}

function planAndCheck(cluster: Cluster): CellAnalysis {
  const plan = planCells(cluster);
  const errors: FabricIssue[] = [...plan.issues];
  const tuned = cluster.management !== undefined;
  if (!plan.split) {
    // An unsplit cluster fits one cell of the upstream threshold (cells/plan.ts needsCells).
    const figures = envelopeFigures(cluster);
    const findings = envelopeFindings(figures, {
      nodeCidrsAllocated: tuned,
      splitFix: `declare spec.cells to split the cluster into cells of at most ${fmt(plan.maxNodesPerCell)} nodes`,
    });
    errors.push(...toIssues(findings, ['nodePools']));
    const report: CellReport = {
      name: cluster.name,
      cluster: cluster.name,
      blocks: Object.fromEntries(cluster.pools.map((p) => [p.name, [0, p.blocks - 1] as const])),
      tenants: Object.fromEntries(cluster.tenants.map((t) => [t.name, { ...t.gpuQuota }])),
      context: cluster.kubernetes.context,
      figures,
      findings,
    };
    return { plan, reports: [report], errors };
  }
  const built = cellClusters(cluster, plan);
  errors.push(...built.issues);
  for (const pool of cluster.pools) {
    const cells = plan.cells.filter((c) => c.pool === pool.name);
    if (cells.length > MAX_CLUSTERS_PER_CONFIG) {
      const fewest = Math.ceil(pool.nodes / MAX_CLUSTERS_PER_CONFIG);
      errors.push({
        code: 'too-many-cells',
        path: declaredAt(cluster, 'nodePools', pool.name),
        message:
          `pool "${pool.name}" needs ${cells.length} cells of at most ${fmt(plan.maxNodesPerCell)} nodes, but one ` +
          `MultiKueueConfig lists at most ${MAX_CLUSTERS_PER_CONFIG} clusters (kueue v0.19.2)`,
        fix: `split the pool into pools of at most ${fmt(MAX_CLUSTERS_PER_CONFIG * plan.maxNodesPerCell)} nodes (one per GPU generation or hall), or cells of ${fmt(fewest)} nodes (maxNodesPerCell with exceedReason)`,
      });
    }
  }
  const reports = built.cells.map(({ cell, cluster: c }) => {
    const figures = envelopeFigures(c, tuned ? TUNED_ETCD_MAX_REQUEST_BYTES : undefined);
    const findings = envelopeFindings(figures, {
      nodeCidrsAllocated: tuned,
      splitFix: `lower spec.cells.maxNodesPerCell (cell "${cell.name}" has ${fmt(cell.nodes)} nodes) or pin smaller cells in spec.cells.layout`,
    });
    const where = cell.layoutIndex === undefined ? ['cells'] : ['cells', 'layout', cell.layoutIndex];
    errors.push(...toIssues(findings, where, cell));
    return {
      name: cell.name,
      cluster: c.name,
      blocks: { [cell.pool]: [cell.firstBlock, cell.firstBlock + cell.blocks - 1] as const },
      tenants: Object.fromEntries(c.tenants.map((t) => [t.name, { ...t.gpuQuota }])),
      context: c.kubernetes.context,
      figures,
      findings,
    };
  });
  return { plan, cellClusters: built.cells, reports, errors };
}

function toIssues(findings: readonly EnvelopeFinding[], path: (string | number)[], cell?: Cell): FabricIssue[] {
  return findings
    .filter((f) => f.severity === 'error')
    .map((f) => ({ code: f.code, path, message: cell ? `cell "${cell.name}": ${f.message}` : f.message, fix: f.fix }));
}
