/**
 * `colossus admit`: predicts, offline, whether workloads would be admitted in a tenant namespace of a
 * synthesized cluster, and where. The steps follow the order a request meets them:
 *  1. the namespace and its tenant;
 *  2. Pod Security at the namespace's enforced level (pod templates);
 *  3. every bound ValidatingAdmissionPolicy, evaluated with real CEL (admission/evaluate.ts), on the
 *     workload and on each pod it creates;
 *  4. LimitRange defaults, then the namespace's ResourceQuota (every pod at once);
 *  5. Kueue: LocalQueue to ClusterQueue, covered resources (after excludeResourcePrefixes and DRA
 *     device-class mappings), flavor assignment (taints, tolerations, node labels), quota and
 *     borrowing in the cohort, and the Topology level a pod set requests;
 *  6. node fit on the node group of the assigned flavor (per-node GPUs, CPU, memory, rail VFs; pods per
 *     node; pods per block or rack for a required topology level);
 *  7. the Multus networks the pods name exist in the namespace, and cover the rail VFs they request;
 *  8. DNS and the API server are reachable under the namespace's NetworkPolicies.
 * Every failed step adds a reason; a workload is admitted when there are none.
 */
import { AdmissionRequest, evaluateAdmission } from '../admission/evaluate';
import { selectorMatches } from '../admission/evaluate';
import { isKind, KnownKindName } from '../model/kinds';
import { KubeObject, LABELS } from '../model/kube';
import { quantityValue } from '../model/quantity';
import { NODE_LOCAL_DNS_IP } from '../operators/pod-network';
import { ClusterView, isPerNodeLabel, NodeGroup, SiteView } from './cluster-view';
import { PodSet, podSetsOf, WORKLOAD_RESOURCES } from './workloads';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = Record<string, any>;

/** Where one pod set would run. */
export interface PodSetPlacement {
  readonly name: string;
  readonly pods: number;
  /** Kueue ResourceFlavor assigned, when Kueue admits the pod set. */
  readonly flavor?: string;
  /** Node group (pool) the flavor selects. */
  readonly nodeGroup?: string;
  /** Nodes the pod set fills, at the pods per node that fit. */
  readonly nodes?: number;
  /** True when the pod set borrows quota from its cohort. */
  readonly borrows?: boolean;
}

/** The prediction for one workload. */
export interface AdmitResult {
  readonly file: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly tenant?: string;
  /** Cluster (or MultiKueue cell) the workload would run in. */
  readonly cell: string;
  readonly clusterQueue?: string;
  readonly admitted: boolean;
  readonly podSets: readonly PodSetPlacement[];
  readonly reasons: readonly string[];
}

/** A workload to admit and the file it came from. */
export interface WorkloadInput {
  readonly file: string;
  readonly object: KubeObject;
}

const QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
const NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';
const TOPOLOGY_REQUIRED = 'kueue.x-k8s.io/podset-required-topology';
const TOPOLOGY_PREFERRED = 'kueue.x-k8s.io/podset-preferred-topology';

/**
 * Admits every workload of `inputs` (other objects in them, such as ComputeDomains and TrainingRuntimes,
 * are context) into namespace `namespace` of `view`.
 */
export function admitWorkloads(view: ClusterView, namespace: string, inputs: readonly WorkloadInput[]): AdmitResult[] {
  const context = inputs.map((i) => i.object);
  return inputs
    .filter((i) => WORKLOAD_RESOURCES[i.object.kind] !== undefined)
    .map((i) => admitOne(view, namespace, i, context));
}

/**
 * Admits every workload of `inputs` on a site. One cluster: as admitWorkloads. A split cluster: the
 * workload is submitted to the manager, whose LocalQueue and ClusterQueue name one MultiKueue
 * AdmissionCheck, whose MultiKueueConfig lists the cells it may run in (kueue v0.19.2
 * pkg/controller/admissionchecks/multikueue: the workload is copied to those workers and kept where one
 * admits it). The manager reserves quota that is the sum of the cells' (cells/multikueue.ts), so a
 * workload runs when one of those cells admits it alone: the result is the first that does, in the
 * config's order, or else the first cell's denial.
 */
export function admitOnSite(site: SiteView, namespace: string, inputs: readonly WorkloadInput[]): AdmitResult[] {
  if (!site.manager) return admitWorkloads(site.clusters[0], namespace, inputs);
  const manager = site.manager;
  const context = inputs.map((i) => i.object);
  return inputs
    .filter((i) => WORKLOAD_RESOURCES[i.object.kind] !== undefined)
    .map((i) => {
      const queue = i.object.metadata.labels?.[QUEUE_LABEL] ?? 'default';
      const targets = dispatchTargets(manager, namespace, queue);
      const candidates = site.clusters.filter((c) => targets.includes(c.name));
      if (candidates.length === 0) {
        // No queue on the manager: the first cell that has the namespace gives the same denial.
        const holder = site.clusters.find((c) => find(c.objects, 'Namespace', namespace)) ?? site.clusters[0];
        return admitOne(holder, namespace, i, context);
      }
      const results = candidates.map((c) => admitOne(c, namespace, i, context));
      return results.find((r) => r.admitted) ?? results[0];
    });
}

