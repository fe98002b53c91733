/**
 * The review modules, one per kind (or family of kinds read together): the diff's risk rules, the audit and the
 * isolation guards dispatch through `reviewOf` and `KIND_REVIEWS` instead of comparing kind names. Adding a kind's review is
 * adding (or editing) its module and listing it here.
 */
import { admissionPolicyReview } from './admission-policy';
import { clusterQueueReview } from './cluster-queue';
import { fabricPartitionReview } from './fabric-partition';
import { kubeadmControlPlaneReview } from './kubeadm-control-plane';
import { metal3ClusterReview } from './metal3-cluster';
import { namespaceReview } from './namespace';
import { networkPolicyReview } from './network-policy';
import { persistentVolumeClaimReview } from './persistent-volume-claim';
import { rbacReview } from './rbac';
import { resourceFlavorReview } from './resource-flavor';
import { resourceQuotaReview } from './resource-quota';
import { KindReview } from './rule';
import { topologyReview } from './topology';

export type { KindReview } from './rule';

/** Every kind review module. */
export const KIND_REVIEWS: readonly KindReview[] = [
  namespaceReview,
  networkPolicyReview,
  rbacReview,
  resourceFlavorReview,
  clusterQueueReview,
  resourceQuotaReview,
  admissionPolicyReview,
  persistentVolumeClaimReview,
  fabricPartitionReview,
  topologyReview,
  metal3ClusterReview,
  kubeadmControlPlaneReview,
];

const BY_KIND = new Map<string, KindReview>();
for (const review of KIND_REVIEWS) {
  for (const kind of review.kinds) {
    if (BY_KIND.has(kind)) throw new Error(`two review modules claim kind ${kind}`);
    BY_KIND.set(kind, review);
  }
}

/** The review module of a kind, or undefined when no rule reads it (any change is then low risk). */
export function reviewOf(kind: string): KindReview | undefined {
  return BY_KIND.get(kind);
}
