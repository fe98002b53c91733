/**
 * The ValidatingAdmissionPolicies that keep a hostile tenant inside its own nodes, networks, traffic and
 * priorities. Each is bound to every namespace labelled with a tenant and fails closed (`failurePolicy:
 * Fail`, `validationActions: [Deny]`): the checks run in the API server, so nothing outside can make them
 * fail open. Per-tenant facts (its pools, its priority classes) come from annotations on the tenant's
 * Namespace, which tenants cannot write (their Role has no namespace rights), so the policies themselves
 * stay the same for every tenant and live in the platform stack.
 *
 * Every expression is evaluated in the test suite (admission/evaluate.ts, __tests__/admission/admission-corpus.test.ts)
 * against attacks and legitimate requests. Pure data: no cdktf.
 */
import type {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
  Validation,
  Variable,
} from 'kubernetes-types/admissionregistration/v1';
import { build, KubeObject, LABELS, standardLabels } from '../model/kube';

// kubernetes-types 1.30 drops the fields NamedRuleWithOperations inlines from RuleWithOperations.
declare module 'kubernetes-types/admissionregistration/v1' {
  interface NamedRuleWithOperations {
    /** Resources the rule applies to (required by the API). */
    resources?: Array<string>;
    scope?: string;
  }
}

/** Pod annotation naming the secondary networks Multus attaches (multus v4.3.0 pkg/k8sclient/k8sclient.go). */
export const NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';

/** Pod annotation replacing the pod's cluster network; Multus honours it (k8sclient.go tryLoadK8sPodDefaultNetwork). */
export const DEFAULT_NETWORK_ANNOTATION = 'v1.multus-cni.io/default-network';

/** Namespace annotation: the pools (comma-separated) the namespace's tenant has quota on. */
export const POOLS_ANNOTATION = 'colossus.dev/pools';

/** Namespace annotation: the PriorityClasses (comma-separated) the namespace's pods may name. */
export const PRIORITY_CLASSES_ANNOTATION = 'colossus.dev/priority-classes';

/**
 * The service account Kueue's controller runs as: the Helm chart names it `<fullname>-controller-manager`
 * (kueue v0.19.2 charts/kueue/templates/manager/manager.yaml), and the release `kueue` has fullname `kueue`.
 */
export const KUEUE_SERVICE_ACCOUNT = 'system:serviceaccount:kueue-system:kueue-controller-manager';

/** Prefix of Kueue's scheduling gates (`kueue.x-k8s.io/admission`, `kueue.x-k8s.io/topology`). */
export const KUEUE_GATE_PREFIX = 'kueue.x-k8s.io/';

/**
 * Longest termination grace period a tenant pod may ask for. When Kueue finds an ungated pod it has not
 * admitted, it deletes it with default options, so the pod's own grace period decides how long it keeps
 * running (kueue v0.19.2 pkg/controller/jobs/pod/pod_controller.go); 15 minutes is enough to write a checkpoint.
 */
export const MAX_GRACE_SECONDS = 900;

/** Names of the policies (each has a binding of the same name). */
export const POLICY_NAMES = {
  networks: 'colossus-fabric-own-networks',
  placement: 'colossus-tenant-placement',
  services: 'colossus-tenant-services',
  priority: 'colossus-tenant-priority',
  suspend: 'colossus-tenant-job-suspend',
} as const;

/** The node label keys that name a node's pool: kubelet's own and the one only the management side can set. */
export const POOL_LABEL_KEYS = [LABELS.pool, LABELS.placementPool] as const;

const TENANT_NAMESPACES = { namespaceSelector: { matchExpressions: [{ key: LABELS.tenant, operator: 'Exists' }] } };

/** A CEL string literal (single-quoted; backslashes and quotes escaped). */
function lit(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A CEL list literal of strings. */
function list(values: readonly string[]): string {
  return `[${values.map(lit).join(', ')}]`;
}

/** A namespace annotation split on commas, or [] when absent. */
function namespaceList(annotation: string): string {
  const a = 'namespaceObject.metadata.annotations';
  return `has(${a}) && ${lit(annotation)} in ${a} ? ${a}[${lit(annotation)}].split(',') : []`;
}

const TENANT = `namespaceObject.metadata.labels[${lit(LABELS.tenant)}]`;

function policy(
  name: string,
  rules: { apiGroups: string[]; apiVersions: string[]; resources: string[] }[],
  variables: Variable[],
  validations: Validation[],
): KubeObject[] {
  const labels = standardLabels();
  return [
    build<ValidatingAdmissionPolicy>({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, labels },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: rules.map((r) => ({ ...r, operations: ['CREATE', 'UPDATE'] })) },
        variables,
        validations: validations.map((v) => ({ reason: 'Forbidden', ...v })),
      },
    }),
    build<ValidatingAdmissionPolicyBinding>({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels },
      spec: { policyName: name, validationActions: ['Deny'], matchResources: TENANT_NAMESPACES },
    }),
  ];
}

