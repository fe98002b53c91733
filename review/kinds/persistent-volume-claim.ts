/** PersistentVolumeClaim: deleting or replacing a claim deletes the data on its volume. */
import { high, KindReview } from './rule';

export const persistentVolumeClaimReview: KindReview = {
  kinds: ['PersistentVolumeClaim'],
  holdsData: true,
  // After data protection (a protected claim says so), before namespace removal: the data goes either way.
  removed: { before: 'namespace-removal', risks: () => [high('data volume deleted')] },
};
