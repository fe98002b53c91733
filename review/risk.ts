/**
 * Risk of a change, with the reason: high when it deletes data or a namespace, weakens tenant
 * isolation or makes Terraform destroy and re-create an object; medium when it takes GPUs away
 * (quota cut, pool shrunk); low otherwise. Rules read the two versions of the object only.
 */
import { KubeObject, LABELS } from '../model/kube';
import { deprovisionsHosts, immutableValues } from '../model/lifecycle';
import { quantityValue } from '../model/quantity';
import {
  canonical,
  dedicatedTenant,
  DIRECTIONS,
  flavorTaints,
  FABRIC_PARTITION_KINDS,
  networkPolicyBroadening,
  partitionKey,
  partitionNamespace,
  podSecurityRank,
  POD_SECURITY_LEVELS,
  queueFlavors,
  queueQuota,
  queueSelector,
  rbacBroadening,
  ruleStaysInTenant,
  rulesOf,
  subjectName,
  subjectsOf,
  toleratedTenants,
} from './isolation';
import { compare, OutputObject } from './read-output';
import { LabelSelector, OTHER_NAMESPACE, Tenancy } from './tenancy';

/** Risk levels, most severe first. */
export const RISK_LEVELS = ['high', 'medium', 'low'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** One reason a change is risky. */
export interface Risk {
  readonly level: RiskLevel;
  readonly reason: string;
}

/** How an object changes between two outputs. */
/**
 * How an object changes between two outputs. `abandoned`: its stack is no longer synthesized, so
 * cdktf never deploys that stack again and the object stays live, unmanaged (cdktf-cli v0.21.0
 * `synth-stack.ts` only deletes the stack's directory; nothing plans a destroy).
 */
export type ChangeKind = 'added' | 'removed' | 'abandoned' | 'changed' | 'replaced';

/** What the risk rules look at. */
export interface ChangeContext {
  readonly base: Tenancy;
  readonly head: Tenancy;
  /** Flavor name to the tenant its pool is dedicated to, in the head output. */
  readonly dedicatedFlavors: ReadonlyMap<string, string>;
  /** `stack/address` of resources the head output makes Terraform forget without destroying them. */
  readonly forgotten: ReadonlySet<string>;
}

/** The more severe of two levels. */
export function maxLevel(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RISK_LEVELS.indexOf(a) <= RISK_LEVELS.indexOf(b) ? a : b;
}

/** Whether `level` is at least as severe as `threshold`. */
export function atLeast(level: RiskLevel | 'none', threshold: RiskLevel): boolean {
  return level !== 'none' && RISK_LEVELS.indexOf(level) <= RISK_LEVELS.indexOf(threshold);
}

/** The risks of one object change; never empty (a low-risk change says what it is). */
export function assessChange(
  change: ChangeKind,
  base: OutputObject | undefined,
  head: OutputObject | undefined,
  changedPaths: readonly string[],
  ctx: ChangeContext,
): Risk[] {
  const risks: Risk[] = [];
  if (change === 'replaced') {
    risks.push(replacement(base!, head!));
    if (base!.protectData || base!.object.kind === 'PersistentVolumeClaim') {
      risks.push(high('destroying a data volume deletes its data (with prevent_destroy, the plan fails instead)'));
    }
  }
  if (change === 'removed') risks.push(...removal(base!, ctx));
  if (change === 'abandoned') risks.push(abandonment(base!, ctx));
  if (change === 'added') risks.push(...addition(head!, ctx));
  if ((change === 'changed' || change === 'replaced') && base!.kubernetes && head!.kubernetes) {
    if (base!.protectData && !head!.protectData) {
      risks.push(high('data protection removed: Terraform may now destroy it (prevent_destroy dropped)'));
    }
    risks.push(...modification(base!.object, head!.object, ctx));
  }
  if (risks.length > 0) return risks;
  const what =
    change === 'added'
      ? 'new object'
      : change === 'removed'
        ? 'object removed'
        : `changed ${changedPaths.slice(0, 3).join(', ')}${changedPaths.length > 3 ? ', ...' : ''}`;
  return [{ level: 'low', reason: what }];
}

/** Risks of a change to a stack's Terraform settings (`backend`, `providers`, `requiredProviders` paths). */
export function assessSettings(
  fields: readonly { readonly path: string; readonly old?: unknown; readonly new?: unknown }[],
): Risk[] {
  const risks: Risk[] = [];
  const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));
  if (fields.some((f) => f.path.startsWith('backend'))) {
    risks.push(
      high(
        'Terraform state moves (backend changed): migrate it (terraform init -migrate-state) or Terraform plans every object anew',
      ),
    );
  }
  for (const f of fields.filter((x) => x.path.startsWith('providers'))) {
    risks.push(
      /config_context|config_path|host/.test(f.path)
        ? high(`the stack targets another cluster: ${f.path} ${show(f.old)} -> ${show(f.new)}`)
        : { level: 'low', reason: `provider setting ${f.path} changed` },
    );
  }
  for (const f of fields.filter((x) => x.path.startsWith('requiredProviders'))) {
    risks.push({ level: 'low', reason: `provider version ${f.path} ${show(f.old)} -> ${show(f.new)}` });
  }
  return risks;
}

