/**
 * NetworkPolicy: the traffic a policy admits (Kubernetes' defaulting of `policyTypes` applied), whether a new
 * version admits more than the old, and whether a tenant namespace's policies keep other tenants out.
 */
import { KubeObject } from '../../model/kube';
import { canonical } from '../canonical';
import { compare, OutputObject } from '../read-output';
import { LabelSelector, ofKind, OTHER_NAMESPACE, Tenancy } from '../tenancy';
import { AuditContext, find, high, inExistingNamespace, KindReview, low } from './rule';

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

/** Whether the policies `own` (of one namespace) deny every `dir` traffic by default: all pods, no rules. */
export function deniesByDefault(own: readonly KubeObject[], dir: Direction): boolean {
  return own.some((p) => selectsAllPods(p) && policyTypes(p).includes(dir) && rulesOf(p, dir).length === 0);
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

function emptyToUndefined<T>(xs: readonly T[] | undefined): readonly T[] | undefined {
  return xs === undefined || xs.length === 0 ? undefined : xs;
}

// ---------------------------------------------------------------- review rules

/** Every tenant namespace denies all ingress and all egress by default. */
function auditDefaultDeny(ctx: AuditContext): void {
  const namespaces = new Map(ofKind(ctx.output.objects, 'Namespace').map((o) => [o.object.metadata.name, o]));
  const policies = ofKind(ctx.output.objects, 'NetworkPolicy');
  for (const tenant of ctx.tenancy.tenants.values()) {
    for (const ns of [...tenant.namespaces].sort(compare)) {
      const o = namespaces.get(ns);
      if (!o) continue; // review/kinds/namespace.ts reports the namespace missing
      const own = policies.filter((p) => p.object.metadata.namespace === ns).map((p) => p.object);
      for (const dir of DIRECTIONS) {
        if (deniesByDefault(own, dir)) continue;
        find(ctx, o, {
          code: `default-deny-${dir.toLowerCase()}-missing`,
          message: `no NetworkPolicy in namespace ${ns} denies all ${dir.toLowerCase()} by default`,
          fix: `add a NetworkPolicy with podSelector: {} and policyTypes: [${dir}] and no ${dir.toLowerCase()} rules`,
        });
      }
    }
  }
}

/** No NetworkPolicy in a tenant namespace admits another tenant's namespaces (or every namespace). */
function auditPolicies(ctx: AuditContext): void {
  for (const o of ofKind(ctx.output.objects, 'NetworkPolicy')) {
    const ns = o.object.metadata.namespace ?? '';
    const tenant = ctx.tenancy.ownerOf(ns);
    if (tenant === undefined) continue;
    for (const dir of DIRECTIONS) {
      if (!policyTypes(o.object).includes(dir)) continue;
      const field = dir === 'Ingress' ? 'ingress' : 'egress';
      const peerField = dir === 'Ingress' ? 'from' : 'to';
      rulesOf(o.object, dir).forEach((rule, i) => {
        const path = `spec.${field}[${i}]`;
        if (rule.peers === undefined) {
          find(ctx, o, {
            code: 'network-policy-admits-any-namespace',
            path,
            message: `${field} rule has no "${peerField}": it admits every namespace, other tenants' included`,
            fix: `list peers in ${path}.${peerField}, selecting tenant ${tenant}'s namespaces by kubernetes.io/metadata.name`,
          });
          return;
        }
        rule.peers.forEach((peer, j) => auditPeer(ctx, o, tenant, peer, `${path}.${peerField}[${j}]`));
      });
    }
  }
}

function auditPeer(ctx: AuditContext, o: OutputObject, tenant: string, peer: Peer, path: string): void {
  if (peer.ipBlock) {
    if (isAnyAddress(peer.ipBlock)) {
      find(ctx, o, {
        code: 'network-policy-admits-any-namespace',
        path,
        message: `ipBlock ${peer.ipBlock.cidr} without exceptions admits every pod of every tenant`,
        fix: 'narrow the CIDR, or list the pod and service CIDRs under ipBlock.except',
      });
    }
    return;
  }
  if (!peer.namespaceSelector) return; // pods of the policy's own namespace
  const admitted = ctx.tenancy.selectNamespaces(peer.namespaceSelector);
  const foreign = admitted.filter((n) => n !== OTHER_NAMESPACE && ctx.tenancy.ownerOf(n) !== tenant);
  const others = foreign.filter((n) => ctx.tenancy.ownerOf(n) !== undefined);
  if (others.length) {
    find(ctx, o, {
      code: 'network-policy-admits-other-tenant',
      path: `${path}.namespaceSelector`,
      message: `admits namespaces of other tenants: ${others.map((n) => `${n} (${ctx.tenancy.ownerOf(n)})`).join(', ')}`,
      fix: `select only tenant ${tenant}'s namespaces: kubernetes.io/metadata.name In [${[...ctx.tenancy.tenants.get(tenant)!.namespaces].sort(compare).join(', ')}]`,
    });
  } else if (admitted.includes(OTHER_NAMESPACE)) {
    find(ctx, o, {
      code: 'network-policy-admits-any-namespace',
      path: `${path}.namespaceSelector`,
      message: `namespaceSelector ${canonical(peer.namespaceSelector)} admits namespaces of no reviewed tenant, and tenants added later`,
      fix: 'select namespaces by name (kubernetes.io/metadata.name In [...])',
    });
  }
}

export const networkPolicyReview: KindReview = {
  kinds: ['NetworkPolicy'],
  added: (object, ctx) => {
    const rules = DIRECTIONS.flatMap((d) => rulesOf(object, d));
    if (!inExistingNamespace(object, ctx) || rules.length === 0) return [];
    const ns = object.metadata.namespace!;
    return rules.every((r) => ruleStaysInTenant(r, ns, ctx.head))
      ? [low(`new allow rules within tenant ${ctx.head.ownerOf(ns)}'s own namespaces`)]
      : [high(`NetworkPolicy broadened: new allow rules in existing namespace ${ns}`)];
  },
  changed: (base, head, ctx) =>
    networkPolicyBroadening(base, head, ctx.head).map((b) =>
      b.withinTenant ? low(`NetworkPolicy: ${b.reason}`) : high(`NetworkPolicy broadened: ${b.reason}`),
    ),
  removed: {
    risks: (object) => [
      high(`NetworkPolicy removed: isolation of namespace ${object.metadata.namespace ?? ''} weakened`),
    ],
  },
  audit: (ctx) => {
    auditDefaultDeny(ctx);
    auditPolicies(ctx);
  },
};
