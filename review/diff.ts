/**
 * `colossus diff`: what a change does to the cluster, read from two synth outputs. Objects
 * are matched by identity (kind, namespace, name); a matched object whose Terraform address
 * or stack differs is "replaced" (Terraform destroys and re-creates it). Capacity comes from
 * the two summaries. Every change carries a risk level and the reasons for it.
 */
import { guardBreaches } from './guards';
import { canonical } from './canonical';
import { partitionTenants } from './kinds/fabric-partition';
import { dedicatedFlavors } from './kinds/resource-flavor';
import { compare, OutputObject, OutputSummary, SynthOutput } from './read-output';
import {
  assessChange,
  assessSettings,
  atLeast,
  ChangeContext,
  ChangeKind,
  maxLevel,
  replacedInPlace,
  Risk,
  RISK_LEVELS,
  RiskLevel,
  templateSuccessionRisks,
} from './risk';
import { Tenancy } from './tenancy';
import { diffDisruption, DisruptionRow } from './disruption';
import { formatNumber as fmt, isRecord } from '../model/values';

/** One changed field: a path into the object and its old and new value (absent when missing). */
export interface FieldChange {
  readonly path: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

/** One object added, removed, changed or replaced. */
export interface ObjectChange {
  readonly change: ChangeKind;
  /** Stack of the head version (of the base version when removed). */
  readonly stack: string;
  /** `kind/namespace/name`, or `<type>.<name>` for a non-Kubernetes Terraform resource. */
  readonly identity: string;
  /** `stack/terraform-address` in base and head. */
  readonly address: { readonly base?: string; readonly head?: string };
  readonly fields: readonly FieldChange[];
  /** The highest level of `risks`. */
  readonly risk: RiskLevel;
  /** Every reason, each with its own level. */
  readonly risks: readonly Risk[];
}

/** The changes of one stack. */
export interface StackDiff {
  readonly stack: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly counts: Readonly<Record<ChangeKind, number>>;
  readonly risk: RiskLevel | 'none';
  readonly changes: readonly ObjectChange[];
}

/** A figure of the summary that changed: GPUs of a pool, a tenant's quota, a fabric or power figure. */
export interface CapacityDelta {
  /** `cluster`, `pools`, `tenants`, or a summary section such as `fabric`, `storage`, `power`. */
  readonly section: string;
  /** The pool, tenant or path within the section. */
  readonly item: string;
  readonly metric: string;
  readonly base?: number;
  readonly head?: number;
  readonly delta: number;
  readonly risk: RiskLevel;
  readonly reason: string;
}

/** A risk, located. */
export interface RiskItem extends Risk {
  /** Stack, or `capacity` / `cluster`. */
  readonly scope: string;
  readonly subject: string;
}

/** The whole comparison; `--format json` prints it as is. */
export interface PlanDiff {
  readonly base: { readonly cluster: string; readonly gpus: number };
  readonly head: { readonly cluster: string; readonly gpus: number };
  readonly risk: RiskLevel | 'none';
  readonly totals: Readonly<Record<ChangeKind, number>> & Readonly<Record<RiskLevel, number>>;
  readonly stacks: readonly StackDiff[];
  readonly capacity: readonly CapacityDelta[];
  /** Nodes drained, rebooted, reimaged or re-addressed, per pool and kind, with waves and estimated time. */
  readonly disruption: readonly DisruptionRow[];
  /** Every risk of every change, most severe first. */
  readonly risks: readonly RiskItem[];
}

/** Compares two synth outputs. */
export function diffOutputs(base: SynthOutput, head: SynthOutput): PlanDiff {
  const ctx: ChangeContext = {
    base: new Tenancy(base),
    head: new Tenancy(head),
    dedicatedFlavors: dedicatedFlavors(head.objects),
    forgotten: head.forgotten,
  };
  const headStacks = new Set(head.stacks);
  const changes = [...diffObjects(base.objects, head.objects, ctx, headStacks), ...diffSettings(base, head)].sort(
    (a, b) => compare(a.stack, b.stack) || compare(a.identity, b.identity),
  );
  const stacks = [...new Set([...base.stacks, ...head.stacks])].sort(compare).map((stack) => {
    const own = changes.filter((c) => c.stack === stack);
    const counts = countKinds(own);
    const status = !base.stacks.includes(stack)
      ? 'added'
      : !head.stacks.includes(stack)
        ? 'removed'
        : own.length
          ? 'changed'
          : 'unchanged';
    return { stack, status, counts, risk: highest(own.map((c) => c.risk)), changes: own } as StackDiff;
  });
  const abandoned = abandonedStacks(stacks);
  for (const item of abandoned) {
    const i = stacks.findIndex((s) => s.stack === item.scope);
    stacks[i] = { ...stacks[i], risk: 'high' };
  }
  const capacity = diffCapacity(base.summary, head.summary);
  const disruption = diffDisruption(base, head);
  const risks: RiskItem[] = [
    ...disruption.map((d) => ({
      level: d.risk,
      reason: d.reason,
      scope: 'disruption',
      subject: `${d.pool} ${d.kind}`,
    })),
    ...changes.flatMap((c) => c.risks.map((r) => ({ ...r, scope: c.stack, subject: c.identity }))),
    ...capacity.map((d) => ({
      level: d.risk,
      reason: d.reason,
      scope: 'capacity',
      subject: [d.section, d.item].filter(Boolean).join(' '),
    })),
    ...sharedPartitions(base, head, ctx),
    ...templateSuccessionRisks(base.objects, head.objects).map((t) => ({
      ...t.risk,
      scope: t.stack,
      subject: t.subject,
    })),
    ...weakenedGuards(base, head),
    ...abandoned,
  ].sort(
    (a, b) =>
      RISK_LEVELS.indexOf(a.level) - RISK_LEVELS.indexOf(b.level) ||
      compare(a.scope, b.scope) ||
      compare(a.subject, b.subject) ||
      compare(a.reason, b.reason),
  );
  const levels = Object.fromEntries(RISK_LEVELS.map((l) => [l, risks.filter((r) => r.level === l).length])) as Record<
    RiskLevel,
    number
  >;
  return {
    base: { cluster: base.summary.cluster, gpus: base.summary.gpus },
    head: { cluster: head.summary.cluster, gpus: head.summary.gpus },
    risk: highest(risks.map((r) => r.level)),
    totals: { ...countKinds(changes), ...levels },
    stacks,
    capacity,
    disruption,
    risks,
  };
}

/** Whether the diff meets `--fail-on`. */
export function meetsFailOn(diff: PlanDiff, threshold: RiskLevel): boolean {
  return atLeast(diff.risk, threshold);
}

function diffObjects(
  baseObjects: readonly OutputObject[],
  headObjects: readonly OutputObject[],
  ctx: ChangeContext,
  headStacks: ReadonlySet<string>,
): ObjectChange[] {
  const base = indexByIdentity(baseObjects);
  const head = indexByIdentity(headObjects);
  // An identity found in two stacks of one output is matched within its stack.
  const qualify = new Set([...base.duplicates, ...head.duplicates]);
  const key = (o: OutputObject) => (qualify.has(o.identity) ? `${o.stack}\u0000${o.identity}` : o.identity);
  const baseByKey = new Map(baseObjects.map((o) => [key(o), o]));
  const headByKey = new Map(headObjects.map((o) => [key(o), o]));
  const changes: ObjectChange[] = [];
  for (const k of [...new Set([...baseByKey.keys(), ...headByKey.keys()])].sort(compare)) {
    const b = baseByKey.get(k);
    const h = headByKey.get(k);
    // Objects are normalized (sorted keys), so equal text means equal objects: the common case, made cheap.
    const same = b && h && JSON.stringify(b.object) === JSON.stringify(h.object);
    const fields = b && h && !same ? diffFields(b.object, h.object) : [];
    let change: ChangeKind;
    if (!b) change = 'added';
    else if (!h) change = headStacks.has(b.stack) ? 'removed' : 'abandoned';
    else if (fullAddress(b) !== fullAddress(h) || replacedInPlace(b, h)) change = 'replaced';
    else if (fields.length > 0 || b.protectData !== h.protectData) change = 'changed';
    else continue;
    const risks = assessChange(
      change,
      b,
      h,
      fields.map((f) => f.path),
      ctx,
    );
    changes.push({
      change,
      stack: (h ?? b)!.stack,
      identity: (h ?? b)!.identity,
      address: { base: b && fullAddress(b), head: h && fullAddress(h) },
      fields,
      risk: highest(risks.map((r) => r.level)) as RiskLevel,
      risks,
    });
  }
  return changes.sort((a, b) => compare(a.stack, b.stack) || compare(a.identity, b.identity));
}

/** Identity under which a stack's Terraform settings (backend, providers) appear as a change. */
export const SETTINGS_IDENTITY = '(terraform settings)';

/** Changes of each stack's backend and providers: where the state lives and which cluster it talks to. */
function diffSettings(base: SynthOutput, head: SynthOutput): ObjectChange[] {
  const changes: ObjectChange[] = [];
  for (const [stack, b] of base.settings) {
    const h = head.settings.get(stack);
    if (h === undefined) continue;
    const fields = diffFields(b, h);
    if (fields.length === 0) continue;
    const risks = assessSettings(fields);
    changes.push({
      change: 'changed',
      stack,
      identity: SETTINGS_IDENTITY,
      address: {},
      fields,
      risk: highest(risks.map((r) => r.level)) as RiskLevel,
      risks,
    });
  }
  return changes;
}

function indexByIdentity(objects: readonly OutputObject[]): { duplicates: Set<string> } {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const o of objects) (seen.has(o.identity) ? duplicates : seen).add(o.identity);
  return { duplicates };
}

