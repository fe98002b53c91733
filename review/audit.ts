/**
 * `colossus audit`: checks tenant isolation on the synthesized manifests themselves, whatever
 * wrote them. Each finding names the object, the field, what admits what, and the fix.
 * Notes are deliberate opt-outs written in the spec (a Pod Security level below restricted):
 * reported, but they do not fail the audit.
 */
import { LABELS } from '../model/kube';
import { canonical } from './canonical';
import { guardBreaches, GuardName } from './guards';
import { KIND_REVIEWS } from './kinds';
import { AuditContext, AuditFinding, find } from './kinds/rule';
import { compare, SynthOutput } from './read-output';
import { ofKind, Tenancy } from './tenancy';

export type { AuditFinding } from './kinds/rule';

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
  const ctx: AuditContext = { output, tenancy, findings, notes };
  // Each kind's own checks (review/kinds/), then those that read the output across kinds.
  for (const review of KIND_REVIEWS) review.audit?.(ctx);
  checkDedicatedCells(ctx);
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

/**
 * A dedicated pool's cells (workload clusters of their own, `<cluster>-<cell>-*` stacks) hold no
 * other tenant's namespaces and give no other tenant quota: the partner is isolated from other
 * tenants' workloads by construction, not only by taints.
 */
function checkDedicatedCells(ctx: AuditContext): void {
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

/** Every isolation guard against a hostile tenant holds (review/guards.ts): its attacks are denied. */
function checkGuards(ctx: AuditContext): void {
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
function checkYamlMatchesTerraform(ctx: AuditContext): void {
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
