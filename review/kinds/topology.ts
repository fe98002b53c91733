/** Kueue Topology: the node labels topology-aware scheduling places pods by, level by level. */
import { isNodeRestrictedLabel, KindReview } from './rule';

export const topologyReview: KindReview = {
  kinds: ['Topology'],
  guards: (topology) => {
    const levels = ((topology.spec ?? {}) as { levels?: { nodeLabel: string }[] }).levels ?? [];
    // A level below two protected levels is confined by them: a Kueue topology domain is keyed by the values of
    // every level down to it (kueue v0.19.2 pkg/util/tas DomainID joins them), so a node forging such a label (the
    // NVLink clique, which only GPU Feature Discovery knows) can only form a domain inside its own
    // management-labelled rack, never reach another pool.
    const confined = (i: number) => i >= 2 && levels.slice(0, 2).every((x) => isNodeRestrictedLabel(x.nodeLabel));
    return levels
      .filter((x, i) => x.nodeLabel !== 'kubernetes.io/hostname' && !isNodeRestrictedLabel(x.nodeLabel) && !confined(i))
      .map((l) => ['placement-labels', `level ${l.nodeLabel} is writable by the node itself`]);
  },
};