/** The cells a workload in `queue` of `namespace` is dispatched to: LocalQueue, ClusterQueue, AdmissionCheck, MultiKueueConfig. */
function dispatchTargets(manager: readonly KubeObject[], namespace: string, queue: string): string[] {
  const lq = find(manager, 'LocalQueue', queue, namespace) as Json | undefined;
  const cq = lq && (find(manager, 'ClusterQueue', lq.spec.clusterQueue) as Json | undefined);
  const check = cq?.spec.admissionChecksStrategy?.admissionChecks?.[0]?.name as string | undefined;
  const ac = check ? (find(manager, 'AdmissionCheck', check) as Json | undefined) : undefined;
  const config = ac ? (find(manager, 'MultiKueueConfig', ac.spec.parameters.name) as Json | undefined) : undefined;
  return (config?.spec.clusters as string[] | undefined) ?? [];
}

function admitOne(
  view: ClusterView,
  namespace: string,
  input: WorkloadInput,
  context: readonly KubeObject[],
): AdmitResult {
  const workload = { ...input.object, metadata: { ...input.object.metadata, namespace } } as KubeObject;
  const reasons: string[] = [];
  const base = { file: input.file, kind: workload.kind, name: workload.metadata.name, namespace, cell: view.name };
  const wrongNamespace = input.object.metadata.namespace;
  if (wrongNamespace !== undefined && wrongNamespace !== namespace) {
    reasons.push(`the workload names namespace "${wrongNamespace}", not --namespace ${namespace}`);
  }
  // 1. Namespace and tenant.
  const ns = find(view.objects, 'Namespace', namespace);
  const tenant = ns?.metadata.labels?.[LABELS.tenant];
  if (!ns || !tenant) {
    return {
      ...base,
      admitted: false,
      podSets: [],
      reasons: [...reasons, `namespace "${namespace}" is not a tenant namespace of cluster ${view.name}`],
    };
  }
  let podSets: PodSet[];
  try {
    podSets = podSetsOf(workload, context);
  } catch (e) {
    return { ...base, tenant, admitted: false, podSets: [], reasons: [...reasons, (e as Error).message] };
  }
  const inNamespace = view.objects.filter((o) => o.metadata.namespace === namespace);
  const user = { username: `${tenant}-member`, groups: [...groupsOf(view, namespace), 'system:authenticated'] };

  // 2. Pod Security.
  const level = ns.metadata.labels?.['pod-security.kubernetes.io/enforce'] ?? 'privileged';
  for (const ps of podSets) {
    for (const v of podSecurityViolations(ps.template.spec, level))
      reasons.push(`pod set ${ps.name}: Pod Security "${level}": ${v}`);
  }

  // 3. ValidatingAdmissionPolicies (evaluated once Kueue's flavors are known: they shape the pods).
  const policyReasons: string[] = [];
  reasons.push(POLICY_PLACEHOLDER);

  // 4. LimitRange defaults, then ResourceQuota over every pod.
  const limitRanges = inNamespace.filter((o) => isKind(o, 'LimitRange'));
  const perPod = podSets.map((ps) => podRequests(ps.template.spec, limitRanges));
  for (const quota of inNamespace.filter((o) => isKind(o, 'ResourceQuota'))) {
    const hard = ((quota as Json).spec?.hard ?? {}) as Record<string, string>;
    // A scoped quota counts only the pods its scope selects (tenant-priority-classes holds pods of a foreign class).
    const counted = podSets.map((ps) => quotaScopeMatches(quota, ps.template.spec));
    const used = (key: string): number =>
      key === 'pods'
        ? podSets.reduce((n, ps, i) => n + (counted[i] ? ps.count : 0), 0)
        : podSets.reduce((n, ps, i) => n + (counted[i] ? ps.count * (perPod[i][key] ?? 0) : 0), 0);
    for (const [key, limit] of Object.entries(hard)) {
      const resource =
        key === 'pods' ? 'pods' : key.startsWith('requests.') ? key.slice('requests.'.length) : undefined;
      if (!resource || resource.includes('storageclass')) continue;
      const need = used(resource);
      if (need > quantity(limit))
        reasons.push(`ResourceQuota ${quota.metadata.name}: ${key} ${show(resource, need)} exceeds ${limit}`);
    }
  }

  // 5. Kueue, then 6. node fit.
  const kueue = assignFlavors(view, namespace, workload, podSets, perPod, context);
  reasons.push(...kueue.reasons);
  for (const r of admissionRequests(view, workload, podSets, kueue.flavors, namespace, user)) {
    for (const d of evaluateAdmission(view.objects, r)) {
      if (!d.allowed) {
        policyReasons.push(`${r.kind.kind} denied by ValidatingAdmissionPolicy ${d.policy}: ${d.messages.join('; ')}`);
      }
    }
  }
  reasons.splice(reasons.indexOf(POLICY_PLACEHOLDER), 1, ...policyReasons);
  const placements: PodSetPlacement[] = podSets.map((ps, i) => {
    const flavor = kueue.flavors[i];
    const group = flavor ? view.nodeGroups.find((g) => flavorPool(view, flavor) === g.pool) : undefined;
    if (!flavor || !group) return { name: ps.name, pods: ps.count, flavor };
    const fit = nodeFit(group, ps, perPod[i], flavorTolerations(view, flavor));
    reasons.push(...fit.reasons.map((r) => `pod set ${ps.name} on ${group.pool}: ${r}`));
    return {
      name: ps.name,
      pods: ps.count,
      flavor,
      nodeGroup: group.pool,
      nodes: fit.nodes,
      borrows: kueue.borrows[i],
    };
  });

  // 7. Networks, 8. DNS and API server.
  for (const ps of podSets) reasons.push(...networkReasons(view, namespace, ps));
  reasons.push(...reachability(view, namespace, podSets));

  return {
    ...base,
    tenant,
    clusterQueue: kueue.clusterQueue,
    admitted: reasons.length === 0,
    podSets: placements,
    reasons,
  };
}

