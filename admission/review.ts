/**
 * What the API server would say to one request against a synthesized cluster, from the objects alone:
 * RBAC (the Roles and ClusterRoles the output binds to the user), ResourceQuotas that allow zero of
 * something (a quota of 0 pods for some PriorityClasses, 0 LoadBalancer or NodePort Services), and every
 * ValidatingAdmissionPolicy (admission/evaluate.ts). Usage of non-zero quotas, webhooks and Pod Security
 * are not modelled.
 */
import { KubeObject } from '../model/kube';
import { AdmissionRequest, evaluateAdmission, PolicyDecision, selectorMatches } from './evaluate';

/** A request with the RBAC verb it is authorized as. */
export interface ReviewRequest extends AdmissionRequest {
  /**
   * RBAC verb, for example `patch` or `deletecollection`.
   * @default - create, update or delete by operation (CONNECT: create)
   */
  readonly verb?: string;
}

/** Which part of the API server decided. */
export type ReviewStage = 'rbac' | 'quota' | 'policy';

/** One reason a request is denied. */
export interface ReviewDenial {
  readonly stage: ReviewStage;
  /** The Role, ResourceQuota or policy binding that decided, `kind/namespace/name`. */
  readonly by: string;
  readonly message: string;
}

/** The outcome of a request. */
export interface ReviewResult {
  readonly allowed: boolean;
  readonly denials: readonly ReviewDenial[];
  /**
   * `unknown` when no binding in the output names the user (its rights come from elsewhere, for example
   * a controller's chart), else whether a bound rule grants the verb.
   */
  readonly authorization: 'allowed' | 'denied' | 'unknown';
  readonly policies: readonly PolicyDecision[];
}

/** Reviews `request` against `objects` (every stack's objects of one cluster). */
export function reviewRequest(objects: readonly KubeObject[], request: ReviewRequest): ReviewResult {
  const denials: ReviewDenial[] = [];
  const authorization = authorize(objects, request);
  if (authorization === 'denied') {
    denials.push({
      stage: 'rbac',
      by: `user/${request.userInfo.username}`,
      message: `${request.userInfo.username} may not ${verbOf(request)} ${resourceOf(request)} in namespace ${request.namespace ?? '(cluster)'}`,
    });
  }
  denials.push(...zeroQuotas(objects, request));
  const policies = evaluateAdmission(objects, request);
  for (const d of policies.filter((p) => !p.allowed)) {
    denials.push({
      stage: 'policy',
      by: `ValidatingAdmissionPolicyBinding/${d.binding}`,
      message: d.messages.join('; '),
    });
  }
  return { allowed: denials.length === 0, denials, authorization, policies };
}

type Json = Record<string, unknown>;

function verbOf(request: ReviewRequest): string {
  if (request.verb) return request.verb;
  return { CREATE: 'create', UPDATE: 'update', DELETE: 'delete', CONNECT: 'create' }[request.operation];
}

function resourceOf(request: ReviewRequest): string {
  return request.subResource ? `${request.resource.resource}/${request.subResource}` : request.resource.resource;
}

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}

