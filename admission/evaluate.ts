/**
 * Evaluates the ValidatingAdmissionPolicies of a synthesized cluster against one admission request, the
 * way the API server's validating admission policy plugin does (k8s.io/apiserver
 * pkg/admission/plugin/policy/validating and .../policy/matching at Kubernetes v1.33):
 *
 * - a policy applies when its `matchConstraints` match the request (resourceRules and excludeResourceRules
 *   by operation, group, version, resource/subresource, scope and resourceNames; namespaceSelector against
 *   the request's namespace, or the object itself when it is a Namespace; objectSelector against object or
 *   oldObject), and a binding names it whose `matchResources` match too;
 * - `matchConditions` are evaluated in order: any false skips the policy;
 * - `variables` are evaluated in order and exposed as `variables.<name>`;
 * - each validation's `expression` must be true; a false one reports `messageExpression` (when it gives a
 *   non-empty string), else `message`, else `failed expression: <expression>`;
 * - an expression that errors (or gives a non-boolean) follows `failurePolicy` (default Fail);
 * - a failure denies only when the binding's `validationActions` include Deny (Warn and Audit never deny).
 *
 * CEL is @bufbuild/cel with its strings extension (the one Kubernetes enables as ext.Strings) plus the
 * Kubernetes library functions in ./k8s-cel-library.ts. Values are converted as the API server converts
 * JSON for CEL: objects are maps, whole numbers are `int`, others `double`.
 */
import {
  celEnv,
  celError,
  CelResult,
  CelValue,
  celMap,
  isCelError,
  isCelList,
  isCelMap,
  parse,
  plan,
} from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { KubeObject, LABELS } from '../model/kube';
import { KUBERNETES_CEL_LIBRARY } from './k8s-cel-library';

