/**
 * Who owns what in a synth output: tenants, their namespaces and groups, the known namespaces
 * with their labels, and label-selector evaluation over them. The diff and the audit decide
 * "admits another tenant" and "admits more namespaces" by evaluating selectors here.
 */
import { isKind, KnownKindName } from '../model/kinds';
import { KubeObject, LABELS } from '../model/kube';
import { OutputObject, SynthOutput } from './read-output';

/** A tenant as the output describes it. */
export interface TenantView {
  readonly name: string;
  readonly external: boolean;
  readonly namespaces: ReadonlySet<string>;
  /** Identity-provider groups; absent when the summary predates the `groups` field. */
  readonly groups?: ReadonlySet<string>;
}

/** A Kubernetes label selector. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: string;
    readonly values?: readonly string[];
  }[];
}

/**
 * Name of a namespace that stands for "any namespace not in this output" (kube-system, a tenant
 * added tomorrow): a selector that matches it admits namespaces nobody reviewed.
 */
export const OTHER_NAMESPACE = '(any other namespace)';

/** Tenants and namespaces of one output. */
export class Tenancy {
  public readonly tenants: ReadonlyMap<string, TenantView>;
  /** Every namespace the output knows, with its labels (including `kubernetes.io/metadata.name`). */
  public readonly namespaces: ReadonlyMap<string, Readonly<Record<string, string>>>;
  private readonly owner = new Map<string, string>();

  public constructor(output: SynthOutput) {
    const namespaces = new Map<string, Readonly<Record<string, string>>>();
    const tenantNamespaces = new Map<string, Set<string>>();
    const addOwned = (tenant: string, ns: string) => {
      tenantNamespaces.set(tenant, (tenantNamespaces.get(tenant) ?? new Set()).add(ns));
    };
    for (const [name, t] of Object.entries(output.summary.tenants)) {
      for (const ns of t.namespaces ?? []) {
        addOwned(name, ns);
        namespaces.set(ns, { [LABELS.namespaceName]: ns });
      }
    }
    for (const { object } of output.objects) {
      if (!isKind(object, 'Namespace') || object.apiVersion !== 'v1') continue;
      const name = object.metadata.name;
      namespaces.set(name, { ...object.metadata.labels, [LABELS.namespaceName]: name });
      const tenant = object.metadata.labels?.[LABELS.tenant];
      if (tenant !== undefined) addOwned(tenant, name);
    }
    const tenants = new Map<string, TenantView>();
    const summaryTenants = output.summary.tenants as Record<string, { external?: boolean; groups?: readonly string[] }>;
    for (const name of new Set([...Object.keys(summaryTenants), ...tenantNamespaces.keys()])) {
      const t = summaryTenants[name];
      tenants.set(name, {
        name,
        external: t?.external ?? false,
        namespaces: tenantNamespaces.get(name) ?? new Set(),
        groups: t?.groups ? new Set(t.groups) : undefined,
      });
    }
    for (const t of tenants.values())
      for (const ns of t.namespaces) if (!this.owner.has(ns)) this.owner.set(ns, t.name);
    this.tenants = tenants;
    this.namespaces = namespaces;
  }

  /** The tenant owning namespace `ns`, if any. */
  public ownerOf(ns: string | undefined): string | undefined {
    return ns === undefined ? undefined : this.owner.get(ns);
  }

  /** The tenant an object belongs to: its `colossus.dev/tenant` label, else its namespace's owner. */
  public tenantOf(object: KubeObject): string | undefined {
    return object.metadata.labels?.[LABELS.tenant] ?? this.ownerOf(object.metadata.namespace);
  }

  /** Known namespaces (plus OTHER_NAMESPACE) that `selector` matches, sorted. */
  public selectNamespaces(selector: LabelSelector): string[] {
    const names = [...this.namespaces.keys(), OTHER_NAMESPACE]
      .filter((ns) => selectorMatches(selector, this.namespaces.get(ns) ?? {}))
      .sort();
    return names;
  }
}

/** Whether `selector` matches `labels`; an empty selector matches everything, an unknown operator too. */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    const ok =
      e.operator === 'In'
        ? inValues
        : e.operator === 'NotIn'
          ? !inValues
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : true;
    if (!ok) return false;
  }
  return true;
}

/** Objects of kind `kind` (any API group) in `objects`. */
export function ofKind(objects: readonly OutputObject[], kind: KnownKindName): OutputObject[] {
  return objects.filter((o) => o.kubernetes && isKind(o.object, kind));
}
