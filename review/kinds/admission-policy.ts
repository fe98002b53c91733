/**
 * ValidatingAdmissionPolicy and its binding: the guardrails that enforce isolation at the API server (colossus
 * emits them, others may too). Removing one, or weakening what it checks or how it fails, lets more through.
 */
import { KubeObject } from '../../model/kube';
import { canonical } from '../canonical';
import { high, KindReview } from './rule';

/** How a policy or binding lets more through: checks dropped, failures ignored, denials no longer enforced. */
function admissionWeakening(base: KubeObject, head: KubeObject): string[] {
  type Spec = {
    failurePolicy?: string;
    validations?: { expression: string }[];
    validationActions?: string[];
    matchConstraints?: unknown;
    matchResources?: unknown;
    policyName?: string;
  };
  const [b, h] = [(base.spec ?? {}) as Spec, (head.spec ?? {}) as Spec];
  const reasons: string[] = [];
  const kept = new Set((h.validations ?? []).map((v) => v.expression));
  const dropped = (b.validations ?? []).filter((v) => !kept.has(v.expression)).length;
  if (dropped) reasons.push(`${dropped} validation(s) removed or rewritten`);
  if (b.failurePolicy !== 'Ignore' && h.failurePolicy === 'Ignore') reasons.push('failurePolicy set to Ignore');
  if ((b.validationActions ?? []).includes('Deny') && !(h.validationActions ?? []).includes('Deny')) {
    reasons.push('violations no longer denied (validationActions)');
  }
  for (const field of ['matchConstraints', 'matchResources', 'policyName'] as const) {
    if (canonical(b[field]) !== canonical(h[field])) reasons.push(`${field} changed`);
  }
  return reasons;
}

export const admissionPolicyReview: KindReview = {
  kinds: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  changed: (base, head) => admissionWeakening(base, head).map((r) => high(`admission guardrail weakened: ${r}`)),
  removed: { risks: (object) => [high(`admission guardrail removed: ${object.metadata.name}`)] },
};
