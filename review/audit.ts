/**
 * `colossus audit`: checks tenant isolation on the synthesized manifests themselves, whatever
 * wrote them. Each finding names the object, the field, what admits what, and the fix.
 * Notes are deliberate opt-outs written in the spec (a Pod Security level below restricted):
 * reported, but they do not fail the audit.
 */
import { KubeObject, LABELS } from '../model/kube';
import {
  canonical,
  DIRECTIONS,
  dedicatedTenant,
  ENFORCE_LABEL,
  isAnyAddress,
  Peer,
  POD_SECURITY_LEVELS,
  policyTypes,
  queueFlavors,
  queueSelector,
  rulesOf,
  selectsAllPods,
  Subject,
  subjectsOf,
  toleratedTenants,
} from './isolation';
import { guardBreaches, GuardName } from './guards';
import { compare, OutputObject, SynthOutput } from './read-output';
import { partitionTenants } from './risk';
import { ofKind, OTHER_NAMESPACE, Tenancy } from './tenancy';

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

/** Result of an audit. */
export interface AuditResult {
  /** Isolation holes: the audit fails when there is any. */
  readonly findings: readonly AuditFinding[];
  /** Opt-outs the spec asked for, reported for the reviewer. */
  readonly notes: readonly AuditFinding[];
  readonly checked: { readonly tenants: number; readonly namespaces: number; readonly objects: number };
}

/** Audits a synth output read with `readOutput(dir, { yamlAlways: true })`. */
export function auditOutput(output: SynthOutput): AuditResult {
  const tenancy = new Tenancy(output);
  const findings: AuditFinding[] = [];
  const notes: AuditFinding[] = [];
  const ctx: Ctx = { output, tenancy, findings, notes };
  checkNamespaces(ctx);
  checkNetworkPolicies(ctx);
  checkRoleBindings(ctx);
  checkClusterRoleBindings(ctx);
  checkClusterQueues(ctx);
  checkDedicatedPools(ctx);
  checkDedicatedCells(ctx);
  checkPartitions(ctx);
  checkGuards(ctx);
  checkYamlMatchesTerraform(ctx);
  const order = (a: AuditFinding, b: AuditFinding) =>
    compare(a.stack, b.stack) ||
    compare(a.object, b.object) ||
    compare(a.code, b.code) ||
    compare(a.message, b.message);
  const tenantNamespaces = [...tenancy.tenants.values()].reduce((n, t) => n + t.namespaces.size, 0);
  return {
    findings: findings.sort(order),
    notes: notes.sort(order),
    checked: { tenants: tenancy.tenants.size, namespaces: tenantNamespaces, objects: output.objects.length },
  };
}

/** Terminal text: one block per finding, then the notes, then a verdict line. */
export function formatAudit(result: AuditResult): string {
  const block = (kind: string, f: AuditFinding) =>
    `${f.stack}: ${kind}[${f.code}] ${f.object}${f.path ? ` ${f.path}` : ''}: ${f.message}\n  fix: ${f.fix}`;
  const lines = [...result.findings.map((f) => block('error', f)), ...result.notes.map((f) => block('note', f))];
  const { tenants, namespaces, objects } = result.checked;
  const n = result.findings.length;
  lines.push(
    n === 0
      ? `audit passed: ${tenants} tenants, ${namespaces} tenant namespaces, ${objects} objects checked` +
          (result.notes.length ? `; ${result.notes.length} note(s)` : '')
      : `audit failed: ${n} finding${n === 1 ? '' : 's'} in ${objects} objects`,
  );
  return lines.join('\n');
}

interface Ctx {
  readonly output: SynthOutput;
  readonly tenancy: Tenancy;
  readonly findings: AuditFinding[];
  readonly notes: AuditFinding[];
}

function find(
  ctx: Ctx,
  o: OutputObject | { stack: string; identity: string },
  f: Omit<AuditFinding, 'stack' | 'object'>,
): void {
  ctx.findings.push({ stack: o.stack, object: o.identity, ...f });
}

