/**
 * Risk of a change, with the reason: high when it deletes data or a namespace, weakens tenant
 * isolation or makes Terraform destroy and re-create an object; medium when it takes GPUs away
 * (quota cut, pool shrunk); low otherwise. Rules read the two versions of the object only: the generic ones
 * here, those of a kind in its module in review/kinds/.
 */
import { KubeObject, LABELS } from '../model/kube';
import { deprovisionsHosts, immutableValues } from '../model/lifecycle';
import { quantityValue } from '../model/quantity';
import { reviewOf } from './kinds';
import { ChangeContext, high, Risk, RiskLevel, RISK_LEVELS } from './kinds/rule';
import { compare, OutputObject } from './read-output';

export { RISK_LEVELS } from './kinds/rule';
export type { ChangeContext, Risk, RiskLevel } from './kinds/rule';

/** How an object changes between two outputs. */
/**
 * How an object changes between two outputs. `abandoned`: its stack is no longer synthesized, so
 * cdktf never deploys that stack again and the object stays live, unmanaged (cdktf-cli v0.21.0
 * `synth-stack.ts` only deletes the stack's directory; nothing plans a destroy).
 */
export type ChangeKind = 'added' | 'removed' | 'abandoned' | 'changed' | 'replaced';

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
    if (base!.protectData || reviewOf(base!.object.kind)?.holdsData) {
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

/**
 * Risks of removing an object: the generic rules (forgotten, not Kubernetes, hosts, data protection, removed with
 * its namespace or its tenant) in order, with the kind's own rule (review/kinds/) placed before the one it names.
 */
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
  const own = reviewOf(object.kind)?.removed;
  if (own?.before === 'data-protection') return own.risks(object);
  if (o.protectData) return [high('deletes data: the object is protected with prevent_destroy')];
  if (own?.before === 'namespace-removal') return own.risks(object);
  if (withNamespace) return [{ level: 'low', reason: `removed with namespace ${ns}` }];
  if (own?.before === 'tenant-removal') return own.risks(object);
  // A removed tenant's objects elsewhere (its fabric networks, say) go with it; its namespace says so already.
  const tenant = ctx.base.tenantOf(object);
  if (tenant !== undefined && ctx.base.tenants.has(tenant) && !ctx.head.tenants.has(tenant)) {
    return [{ level: 'low', reason: `removed with tenant ${tenant}` }];
  }
  return own?.risks(object) ?? [];
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
  if (!o.kubernetes) return [];
  return reviewOf(o.object.kind)?.added?.(o.object, ctx) ?? [];
}

function modification(base: KubeObject, head: KubeObject, ctx: ChangeContext): Risk[] {
  // Dedicated taints reach nodes through several kinds (kubeadm templates, node pools): losing one opens the pool.
  const review = reviewOf(head.kind);
  const lost = review?.judgesOwnTaints ? [] : dedicatedTaints(base).filter((t) => !dedicatedTaints(head).includes(t));
  return [
    ...lost.map((t) => high(`dedicated pool taint removed: ${t}`)),
    ...(review?.changed?.(base, head, ctx) ?? []),
  ];
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

/** A Kubernetes quantity (`250m`, `2048Gi`, `8`) as a number; NaN when unreadable (model/quantity.ts rules). */
export function parseQuantity(q: string): number {
  return quantityValue(q);
}