function find(
  objects: readonly KubeObject[],
  kind: KnownKindName,
  name: string,
  namespace?: string,
): KubeObject | undefined {
  return objects.find((o) => isKind(o, kind) && o.metadata.name === name && o.metadata.namespace === namespace);
}

function groupsOf(view: ClusterView, namespace: string): string[] {
  const binding = find(view.objects, 'RoleBinding', 'tenant-member', namespace) as Json | undefined;
  return ((binding?.subjects ?? []) as Json[]).filter((s) => s.kind === 'Group').map((s) => s.name as string);
}

/** Marks where policy denials go in the reasons (they are known only after Kueue's step). */
const POLICY_PLACEHOLDER = '\u0000policies';

/** Kinds whose pods Kueue's pod integration gates at creation (pod, deployment, leaderworkerset frameworks). */
const POD_INTEGRATION = new Set(['Pod', 'Deployment', 'LeaderWorkerSet']);

/**
 * The CREATE requests the API server sees, after Kueue's mutating webhooks (kueue v0.19.2 jobframework
 * `Default`: a job with a queue is created suspended; pod webhook: pods of pod-integrated kinds get the
 * `kueue.x-k8s.io/admission` scheduling gate). A job's pods are created only after admission, with the
 * assigned flavor's node labels and tolerations merged in (podset.Merge) and, under a topology request,
 * the `kueue.x-k8s.io/topology` gate.
 */
function admissionRequests(
  view: ClusterView,
  workload: KubeObject,
  podSets: readonly PodSet[],
  flavors: readonly (string | undefined)[],
  namespace: string,
  user: AdmissionRequest['userInfo'],
): AdmissionRequest[] {
  const queue = workload.metadata.labels?.[QUEUE_LABEL] ?? 'default';
  const labels = { ...workload.metadata.labels, [QUEUE_LABEL]: queue };
  const spec = (workload as Json).spec ?? {};
  const suspended = ['Job', 'JobSet', 'TrainJob'].includes(workload.kind) ? { ...spec, suspend: true } : spec;
  const requests: AdmissionRequest[] = [];
  if (workload.kind !== 'Pod') {
    requests.push(
      request(
        { ...workload, metadata: { ...workload.metadata, labels }, spec: suspended } as KubeObject,
        namespace,
        user,
      ),
    );
  }
  podSets.forEach((ps, i) => {
    const flavor = flavors[i] ? (find(view.objects, 'ResourceFlavor', flavors[i]!) as Json | undefined) : undefined;
    // A job Kueue cannot admit stays suspended: its controller creates no pods, so no pod meets admission.
    if (!POD_INTEGRATION.has(workload.kind) && !flavor) return;
    const podSpec = { ...ps.template.spec } as Json;
    const gates: Json[] = [...(podSpec.schedulingGates ?? [])];
    if (POD_INTEGRATION.has(workload.kind)) {
      gates.push({ name: 'kueue.x-k8s.io/admission' });
    } else if (flavor) {
      podSpec.nodeSelector = { ...podSpec.nodeSelector, ...flavor.spec?.nodeLabels };
      podSpec.tolerations = [...(podSpec.tolerations ?? []), ...(flavor.spec?.tolerations ?? [])];
      if (topologyLevel(ps)) gates.push({ name: 'kueue.x-k8s.io/topology' });
    }
    if (gates.length) podSpec.schedulingGates = gates;
    const metadata = {
      ...ps.template.metadata,
      labels: POD_INTEGRATION.has(workload.kind)
        ? { ...ps.template.metadata.labels, [QUEUE_LABEL]: queue }
        : ps.template.metadata.labels,
      name: `${workload.metadata.name}-${ps.name}-0`,
      namespace,
    };
    requests.push(request({ apiVersion: 'v1', kind: 'Pod', metadata, spec: podSpec } as KubeObject, namespace, user));
  });
  return requests;
}

function request(object: KubeObject, namespace: string, userInfo: AdmissionRequest['userInfo']): AdmissionRequest {
  const r = WORKLOAD_RESOURCES[object.kind];
  return {
    operation: 'CREATE',
    kind: { group: r.group, version: r.version, kind: object.kind },
    resource: { group: r.group, version: r.version, resource: r.resource },
    namespace,
    name: object.metadata.name,
    object,
    userInfo,
  };
}