/** Every tenant namespace: present, Pod Security enforced, default-deny in both directions. */
function checkNamespaces(ctx: Ctx): void {
  const namespaces = new Map(ofKind(ctx.output.objects, 'Namespace').map((o) => [o.object.metadata.name, o]));
  const policies = ofKind(ctx.output.objects, 'NetworkPolicy');
  for (const tenant of ctx.tenancy.tenants.values()) {
    for (const ns of [...tenant.namespaces].sort(compare)) {
      const o = namespaces.get(ns);
      if (!o) {
        ctx.findings.push({
          stack: '(output)',
          object: `Namespace/${ns}`,
          code: 'tenant-namespace-missing',
          message: `tenant ${tenant.name} owns namespace ${ns}, but no manifest declares it`,
          fix: 'synthesize again; every tenant namespace must be declared with its isolation labels',
        });
        continue;
      }
      const level = o.object.metadata.labels?.[ENFORCE_LABEL];
      const path = `metadata.labels["${ENFORCE_LABEL}"]`;
      if (level === undefined || !(POD_SECURITY_LEVELS as readonly string[]).includes(level)) {
        find(ctx, o, {
          code: 'pod-security-not-enforced',
          path,
          message: `tenant ${tenant.name}'s namespace enforces no Pod Security level (label is ${JSON.stringify(level) ?? 'missing'})`,
          fix: `label the namespace ${ENFORCE_LABEL}=restricted (spec: tenants[].podSecurity)`,
        });
      } else if (level !== 'restricted') {
        ctx.notes.push({
          stack: o.stack,
          object: o.identity,
          code: 'pod-security-opt-out',
          path,
          message: `tenant ${tenant.name}'s namespace enforces Pod Security "${level}", not "restricted"`,
          fix: 'an opt-out written in the spec (tenants[].podSecurity); remove it to enforce restricted',
        });
      }
      const own = policies.filter((p) => p.object.metadata.namespace === ns).map((p) => p.object);
      for (const dir of DIRECTIONS) {
        const denies = own.some(
          (p) => selectsAllPods(p) && policyTypes(p).includes(dir) && rulesOf(p, dir).length === 0,
        );
        if (!denies) {
          find(ctx, o, {
            code: `default-deny-${dir.toLowerCase()}-missing`,
            message: `no NetworkPolicy in namespace ${ns} denies all ${dir.toLowerCase()} by default`,
            fix: `add a NetworkPolicy with podSelector: {} and policyTypes: [${dir}] and no ${dir.toLowerCase()} rules`,
          });
        }
      }
    }
  }
}

/** No NetworkPolicy in a tenant namespace admits another tenant's namespaces (or every namespace). */
function checkNetworkPolicies(ctx: Ctx): void {
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
        rule.peers.forEach((peer, j) => checkPeer(ctx, o, tenant, peer, `${path}.${peerField}[${j}]`));
      });
    }
  }
}