const PODS = [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }];

/** Resource names of rail virtual functions, `<prefix><rail>` (nvidia.com/rail0 ...). */
export interface NetworkPolicyProps {
  /** Prefix of the rail VF resource names, for example `nvidia.com/rail`. */
  readonly railResourcePrefix: string;
  /** Network attachment name of rail `k` in namespace `ns` is `<ns><railNetworkInfix><k>`, for example `-rail-`. */
  readonly railNetworkInfix: string;
}

/**
 * Pods attach only their own namespace's networks, in every syntax Multus v4.3.0 accepts
 * (pkg/k8sclient/k8sclient.go parsePodNetworkAnnotation):
 * - a value with none of `[{"` is the short form: comma-separated `[<namespace>/]<name>[@<interface>]`,
 *   each part trimmed; a `/` is the only way to name a namespace, so it is denied;
 * - otherwise Multus decodes JSON with Go's encoding/json into a struct tagged `json:"namespace"`
 *   (pkg/types/types.go NetworkSelectionElement), which matches keys case-insensitively (with Unicode
 *   folding) and decodes `\uXXXX` escapes. Without a JSON parser in CEL, the policy makes the text its own
 *   token stream: printable ASCII only (no folding tricks), no backslash (so no escapes: each key reads as
 *   written), no string holding `{}[],` (so braces are structure), no nested object (cni-args, bandwidth
 *   and portMappings are not accepted), no `"name"` key twice in one element, and no key `namespace` in
 *   any letter case. Static addresses (`"ips"`), MACs and interface names stay allowed.
 * - `v1.multus-cni.io/default-network` replaces the pod's cluster network with a network looked up in
 *   any namespace (k8sclient.go tryLoadK8sPodDefaultNetwork; namespaceIsolation does not apply to it):
 *   tenant pods may not set it.
 * - a container or init container requesting rail `k` VFs must attach `<ns>-rail-<k>`: the device plugin
 *   hands out VFs for the resource alone, and only the network's CNI config applies the tenant's VLAN/PKey.
 */
export function networkPolicy(props: NetworkPolicyProps): KubeObject[] {
  const prefix = props.railResourcePrefix;
  const railNetwork = (r: string) =>
    `request.namespace + ${lit(props.railNetworkInfix)} + ${r}.substring(${prefix.length})`;
  // RE2 pattern for the key "name" with a given value, any letter case of the key.
  const namedInJson = (r: string) =>
    `variables.networks.matches('"(?i:name)"\\\\s*:\\\\s*"' + ${railNetwork(r)} + '"')`;
  const attached = (r: string) =>
    `(variables.json ? ${namedInJson(r)} : variables.shortNames.exists(n, n == ${railNetwork(r)}))`;
  const railsAttached = (field: 'limits' | 'requests') =>
    `(!has(c.resources.${field}) || c.resources.${field}.all(r, !r.startsWith(${lit(prefix)}) || ${attached('r')}))`;
  const json = (expression: string, message: string): Validation => ({
    expression: `!variables.json || ${expression}`,
    message: `${NETWORKS_ANNOTATION} in JSON form: ${message}`,
  });
  return policy(
    POLICY_NAMES.networks,
    PODS,
    [
      { name: 'annotations', expression: 'has(object.metadata.annotations) ? object.metadata.annotations : {}' },
      {
        name: 'networks',
        expression: `${lit(NETWORKS_ANNOTATION)} in variables.annotations ? variables.annotations[${lit(NETWORKS_ANNOTATION)}] : ''`,
      },
      // Multus takes the value as JSON when it contains any of [ { " (strings.ContainsAny).
      { name: 'json', expression: String.raw`variables.networks.matches('[\\[{"]')` },
      { name: 'shortNames', expression: "variables.networks.split(',').map(n, n.split('@')[0].trim())" },
      {
        name: 'containers',
        expression: 'object.spec.containers + (has(object.spec.initContainers) ? object.spec.initContainers : [])',
      },
    ],
    [
      {
        expression: `!(${lit(DEFAULT_NETWORK_ANNOTATION)} in variables.annotations)`,
        message: `pods may not replace their cluster network (${DEFAULT_NETWORK_ANNOTATION})`,
      },
      {
        expression: `variables.json || !variables.networks.contains('/')`,
        message: `pods attach only networks of their own namespace: name them in ${NETWORKS_ANNOTATION} without a namespace`,
      },
      json(String.raw`!variables.networks.matches('[^\\x20-\\x7e\\t\\n\\r]')`, 'only printable ASCII is accepted'),
      json(String.raw`!variables.networks.contains('\\')`, 'escapes (backslashes) are not accepted'),
      json(
        String.raw`!variables.networks.matches('(?i)"namespace"')`,
        'no "namespace" key: networks of the pod\'s own namespace only',
      ),
      json(
        String.raw`variables.networks.matches('^[^"]*("[^"{}\\[\\],]*"[^"]*)*$')`,
        'strings may not contain braces, brackets or commas',
      ),
      json(
        String.raw`!variables.networks.matches('\\{[^}]*\\{')`,
        'nested objects (cni-args, bandwidth, portMappings) are not accepted',
      ),
      json(
        String.raw`!variables.networks.matches('(?i)"name"\\s*:[^{}]*"name"\\s*:')`,
        'each element names one network',
      ),
      {
        expression: `variables.containers.all(c, !has(c.resources) || (${railsAttached('limits')} && ${railsAttached('requests')}))`,
        message: `containers requesting ${prefix}<k> virtual functions must attach their namespace's rail network <namespace>${props.railNetworkInfix}<k> in ${NETWORKS_ANNOTATION}`,
      },
    ],
  );
}