/** The operations an admission request can carry. */
export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** An API kind. */
export interface GroupVersionKind {
  /** API group, `''` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** An API resource. */
export interface GroupVersionResource {
  /** API group, `''` for the core group. */
  readonly group: string;
  readonly version: string;
  /** Plural resource name, for example `pods`. */
  readonly resource: string;
}

/** Who sends the request. */
export interface UserInfo {
  /** For example `system:serviceaccount:kueue-system:kueue-controller-manager`. */
  readonly username: string;
  readonly groups: readonly string[];
}

/** One admission request, as the API server hands it to admission (admission.k8s.io/v1 AdmissionRequest). */
export interface AdmissionRequest {
  readonly operation: AdmissionOperation;
  readonly kind: GroupVersionKind;
  readonly resource: GroupVersionResource;
  /**
   * Subresource, for example `status` or `binding`.
   * @default - none: the main resource
   */
  readonly subResource?: string;
  /**
   * Name of the object.
   * @default - object.metadata.name, else oldObject.metadata.name
   */
  readonly name?: string;
  /**
   * Namespace of a namespaced request.
   * @default - none: cluster-scoped
   */
  readonly namespace?: string;
  /**
   * The object after the operation (absent on DELETE).
   * @default - none
   */
  readonly object?: unknown;
  /**
   * The object before the operation (UPDATE and DELETE).
   * @default - none
   */
  readonly oldObject?: unknown;
  readonly userInfo: UserInfo;
}

/** What one binding of one policy decided. */
export interface PolicyDecision {
  /** Name of the ValidatingAdmissionPolicy. */
  readonly policy: string;
  /** Name of the ValidatingAdmissionPolicyBinding. */
  readonly binding: string;
  /** False when a validation failed (or errored under failurePolicy Fail) and the binding's actions include Deny. */
  readonly allowed: boolean;
  /** The failed validations' messages and evaluation errors, in validation order. */
  readonly messages: readonly string[];
}

/** True when no decision denies the request. */
export function admitted(decisions: readonly PolicyDecision[]): boolean {
  return decisions.every((d) => d.allowed);
}

/**
 * Evaluates every ValidatingAdmissionPolicy in `objects` that a ValidatingAdmissionPolicyBinding in `objects`
 * binds and that matches `request`. Namespaces are looked up in `objects`; a namespace not found there is
 * taken to carry only the `kubernetes.io/metadata.name` label the API server sets on every namespace.
 * Returns one decision per matching binding, sorted by policy then binding name.
 */
export function evaluateAdmission(objects: readonly KubeObject[], request: AdmissionRequest): PolicyDecision[] {
  const policies = new Map(
    objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy').map((o) => [o.metadata.name, o] as const),
  );
  const bindings = objects
    .filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding')
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const context = requestContext(objects, request);
  const decisions: PolicyDecision[] = [];
  for (const binding of bindings) {
    const bindingSpec = specOf(binding);
    const policy = policies.get(str(bindingSpec.policyName));
    if (!policy) continue; // the API server ignores a binding whose policy does not exist
    const policySpec = specOf(policy);
    if (!matchesResources(policySpec.matchConstraints, context, true)) continue;
    if (bindingSpec.matchResources !== undefined && !matchesResources(bindingSpec.matchResources, context, false))
      continue;
    const decision = evaluatePolicy(policy, binding, objects, context);
    if (decision) decisions.push(decision);
  }
  return decisions.sort((a, b) => a.policy.localeCompare(b.policy) || a.binding.localeCompare(b.binding));
}

type Json = Record<string, unknown>;

interface RequestContext {
  readonly request: AdmissionRequest;
  readonly name: string;
  readonly object: Json | null;
  readonly oldObject: Json | null;
  readonly namespaceObject: Json | null;
}

function requestContext(objects: readonly KubeObject[], request: AdmissionRequest): RequestContext {
  const object = asRecordOrNull(request.object);
  const oldObject = asRecordOrNull(request.oldObject);
  const name = request.name ?? metaOf(object).name ?? metaOf(oldObject).name ?? '';
  let namespaceObject: Json | null = null;
  if (request.namespace !== undefined && request.namespace !== '') {
    const found = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === request.namespace);
    // The API server labels every namespace with its name (NamespaceDefaultLabelName, GA in 1.22).
    const labels = { ...(found?.metadata.labels ?? {}), [LABELS.namespaceName]: request.namespace };
    namespaceObject = {
      ...(found ?? { apiVersion: 'v1', kind: 'Namespace' }),
      metadata: { ...(found?.metadata ?? {}), name: request.namespace, labels },
    } as Json;
  }
  return { request, name, object, oldObject, namespaceObject };
}

function evaluatePolicy(
  policy: KubeObject,
  binding: KubeObject,
  objects: readonly KubeObject[],
  context: RequestContext,
): PolicyDecision | undefined {
  const spec = specOf(policy);
  const bindingSpec = specOf(binding);
  const failClosed = (spec.failurePolicy ?? 'Fail') !== 'Ignore';
  const actions = Array.isArray(bindingSpec.validationActions) ? bindingSpec.validationActions.map(str) : [];
  const decide = (failed: boolean, messages: string[]): PolicyDecision => ({
    policy: policy.metadata.name,
    binding: binding.metadata.name,
    allowed: !(failed && actions.includes('Deny')),
    messages,
  });

  const params = resolveParams(spec, bindingSpec, objects, context);
  if (params === 'skip') return undefined;
  if (params === 'deny') return decide(true, [`no params found for policy binding ${binding.metadata.name}`]);

  const bindings: Record<string, CelValue> = {
    object: toCel(context.object),
    oldObject: toCel(context.oldObject),
    request: toCel(requestValue(context)),
    namespaceObject: toCel(context.namespaceObject),
    params: toCel(params),
  };

  // Variables: each sees the ones before it. One that errors is left out, so using it errors too.
  const variables = new Map<string, CelValue>();
  const variableErrors = new Map<string, string>();
  for (const v of asArray(spec.variables)) {
    const r = evaluate(str(v.expression), { ...bindings, variables: celMap(variables) });
    if (isCelError(r)) variableErrors.set(str(v.name), r.message);
    else variables.set(str(v.name), r);
  }
  bindings.variables = celMap(variables);
  const errorOf = (expression: string, r: CelResult): string => {
    const used = [...variableErrors].filter(([n]) => expression.includes(`variables.${n}`));
    const cause = used.length > 0 ? `variable ${used[0][0]}: ${used[0][1]}` : isCelError(r) ? r.message : `not a bool`;
    return `expression '${expression}' resulted in error: ${cause}`;
  };

  for (const condition of asArray(spec.matchConditions)) {
    const expression = str(condition.expression);
    const r = evaluate(expression, bindings);
    if (typeof r !== 'boolean') {
      if (!failClosed) return undefined;
      return decide(true, [`matchCondition ${str(condition.name)}: ${errorOf(expression, r)}`]);
    }
    if (!r) return undefined;
  }

  const messages: string[] = [];
  let failed = false;
  for (const validation of asArray(spec.validations)) {
    const expression = str(validation.expression);
    const r = evaluate(expression, bindings);
    if (typeof r !== 'boolean') {
      if (failClosed) {
        failed = true;
        messages.push(errorOf(expression, r));
      }
      continue;
    }
    if (r) continue;
    failed = true;
    messages.push(messageOf(validation, expression, bindings));
  }
  return decide(failed, messages);
}

