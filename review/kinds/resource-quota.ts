/** ResourceQuota: a lower hard limit takes capacity away from the namespace's workloads. */
import { KubeObject } from '../../model/kube';
import { KindReview, medium, quotaCuts } from './rule';

function hardOf(quota: KubeObject): Map<string, string> {
  const hard = (quota.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {};
  return new Map(Object.entries(hard).map(([k, v]) => [k, String(v)]));
}

export const resourceQuotaReview: KindReview = {
  kinds: ['ResourceQuota'],
  changed: (base, head) => quotaCuts(hardOf(base), hardOf(head)).map((r) => medium(`quota cut: ${r}`)),
};