function checkPeer(ctx: Ctx, o: OutputObject, tenant: string, peer: Peer, path: string): void {
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

/** RoleBindings in a tenant namespace bind only the tenant's own groups and service accounts. */
function checkRoleBindings(ctx: Ctx): void {
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
function checkClusterRoleBindings(ctx: Ctx): void {
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

/** A ClusterQueue admits only its tenant's namespaces. */
function checkClusterQueues(ctx: Ctx): void {
  for (const o of ofKind(ctx.output.objects, 'ClusterQueue')) {
    const selector = queueSelector(o.object);
    if (selector === undefined) continue; // admits nothing
    const admitted = ctx.tenancy.selectNamespaces(selector);
    const tenant = queueTenant(ctx, o.object);
    const owners = [...new Set(admitted.map((n) => ctx.tenancy.ownerOf(n)).filter((t) => t !== undefined))].sort(
      compare,
    );
    const foreign = tenant === undefined ? (owners.length > 1 ? owners : []) : owners.filter((t) => t !== tenant);
    if (foreign.length) {
      find(ctx, o, {
        code: 'cluster-queue-admits-other-tenant',
        path: 'spec.namespaceSelector',
        message: `${tenant ? `tenant ${tenant}'s ClusterQueue` : 'ClusterQueue'} admits namespaces of ${foreign.join(', ')}: ${admitted.filter((n) => foreign.includes(ctx.tenancy.ownerOf(n) ?? '')).join(', ')}`,
        fix: "select only the tenant's own namespaces: kubernetes.io/metadata.name In [...]",
      });
    } else if (admitted.includes(OTHER_NAMESPACE)) {
      find(ctx, o, {
        code: 'cluster-queue-admits-any-namespace',
        path: 'spec.namespaceSelector',
        message: `namespaceSelector ${canonical(selector)} admits namespaces no tenant owns, and tenants added later`,
        fix: "select the tenant's namespaces by name: kubernetes.io/metadata.name In [...]",
      });
    }
  }
}

function queueTenant(ctx: Ctx, cq: KubeObject): string | undefined {
  return (
    cq.metadata.labels?.[LABELS.tenant] ?? (ctx.tenancy.tenants.has(cq.metadata.name) ? cq.metadata.name : undefined)
  );
}

/** Dedicated pools: tainted, tolerated only by their own flavor, used only by their tenant's ClusterQueue. */
function checkDedicatedPools(ctx: Ctx): void {
  const flavors = ofKind(ctx.output.objects, 'ResourceFlavor');
  const dedicated = new Map<string, string>();
  for (const o of flavors) {
    const tenant = dedicatedTenant(o.object);
    if (tenant !== undefined) dedicated.set(o.object.metadata.name, tenant);
  }
  for (const [pool, p] of Object.entries(ctx.output.summary.pools)) {
    const flavor = flavors.find((f) => f.object.metadata.name === pool);
    if (p.dedicatedTo && flavor && dedicated.get(pool) !== p.dedicatedTo) {
      find(ctx, flavor, {
        code: 'dedicated-pool-untainted',
        path: 'spec.nodeTaints',
        message: `pool ${pool} is dedicated to tenant ${p.dedicatedTo} but its flavor carries no ${LABELS.dedicated}=${p.dedicatedTo} taint`,
        fix: `add nodeTaints [{key: ${LABELS.dedicated}, value: ${p.dedicatedTo}, effect: NoSchedule}]`,
      });
    }
  }
  for (const o of flavors) {
    const own = dedicatedTenant(o.object);
    for (const t of toleratedTenants(o.object)) {
      if (t === own) continue;
      find(ctx, o, {
        code: 'flavor-tolerates-other-tenant',
        path: 'spec.tolerations',
        message: `flavor ${o.object.metadata.name} tolerates ${t === '*' ? 'every dedicated taint' : `the dedicated taint of tenant ${t}`}; workloads admitted on it can land on that tenant's nodes`,
        fix: "a flavor tolerates only its own pool's taint; remove the toleration",
      });
    }
  }
  for (const o of ofKind(ctx.output.objects, 'ClusterQueue')) {
    const tenant = queueTenant(ctx, o.object);
    for (const flavor of queueFlavors(o.object)) {
      const owner = dedicated.get(flavor);
      if (owner === undefined || owner === tenant) continue;
      find(ctx, o, {
        code: 'dedicated-pool-used-by-other-tenant',
        path: 'spec.resourceGroups',
        message: `${tenant ? `tenant ${tenant}'s ` : ''}ClusterQueue gives quota on flavor ${flavor}, dedicated to tenant ${owner}`,
        fix: `remove flavor ${flavor} from this ClusterQueue (spec: tenants[].gpuQuota.${flavor})`,
      });
    }
  }
}

/**
 * A dedicated pool's cells (workload clusters of their own, `<cluster>-<cell>-*` stacks) hold no
 * other tenant's namespaces and give no other tenant quota: the partner is isolated from other
 * tenants' workloads by construction, not only by taints.
 */
function checkDedicatedCells(ctx: Ctx): void {
  const cells = ctx.output.summary.cells;
  if (!cells?.split) return;
  for (const cell of cells.cells) {
    for (const pool of Object.keys(cell.blocks)) {
      const owner = ctx.output.summary.pools[pool]?.dedicatedTo;
      if (owner === undefined) continue;
      const inCell = ctx.output.objects.filter((o) => o.stack.startsWith(`${cell.cluster}-`));
      for (const o of ofKind(inCell, 'Namespace')) {
        const tenant = o.object.metadata.labels?.[LABELS.tenant];
        if (tenant === undefined || tenant === owner) continue;
        find(ctx, o, {
          code: 'dedicated-cell-shared',
          message: `cell ${cell.name} holds pool ${pool}, dedicated to tenant ${owner}, but also namespace ${o.object.metadata.name} of tenant ${tenant}`,
          fix: `give tenant ${tenant} no quota on pool ${pool}; its namespaces then stay out of the cell`,
        });
      }
      for (const tenant of Object.keys(cell.tenants).filter((t) => t !== owner)) {
        find(
          ctx,
          { stack: `${cell.cluster}-platform`, identity: `Cell/${cell.name}` },
          {
            code: 'dedicated-cell-shared',
            message: `cell ${cell.name} holds pool ${pool}, dedicated to tenant ${owner}, but gives tenant ${tenant} quota`,
            fix: `remove pool ${pool} from tenant ${tenant}'s gpuQuota`,
          },
        );
      }
    }
  }
}

/** Each fabric partition (InfiniBand PKey, VLAN) belongs to one tenant. */
function checkPartitions(ctx: Ctx): void {
  for (const [key, tenants] of partitionTenants(ctx.output.objects, ctx.tenancy)) {
    if (tenants.length < 2) continue;
    ctx.findings.push({
      stack: '(output)',
      object: `partition/${key}`,
      code: 'fabric-partition-shared',
      message: `fabric partition ${key} is used by ${tenants.join(', ')}`,
      fix: 'give each tenant its own partition (spec: tenants[].fabricPartition, or leave it unset to have one assigned)',
    });
  }
}

/** Every isolation guard against a hostile tenant holds (review/guards.ts): its attacks are denied. */
function checkGuards(ctx: Ctx): void {
  for (const b of guardBreaches(ctx.output)) {
    const inNamespace = !b.where.includes('/');
    ctx.findings.push({
      stack: '(output)',
      object: inNamespace ? `Namespace/${b.where}` : b.where,
      code: 'isolation-guard-missing',
      message: `guard ${b.guard} does not hold: ${inNamespace ? 'admitted ' : ''}${b.admitted.join('; ')}`,
      fix: GUARD_FIXES[b.guard],
    });
  }
}

const GUARD_FIXES: Readonly<Record<GuardName, string>> = {
  'fabric-own-networks':
    'restore ValidatingAdmissionPolicy colossus-fabric-own-networks and its binding (synthesize again)',
  'kueue-gates':
    'restore ValidatingAdmissionPolicies colossus-tenant-placement and colossus-tenant-job-suspend and their bindings (synthesize again)',
  'tenant-placement': 'restore ValidatingAdmissionPolicy colossus-tenant-placement and its binding (synthesize again)',
  'service-external-ips':
    'restore ValidatingAdmissionPolicy colossus-tenant-services and its binding (synthesize again)',
  'api-server-admission-plugins':
    'enable NodeRestriction and DenyServiceExternalIPs in kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs',
  'protected-volumes': "drop delete on persistentvolumeclaims from the tenant's Role",
  'tenant-priority':
    'restore ResourceQuota tenant-priority-classes and ValidatingAdmissionPolicy colossus-tenant-priority (synthesize again)',
  'placement-labels':
    'select nodes by labels under node-restriction.kubernetes.io, set from the management side only (synthesize again)',
};

/** The YAML manifests and the Terraform JSON declare the same objects. */
function checkYamlMatchesTerraform(ctx: Ctx): void {
  const terraformStacks = new Set(ctx.output.objects.filter((o) => o.address !== undefined).map((o) => o.stack));
  const yamlStacks = new Set(ctx.output.objects.filter((o) => o.yaml !== undefined).map((o) => o.stack));
  for (const o of ctx.output.objects) {
    if (!o.kubernetes || !terraformStacks.has(o.stack) || !yamlStacks.has(o.stack)) continue;
    const problem =
      o.address === undefined
        ? 'is in the YAML manifests but not in the Terraform JSON'
        : o.yaml === undefined
          ? 'is in the Terraform JSON but not in the YAML manifests'
          : canonical(o.object) !== canonical(o.yaml)
            ? 'differs between the YAML manifests and the Terraform JSON'
            : undefined;
    if (problem) {
      find(ctx, o, {
        code: 'yaml-terraform-mismatch',
        message: `${o.identity} ${problem}; the audit cannot vouch for both`,
        fix: 'synthesize again; never edit the output by hand',
      });
    }
  }
}