function fullAddress(o: OutputObject): string {
  return `${o.stack}/${o.address ?? '(yaml only)'}`;
}

/** Changed fields between two versions of an object, sorted by path. */
export function diffFields(base: unknown, head: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  walk(base, head, '', out);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: FieldChange[]): void {
  if (a === b) return;
  if (isRecord(a) && isRecord(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compare)) {
      walk(a[k], b[k], joinKey(path, k), out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.every(isRecord) && b.every(isRecord) && (a.length || b.length)) {
    const [na, nb] = [byName(a), byName(b)];
    if (na && nb) {
      // Order can matter (Kueue tries a ClusterQueue's flavors in order): a reordering is a change of its own.
      const [oa, ob] = [[...na.keys()].filter((n) => nb.has(n)), [...nb.keys()].filter((n) => na.has(n))];
      if (oa.join('\u0000') !== ob.join('\u0000')) out.push({ path: `${path}[*].name (order)`, old: oa, new: ob });
      for (const name of [...new Set([...na.keys(), ...nb.keys()])]) {
        walk(na.get(name), nb.get(name), `${path}[name=${name}]`, out);
      }
    } else {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`, out);
    }
    return;
  }
  if (canonical(a) === canonical(b)) return;
  out.push({
    path: path || '(object)',
    ...(a === undefined ? {} : { old: a }),
    ...(b === undefined ? {} : { new: b }),
  });
}

function byName(xs: readonly Record<string, unknown>[]): Map<string, Record<string, unknown>> | undefined {
  const names = xs.map((x) => x.name);
  if (!names.every((n): n is string => typeof n === 'string') || new Set(names).size !== names.length) return undefined;
  return new Map(xs.map((x) => [x.name as string, x]));
}

function joinKey(path: string, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

function countKinds(changes: readonly ObjectChange[]): Record<ChangeKind, number> {
  const counts: Record<ChangeKind, number> = { added: 0, removed: 0, abandoned: 0, changed: 0, replaced: 0 };
  for (const c of changes) counts[c.change]++;
  return counts;
}

function highest(levels: readonly RiskLevel[]): RiskLevel | 'none' {
  return levels.length === 0 ? 'none' : levels.reduce(maxLevel);
}

/**
 * A stack the head no longer synthesizes whose objects are not kept data: they stay live and unmanaged.
 * A tenant leaves by offboarding (its stack kept, empty, so that a deploy destroys its objects).
 */
function abandonedStacks(stacks: readonly StackDiff[]): RiskItem[] {
  return stacks
    .filter(
      (s) =>
        s.status === 'removed' &&
        s.changes.some((c) => c.change === 'abandoned' && c.risks.some((r) => r.reason.startsWith('abandoned'))),
    )
    .map((s) => ({
      level: 'high' as const,
      reason:
        `stack no longer synthesized: cdktf never deploys it again, so its ${s.counts.abandoned} objects stay live, unmanaged ` +
        '(a removed tenant keeps its access, queue and networks); offboard instead (offboard: true, deploy the stack, then remove)',
      scope: s.stack,
      subject: '(stack)',
    }));
}

/** Fabric partitions that more than one tenant uses in head but not in base. */
function sharedPartitions(base: SynthOutput, head: SynthOutput, ctx: ChangeContext): RiskItem[] {
  const before = partitionTenants(base.objects, ctx.base);
  const items: RiskItem[] = [];
  for (const [key, tenants] of partitionTenants(head.objects, ctx.head)) {
    if (tenants.length < 2 || canonical(before.get(key)) === canonical(tenants)) continue;
    items.push({
      level: 'high',
      reason: `fabric partition shared by tenants ${tenants.join(', ')}`,
      scope: 'cluster',
      subject: key,
    });
  }
  return items;
}

/** Isolation guards (review/guards.ts) that hold in base and no longer hold in head. */
function weakenedGuards(base: SynthOutput, head: SynthOutput): RiskItem[] {
  const before = new Set(guardBreaches(base).flatMap((b) => b.admitted.map((a) => `${b.guard}|${b.where}|${a}`)));
  return guardBreaches(head).flatMap((b) => {
    const fresh = b.admitted.filter((a) => !before.has(`${b.guard}|${b.where}|${a}`));
    if (fresh.length === 0) return [];
    return [
      {
        level: 'high' as const,
        reason: `isolation guard ${b.guard} no longer holds: ${fresh.join('; ')}`,
        scope: 'cluster',
        subject: b.where.includes('/') ? b.where : `Namespace/${b.where}`,
      },
    ];
  });
}

// ---------------------------------------------------------------- capacity

// `operations` and `objectSizes` follow from the pools; the disruption rows say what a change does with them.
const KNOWN_SECTIONS = new Set(['cluster', 'gpus', 'pools', 'tenants', 'stacks', 'cells', 'operations', 'objectSizes']);

/** Changed figures between two summaries; sections absent from both are skipped. */
export function diffCapacity(base: OutputSummary, head: OutputSummary): CapacityDelta[] {
  const deltas: CapacityDelta[] = [];
  const add = (section: string, item: string, metric: string, b?: number, h?: number, risk?: (d: number) => Risk) => {
    if (b === h) return;
    const delta = (h ?? 0) - (b ?? 0);
    const judged = risk?.(delta) ?? { level: 'low' as const, reason: `${metric} ${signed(delta)}` };
    deltas.push({ section, item, metric, base: b, head: h, delta, risk: judged.level, reason: judged.reason });
  };
  add(
    'cluster',
    base.cluster === head.cluster ? head.cluster : `${base.cluster} → ${head.cluster}`,
    'GPUs',
    base.gpus,
    head.gpus,
  );
  for (const pool of union(base.pools, head.pools)) {
    const [b, h] = [base.pools[pool], head.pools[pool]];
    add('pools', pool, 'GPUs', b?.gpus, h?.gpus, (d) =>
      d < 0
        ? { level: 'medium', reason: h ? `pool shrunk by ${fmt(-d)} GPUs` : `pool removed (${fmt(-d)} GPUs)` }
        : { level: 'low', reason: b ? `pool grown by ${fmt(d)} GPUs` : `new pool of ${fmt(d)} GPUs` },
    );
    for (const metric of ['nodes', 'racks', 'blocks'] as const) add('pools', pool, metric, b?.[metric], h?.[metric]);
  }
  for (const tenant of union(base.tenants, head.tenants)) {
    const [b, h] = [base.tenants[tenant]?.gpuQuota ?? {}, head.tenants[tenant]?.gpuQuota ?? {}];
    for (const pool of union(b, h)) {
      add('tenants', tenant, `GPU quota on ${pool}`, b[pool], h[pool], (d) =>
        d < 0
          ? { level: 'medium', reason: `quota cut by ${fmt(-d)} GPUs on ${pool}` }
          : { level: 'low', reason: `quota raised by ${fmt(d)} GPUs on ${pool}` },
      );
    }
  }
  deltas.push(...diffCells(base, head, add));
  for (const section of union(base, head)) {
    if (KNOWN_SECTIONS.has(section)) continue;
    const [b, h] = [numericLeaves(base[section]), numericLeaves(head[section])];
    for (const leaf of union(Object.fromEntries(b), Object.fromEntries(h))) {
      const dot = leaf.lastIndexOf('.');
      add(section, dot < 0 ? '' : leaf.slice(0, dot), dot < 0 ? leaf : leaf.slice(dot + 1), b.get(leaf), h.get(leaf));
    }
  }
  return deltas;
}

type AddDelta = (
  section: string,
  item: string,
  metric: string,
  b?: number,
  h?: number,
  risk?: (d: number) => Risk,
) => void;

/**
 * Capacity and risk per cell (workload cluster): nodes, GPUs, pods and the largest object; each
 * tenant's quota in it. A cell removed, or holding other blocks than before (machines would move
 * between clusters), is high risk; a cell that shrinks or cuts a tenant's quota is medium.
 */
function diffCells(base: OutputSummary, head: OutputSummary, add: AddDelta): CapacityDelta[] {
  const moved: CapacityDelta[] = [];
  const cellsOf = (s: OutputSummary) => new Map((s.cells?.cells ?? []).map((c) => [c.name, c]));
  const [b, h] = [cellsOf(base), cellsOf(head)];
  if (!base.cells?.split && !head.cells?.split) return [];
  for (const name of [...new Set([...b.keys(), ...h.keys()])].sort(compare)) {
    const [bc, hc] = [b.get(name), h.get(name)];
    add('cells', name, 'GPUs', bc?.figures.gpus, hc?.figures.gpus, (d) =>
      !hc
        ? { level: 'high', reason: `cell removed: its workload cluster (${fmt(-d)} GPUs) and stacks are destroyed` }
        : d < 0
          ? { level: 'medium', reason: `cell shrunk by ${fmt(-d)} GPUs` }
          : { level: 'low', reason: bc ? `cell grown by ${fmt(d)} GPUs` : `new cell of ${fmt(d)} GPUs` },
    );
    add('cells', name, 'nodes', bc?.figures.nodes, hc?.figures.nodes);
    add('cells', name, 'pods', bc?.figures.pods, hc?.figures.pods);
    add('cells', name, 'largest object bytes', bc?.figures.largestObject.bytes, hc?.figures.largestObject.bytes);
    for (const tenant of union(bc?.tenants, hc?.tenants)) {
      const [bq, hq] = [bc?.tenants[tenant] ?? {}, hc?.tenants[tenant] ?? {}];
      for (const pool of union(bq, hq)) {
        add('cells', name, `${tenant} GPU quota on ${pool}`, bq[pool], hq[pool], (d) =>
          d < 0
            ? { level: 'medium', reason: `${tenant}'s quota in cell ${name} cut by ${fmt(-d)} GPUs` }
            : { level: 'low', reason: `${tenant}'s quota in cell ${name} raised by ${fmt(d)} GPUs` },
        );
      }
    }
    if (bc && hc) {
      for (const pool of union(bc.blocks, hc.blocks)) {
        const [from, to] = [bc.blocks[pool]?.[0], hc.blocks[pool]?.[0]];
        if (from === undefined || from === to) continue;
        moved.push({
          section: 'cells',
          item: name,
          metric: `first block of ${pool}`,
          base: from,
          head: to,
          delta: (to ?? 0) - from,
          risk: 'high',
          reason: `cell ${name} would hold other blocks of ${pool} (from block ${from} to ${to ?? 'none'}): machines move between workload clusters`,
        });
      }
    }
  }
  return moved;
}

/**
 * Numeric figures of a summary section by dotted path. List entries are keyed by their name, or
 * by their text fields (`shared-nvme/grok-train` for a claim), so reordering a list moves nothing.
 */
function numericLeaves(value: unknown, prefix = '', out = new Map<string, number>()): Map<string, number> {
  if (typeof value === 'number') out.set(prefix || '(value)', value);
  else if (Array.isArray(value)) {
    const keys = value.map((v, i) =>
      isRecord(v) && typeof v.name === 'string'
        ? v.name
        : isRecord(v)
          ? Object.values(v)
              .filter((x) => typeof x === 'string')
              .join('/') || String(i)
          : String(i),
    );
    const unique = new Set(keys).size === keys.length;
    value.forEach((v, i) => {
      const name = unique ? keys[i] : String(i);
      numericLeaves(v, prefix ? `${prefix}.${name}` : name, out);
    });
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) numericLeaves(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

function union(a: object | undefined, b: object | undefined): string[] {
  return [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])].sort(compare);
}

/** `+512`, `-1,024`. */
export function signed(n: number): string {
  return n > 0 ? `+${fmt(n)}` : fmt(n);
}