/**
 * Why Terraform replaces an object that keeps its address, if it does: terraform-provider-kubernetes
 * v2.38.0 manifest/provider/plan.go marks `manifest.apiVersion` and `manifest.kind` RequiresReplace,
 * and the stack replaces an object whose immutable fields changed (model/lifecycle.ts,
 * `replace_triggered_by`).
 */
export function replacedInPlace(base: OutputObject, head: OutputObject): string | undefined {
  if (!base.kubernetes || !head.kubernetes) return undefined;
  const b = base.object;
  const h = head.object;
  if (b.apiVersion !== h.apiVersion || b.kind !== h.kind) {
    return `${b.apiVersion} ${b.kind} -> ${h.apiVersion} ${h.kind}: kubernetes_manifest destroys and re-creates it`;
  }
  const before = immutableValues(b);
  const after = immutableValues(h);
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .sort(compare);
  return changed.length > 0
    ? `${changed.join(', ')} cannot change in place (the API refuses it): destroyed and re-created`
    : undefined;
}

function replacement(base: OutputObject, head: OutputObject): Risk {
  if (base.stack !== head.stack) {
    return high(
      `moves from stack ${base.stack} to ${head.stack}: destroyed in one Terraform state, created in the other`,
    );
  }
  const inPlace = base.address === head.address ? replacedInPlace(base, head) : undefined;
  const what =
    inPlace ??
    `Terraform address changes from ${base.address ?? '(none)'} to ${head.address ?? '(none)'}: destroy and create`;
  return high(
    deprovisionsHosts(base.object)
      ? `${what}; deleting it deprovisions its hosts (prevent_destroy makes the plan fail instead)`
      : what,
  );
}

function removal(o: OutputObject, ctx: ChangeContext): Risk[] {
  const { object } = o;
  const ns = object.metadata.namespace;
  const withNamespace = ns !== undefined && !ctx.head.namespaces.has(ns);
  if (o.address !== undefined && ctx.forgotten.has(`${o.stack}/${o.address}`)) {
    return [
      {
        level: 'low',
        reason: 'Terraform forgets it without destroying it (removed block): the object and its data stay',
      },
    ];
  }
  if (!o.kubernetes) return o.protectData ? [high('deletes data: the object is protected with prevent_destroy')] : [];
  if (deprovisionsHosts(object)) {
    return [high(`${object.kind} removed: deleting it deprovisions its hosts (prevent_destroy makes the plan fail)`)];
  }
  if (object.kind === 'Namespace') {
    return [high(`namespace ${object.metadata.name} deleted, with every object and volume in it`)];
  }
  if (o.protectData) return [high('deletes data: the object is protected with prevent_destroy')];
  if (object.kind === 'PersistentVolumeClaim') return [high('data volume deleted')];
  if (withNamespace) return [{ level: 'low', reason: `removed with namespace ${ns}` }];
  if (object.kind === 'ResourceFlavor') return [medium(`pool ${object.metadata.name} removed`)];
  if (object.kind === 'ClusterQueue') return [medium(`quota cut: ClusterQueue ${object.metadata.name} removed`)];
  // A removed tenant's objects elsewhere (its fabric networks, say) go with it; its namespace says so already.
  const tenant = ctx.base.tenantOf(object);
  if (tenant !== undefined && ctx.base.tenants.has(tenant) && !ctx.head.tenants.has(tenant)) {
    return [{ level: 'low', reason: `removed with tenant ${tenant}` }];
  }
  if (object.kind === 'NetworkPolicy') {
    return [high(`NetworkPolicy removed: isolation of namespace ${ns ?? ''} weakened`)];
  }
  if (FABRIC_PARTITION_KINDS.has(object.kind)) return [high('fabric partition removed')];
  if (ADMISSION_KINDS.has(object.kind)) return [high(`admission guardrail removed: ${object.metadata.name}`)];
  return [];
}

