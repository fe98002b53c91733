/**
 * Planners: one per capability (storage, power, site, provisioning, fabric, cells). A planner turns a resolved
 * cluster into its plan and the issues that refuse it; its checks are named rules that read the plan
 * and the resolved values, never the raw spec. `planOf` computes each plan once per resolved
 * cluster: the spec checks, the stacks and the summary of one synth all read the same plan.
 * Pure: no cdktf.
 */
import type { SpecIssue, SpecPath } from '../spec/errors';
import { Cluster, declaredPools } from './cluster';
import { documentOf } from './spec-document';

/** A plan and the issues found while making it; a plan with issues is never built. */
export interface Planned<P> {
  readonly plan: P;
  /** Located relative to `spec` (see `declaredAt`). */
  readonly issues: readonly SpecIssue[];
}

/** A check a planner runs on its plan, named for what it checks; its issues carry their codes. */
export interface PlanRule<P> {
  readonly name: string;
  readonly check: (plan: P, cluster: Cluster) => readonly SpecIssue[];
}

/** Turns a resolved cluster into the plan of one capability. */
export interface Planner<P> {
  /** The capability: `storage`, `power`, `site`, `provisioning`, `fabric`, `cells`. */
  readonly capability: string;
  /** The plan with its issues; called once per cluster, through `planOf`. */
  readonly plan: (cluster: Cluster) => Planned<P>;
}

/**
 * A planner: `make` plans what it can and reports what it cannot (a fabric that cannot be sized, a
 * hall whose racks are not all placed), then every named rule checks what was planned.
 */
export function planner<P>(
  capability: string,
  make: (cluster: Cluster) => Planned<P>,
  rules: readonly PlanRule<P>[] = [],
): Planner<P> {
  return {
    capability,
    plan: (cluster) => {
      const made = make(cluster);
      const issues = [...made.issues, ...rules.flatMap((rule) => rule.check(made.plan, cluster))];
      return { plan: made.plan, issues };
    },
  };
}

/** Each resolved cluster's plans, per planner: clusters are never mutated, so a plan never goes stale. */
const PLANS = new WeakMap<Cluster, Map<Planner<unknown>, Planned<unknown>>>();

/** The plan of `cluster` by `planner`, made on first use and kept with the cluster. */
export function planOf<P>(cluster: Cluster, planner: Planner<P>): Planned<P> {
  let plans = PLANS.get(cluster);
  if (!plans) PLANS.set(cluster, (plans = new Map()));
  let planned = plans.get(planner as Planner<unknown>) as Planned<P> | undefined;
  if (!planned) {
    planned = planner.plan(cluster);
    plans.set(planner as Planner<unknown>, planned);
  }
  return planned;
}

/** The plan of `cluster`; throws, naming every issue, when the cluster's checks did not pass. */
export function requirePlan<P>(cluster: Cluster, planner: Planner<P>): P {
  const { plan, issues } = planOf(cluster, planner);
  if (issues.length === 0) return plan;
  throw new Error(
    `the ${planner.capability} of cluster "${cluster.name}" cannot be built:\n${issues
      .map((i) => `  spec.${i.path.join('.')}: ${i.message}\n    fix: ${i.fix}`)
      .join('\n')}`,
  );
}

/**
 * The spec path of a named part of `cluster`: `declaredAt(c, 'nodePools', 'h200')` is
 * `['nodePools', 2]`, a cluster's one `site:` is `['site']`. It reads the document the cluster was
 * resolved from; a cluster resolved without one (a cell) places its parts in the order it holds them.
 */
export function declaredAt(cluster: Cluster, part: 'nodePools' | 'tenants' | 'sites', name: string): SpecPath {
  const spec = documentOf(cluster)?.spec;
  if (part === 'sites' && (spec ? spec.site !== undefined : cluster.sites.length === 1)) return ['site'];
  const names = {
    nodePools: (spec?.nodePools ?? declaredPools(cluster)).map((p) => p.name),
    tenants: (spec?.tenants ?? cluster.tenants).map((t) => t.name),
    sites: (spec?.sites ?? cluster.sites).map((s) => s.name),
  }[part];
  return [part, Math.max(0, names.indexOf(name))];
}