/** messageExpression when it gives a non-empty single-line string, else message, else the expression. */
function messageOf(validation: Json, expression: string, bindings: Record<string, CelValue>): string {
  if (typeof validation.messageExpression === 'string') {
    const m = evaluate(validation.messageExpression, bindings);
    if (typeof m === 'string' && m.trim() !== '' && !m.includes('\n')) return m;
  }
  if (typeof validation.message === 'string' && validation.message !== '') return validation.message;
  return `failed expression: ${expression}`;
}

/** The params object of a binding: null without paramKind, 'skip' or 'deny' when the binding's param is missing. */
function resolveParams(
  spec: Json,
  bindingSpec: Json,
  objects: readonly KubeObject[],
  context: RequestContext,
): Json | null | 'skip' | 'deny' {
  const kind = asRecordOrNull(spec.paramKind);
  const ref = asRecordOrNull(bindingSpec.paramRef);
  if (!kind || !ref) return null;
  const namespace = typeof ref.namespace === 'string' ? ref.namespace : context.request.namespace;
  const candidates = objects.filter(
    (o) =>
      o.apiVersion === kind.apiVersion &&
      o.kind === kind.kind &&
      o.metadata.namespace === namespace &&
      (typeof ref.name === 'string'
        ? o.metadata.name === ref.name
        : selectorMatches(asRecordOrNull(ref.selector), o.metadata.labels ?? {})),
  );
  if (candidates.length > 0) return candidates[0] as unknown as Json;
  return ref.parameterNotFoundAction === 'Deny' ? 'deny' : 'skip';
}

/** The `request` variable (admission.k8s.io/v1 AdmissionRequest). */
function requestValue({ request, name }: RequestContext): Json {
  return {
    kind: request.kind,
    resource: request.resource,
    subResource: request.subResource ?? '',
    requestKind: request.kind,
    requestResource: request.resource,
    requestSubResource: request.subResource ?? '',
    name,
    namespace: request.namespace ?? '',
    operation: request.operation,
    userInfo: { username: request.userInfo.username, groups: [...request.userInfo.groups] },
    dryRun: false,
  };
}

/** Does `match` (a policy's matchConstraints or a binding's matchResources) select the request? */
function matchesResources(match: unknown, context: RequestContext, required: boolean): boolean {
  const m = asRecordOrNull(match);
  if (!m) return !required;
  const rules = asArray(m.resourceRules);
  // A binding's matchResources without resourceRules matches every resource its policy matches.
  if ((required || rules.length > 0) && !rules.some((r) => ruleMatches(r, context))) return false;
  if (asArray(m.excludeResourceRules).some((r) => ruleMatches(r, context))) return false;
  if (!namespaceMatches(asRecordOrNull(m.namespaceSelector), context)) return false;
  return objectMatches(asRecordOrNull(m.objectSelector), context);
}