/** An object of a stack the head no longer synthesizes: it stays, unmanaged; data in it is kept. */
function abandonment(o: OutputObject, ctx: ChangeContext): Risk {
  if (o.protectData || (o.address !== undefined && ctx.forgotten.has(`${o.stack}/${o.address}`))) {
    return {
      level: 'low',
      reason: `kept: stack ${o.stack} is no longer synthesized, so nothing plans its destruction; the object and its data stay`,
    };
  }
  // One high risk for the whole stack says what it means (review/diff.ts abandonedStacks); each object is a row of it.
  return {
    level: 'low',
    reason: `abandoned, not deleted: stack ${o.stack} is no longer synthesized, so no deploy touches it again; the object stays live, unmanaged`,
  };
}

function addition(o: OutputObject, ctx: ChangeContext): Risk[] {
  const { object } = o;
  if (!o.kubernetes) return [];
  const ns = object.metadata.namespace;
  const existing = ns !== undefined && ctx.base.namespaces.has(ns);
  switch (object.kind) {
    case 'NetworkPolicy': {
      const rules = DIRECTIONS.flatMap((d) => rulesOf(object, d));
      if (!existing || rules.length === 0) return [];
      return rules.every((r) => ruleStaysInTenant(r, ns!, ctx.head))
        ? [{ level: 'low', reason: `new allow rules within tenant ${ctx.head.ownerOf(ns)}'s own namespaces` }]
        : [high(`NetworkPolicy broadened: new allow rules in existing namespace ${ns}`)];
    }
    case 'RoleBinding':
      return existing ? [high(`RBAC broadened: binds ${subjectList(object)} in existing namespace ${ns}`)] : [];
    case 'ClusterRoleBinding':
      return [high(`RBAC broadened: grants ${subjectList(object)} cluster-wide`)];
    case 'ClusterRole': {
      const aggregates = Object.keys(object.metadata.labels ?? {}).filter((k) =>
        k.startsWith('rbac.authorization.k8s.io/aggregate-to-'),
      );
      return aggregates.length ? [high(`RBAC broadened: aggregated into ${aggregates.join(', ')}`)] : [];
    }
    case 'ClusterQueue': {
      const tenant = ctx.head.tenantOf(object) ?? object.metadata.name;
      const foreign = admittedBy(queueSelector(object), ctx.head).filter(
        (n) => n === OTHER_NAMESPACE || (ctx.base.namespaces.has(n) && ctx.head.ownerOf(n) !== tenant),
      );
      return foreign.length
        ? [high(`new ClusterQueue admits existing namespaces of others: ${foreign.join(', ')}`)]
        : dedicatedUse(object, [], ctx);
    }
    default:
      return [];
  }
}

function modification(base: KubeObject, head: KubeObject, ctx: ChangeContext): Risk[] {
  // Dedicated taints reach nodes through several kinds (kubeadm templates, node pools): losing one opens the pool.
  const lost =
    head.kind === 'ResourceFlavor' ? [] : dedicatedTaints(base).filter((t) => !dedicatedTaints(head).includes(t));
  return [...lost.map((t) => high(`dedicated pool taint removed: ${t}`)), ...kindRisks(base, head, ctx)];
}

/** `h100-b007` of a content-named template `h100-b007-4728c610` (see provisioning/cluster-api.ts contentName). */
const CONTENT_NAMED = /^(.*)-[0-9a-f]{8}$/;

/**
 * Content-named templates are replaced, not changed: the old one is removed and a successor of the
 * same kind, namespace and base name added. A dedicated taint the predecessor registered and the
 * successor drops opens the pool as surely as an edit would.
 */