/**
 * Pods stay on their tenant's nodes (D7): Kueue's pod webhook does not stop a user from removing its
 * scheduling gates (kueue v0.19.2 pkg/controller/jobs/pod/pod_webhook.go ValidateUpdate), and Pod Security
 * restricted does not look at tolerations, node selection or grace periods. So:
 * - only Kueue's service account removes a `kueue.x-k8s.io/` gate (it ungates and injects the flavor's
 *   node labels and tolerations in one patch: pod_controller.go Run/prepare);
 * - a toleration names its key (an empty key with Exists tolerates every taint), and tolerates the
 *   dedicated taint only with the namespace's own tenant as value;
 * - node selection on a pool label names only the tenant's pools, and a pod that can be scheduled (no
 *   scheduling gates left) must select one of them: Kueue's flavors inject that selector, so admitted
 *   workloads always pass, while a pod that got past Kueue cannot land on another tenant's nodes;
 * - no `spec.nodeName` at creation (it bypasses the scheduler), and a bounded termination grace period.
 */
export function placementPolicy(): KubeObject[] {
  const gates = (o: string) => `has(${o}.spec.schedulingGates) ? ${o}.spec.schedulingGates.map(g, g.name) : []`;
  const required = 'object.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution';
  return policy(
    POLICY_NAMES.placement,
    PODS,
    [
      { name: 'tenant', expression: TENANT },
      { name: 'pools', expression: namespaceList(POOLS_ANNOTATION) },
      { name: 'poolKeys', expression: list(POOL_LABEL_KEYS) },
      { name: 'gates', expression: gates('object') },
      { name: 'selector', expression: 'has(object.spec.nodeSelector) ? object.spec.nodeSelector : {}' },
    ],
    [
      {
        expression:
          `request.operation != 'UPDATE' || request.userInfo.username == ${lit(KUEUE_SERVICE_ACCOUNT)} || ` +
          `(${gates('oldObject')}).all(g, !g.startsWith(${lit(KUEUE_GATE_PREFIX)}) || g in variables.gates)`,
        message: `only Kueue removes its scheduling gates (${KUEUE_GATE_PREFIX}*): pods start when their workload is admitted`,
      },
      {
        expression:
          `!has(object.spec.tolerations) || object.spec.tolerations.all(t, has(t.key) && t.key != '' && ` +
          `(t.key != ${lit(LABELS.dedicated)} || ((!has(t.operator) || t.operator == 'Equal') && has(t.value) && t.value == variables.tenant)))`,
        messageExpression: `"pods of tenant " + variables.tenant + " tolerate no other tenant's dedicated nodes: a toleration names its key, and ${LABELS.dedicated} only with value " + variables.tenant`,
      },
      {
        expression: `variables.poolKeys.all(k, !(k in variables.selector) || variables.selector[k] in variables.pools)`,
        messageExpression: `"pods of tenant " + variables.tenant + " select only its pools (" + variables.pools.join(", ") + ") in nodeSelector"`,
      },
      {
        expression:
          `!has(object.spec.affinity) || !has(object.spec.affinity.nodeAffinity) || !has(${required}) || ` +
          `${required}.nodeSelectorTerms.all(term, !has(term.matchExpressions) || term.matchExpressions.all(e, ` +
          `!(e.key in variables.poolKeys) || (e.operator == 'In' && has(e.values) && e.values.all(v, v in variables.pools))))`,
        messageExpression: `"pods of tenant " + variables.tenant + " select only its pools (" + variables.pools.join(", ") + ") in node affinity, with operator In"`,
      },
      {
        expression: `size(variables.gates) > 0 || variables.poolKeys.exists(k, k in variables.selector)`,
        messageExpression: `"a pod of tenant " + variables.tenant + " runs on its pools (" + variables.pools.join(", ") + "): without scheduling gates it must select one in nodeSelector (Kueue's flavor sets it)"`,
      },
      {
        expression: `request.operation != 'CREATE' || !has(object.spec.nodeName) || object.spec.nodeName == ''`,
        message: 'pods are placed by the scheduler: spec.nodeName may not be set',
      },
      {
        expression: `!has(object.spec.terminationGracePeriodSeconds) || object.spec.terminationGracePeriodSeconds <= ${MAX_GRACE_SECONDS}`,
        message: `terminationGracePeriodSeconds is at most ${MAX_GRACE_SECONDS}`,
      },
    ],
  );
}