// ---------------------------------------------------------------- Pod Security (pod-security-standards)

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const RESTRICTED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
  'image',
];

/** Violations of the Pod Security Standards at `level` (kubernetes.io/docs/concepts/security/pod-security-standards). */
export function podSecurityViolations(spec: Json, level: string): string[] {
  if (level === 'privileged') return [];
  const out: string[] = [];
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Json[];
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC)
    out.push('host namespaces (hostNetwork, hostPID, hostIPC) are forbidden');
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) out.push(`container ${c.name} is privileged`);
    for (const cap of sc.capabilities?.add ?? []) {
      if (level === 'restricted' ? cap !== 'NET_BIND_SERVICE' : !BASELINE_CAPABILITIES.has(cap))
        out.push(`container ${c.name} adds capability ${cap}`);
    }
    if ((c.ports ?? []).some((p: Json) => p.hostPort)) out.push(`container ${c.name} uses a hostPort`);
  }
  for (const v of (spec.volumes ?? []) as Json[]) {
    if (v.hostPath) out.push(`volume ${v.name} is a hostPath`);
    else if (level === 'restricted' && !RESTRICTED_VOLUMES.some((k) => k in v))
      out.push(`volume ${v.name} has a type restricted forbids`);
  }
  if (level !== 'restricted') return out;
  const podSc = spec.securityContext ?? {};
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false)
      out.push(`container ${c.name} must set securityContext.allowPrivilegeEscalation: false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`container ${c.name} must drop capability ALL`);
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true)
      out.push(`container ${c.name} must set runAsNonRoot: true (pod or container)`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) out.push(`container ${c.name} runs as UID 0`);
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
      out.push(`container ${c.name} must set seccompProfile RuntimeDefault or Localhost (pod or container)`);
  }
  return out;
}

// ---------------------------------------------------------------- Requests

/** Kubernetes quantity to a number in base units (model/quantity.ts rules); NaN when unreadable. */
export function quantity(text: string | number): number {
  return typeof text === 'number' ? text : quantityValue(text);
}

function show(resource: string, value: number): string {
  if (resource === 'memory') return `${Math.round(value / 2 ** 30)}Gi`;
  return String(Math.round(value * 1000) / 1000);
}

/**
 * A pod's effective requests: each container's requests, missing ones from its limits, then the
 * LimitRange defaults (LimitRanger; Kueue does the same, pkg/workload/resources.go); containers summed,
 * init containers as their maximum (the Kubernetes pod request formula).
 */
export function podRequests(spec: Json, limitRanges: readonly KubeObject[]): Record<string, number> {
  const defaults = limitRanges.flatMap((lr) =>
    ((lr as Json).spec?.limits ?? []).filter((l: Json) => l.type === 'Container'),
  );
  const containerRequests = (c: Json): Record<string, number> => {
    const r: Record<string, number> = {};
    const limits = {
      ...Object.assign({}, ...defaults.map((d: Json) => d.default ?? {})),
      ...(c.resources?.limits ?? {}),
    };
    const requests = {
      ...Object.assign({}, ...defaults.map((d: Json) => d.defaultRequest ?? {})),
      ...limits,
      ...(c.resources?.requests ?? {}),
    };
    for (const [k, v] of Object.entries(requests)) r[k] = quantity(v as string);
    return r;
  };
  const sum: Record<string, number> = {};
  for (const c of (spec.containers ?? []) as Json[]) {
    for (const [k, v] of Object.entries(containerRequests(c))) sum[k] = (sum[k] ?? 0) + v;
  }
  for (const c of (spec.initContainers ?? []) as Json[]) {
    for (const [k, v] of Object.entries(containerRequests(c))) sum[k] = Math.max(sum[k] ?? 0, v);
  }
  return sum;
}

// ---------------------------------------------------------------- Kueue

interface KueueOutcome {
  readonly clusterQueue?: string;
  readonly flavors: (string | undefined)[];
  readonly borrows: boolean[];
  readonly reasons: string[];
}

/** The pool a flavor selects: the value of its pool label, else the pool of the same name (flavors are named after pools). */
function flavorPool(view: ClusterView, flavor: string): string | undefined {
  const rf = find(view.objects, 'ResourceFlavor', flavor) as Json | undefined;
  if (!rf) return undefined;
  const labels = (rf.spec?.nodeLabels ?? {}) as Record<string, string>;
  const byLabel = Object.entries(labels).find(([k]) => k.endsWith('/pool'))?.[1];
  return byLabel ?? (view.nodeGroups.some((g) => g.pool === flavor) ? flavor : undefined);
}

function flavorTolerations(view: ClusterView, flavor: string): Json[] {
  return ((find(view.objects, 'ResourceFlavor', flavor) as Json | undefined)?.spec?.tolerations ?? []) as Json[];
}

function assignFlavors(
  view: ClusterView,
  namespace: string,
  workload: KubeObject,
  podSets: readonly PodSet[],
  perPod: readonly Record<string, number>[],
  context: readonly KubeObject[],
): KueueOutcome {
  const none = (reason: string): KueueOutcome => ({
    flavors: podSets.map(() => undefined),
    borrows: podSets.map(() => false),
    reasons: [reason],
  });
  // LocalQueue: the queue-name label, or the namespace's LocalQueue "default" (Kueue's LocalQueueDefaulting,
  // kueue v0.19.2 pkg/controller/jobframework/defaults.go).
  const named = workload.metadata.labels?.[QUEUE_LABEL];
  const queueName = named ?? (find(view.objects, 'LocalQueue', 'default', namespace) ? 'default' : undefined);
  if (!queueName)
    return none(
      `no queue: the workload names none (${QUEUE_LABEL}) and namespace ${namespace} has no LocalQueue "default"`,
    );
  const lq = find(view.objects, 'LocalQueue', queueName, namespace) as Json | undefined;
  if (!lq) return none(`no queue: LocalQueue "${queueName}" does not exist in namespace ${namespace}`);
  const cqName = lq.spec?.clusterQueue as string;
  const cq = find(view.objects, 'ClusterQueue', cqName) as Json | undefined;
  if (!cq)
    return { ...none(`ClusterQueue "${cqName}" of LocalQueue ${queueName} does not exist`), clusterQueue: cqName };
  const nsObject = find(view.objects, 'Namespace', namespace)!;
  if (
    !selectorMatches(cq.spec?.namespaceSelector ?? null, {
      ...nsObject.metadata.labels,
      [LABELS.namespaceName]: namespace,
    })
  ) {
    return { ...none(`ClusterQueue ${cqName} does not admit namespace ${namespace}`), clusterQueue: cqName };
  }
  const groups = (cq.spec?.resourceGroups ?? []) as Json[];
  const reasons: string[] = [];
  const flavors: (string | undefined)[] = [];
  const borrows: boolean[] = [];
  const usage = new Map<string, number>(); // flavor/resource -> used by earlier pod sets
  podSets.forEach((ps, i) => {
    const requests = kueueRequests(view, ps, perPod[i], context, namespace, reasons);
    const total = Object.fromEntries(Object.entries(requests).map(([k, v]) => [k, v * ps.count]));
    const uncovered = Object.keys(total).filter((r) => !groups.some((g) => (g.coveredResources ?? []).includes(r)));
    if (uncovered.length) {
      uncovered.forEach((r) => reasons.push(`pod set ${ps.name}: resource ${r} unavailable in ClusterQueue ${cqName}`));
      flavors.push(undefined);
      borrows.push(false);
      return;
    }
    const group = groups.find((g) => Object.keys(total).some((r) => g.coveredResources.includes(r))) ?? groups[0];
    const tried: string[] = [];
    let chosen: string | undefined;
    let borrowed = false;
    for (const f of (group?.flavors ?? []) as Json[]) {
      const why = flavorMismatch(view, f.name, ps);
      if (why) {
        tried.push(why);
        continue;
      }
      const quota = quotaFit(view, cq, f, total, usage);
      if (quota.reason) {
        tried.push(quota.reason);
        continue;
      }
      chosen = f.name;
      borrowed = quota.borrows;
      break;
    }
    if (chosen)
      for (const [r, v] of Object.entries(total)) usage.set(`${chosen}/${r}`, (usage.get(`${chosen}/${r}`) ?? 0) + v);
    else
      reasons.push(
        `pod set ${ps.name}: no flavor of ClusterQueue ${cqName} fits: ${tried.join('; ') || 'it lists none'}`,
      );
    flavors.push(chosen);
    borrows.push(borrowed);
  });
  return { clusterQueue: cqName, flavors, borrows, reasons };
}

/**
 * What Kueue counts for one pod: its requests without the excluded prefixes (kueue v0.19.2
 * pkg/workload/workload.go dropExcludedResources), plus one logical resource per ResourceClaimTemplate
 * device mapped in deviceClassMappings (pkg/dra/claims.go; an unmapped class makes it inadmissible).
 */
function kueueRequests(
  view: ClusterView,
  ps: PodSet,
  perPod: Record<string, number>,
  context: readonly KubeObject[],
  namespace: string,
  reasons: string[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(perPod)) {
    if (v > 0 && !view.excludedResourcePrefixes.some((p) => k.startsWith(p))) out[k] = v;
  }
  for (const claim of (ps.template.spec.resourceClaims ?? []) as Json[]) {
    const templateName = claim.resourceClaimTemplateName as string | undefined;
    if (!templateName) {
      reasons.push(`pod set ${ps.name}: Kueue does not admit pods with a shared ResourceClaim (${claim.name})`);
      continue;
    }
    const domain = context.find(
      (o) =>
        isKind(o, 'ComputeDomain') &&
        (o.metadata.namespace ?? namespace) === namespace &&
        (o as Json).spec?.channel?.resourceClaimTemplate?.name === templateName,
    );
    if (!domain) {
      reasons.push(
        `pod set ${ps.name}: ResourceClaimTemplate "${templateName}" comes from no ComputeDomain in the given files`,
      );
      continue;
    }
    if (!view.computeDomains) {
      reasons.push(
        `pod set ${ps.name}: ComputeDomain ${domain.metadata.name} needs the NVIDIA DRA driver, which cluster ${view.name} does not install`,
      );
      continue;
    }
    const logical = view.deviceClassResources.get('compute-domain-default-channel.nvidia.com');
    if (!logical) {
      reasons.push(
        `pod set ${ps.name}: DeviceClass compute-domain-default-channel.nvidia.com is not mapped in Kueue's deviceClassMappings`,
      );
      continue;
    }
    out[logical] = (out[logical] ?? 0) + 1;
  }
  return out;
}