export function templateSuccessionRisks(
  base: readonly OutputObject[],
  head: readonly OutputObject[],
): { subject: string; stack: string; risk: Risk }[] {
  // Within a stack: the cells of a split cluster share the management namespace, so one template name
  // can stand in several cells' stacks, each succeeded on its own.
  const key = (o: OutputObject) => {
    const m = CONTENT_NAMED.exec(o.object.metadata.name);
    return m && o.object.kind.endsWith('Template')
      ? `${o.stack}/${o.object.kind}/${o.object.metadata.namespace ?? ''}/${m[1]}`
      : undefined;
  };
  const id = (o: OutputObject) => `${o.stack}/${o.identity}`;
  const headIds = new Set(head.map(id));
  const baseIds = new Set(base.map(id));
  const removed = new Map<string, OutputObject>();
  for (const o of base) {
    const k = key(o);
    if (k && !headIds.has(id(o))) removed.set(k, o);
  }
  const out: { subject: string; stack: string; risk: Risk }[] = [];
  for (const o of head) {
    const k = key(o);
    const was = k === undefined || baseIds.has(id(o)) ? undefined : removed.get(k);
    if (!was) continue;
    const kept = new Set(dedicatedTaints(o.object));
    for (const t of dedicatedTaints(was.object)) {
      if (!kept.has(t))
        out.push({ subject: o.identity, stack: o.stack, risk: high(`dedicated pool taint removed: ${t}`) });
    }
  }
  return out;
}

/** Every `colossus.dev/dedicated` node taint (not toleration) anywhere in an object, as `key=value:effect`. */
function dedicatedTaints(object: KubeObject): string[] {
  const found: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const t = v as { key?: unknown; value?: unknown; effect?: unknown; operator?: unknown };
      if (t.key === LABELS.dedicated && typeof t.effect === 'string' && t.operator === undefined) {
        found.push(`${t.key}=${String(t.value ?? '')}:${t.effect}`);
      }
      Object.values(v).forEach(walk);
    }
  };
  walk(object);
  return found;
}

function kindRisks(base: KubeObject, head: KubeObject, ctx: ChangeContext): Risk[] {
  switch (head.kind) {
    case 'Namespace': {
      const [was, is] = [podSecurityRank(base), podSecurityRank(head)];
      return is > was ? [high(`Pod Security relaxed from ${POD_SECURITY_LEVELS[was]} to ${enforced(head)}`)] : [];
    }
    case 'NetworkPolicy':
      return networkPolicyBroadening(base, head, ctx.head).map((b) =>
        b.withinTenant
          ? { level: 'low', reason: `NetworkPolicy: ${b.reason}` }
          : high(`NetworkPolicy broadened: ${b.reason}`),
      );
    case 'Role':
    case 'ClusterRole':
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return rbacBroadening(base, head).map((r) => high(`RBAC broadened: ${r}`));
    case 'ClusterQueue':
      return queueChange(base, head, ctx);
    case 'ResourceFlavor':
      return flavorChange(base, head);
    case 'ResourceQuota':
      return quotaCuts(hardOf(base), hardOf(head)).map((r) => medium(`quota cut: ${r}`));
    case 'ValidatingAdmissionPolicy':
    case 'ValidatingAdmissionPolicyBinding':
      return admissionWeakening(base, head).map((r) => high(`admission guardrail weakened: ${r}`));
    default:
      if (!FABRIC_PARTITION_KINDS.has(head.kind)) return [];
      return [high(`fabric partition changed${partitionChange(base, head)}`)];
  }
}

/** Admission policies that enforce isolation at the API server (colossus emits them, others may too). */
const ADMISSION_KINDS: ReadonlySet<string> = new Set(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);

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

function enforced(ns: KubeObject): string {
  return ns.metadata.labels?.['pod-security.kubernetes.io/enforce'] ?? 'nothing enforced';
}

function queueChange(base: KubeObject, head: KubeObject, ctx: ChangeContext): Risk[] {
  const risks: Risk[] = [];
  const before = new Set(admittedBy(queueSelector(base), ctx.head));
  const more = admittedBy(queueSelector(head), ctx.head).filter((n) => !before.has(n));
  const tenant = ctx.head.tenantOf(head) ?? head.metadata.name;
  const foreign = more.filter((n) => ctx.head.ownerOf(n) !== tenant);
  if (foreign.length) risks.push(high(`ClusterQueue admits more namespaces: ${foreign.join(', ')}`));
  else if (more.length) {
    risks.push({
      level: 'low',
      reason: `ClusterQueue admits tenant ${tenant}'s own new namespaces: ${more.join(', ')}`,
    });
  }
  risks.push(...dedicatedUse(head, queueFlavors(base), ctx));
  risks.push(...quotaCuts(queueQuota(base), queueQuota(head)).map((r) => medium(`quota cut: ${r}`)));
  return risks;
}

