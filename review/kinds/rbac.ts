/**
 * RBAC (Role, ClusterRole, RoleBinding, ClusterRoleBinding): the access a rule grants, whether a new version
 * grants more, and whether bindings in tenant namespaces bind only the tenant's own identities.
 */
import { isKind } from '../../model/kinds';
import { KubeObject, LABELS } from '../../model/kube';
import { canonical } from '../canonical';
import { compare } from '../read-output';
import { ofKind } from '../tenancy';
import { AuditContext, ChangeContext, find, high, inExistingNamespace, KindReview, Risk } from './rule';

/** An RBAC policy rule. */
export interface RbacRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** The kinds of subject RBAC v1 defines (k8s.io/api rbac/v1 types.go: "User", "Group", "ServiceAccount"). */
export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

/** An RBAC subject. */
export interface Subject {
  readonly kind: SubjectKind;
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
  if (isKind(head, 'RoleBinding', 'ClusterRoleBinding')) {
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

function subjectList(binding: KubeObject): string {
  return subjectsOf(binding).map(subjectName).sort(compare).join(', ') || 'no subjects';
}

// ---------------------------------------------------------------- review rules

/** Risks of a new RBAC object: a binding in a running namespace, any cluster binding, an aggregated role. */
function added(object: KubeObject, ctx: ChangeContext): Risk[] {
  if (isKind(object, 'RoleBinding')) {
    const ns = object.metadata.namespace;
    return inExistingNamespace(object, ctx)
      ? [high(`RBAC broadened: binds ${subjectList(object)} in existing namespace ${ns}`)]
      : [];
  }
  if (isKind(object, 'ClusterRoleBinding')) return [high(`RBAC broadened: grants ${subjectList(object)} cluster-wide`)];
  if (isKind(object, 'ClusterRole')) {
    const aggregates = Object.keys(object.metadata.labels ?? {}).filter((k) =>
      k.startsWith('rbac.authorization.k8s.io/aggregate-to-'),
    );
    return aggregates.length ? [high(`RBAC broadened: aggregated into ${aggregates.join(', ')}`)] : [];
  }
  return [];
}

/** RoleBindings in a tenant namespace bind only the tenant's own groups and service accounts. */
function auditRoleBindings(ctx: AuditContext): void {
  const groupTenants = new Map<string, Set<string>>();
  for (const o of ofKind(ctx.output.objects, 'RoleBinding')) {
    const tenantName = ctx.tenancy.ownerOf(o.object.metadata.namespace);
    if (tenantName === undefined) continue;
    const tenant = ctx.tenancy.tenants.get(tenantName)!;
    subjectsOf(o.object).forEach((s, i) => {
      const path = `subjects[${i}]`;
      if (s.kind === 'Group') {
        groupTenants.set(s.name, (groupTenants.get(s.name) ?? new Set()).add(tenantName));
        if (tenant.groups && !tenant.groups.has(s.name)) {
          find(ctx, o, {
            code: 'role-binding-foreign-group',
            path,
            message: `binds group "${s.name}", which is not one of tenant ${tenantName}'s groups (${[...tenant.groups].join(', ')})`,
            fix: `bind only tenant ${tenantName}'s own groups (spec: tenants[].groups)`,
          });
        }
      } else if (s.kind === 'ServiceAccount') {
        const saNs = s.namespace ?? o.object.metadata.namespace;
        if (!tenant.namespaces.has(saNs ?? '')) {
          find(ctx, o, {
            code: 'role-binding-foreign-service-account',
            path,
            message: `binds service account ${saNs}/${s.name} from outside tenant ${tenantName}'s namespaces`,
            fix: `bind service accounts of tenant ${tenantName}'s own namespaces only`,
          });
        }
      } else {
        find(ctx, o, {
          code: 'role-binding-user-subject',
          path,
          message: `binds ${s.kind} "${s.name}" directly; tenant access goes through the tenant's groups`,
          fix: `add the user to one of tenant ${tenantName}'s groups and remove the subject`,
        });
      }
    });
  }
  for (const [group, tenants] of groupTenants) {
    if (tenants.size < 2) continue;
    ctx.findings.push({
      stack: '(output)',
      object: `Group/${group}`,
      code: 'group-bound-by-several-tenants',
      message: `group "${group}" is bound in the namespaces of tenants ${[...tenants].sort(compare).join(', ')}`,
      fix: 'give each tenant its own identity-provider groups',
    });
  }
}

/** No ClusterRoleBinding grants an external tenant anything. */
function auditClusterRoleBindings(ctx: AuditContext): void {
  const external = [...ctx.tenancy.tenants.values()].filter((t) => t.external);
  for (const o of ofKind(ctx.output.objects, 'ClusterRoleBinding')) {
    const labelled = o.object.metadata.labels?.[LABELS.tenant];
    subjectsOf(o.object).forEach((s: Subject, i) => {
      const owner = external.find(
        (t) =>
          (s.kind === 'Group' && t.groups?.has(s.name)) ||
          (s.kind === 'ServiceAccount' && t.namespaces.has(s.namespace ?? '')) ||
          t.name === labelled,
      );
      if (owner) {
        find(ctx, o, {
          code: 'cluster-role-binding-grants-external-tenant',
          path: `subjects[${i}]`,
          message: `grants ${s.kind} "${s.namespace ? `${s.namespace}/` : ''}${s.name}" of external tenant ${owner.name} cluster-wide access (role ${(o.object.roleRef as { name?: string })?.name ?? '?'})`,
          fix: 'external tenants get nothing cluster-scoped: remove the subject, or grant a Role in their own namespaces',
        });
      }
    });
  }
}

export const rbacReview: KindReview = {
  kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  added,
  changed: (base, head) => rbacBroadening(base, head).map((r) => high(`RBAC broadened: ${r}`)),
  audit: (ctx) => {
    auditRoleBindings(ctx);
    auditClusterRoleBindings(ctx);
  },
};