/** Why flavor `name` cannot take `ps` (kueue flavorassigner.go checkFlavorForPodSets), or undefined. */
function flavorMismatch(view: ClusterView, name: string, ps: PodSet): string | undefined {
  const rf = find(view.objects, 'ResourceFlavor', name) as Json | undefined;
  if (!rf) return `flavor ${name} not found`;
  const spec = ps.template.spec;
  const tolerations = [...(spec.tolerations ?? []), ...(rf.spec?.tolerations ?? [])] as Json[];
  for (const taint of (rf.spec?.nodeTaints ?? []) as Json[]) {
    if (!tolerates(tolerations, taint))
      return `untolerated taint ${taint.key}=${taint.value}:${taint.effect} in flavor ${name}`;
  }
  const labels = (rf.spec?.nodeLabels ?? {}) as Record<string, string>;
  // Only the flavor's own label keys are compared.
  for (const [k, v] of Object.entries((spec.nodeSelector ?? {}) as Record<string, string>)) {
    if (k in labels && labels[k] !== v) return `flavor ${name} doesn't match node selector ${k}=${v}`;
  }
  for (const term of requiredTerms(spec)) {
    for (const e of (term.matchExpressions ?? []) as Json[]) {
      if (e.key in labels && !expressionMatches(e, labels[e.key]))
        return `flavor ${name} doesn't match node affinity ${e.key} ${e.operator} ${(e.values ?? []).join(',')}`;
    }
  }
  const level = topologyLevel(ps);
  if (level) {
    const topology = rf.spec?.topologyName as string | undefined;
    if (!topology) return `flavor ${name} has no topology, but pod set ${ps.name} requests level ${level}`;
    const t = find(view.objects, 'Topology', topology) as Json | undefined;
    const levels = ((t?.spec?.levels ?? []) as Json[]).map((l) => l.nodeLabel as string);
    if (!levels.includes(level))
      return `Topology ${topology} of flavor ${name} has no level ${level} (levels: ${levels.join(', ')})`;
  }
  return undefined;
}