/** A ClusterQueue starting to use a pool dedicated to another tenant. */
function dedicatedUse(cq: KubeObject, oldFlavors: readonly string[], ctx: ChangeContext): Risk[] {
  const tenant = ctx.head.tenantOf(cq) ?? cq.metadata.name;
  return queueFlavors(cq)
    .filter((f) => !oldFlavors.includes(f))
    .filter((f) => ctx.dedicatedFlavors.has(f) && ctx.dedicatedFlavors.get(f) !== tenant)
    .map((f) => high(`ClusterQueue now uses pool ${f}, dedicated to tenant ${ctx.dedicatedFlavors.get(f)}`));
}

function flavorChange(base: KubeObject, head: KubeObject): Risk[] {
  const risks: Risk[] = [];
  const kept = new Set(flavorTaints(head));
  for (const t of flavorTaints(base)) {
    if (!kept.has(t)) risks.push(high(`dedicated pool taint removed: ${t}`));
  }
  const before = new Set(toleratedTenants(base));
  const own = dedicatedTenant(head);
  for (const t of toleratedTenants(head)) {
    if (!before.has(t) && t !== own)
      risks.push(high(`flavor now tolerates ${t === '*' ? 'every' : `tenant ${t}'s`} dedicated taint`));
  }
  return risks;
}

function partitionChange(base: KubeObject, head: KubeObject): string {
  const [a, b] = [partitionKey(base), partitionKey(head)];
  const [na, nb] = [partitionNamespace(base), partitionNamespace(head)];
  const parts: string[] = [];
  if (a !== b) parts.push(`partition ${a ?? 'none'} -> ${b ?? 'none'}`);
  if (na !== nb) parts.push(`namespace ${na ?? 'none'} -> ${nb ?? 'none'}`);
  return parts.length ? `: ${parts.join(', ')}` : '';
}

function hardOf(quota: KubeObject): Map<string, string> {
  const hard = (quota.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {};
  return new Map(Object.entries(hard).map(([k, v]) => [k, String(v)]));
}

/** `name from A to B` for every quantity that is lower (or gone) in `head`. */
function quotaCuts(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): string[] {
  const cuts: string[] = [];
  for (const [name, was] of base) {
    const is = head.get(name);
    if (is === undefined) cuts.push(`${name} ${was} removed`);
    else if (parseQuantity(is) < parseQuantity(was)) cuts.push(`${name} from ${was} to ${is}`);
  }
  return cuts;
}

/** Namespaces a ClusterQueue selector admits: none when unset. */
function admittedBy(selector: LabelSelector | undefined, tenancy: Tenancy): string[] {
  return selector === undefined ? [] : tenancy.selectNamespaces(selector);
}

function subjectList(binding: KubeObject): string {
  return subjectsOf(binding).map(subjectName).sort(compare).join(', ') || 'no subjects';
}

/** A Kubernetes quantity (`250m`, `2048Gi`, `8`) as a number; NaN when unreadable (model/quantity.ts rules). */
export function parseQuantity(q: string): number {
  return quantityValue(q);
}

function high(reason: string): Risk {
  return { level: 'high', reason };
}

function medium(reason: string): Risk {
  return { level: 'medium', reason };
}

/** Shared or cross-tenant fabric partitions in `output` objects: partition key to its tenants. */
export function partitionTenants(objects: readonly OutputObject[], tenancy: Tenancy): Map<string, string[]> {
  const owners = new Map<string, Set<string>>();
  for (const { object, kubernetes } of objects) {
    if (!kubernetes) continue;
    const key = partitionKey(object);
    if (key === undefined) continue;
    const tenant =
      object.metadata.labels?.[LABELS.tenant] ?? tenancy.ownerOf(partitionNamespace(object)) ?? '(no tenant)';
    owners.set(key, (owners.get(key) ?? new Set()).add(tenant));
  }
  return new Map([...owners].map(([k, v]) => [k, [...v].sort(compare)]));
}
