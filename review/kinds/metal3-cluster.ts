/** Metal3Cluster: the label prefixes its label sync copies from BareMetalHosts onto nodes. */
import { isNodeRestrictedLabel, KindReview } from './rule';

export const metal3ClusterReview: KindReview = {
  kinds: ['Metal3Cluster'],
  // A prefix kubelets also write lets a node forge the labels the management side sets.
  guards: (cluster) =>
    (cluster.metadata.annotations?.['metal3.io/metal3-label-sync-prefixes'] ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '' && !isNodeRestrictedLabel(`${x}/`))
      .map((p) => ['placement-labels', `label sync owns prefix ${p}, which kubelets also write`]),
};