function requiredTerms(spec: Json): Json[] {
  return (spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ??
    []) as Json[];
}

function expressionMatches(e: Json, value: string | undefined): boolean {
  switch (e.operator) {
    case 'In':
      return value !== undefined && (e.values ?? []).includes(value);
    case 'NotIn':
      return value === undefined || !(e.values ?? []).includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      return false;
  }
}

function tolerates(tolerations: readonly Json[], taint: Json): boolean {
  return tolerations.some(
    (t) =>
      (t.effect === undefined || t.effect === '' || t.effect === taint.effect) &&
      (t.key === undefined || t.key === '' ? t.operator === 'Exists' : t.key === taint.key) &&
      (t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '')),
  );
}

/** The topology level a pod set requires or prefers (Kueue TAS pod-template annotations). */
function topologyLevel(ps: PodSet): string | undefined {
  const a = (ps.template.metadata.annotations ?? {}) as Record<string, string>;
  return a[TOPOLOGY_REQUIRED] ?? a[TOPOLOGY_PREFERRED];
}

/**
 * Whether `total` fits flavor `f` of ClusterQueue `cq` on an idle cluster: within its nominal quota, or
 * by borrowing what the other ClusterQueues of its cohort lend (their nominal quota, up to their
 * lendingLimit), within its borrowingLimit.
 */
function quotaFit(
  view: ClusterView,
  cq: Json,
  f: Json,
  total: Record<string, number>,
  usage: Map<string, number>,
): { reason?: string; borrows: boolean } {
  let borrows = false;
  for (const [resource, need] of Object.entries(total)) {
    const own = ((f.resources ?? []) as Json[]).find((r) => r.name === resource);
    const nominal = own ? quantity(own.nominalQuota) : 0;
    const used = (usage.get(`${f.name}/${resource}`) ?? 0) + need;
    if (used <= nominal) continue;
    const cohort = cq.spec?.cohortName as string | undefined;
    const lendable = cohort
      ? view.objects
          .filter(
            (o) =>
              isKind(o, 'ClusterQueue') &&
              o.metadata.name !== cq.metadata.name &&
              (o as Json).spec?.cohortName === cohort,
          )
          .flatMap((o) => ((o as Json).spec?.resourceGroups ?? []) as Json[])
          .flatMap((g) => (g.flavors ?? []) as Json[])
          .filter((other) => other.name === f.name)
          .flatMap((other) => (other.resources ?? []) as Json[])
          .filter((r) => r.name === resource)
          .reduce(
            (n, r) =>
              n +
              Math.min(quantity(r.nominalQuota), r.lendingLimit === undefined ? Infinity : quantity(r.lendingLimit)),
            0,
          )
      : 0;
    const limit = own?.borrowingLimit === undefined ? Infinity : quantity(own.borrowingLimit);
    const canBorrow = Math.min(lendable, limit);
    if (used > nominal + canBorrow) {
      return {
        reason: `flavor ${f.name}: ${resource} ${show(resource, used)} exceeds the quota ${show(resource, nominal)}${cohort ? ` plus ${show(resource, canBorrow)} borrowable in cohort ${cohort}` : ''}`,
        borrows: false,
      };
    }
    borrows = true;
  }
  return { borrows };
}