/** RBAC: the union of the rules of every Role and ClusterRole bound to the user, group or service account. */
function authorize(objects: readonly KubeObject[], request: ReviewRequest): ReviewResult['authorization'] {
  const { username, groups } = request.userInfo;
  const bindsUser = (b: KubeObject) =>
    asArray(b.subjects).some((s) => {
      if (s.kind === 'User') return s.name === username;
      if (s.kind === 'Group') return groups.includes(String(s.name));
      if (s.kind === 'ServiceAccount') {
        const ns = s.namespace ?? b.metadata.namespace;
        return username === `system:serviceaccount:${ns}:${s.name}`;
      }
      return false;
    });
  const bindings = objects.filter(
    (o) =>
      (o.kind === 'ClusterRoleBinding' || (o.kind === 'RoleBinding' && o.metadata.namespace === request.namespace)) &&
      bindsUser(o),
  );
  const anyBinding = objects.some((o) => (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') && bindsUser(o));
  if (!anyBinding) return 'unknown';
  const rules: Rule[] = bindings.flatMap((b) => {
    const ref = (b.roleRef ?? {}) as Json;
    const role = objects.find(
      (o) =>
        o.kind === ref.kind &&
        o.metadata.name === ref.name &&
        (ref.kind === 'ClusterRole' || o.metadata.namespace === b.metadata.namespace),
    );
    return role ? (asArray(role.rules) as Rule[]) : [];
  });
  const verb = verbOf(request);
  const resource = resourceOf(request);
  const name = request.name ?? nameOf(request.object) ?? nameOf(request.oldObject);
  const grants = (r: Rule) =>
    (r.apiGroups ?? []).some((g) => g === '*' || g === request.resource.group) &&
    (r.resources ?? []).some((x) => x === '*' || x === resource) &&
    (r.verbs ?? []).some((v) => v === '*' || v === verb) &&
    ((r.resourceNames ?? []).length === 0 || (name !== undefined && r.resourceNames!.includes(name)));
  return rules.some(grants) ? 'allowed' : 'denied';
}

/** ResourceQuotas of the namespace whose hard limit is 0 for what the request creates. */
function zeroQuotas(objects: readonly KubeObject[], request: ReviewRequest): ReviewDenial[] {
  if (request.operation !== 'CREATE' || request.resource.group !== '' || request.subResource) return [];
  const object = (request.object ?? {}) as Json;
  const spec = (object.spec ?? {}) as Json;
  const charged: string[] = [];
  if (request.resource.resource === 'pods') charged.push('pods', 'count/pods');
  if (request.resource.resource === 'services') {
    if (spec.type === 'LoadBalancer') charged.push('services.loadbalancers', 'services.nodeports');
    if (spec.type === 'NodePort') charged.push('services.nodeports');
  }
  const denials: ReviewDenial[] = [];
  for (const quota of objects.filter((o) => o.kind === 'ResourceQuota' && o.metadata.namespace === request.namespace)) {
    const q = (quota.spec ?? {}) as Json;
    const hard = (q.hard ?? {}) as Record<string, string>;
    const zero = charged.filter((r) => hard[r] !== undefined && Number(hard[r]) === 0);
    if (zero.length === 0) continue;
    if (!scopesMatch(q, request.resource.resource, spec)) continue;
    denials.push({
      stage: 'quota',
      by: `ResourceQuota/${quota.metadata.namespace}/${quota.metadata.name}`,
      message: `exceeded quota: ${quota.metadata.name}, requested: ${zero[0]}=1, limited: ${zero[0]}=0`,
    });
  }
  return denials;
}

/** Whether an object falls under a quota's scopes (every requirement must hold); only PriorityClass scopes on pods. */
function scopesMatch(quota: Json, resource: string, spec: Json): boolean {
  const requirements: Json[] = [
    ...asArray((quota.scopeSelector as Json | undefined)?.matchExpressions),
    ...((quota.scopes as string[] | undefined) ?? []).map((scopeName) => ({ scopeName, operator: 'Exists' })),
  ];
  if (requirements.length === 0) return true;
  if (resource !== 'pods') return false;
  const priorityClass = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  return requirements.every((r) => {
    if (r.scopeName !== 'PriorityClass') return false; // scopes this model does not evaluate never match
    if (r.operator === 'Exists') return priorityClass !== '';
    if (r.operator === 'DoesNotExist') return priorityClass === '';
    return selectorMatches(
      { matchExpressions: [{ key: 'PriorityClass', operator: r.operator, values: r.values }] },
      { PriorityClass: priorityClass },
    );
  });
}

function asArray(v: unknown): Json[] {
  return Array.isArray(v) ? (v.filter((x) => x !== null && typeof x === 'object') as Json[]) : [];
}

function nameOf(o: unknown): string | undefined {
  const meta = (o as { metadata?: { name?: unknown } } | undefined)?.metadata;
  return typeof meta?.name === 'string' ? meta.name : undefined;
}