function ruleMatches(rule: Json, { request, name }: RequestContext): boolean {
  const has = (list: unknown, value: string) => asStrings(list).some((v) => v === '*' || v === value);
  if (!has(rule.operations, request.operation)) return false;
  if (!has(rule.apiGroups, request.resource.group)) return false;
  if (!has(rule.apiVersions, request.resource.version)) return false;
  const sub = request.subResource ?? '';
  const resourceMatches = asStrings(rule.resources).some((r) => {
    const [res, subRes] = r.split('/', 2);
    if (res !== '*' && res !== request.resource.resource) return false;
    return subRes === undefined ? sub === '' : subRes === '*' || subRes === sub;
  });
  if (!resourceMatches) return false;
  const scope = typeof rule.scope === 'string' ? rule.scope : '*';
  const namespaced = request.namespace !== undefined && request.namespace !== '';
  if (scope === 'Cluster' && namespaced) return false;
  if (scope === 'Namespaced' && !namespaced) return false;
  const names = asStrings(rule.resourceNames);
  return names.length === 0 || names.includes(name);
}

function namespaceMatches(selector: Json | null, context: RequestContext): boolean {
  if (!selector) return true;
  const { request } = context;
  if (request.namespace !== undefined && request.namespace !== '') {
    return selectorMatches(selector, labelsOf(context.namespaceObject));
  }
  // A Namespace request is matched on the namespace's own labels; other cluster-scoped objects always match.
  if (request.resource.group === '' && request.resource.resource === 'namespaces') {
    return selectorMatches(selector, labelsOf(context.object ?? context.oldObject));
  }
  return true;
}

function objectMatches(selector: Json | null, context: RequestContext): boolean {
  if (!selector) return true;
  const objects = [context.object, context.oldObject].filter((o): o is Json => o !== null);
  return objects.some((o) => selectorMatches(selector, labelsOf(o)));
}

/** metav1.LabelSelector semantics: every matchLabels entry and every matchExpressions requirement holds. */
export function selectorMatches(selector: Json | null, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  const matchLabels = asRecordOrNull(selector.matchLabels) ?? {};
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  for (const e of asArray(selector.matchExpressions)) {
    const key = str(e.key);
    const values = asStrings(e.values);
    const present = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e.operator) {
      case 'In':
        if (!present || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (present && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

const ENV = celEnv({ funcs: [...strings, ...KUBERNETES_CEL_LIBRARY] });
const PLANS = new Map<string, (bindings: Record<string, CelValue>) => CelResult>();

/** Evaluates one CEL expression; parse errors come back as errors, like evaluation errors. */
function evaluate(expression: string, bindings: Record<string, CelValue>): CelResult {
  try {
    let planned = PLANS.get(expression);
    if (!planned) {
      planned = plan(ENV, parse(expression)) as (bindings: Record<string, CelValue>) => CelResult;
      PLANS.set(expression, planned);
    }
    return planned(bindings);
  } catch (e) {
    return celError(e);
  }
}

/** JSON to CEL: objects become maps, whole numbers int (bigint), other numbers double. */
function toCel(value: unknown): CelValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (Array.isArray(value)) return value.map(toCel) as unknown as CelValue;
  if (isCelMap(value) || isCelList(value)) return value;
  if (typeof value === 'object') {
    return celMap(new Map(Object.entries(value as Json).map(([k, v]) => [k, toCel(v)] as const)));
  }
  throw new Error(`cannot pass a ${typeof value} to CEL`);
}

function specOf(o: KubeObject): Json {
  return asRecordOrNull(o.spec) ?? {};
}

function asRecordOrNull(v: unknown): Json | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
}

function asArray(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter((x): x is Json => asRecordOrNull(x) !== null) : [];
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function metaOf(o: Json | null): { name?: string } {
  const meta = asRecordOrNull(o?.metadata);
  return { name: typeof meta?.name === 'string' ? meta.name : undefined };
}

function labelsOf(o: Json | null): Record<string, string> {
  const labels = asRecordOrNull(asRecordOrNull(o?.metadata)?.labels) ?? {};
  return Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