// ---------------------------------------------------------------- Node fit

function nodeFit(
  group: NodeGroup,
  ps: PodSet,
  perPod: Record<string, number>,
  flavorTols: readonly Json[],
): { nodes?: number; reasons: string[] } {
  const reasons: string[] = [];
  const spec = ps.template.spec;
  const tolerations = [...(spec.tolerations ?? []), ...flavorTols] as Json[];
  for (const taint of group.taints) {
    if (taint.effect !== 'PreferNoSchedule' && !tolerates(tolerations, taint))
      reasons.push(`untolerated node taint ${taint.key}=${taint.value ?? ''}:${taint.effect}`);
  }
  const nodeLabel = (k: string): string | undefined => group.labels[k];
  for (const [k, v] of Object.entries((spec.nodeSelector ?? {}) as Record<string, string>)) {
    if (isPerNodeLabel(k)) continue; // one node per value: satisfiable by some node
    if (nodeLabel(k) !== v)
      reasons.push(`no node has label ${k}=${v} (the pool's nodes have ${k}=${nodeLabel(k) ?? '<unset>'})`);
  }
  const terms = requiredTerms(spec);
  if (
    terms.length &&
    !terms.some((t) =>
      ((t.matchExpressions ?? []) as Json[]).every(
        (e) => isPerNodeLabel(e.key) || expressionMatches(e, nodeLabel(e.key)),
      ),
    )
  ) {
    reasons.push('no node matches the required node affinity');
  }
  // Pods per node: the scarcest requested resource decides.
  let perNode = group.capacity.pods;
  for (const [resource, need] of Object.entries(perPod)) {
    if (need <= 0) continue;
    const have = group.capacity[resource] ?? 0;
    if (have < need) {
      reasons.push(
        `a pod requests ${show(resource, need)} ${resource}, a node has ${show(resource, have)}${have === 0 && resource.startsWith('nvidia.com/rail') ? ' (the pool has no such rail)' : ''}`,
      );
      perNode = 0;
    } else perNode = Math.min(perNode, Math.floor(have / need));
  }
  if (perNode === 0) return { reasons };
  const nodes = Math.ceil(ps.count / perNode);
  if (nodes > group.nodes)
    reasons.push(`${ps.count} pods need ${nodes} nodes at ${perNode} per node; the pool has ${group.nodes}`);
  const a = (ps.template.metadata.annotations ?? {}) as Record<string, string>;
  const required = a[TOPOLOGY_REQUIRED];
  // Block and rack levels by their label's name (colossus.dev/block, or a management-side block label).
  const span =
    required === undefined
      ? undefined
      : required === 'kubernetes.io/hostname'
        ? 1
        : required.endsWith('/block')
          ? group.nodesPerBlock
          : required.endsWith('/rack') || required === 'nvidia.com/gpu.clique'
            ? group.nodesPerRack
            : undefined;
  if (span !== undefined && nodes > span) reasons.push(`${nodes} nodes do not fit in one ${required} (${span} nodes)`);
  return { nodes, reasons };
}

// ---------------------------------------------------------------- Networks and reachability

function networkNames(ps: PodSet): { names: string[]; invalid?: string } {
  const value = (ps.template.metadata.annotations ?? {})[NETWORKS_ANNOTATION] as string | undefined;
  if (!value) return { names: [] };
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      return { names: (JSON.parse(text) as Json[]).map((n) => (n.namespace ? `${n.namespace}/${n.name}` : n.name)) };
    } catch {
      return { names: [], invalid: `annotation ${NETWORKS_ANNOTATION} is not valid JSON` };
    }
  }
  return {
    names: text
      .split(',')
      .map((n) => n.trim().replace(/@.*$/, ''))
      .filter(Boolean),
  };
}

/** The attachments a namespace has: NetworkAttachmentDefinitions in it, and SriovNetworks rendered into it. */
function attachments(view: ClusterView, namespace: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const o of view.objects as readonly Json[]) {
    if (isKind(o, 'NetworkAttachmentDefinition') && o.metadata.namespace === namespace) {
      out.set(o.metadata.name, o.metadata.annotations?.['k8s.v1.cni.cncf.io/resourceName']);
    }
    if (isKind(o, 'SriovNetwork') && o.spec?.networkNamespace === namespace) {
      out.set(o.metadata.name, `nvidia.com/${o.spec.resourceName}`);
    }
  }
  return out;
}

