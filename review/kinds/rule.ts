/**
 * What a kind's review module provides: how the diff rates a change to objects of its kinds (added, changed,
 * removed) and what the audit checks on them. Each module in review/kinds/ owns one kind (or one family read
 * together, like RBAC) and claims its kinds by registry name (model/kinds.ts); review/kinds/index.ts dispatches.
 */
import { KnownKindName } from '../../model/kinds';
import { KubeObject } from '../../model/kube';
import { quantityValue } from '../../model/quantity';
import type { GuardName } from '../guards';
import { OutputObject, SynthOutput } from '../read-output';
import { Tenancy } from '../tenancy';

/** Risk levels, most severe first. */
export const RISK_LEVELS = ['high', 'medium', 'low'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** One reason a change is risky. */
export interface Risk {
  readonly level: RiskLevel;
  readonly reason: string;
}

/** What the risk rules look at. */
export interface ChangeContext {
  readonly base: Tenancy;
  readonly head: Tenancy;
  /** Flavor name to the tenant its pool is dedicated to, in the head output. */
  readonly dedicatedFlavors: ReadonlyMap<string, string>;
  /** `stack/address` of resources the head output makes Terraform forget without destroying them. */
  readonly forgotten: ReadonlySet<string>;
}

/** One isolation problem (or, as a note, a documented opt-out). */
export interface AuditFinding {
  /** Stable kebab-case code, listed in the README. */
  readonly code: string;
  readonly stack: string;
  /** `kind/namespace/name` of the object at fault (or of the tenant's namespace that lacks something). */
  readonly object: string;
  /** Field path within the object, when one field is at fault. */
  readonly path?: string;
  readonly message: string;
  readonly fix: string;
}

/** What an audit rule reads and where it reports. */
export interface AuditContext {
  readonly output: SynthOutput;
  readonly tenancy: Tenancy;
  readonly findings: AuditFinding[];
  readonly notes: AuditFinding[];
}

/**
 * The generic removal rule a kind's own removal rule comes before (risk.ts `removal` applies them in this
 * order): a removed object Terraform forgets, a non-Kubernetes resource or a host deprovisioned is judged the
 * same whatever its kind; after those, `data-protection` (protected objects), `namespace-removal` (removed with
 * its namespace) and `tenant-removal` (removed with its tenant). A rule without `before` runs after all of them.
 */
export type RemovalPrecedence = 'data-protection' | 'namespace-removal' | 'tenant-removal';

/** The review rules of one kind (or one family of kinds read together). */
export interface KindReview {
  /** The registry kinds this module reads. */
  readonly kinds: readonly KnownKindName[];
  /** Risks of a new object of the kind. */
  readonly added?: (object: KubeObject, ctx: ChangeContext) => Risk[];
  /** Risks of a change from `base` to `head`, two versions of one object. */
  readonly changed?: (base: KubeObject, head: KubeObject, ctx: ChangeContext) => Risk[];
  /** Risks of removing an object of the kind (never empty), and which generic rule it comes before. */
  readonly removed?: { readonly before?: RemovalPrecedence; readonly risks: (object: KubeObject) => Risk[] };
  /** Objects of the kind hold data: destroying one (a replacement) deletes it. */
  readonly holdsData?: boolean;
  /** `changed` reports the dedicated taints the object loses itself; the generic taint walk skips the kind. */
  readonly judgesOwnTaints?: boolean;
  /** The audit's isolation checks on objects of the kind. */
  readonly audit?: (ctx: AuditContext) => void;
  /** Isolation guards the object itself carries (review/guards.ts): each one that does not hold, and why. */
  readonly guards?: (object: KubeObject) => [GuardName, string][];
}

export function high(reason: string): Risk {
  return { level: 'high', reason };
}

export function medium(reason: string): Risk {
  return { level: 'medium', reason };
}

export function low(reason: string): Risk {
  return { level: 'low', reason };
}

/** Reports a finding on `o` (an output object, or a stand-in naming one). */
export function find(
  ctx: AuditContext,
  o: OutputObject | { stack: string; identity: string },
  f: Omit<AuditFinding, 'stack' | 'object'>,
): void {
  ctx.findings.push({ stack: o.stack, object: o.identity, ...f });
}

/** Whether an object lives in a namespace the base output already had (a change to something running). */
export function inExistingNamespace(object: KubeObject, ctx: ChangeContext): boolean {
  const ns = object.metadata.namespace;
  return ns !== undefined && ctx.base.namespaces.has(ns);
}

/**
 * Whether a node label key is one kubelets cannot set on their own node (under node-restriction.kubernetes.io,
 * enforced by the NodeRestriction admission plugin): placement keyed on it cannot be forged by a tenant's node.
 */
export function isNodeRestrictedLabel(key: string): boolean {
  return /(^|\.)node-restriction\.kubernetes\.io\//.test(key);
}

/** `name from A to B` for every quantity that is lower (or gone) in `head` (model/quantity.ts rules). */
export function quotaCuts(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): string[] {
  const cuts: string[] = [];
  for (const [name, was] of base) {
    const is = head.get(name);
    if (is === undefined) cuts.push(`${name} ${was} removed`);
    else if (quantityValue(is) < quantityValue(was)) cuts.push(`${name} from ${was} to ${is}`);
  }
  return cuts;
}
