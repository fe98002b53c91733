/**
 * What isolation objects mean: the traffic a NetworkPolicy admits, the access an RBAC rule
 * grants, the Pod Security level a namespace enforces, the pools a ClusterQueue uses and the
 * fabric partition an object stands for. Shared by the diff (is it broader?) and the audit
 * (is it tenant-tight?). Everything reads plain objects; nothing trusts the constructs.
 */
import { KubeObject, LABELS } from '../model/kube';
import { LabelSelector, Tenancy } from './tenancy';
import { isRecord } from '../model/values';
import { POD_SECURITY_LEVELS } from '../spec/defaults';

// ---------------------------------------------------------------- NetworkPolicy

/** A NetworkPolicy peer. */
export interface Peer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

/** A NetworkPolicy rule in either direction: `peers` undefined means every source or destination. */
export interface Rule {
  readonly peers?: readonly Peer[];
  readonly ports?: readonly unknown[];
}

/** Traffic direction of a NetworkPolicy. */
export type Direction = 'Ingress' | 'Egress';
export const DIRECTIONS: readonly Direction[] = ['Ingress', 'Egress'];

interface NetworkPolicySpec {
  podSelector?: LabelSelector;
  policyTypes?: Direction[];
  ingress?: { from?: Peer[]; ports?: unknown[] }[];
  egress?: { to?: Peer[]; ports?: unknown[] }[];
}

function npSpec(np: KubeObject): NetworkPolicySpec {
  return (np.spec ?? {}) as NetworkPolicySpec;
}