function networkReasons(view: ClusterView, namespace: string, ps: PodSet): string[] {
  const reasons: string[] = [];
  const { names, invalid } = networkNames(ps);
  if (invalid) reasons.push(`pod set ${ps.name}: ${invalid}`);
  const have = attachments(view, namespace);
  const covered = new Set<string>();
  for (const name of names) {
    const [nsPart, local] = name.includes('/') ? name.split('/', 2) : [namespace, name];
    if (nsPart !== namespace) {
      reasons.push(`pod set ${ps.name}: network ${name} is in another namespace`);
      continue;
    }
    if (!have.has(local)) reasons.push(`pod set ${ps.name}: network ${local} does not exist in namespace ${namespace}`);
    else if (have.get(local)) covered.add(have.get(local)!);
  }
  const rails = new Set<string>();
  for (const c of (ps.template.spec.containers ?? []) as Json[]) {
    for (const r of Object.keys({ ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) }))
      if (r.startsWith('nvidia.com/rail')) rails.add(r);
  }
  for (const r of [...rails].sort()) {
    if (!covered.has(r))
      reasons.push(`pod set ${ps.name}: requests ${r} but names no network of namespace ${namespace} on it`);
  }
  return reasons;
}

/** Whether egress from the pod sets to DNS and to the API server is allowed by the namespace's NetworkPolicies. */
function reachability(view: ClusterView, namespace: string, podSets: readonly PodSet[]): string[] {
  const policies = view.objects.filter(
    (o) => isKind(o, 'NetworkPolicy') && o.metadata.namespace === namespace,
  ) as Json[];
  const kubeSystem = { [LABELS.namespaceName]: 'kube-system' };
  const reasons: string[] = [];
  for (const ps of podSets) {
    const labels = (ps.template.metadata.labels ?? {}) as Record<string, string>;
    const selecting = policies.filter(
      (p) =>
        (p.spec?.policyTypes ?? ['Ingress']).includes('Egress') && selectorMatches(p.spec?.podSelector ?? {}, labels),
    );
    if (!selecting.length) continue; // no egress policy: everything allowed
    const allowed = (dest: {
      ip?: string;
      nsLabels?: Record<string, string>;
      podLabels?: Record<string, string>;
      port: number;
      protocol: string;
    }) =>
      selecting.some((p) =>
        ((p.spec?.egress ?? []) as Json[]).some((rule) => {
          const portOk =
            !rule.ports?.length ||
            (rule.ports as Json[]).some(
              (pt) => (pt.protocol ?? 'TCP') === dest.protocol && (pt.port === undefined || pt.port === dest.port),
            );
          const peerOk =
            !rule.to?.length ||
            (rule.to as Json[]).some((peer) => {
              if (peer.ipBlock) return dest.ip !== undefined && cidrContains(peer.ipBlock.cidr, dest.ip);
              if (!dest.nsLabels) return false;
              const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, dest.nsLabels) : false;
              const podOk = peer.podSelector ? selectorMatches(peer.podSelector, dest.podLabels ?? {}) : true;
              return nsOk && podOk;
            });
          return portOk && peerOk;
        }),
      );
    const coreDns = allowed({ nsLabels: kubeSystem, podLabels: { 'k8s-app': 'kube-dns' }, port: 53, protocol: 'UDP' });
    const nodeLocal = allowed({ ip: NODE_LOCAL_DNS_IP, port: 53, protocol: 'UDP' });
    if (!coreDns && !nodeLocal)
      reasons.push(
        `pod set ${ps.name}: NetworkPolicies of ${namespace} block DNS (CoreDNS and NodeLocal DNS ${NODE_LOCAL_DNS_IP})`,
      );
    // The kubernetes Service is DNATed to an API server address on 6443 (a control-plane node).
    if (!allowed({ ip: '192.0.2.10', port: 6443, protocol: 'TCP' }))
      reasons.push(`pod set ${ps.name}: NetworkPolicies of ${namespace} block the API server (TCP 6443)`);
  }
  return reasons;
}

function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = (a: string) => a.split('.').reduce((v, o) => v * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits ?? 32));
  return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
}

/**
 * Whether `quota` counts a pod with `spec`: every requirement of its scopeSelector must hold (kubernetes
 * pkg/quota/v1/evaluator/core/pods.go podMatchesScopeFunc). The PriorityClass scope is modelled; a quota with a
 * scope this does not model counts every pod, so admit errs towards denial.
 */
export function quotaScopeMatches(quota: KubeObject, spec: { priorityClassName?: string } | undefined): boolean {
  const selector = ((quota as Json).spec?.scopeSelector?.matchExpressions ?? []) as {
    scopeName: string;
    operator: string;
    values?: string[];
  }[];
  const className = spec?.priorityClassName ?? '';
  return selector.every((r) => {
    if (r.scopeName !== 'PriorityClass') return true;
    switch (r.operator) {
      case 'Exists':
        return className !== '';
      case 'DoesNotExist':
        return className === '';
      case 'In':
        return (r.values ?? []).includes(className);
      case 'NotIn':
        return !(r.values ?? []).includes(className);
      default:
        return true;
    }
  });
}
