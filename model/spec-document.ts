/**
 * The spec document each resolved cluster was resolved from (model/cluster.ts `resolveCluster`): the
 * synth of a resolved cluster (emit/synthesize.ts) builds it through `ColossusCluster`, whose parts
 * are made from that document, reusing the cluster and the plans its check made; the planners locate
 * their issues in it (model/planner.ts `declaredAt`).
 */
import type { ClusterSpecDocument } from '../spec/types';
import type { Cluster } from './cluster';

const DOCUMENTS = new WeakMap<Cluster, ClusterSpecDocument>();

/** Records that `cluster` was resolved from `document` (model/cluster.ts `resolveCluster`). */
export function recordDocument(cluster: Cluster, document: ClusterSpecDocument): void {
  DOCUMENTS.set(cluster, document);
}

/** The document `cluster` was resolved from; none for a cluster not made by `resolveCluster` (a cell). */
export function documentOf(cluster: Cluster): ClusterSpecDocument | undefined {
  return DOCUMENTS.get(cluster);
}