/**
 * Jobs start only when Kueue admits them: Kueue suspends a job it manages on creation and unsuspends it when
 * its workload is admitted, but its job webhook does not stop a user from setting `spec.suspend: false`
 * (kueue v0.19.2 pkg/controller/jobframework/validation.go, pkg/controller/jobs/job/job_webhook.go); the job
 * controller would then create pods without the flavor's node selector until Kueue suspends the job again.
 * Only Kueue's service account may unsuspend a batch Job or a JobSet. (The placement policy keeps such pods on
 * the tenant's own pools anyway; this keeps them inside Kueue's quota.)
 */
export function suspendPolicy(): KubeObject[] {
  const suspended = (o: string) => `has(${o}.spec.suspend) && ${o}.spec.suspend`;
  return policy(
    POLICY_NAMES.suspend,
    [
      { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs'] },
      { apiGroups: ['jobset.x-k8s.io'], apiVersions: ['v1alpha2'], resources: ['jobsets'] },
    ],
    [],
    [
      {
        expression:
          `request.operation != 'UPDATE' || request.userInfo.username == ${lit(KUEUE_SERVICE_ACCOUNT)} || ` +
          `!(${suspended('oldObject')}) || (${suspended('object')})`,
        message: 'only Kueue unsuspends a job: it starts when its workload is admitted',
      },
    ],
  );
}

/**
 * Services carry no `externalIPs` (CVE-2020-8554, kubernetes/kubernetes#97076): any Service may claim any
 * address there and kube-proxy intercepts its traffic cluster-wide. The API server's
 * DenyServiceExternalIPs plugin does the same where the control plane is emitted (provisioning/cluster-api.ts).
 */
export function servicePolicy(): KubeObject[] {
  return policy(
    POLICY_NAMES.services,
    [{ apiGroups: [''], apiVersions: ['v1'], resources: ['services'] }],
    [],
    [
      {
        expression: '!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0',
        message: 'Services may not claim externalIPs (CVE-2020-8554)',
      },
    ],
  );
}

/**
 * Kueue workloads use only their tenant's priorities: the WorkloadPriorityClass named after the tenant, or a
 * PriorityClass listed on the namespace. Kueue copies a job's `kueue.x-k8s.io/priority-class` label, or its
 * pods' priorityClassName, into the Workload's `spec.priorityClassRef` (kueue v0.19.2
 * apis/kueue/v1beta2/workload_types.go) and orders and preempts by it, before any pod exists; so the check
 * is on the Workload. Pods' own priorityClassName is held by the namespace's ResourceQuota scope selector.
 */
export function priorityPolicy(): KubeObject[] {
  const ref = 'object.spec.priorityClassRef';
  return policy(
    POLICY_NAMES.priority,
    [{ apiGroups: ['kueue.x-k8s.io'], apiVersions: ['v1beta2'], resources: ['workloads'] }],
    [
      { name: 'tenant', expression: TENANT },
      { name: 'priorityClasses', expression: namespaceList(PRIORITY_CLASSES_ANNOTATION) },
    ],
    [
      {
        expression:
          `!has(${ref}) || (${ref}.kind == 'WorkloadPriorityClass' ? ${ref}.name == variables.tenant : ` +
          `${ref}.name in variables.priorityClasses)`,
        messageExpression: `"workloads of tenant " + variables.tenant + " use WorkloadPriorityClass " + variables.tenant + " or a PriorityClass of " + variables.priorityClasses.join(", ")`,
      },
    ],
  );
}

/** Every tenant guard policy the platform stack emits besides the fabric's (which needs a fabric). */
export function tenantGuardPolicies(): KubeObject[] {
  return [...placementPolicy(), ...suspendPolicy(), ...servicePolicy(), ...priorityPolicy()];
}