/** The directions a NetworkPolicy restricts (Kubernetes' defaulting of `policyTypes` applied). */
export function policyTypes(np: KubeObject): Direction[] {
  const spec = npSpec(np);
  if (spec.policyTypes) return [...spec.policyTypes];
  return spec.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** The allow rules of one direction; an empty list with the direction restricted denies all. */
export function rulesOf(np: KubeObject, direction: Direction): Rule[] {
  const spec = npSpec(np);
  if (direction === 'Ingress') {
    return (spec.ingress ?? []).map((r) => ({ peers: emptyToUndefined(r.from), ports: emptyToUndefined(r.ports) }));
  }
  return (spec.egress ?? []).map((r) => ({ peers: emptyToUndefined(r.to), ports: emptyToUndefined(r.ports) }));
}

/** Whether the policy selects every pod of its namespace (`podSelector: {}`). */
export function selectsAllPods(np: KubeObject): boolean {
  const sel = npSpec(np).podSelector ?? {};
  return Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

/** The pod selector of a policy, canonical JSON, to compare two versions. */
export function podSelectorOf(np: KubeObject): string {
  return canonical(npSpec(np).podSelector ?? {});
}

/** Namespaces (known ones plus OTHER_NAMESPACE) a peer admits; `ownNamespace` for a pod-only peer. */
export function peerNamespaces(peer: Peer, ownNamespace: string, tenancy: Tenancy): string[] {
  if (peer.ipBlock) return isAnyAddress(peer.ipBlock) ? tenancy.selectNamespaces({}) : [];
  return peer.namespaceSelector ? tenancy.selectNamespaces(peer.namespaceSelector) : [ownNamespace];
}

/** An ipBlock covering every address (`0.0.0.0/0` or `::/0` with no exceptions): every pod of every tenant. */
export function isAnyAddress(block: NonNullable<Peer['ipBlock']>): boolean {
  return /\/0$/.test(block.cidr) && (block.except ?? []).length === 0;
}

/** One way a NetworkPolicy admits more; `withinTenant` when all it adds is the tenant's own namespaces. */
export interface Broadening {
  readonly reason: string;
  readonly withinTenant: boolean;
}

/**
 * How `head` admits more traffic than `base` (two versions of one NetworkPolicy): one entry per
 * broadening, none when it admits the same or less. `tenancy` is the head output's.
 */
export function networkPolicyBroadening(base: KubeObject, head: KubeObject, tenancy: Tenancy): Broadening[] {
  const found: Broadening[] = [];
  const outside = (reason: string) => found.push({ reason, withinTenant: false });
  if (podSelectorOf(base) !== podSelectorOf(head)) outside('applies to different pods (podSelector changed)');
  const ns = head.metadata.namespace ?? '';
  const baseTypes = policyTypes(base);
  const headTypes = policyTypes(head);
  for (const dir of DIRECTIONS) {
    if (!baseTypes.includes(dir)) continue;
    if (!headTypes.includes(dir)) {
      outside(`no longer restricts ${dir.toLowerCase()} (policyTypes)`);
      continue;
    }
    const baseRules = rulesOf(base, dir);
    rulesOf(head, dir).forEach((rule, i) => {
      if (baseRules.some((old) => ruleCovered(rule, old, ns, tenancy))) return;
      const within = ruleStaysInTenant(rule, ns, tenancy);
      found.push({
        reason: `${dir.toLowerCase()} rule ${i} admits traffic the old rules did not${within ? ", within the tenant's own namespaces" : ''}`,
        withinTenant: within,
      });
    });
  }
  return found;
}

/** Whether a rule admits only namespaces of the tenant owning `ns` (no ipBlock, no rule without peers). */
export function ruleStaysInTenant(rule: Rule, ns: string, tenancy: Tenancy): boolean {
  const tenant = tenancy.ownerOf(ns);
  if (tenant === undefined || rule.peers === undefined) return false;
  return rule.peers.every(
    (p) => !p.ipBlock && peerNamespaces(p, ns, tenancy).every((n) => tenancy.ownerOf(n) === tenant),
  );
}

function ruleCovered(rule: Rule, old: Rule, ns: string, tenancy: Tenancy): boolean {
  const portsOk =
    old.ports === undefined ||
    (rule.ports !== undefined && rule.ports.every((p) => old.ports!.some((q) => canonical(p) === canonical(q))));
  const peersOk =
    old.peers === undefined ||
    (rule.peers !== undefined && rule.peers.every((p) => old.peers!.some((q) => peerCovered(p, q, ns, tenancy))));
  return portsOk && peersOk;
}

function peerCovered(peer: Peer, old: Peer, ns: string, tenancy: Tenancy): boolean {
  if (canonical(peer) === canonical(old)) return true;
  if (peer.ipBlock || old.ipBlock) return false;
  if (canonical(peer.podSelector ?? null) !== canonical(old.podSelector ?? null)) {
    // A pod selector that drops to "every pod" broadens; any other change is judged by equality only.
    return false;
  }
  const allowed = new Set(peerNamespaces(old, ns, tenancy));
  return peerNamespaces(peer, ns, tenancy).every((n) => allowed.has(n));
}

// ---------------------------------------------------------------- RBAC

/** An RBAC policy rule. */
export interface RbacRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** An RBAC subject. */
export interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** Rules of a Role or ClusterRole. */
export function rbacRules(role: KubeObject): RbacRule[] {
  return [...((role.rules as RbacRule[] | undefined) ?? [])];
}

/** Subjects of a RoleBinding or ClusterRoleBinding. */
export function subjectsOf(binding: KubeObject): Subject[] {
  return [...((binding.subjects as Subject[] | undefined) ?? [])];
}

/** How `head` grants more than `base` (two versions of one Role, ClusterRole or binding). */
export function rbacBroadening(base: KubeObject, head: KubeObject): string[] {
  const reasons: string[] = [];
  if (head.kind.endsWith('Binding')) {
    if (canonical(base.roleRef) !== canonical(head.roleRef)) reasons.push('binds a different role (roleRef changed)');
    const old = new Set(subjectsOf(base).map(subjectName));
    for (const s of subjectsOf(head).map(subjectName)) if (!old.has(s)) reasons.push(`binds new subject ${s}`);
    return reasons;
  }
  if (canonical(base.aggregationRule ?? null) !== canonical(head.aggregationRule ?? null)) {
    reasons.push('aggregates different roles (aggregationRule changed)');
  }
  const baseRules = rbacRules(base);
  rbacRules(head).forEach((rule, i) => {
    if (!baseRules.some((old) => rbacRuleCovered(rule, old))) reasons.push(`rule ${i} grants ${describeRule(rule)}`);
  });
  return reasons;
}

/** `Group:xai:research`, `ServiceAccount:ns/name`. */
export function subjectName(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount:${s.namespace ?? ''}/${s.name}` : `${s.kind}:${s.name}`;
}

function rbacRuleCovered(rule: RbacRule, old: RbacRule): boolean {
  const within = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
    (b ?? []).includes('*') || (a ?? []).every((x) => (b ?? []).includes(x));
  const names =
    (old.resourceNames ?? []).length === 0 ||
    ((rule.resourceNames ?? []).length > 0 && within(rule.resourceNames, old.resourceNames));
  return (
    within(rule.apiGroups, old.apiGroups) &&
    within(rule.resources, old.resources) &&
    within(rule.verbs, old.verbs) &&
    within(rule.nonResourceURLs, old.nonResourceURLs) &&
    names
  );
}

function describeRule(rule: RbacRule): string {
  const list = (xs: readonly string[] | undefined) => (xs ?? []).join(',') || '-';
  if (rule.nonResourceURLs?.length) return `${list(rule.verbs)} on ${list(rule.nonResourceURLs)}`;
  return `${list(rule.verbs)} on ${list(rule.resources)} in API groups [${list(rule.apiGroups)}]`;
}

// ---------------------------------------------------------------- Pod Security

/** Pod Security levels from strictest to loosest (the spec's own list). */
export { POD_SECURITY_LEVELS };
export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/**
 * Looseness of the level a namespace enforces: 0 restricted, 1 baseline, 2 privileged or nothing
 * enforced (the cluster default then applies, which is privileged unless configured otherwise).
 */
export function podSecurityRank(ns: KubeObject): number {
  const level = ns.metadata.labels?.[ENFORCE_LABEL];
  const i = POD_SECURITY_LEVELS.indexOf(level as (typeof POD_SECURITY_LEVELS)[number]);
  return i < 0 ? 2 : i;
}

// ---------------------------------------------------------------- Kueue

/** The tenant a pool is dedicated to: the value of its `colossus.dev/dedicated` node taint. */
export function dedicatedTenant(flavor: KubeObject): string | undefined {
  const taints = ((flavor.spec as { nodeTaints?: { key: string; value?: string }[] } | undefined)?.nodeTaints ??
    []) as { key: string; value?: string }[];
  return taints.find((t) => t.key === LABELS.dedicated)?.value;
}

/** Taints of a ResourceFlavor, as `key=value:effect`. */
export function flavorTaints(flavor: KubeObject): string[] {
  const taints = (flavor.spec as { nodeTaints?: { key: string; value?: string; effect: string }[] } | undefined)
    ?.nodeTaints;
  return (taints ?? []).map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`);
}

/**
 * Tenants whose dedicated taint a ResourceFlavor tolerates: `*` for a toleration of every taint
 * (no key with `Exists`, or the dedicated key with `Exists`).
 */
export function toleratedTenants(flavor: KubeObject): string[] {
  const tolerations =
    (flavor.spec as { tolerations?: { key?: string; operator?: string; value?: string }[] } | undefined)?.tolerations ??
    [];
  const tenants = new Set<string>();
  for (const t of tolerations) {
    if (t.key === undefined || t.key === '') {
      if (t.operator === 'Exists') tenants.add('*');
    } else if (t.key === LABELS.dedicated) {
      tenants.add(t.operator === 'Exists' ? '*' : (t.value ?? ''));
    }
  }
  return [...tenants].sort();
}

/** Flavor names a ClusterQueue gives quota on. */
export function queueFlavors(cq: KubeObject): string[] {
  const groups = (cq.spec as { resourceGroups?: { flavors?: { name: string }[] }[] } | undefined)?.resourceGroups;
  return [...new Set((groups ?? []).flatMap((g) => (g.flavors ?? []).map((f) => f.name)))].sort();
}

/** Nominal quota per `flavor/resource` of a ClusterQueue, as Kubernetes quantities. */
export function queueQuota(cq: KubeObject): Map<string, string> {
  const groups = (
    cq.spec as {
      resourceGroups?: { flavors?: { name: string; resources?: { name: string; nominalQuota: string }[] }[] }[];
    }
  )?.resourceGroups;
  const quota = new Map<string, string>();
  for (const g of groups ?? []) {
    for (const f of g.flavors ?? []) {
      for (const r of f.resources ?? []) quota.set(`${f.name}/${r.name}`, String(r.nominalQuota));
    }
  }
  return quota;
}

/** A ClusterQueue's namespaceSelector; undefined admits no namespace. */
export function queueSelector(cq: KubeObject): LabelSelector | undefined {
  return (cq.spec as { namespaceSelector?: LabelSelector } | undefined)?.namespaceSelector;
}

// ---------------------------------------------------------------- Fabric partitions

/** Kinds that carve a tenant a piece of the GPU fabric. */
export const FABRIC_PARTITION_KINDS: ReadonlySet<string> = new Set([
  'NetworkAttachmentDefinition',
  'SriovNetwork',
  'SriovIBNetwork',
  'IPoIBNetwork',
  'HostDeviceNetwork',
  'MacvlanNetwork',
  'ComputeDomain',
]);

/**
 * The fabric partition an object joins: `pkey:0x0002` (InfiniBand partition key in a CNI config),
 * `vlan:120` (SR-IOV or CNI VLAN), or undefined when it names none.
 */
export function partitionKey(object: KubeObject): string | undefined {
  if (!FABRIC_PARTITION_KINDS.has(object.kind)) return undefined;
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const found = (config: Record<string, unknown>): string | undefined => {
    if (config.pkey !== undefined) return `pkey:${normalizeKey(config.pkey)}`;
    if (typeof config.vlan === 'number' && config.vlan > 0) return `vlan:${config.vlan}`;
    for (const plugin of (config.plugins as Record<string, unknown>[] | undefined) ?? []) {
      const key = found(plugin);
      if (key) return key;
    }
    return undefined;
  };
  if (typeof spec.config === 'string') {
    try {
      return found(JSON.parse(spec.config) as Record<string, unknown>);
    } catch {
      return undefined;
    }
  }
  return found(spec);
}

function normalizeKey(v: unknown): string {
  const n = typeof v === 'number' ? v : Number(String(v));
  return Number.isFinite(n) ? `0x${n.toString(16).padStart(4, '0')}` : String(v);
}

/** The namespace a fabric object serves: SR-IOV networks name it in `spec.networkNamespace`. */
export function partitionNamespace(object: KubeObject): string | undefined {
  const ns = (object.spec as { networkNamespace?: string } | undefined)?.networkNamespace;
  return ns ?? object.metadata.namespace;
}

// ---------------------------------------------------------------- helpers

/** JSON with sorted keys: equal values give equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function emptyToUndefined<T>(xs: readonly T[] | undefined): readonly T[] | undefined {
  return xs === undefined || xs.length === 0 ? undefined : xs;
}
