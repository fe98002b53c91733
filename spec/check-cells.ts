/**
 * Cell checks: the layout names known pools and fits them, no cell exceeds maxNodesPerCell, and
 * every cell (or the unsplit cluster) stays within the hard limits of the scale envelope
 * (cells/analysis.ts). Soft thresholds are warnings, reported in the summary.
 */
import { analyzeCells } from '../cells/analysis';
import { Cluster } from '../model/cluster';
import { SpecIssue, SpecPath } from './errors';

/** Every cell issue of a resolved cluster whose other checks passed. */
export function checkCells(cluster: Cluster, base: SpecPath = ['spec']): SpecIssue[] {
  return analyzeCells(cluster).errors.map((i) => ({ ...i, path: [...base, ...i.path] }));
}
