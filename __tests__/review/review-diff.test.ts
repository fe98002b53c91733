/**
 * `colossus diff` on realistic change pairs: each pair is two synth outputs, made from two
 * versions of a spec, or from one output edited the way a construct change would edit it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { run } from '../../cli/main';
import { formatNumber as fmt } from '../../model/values';
import { diffFields, diffOutputs, PlanDiff, signed } from '../../review/diff';
import { formatDiffMarkdown, MARKDOWN_BUDGET_CHARS } from '../../review/diff-markdown';
import { readOutput } from '../../review/read-output';
import { loadSpecFile } from '../../spec/load';
import { SpecError } from '../../spec/errors';
import { HallSpec } from '../../spec/types';
import { ROOT, synthToTemp, tempDir, writeSpec } from '../support/synth';

const LAB = fs.readFileSync(path.join(ROOT, 'examples/lab.yaml'), 'utf8');
const COLOSSUS = fs.readFileSync(path.join(ROOT, 'examples/colossus-1.yaml'), 'utf8');

/** Parsed JSON the tests edit in depth, the way a change to a construct would. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

type Doc = {
  spec: Record<string, unknown> & { tenants: Record<string, unknown>[]; nodePools: Record<string, unknown>[] };
};

/** Synthesizes `spec` after `edit` changed its parsed document. */
function synth(spec: string, edit: (doc: Doc) => void = () => undefined): string {
  const doc = parse(spec) as Doc;
  edit(doc);
  return synthToTemp(stringify(doc)).outdir;
}

/** `spec` after `edit` changed its parsed document, as YAML text. */
function specText(spec: string, edit: (doc: Doc) => void): string {
  const doc = parse(spec) as Doc;
  edit(doc);
  return stringify(doc);
}

/** An Io that swallows output. */
function quiet(): { out: (s: string) => void; err: (s: string) => void } {
  return { out: () => undefined, err: () => undefined };
}

/** A copy of an output with the manifest of one object (`kind/namespace/name`) changed in cdk.tf.json. */
function editObject(
  outdir: string,
  stack: string,
  identity: string,
  mutate: (m: Record<string, Json>) => void,
): string {
  const copy = path.join(tempDir(), 'out');
  fs.cpSync(outdir, copy, { recursive: true });
  const file = path.join(copy, 'stacks', stack, 'cdk.tf.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const resource = Object.values<Json>(json.resource.kubernetes_manifest).find(
    (r) =>
      [r.manifest.kind, r.manifest.metadata.namespace, r.manifest.metadata.name].filter(Boolean).join('/') === identity,
  );
  mutate(resource.manifest);
  fs.writeFileSync(file, JSON.stringify(json, null, 2));
  return copy;
}

/** A copy of an output with its stacks' cdk.tf.json rewritten by `mutate`. */
function editTerraform(outdir: string, mutate: (json: Json, stack: string) => void): string {
  const copy = path.join(tempDir(), 'out');
  fs.cpSync(outdir, copy, { recursive: true });
  for (const stack of fs.readdirSync(path.join(copy, 'stacks'))) {
    const file = path.join(copy, 'stacks', stack, 'cdk.tf.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    mutate(json, stack);
    fs.writeFileSync(file, JSON.stringify(json, null, 2));
  }
  return copy;
}

function diff(base: string, head: string): PlanDiff {
  return diffOutputs(readOutput(base), readOutput(head));
}

const reasons = (d: PlanDiff, level?: string) =>
  d.risks.filter((r) => level === undefined || r.level === level).map((r) => `${r.subject}: ${r.reason}`);

let lab: string;
beforeAll(() => {
  lab = synth(LAB);
});

let colossusOut: string | undefined;
/** The Colossus example, synthesized once for the tests that need it. */
function colossus(): string {
  colossusOut ??= synth(COLOSSUS);
  return colossusOut;
}

describe('colossus diff', () => {
  test('fails to synthesize a quota raised beyond its pool: the spec check stops it before any diff', () => {
    const doc = parse(LAB) as Doc;
    doc.spec.tenants[0].gpuQuota = { h100: 16 };
    let error: unknown;
    try {
      loadSpecFile(writeSpec(stringify(doc)));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).issues.map((i) => i.code)).toContain('quota-exceeds-pool');
  });

  test('a quota cut is medium risk, with the GPU delta and the ClusterQueue fields', () => {
    const head = synth(LAB, (d) => {
      d.spec.tenants[0].gpuQuota = { h100: 4 };
    });
    const d = diff(lab, head);
    expect(d.risk).toBe('medium');
    expect(d.capacity).toContainEqual(
      expect.objectContaining({
        section: 'tenants',
        item: 'team-a',
        metric: 'GPU quota on h100',
        base: 8,
        head: 4,
        delta: -4,
        risk: 'medium',
      }),
    );
    const cq = d.stacks.flatMap((s) => s.changes).find((c) => c.identity === 'ClusterQueue/team-a')!;
    expect(cq.change).toBe('changed');
    expect(cq.fields).toContainEqual({
      path: 'spec.resourceGroups[0].flavors[name=h100].resources[name=nvidia.com/gpu].nominalQuota',
      old: '8',
      new: '4',
    });
    expect(cq.risks).toContainEqual({ level: 'medium', reason: 'quota cut: h100/nvidia.com/gpu from 8 to 4' });
    // The other tenant is untouched.
    expect(d.stacks.find((s) => s.stack === 'lab-tenant-partner')!.status).toBe('unchanged');
  });

  test('a quota raised within the pool is low risk', () => {
    const base = synth(LAB, (d) => {
      d.spec.tenants[0].gpuQuota = { h100: 4 };
    });
    const d = diff(base, lab);
    expect(d.risk).toBe('low');
    expect(d.capacity.find((c) => c.item === 'team-a')).toMatchObject({
      delta: 4,
      reason: 'quota raised by 4 GPUs on h100',
    });
  });

  test('a tenant stack no longer synthesized: its objects are abandoned (they stay live), not deleted', () => {
    // cdktf-cli v0.21.0 synth-stack.ts only deletes the directory of a stack the app stops producing:
    // no deploy destroys its objects. (colossus synth refuses this with tenant-removed; the diff still tells the truth.)
    const head = synth(LAB, (d) => {
      d.spec.tenants = d.spec.tenants.filter((t) => t.name !== 'partner');
    });
    const d = diff(lab, head);
    expect(d.risk).toBe('high');
    const stack = d.stacks.find((s) => s.stack === 'lab-tenant-partner')!;
    expect(stack.status).toBe('removed');
    expect(stack.counts.removed).toBe(0);
    expect(stack.counts.abandoned).toBe(stack.changes.length);
    expect(d.risks.find((r) => r.scope === 'lab-tenant-partner' && r.subject === '(stack)')).toMatchObject({
      level: 'high',
      reason: expect.stringContaining('objects stay live, unmanaged'),
    });
    // Nothing claims a deletion that no deploy would do.
    expect(d.risks.map((r) => r.reason).join('\n')).not.toMatch(/namespace partner deleted|deletes data/);
    const rb = stack.changes.find((c) => c.identity.startsWith('RoleBinding/partner/'))!;
    expect(rb.risks[0].reason).toMatch(/^abandoned, not deleted: stack lab-tenant-partner is no longer synthesized/);
    expect(formatDiffMarkdown(d)).toContain('lab-tenant-partner (no longer synthesized: ');
    expect(reasons(d, 'medium')).toContain('tenants partner: quota cut by 8 GPUs on h100');
  });

  test('an offboarded tenant: its objects are removed (the deploy destroys them), its data kept', () => {
    const withData = (d: Doc) => {
      d.spec.storage = [{ name: 'nfs', kind: 'nfs', csiDriver: 'nfs.csi.k8s.io', capacityTiB: 10, throughputGBps: 1 }];
      d.spec.tenants[1].storage = [
        { filesystem: 'nfs', capacityTiB: 4, volumes: [{ name: 'ckpt', purpose: 'checkpoints', capacityTiB: 4 }] },
      ];
    };
    const out = path.join(tempDir(), 'out');
    const file = writeSpec(specText(LAB, withData));
    expect(run(['synth', file, '--out', out, '-q'], quiet())).toBe(0);
    const base = path.join(tempDir(), 'base');
    fs.cpSync(out, base, { recursive: true });
    fs.writeFileSync(
      file,
      specText(LAB, (d) => {
        withData(d);
        d.spec.tenants[1].offboard = true;
      }),
    );
    expect(run(['synth', file, '--out', out, '-q'], quiet())).toBe(0);
    const d = diffOutputs(readOutput(base), readOutput(out));
    const stack = d.stacks.find((s) => s.stack === 'lab-tenant-partner')!;
    expect(stack.status).toBe('changed');
    expect(stack.counts.abandoned).toBe(0);
    const byId = new Map(stack.changes.map((c) => [c.identity, c]));
    expect(byId.get('PersistentVolumeClaim/partner/ckpt')!.risks[0]).toEqual({
      level: 'low',
      reason: 'Terraform forgets it without destroying it (removed block): the object and its data stay',
    });
    expect(byId.get('Namespace/partner')!.risk).toBe('low');
    expect(byId.get('ClusterQueue/partner')!.change).toBe('removed');
    expect(d.risks.map((r) => r.reason).join('\n')).not.toMatch(/deletes data|namespace partner deleted/);
  });

  test('a NetworkPolicy loosened to admit another tenant is high risk, with the changed values', () => {
    const head = editObject(lab, 'lab-tenant-team-a', 'NetworkPolicy/team-a/allow-same-tenant', (m) => {
      m.spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values.push('partner');
    });
    const d = diff(lab, head);
    expect(d.risk).toBe('high');
    const change = d.stacks
      .flatMap((s) => s.changes)
      .find((c) => c.identity === 'NetworkPolicy/team-a/allow-same-tenant')!;
    expect(change.fields).toEqual([
      {
        path: 'spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values',
        old: ['team-a'],
        new: ['team-a', 'partner'],
      },
    ]);
    expect(change.risks).toEqual([
      { level: 'high', reason: 'NetworkPolicy broadened: ingress rule 0 admits traffic the old rules did not' },
    ]);
  });

  test("a tenant given a second namespace is low risk: its policies and queue open only to the tenant's own", () => {
    const head = synth(LAB, (d) => {
      d.spec.tenants[0].namespaces = ['team-a', 'team-a-infer'];
    });
    const d = diff(lab, head);
    expect(reasons(d, 'high')).toEqual([]);
    expect(reasons(d)).toEqual(
      expect.arrayContaining([
        "ClusterQueue/team-a: ClusterQueue admits tenant team-a's own new namespaces: team-a-infer",
        "NetworkPolicy/team-a/allow-same-tenant: NetworkPolicy: ingress rule 0 admits traffic the old rules did not, within the tenant's own namespaces",
      ]),
    );
    expect(d.stacks.find((s) => s.stack === 'lab-tenant-team-a')!.counts.added).toBeGreaterThan(5);
  });

  test('a NetworkPolicy narrowed is low risk', () => {
    const base = editObject(lab, 'lab-tenant-team-a', 'NetworkPolicy/team-a/allow-same-tenant', (m) => {
      m.spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values.push('partner');
    });
    expect(diff(base, lab).risk).toBe('low');
  });

  test('a default-deny policy dropping a direction, and a policy removed, are high risk', () => {
    const head = editObject(lab, 'lab-tenant-team-a', 'NetworkPolicy/team-a/default-deny-all', (m) => {
      m.spec.policyTypes = ['Ingress'];
    });
    expect(reasons(diff(lab, head), 'high')).toEqual([
      'NetworkPolicy/team-a/default-deny-all: NetworkPolicy broadened: no longer restricts egress (policyTypes)',
    ]);
    const removed = editTerraform(lab, (json, stack) => {
      if (stack === 'lab-tenant-team-a') delete json.resource.kubernetes_manifest.networkpolicy_team_a_allow_dns;
    });
    expect(reasons(diff(lab, removed), 'high')).toEqual([
      'NetworkPolicy/team-a/allow-dns: NetworkPolicy removed: isolation of namespace team-a weakened',
    ]);
  });

  test('Pod Security relaxed, RBAC broadened and a ClusterQueue admitting more are high risk', () => {
    const relaxed = synth(LAB, (d) => {
      d.spec.tenants[1].podSecurity = 'baseline';
    });
    expect(reasons(diff(lab, relaxed), 'high')).toEqual([
      'Namespace/partner: Pod Security relaxed from restricted to baseline',
    ]);

    const rbac = editObject(lab, 'lab-tenant-partner', 'Role/partner/tenant-member', (m) => {
      m.rules.push({ apiGroups: [''], resources: ['nodes'], verbs: ['get'] });
    });
    expect(reasons(diff(lab, rbac), 'high')).toEqual([
      'Role/partner/tenant-member: RBAC broadened: rule 6 grants get on nodes in API groups [-]',
    ]);

    const binding = editObject(lab, 'lab-tenant-partner', 'RoleBinding/partner/tenant-member', (m) => {
      m.subjects.push({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'lab:team-a' });
    });
    expect(reasons(diff(lab, binding), 'high')).toEqual([
      'RoleBinding/partner/tenant-member: RBAC broadened: binds new subject Group:lab:team-a',
    ]);

    const queue = editObject(lab, 'lab-tenant-partner', 'ClusterQueue/partner', (m) => {
      m.spec.namespaceSelector = {};
    });
    const [admits, ...others] = reasons(diff(lab, queue), 'high');
    expect(others).toEqual([]);
    expect(admits).toMatch(
      /^ClusterQueue\/partner: ClusterQueue admits more namespaces: \(any other namespace\), .*team-a/,
    );
  });

  test('new objects that reach across tenants are high risk; a tenant-tight new policy is not', () => {
    const head = editTerraform(lab, (json, stack) => {
      const m = json.resource.kubernetes_manifest;
      if (stack === 'lab-platform') {
        m.clusterqueue_shared = {
          manifest: {
            apiVersion: 'kueue.x-k8s.io/v1beta2',
            kind: 'ClusterQueue',
            metadata: { name: 'shared' },
            spec: {
              namespaceSelector: {
                matchExpressions: [
                  { key: 'kubernetes.io/metadata.name', operator: 'In', values: ['team-a', 'partner'] },
                ],
              },
            },
          },
        };
        m.clusterrolebinding_partner_view = {
          manifest: {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: { name: 'partner-view' },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
            subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'partner:admins' }],
          },
        };
      }
      if (stack === 'lab-tenant-team-a') {
        m.networkpolicy_team_a_allow_metrics = {
          manifest: {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: { name: 'allow-metrics', namespace: 'team-a' },
            spec: {
              podSelector: {},
              policyTypes: ['Ingress'],
              ingress: [{ from: [{ podSelector: { matchLabels: { app: 'prometheus' } } }] }],
            },
          },
        };
      }
    });
    const d = diff(lab, head);
    expect(reasons(d, 'high')).toEqual([
      'ClusterQueue/shared: new ClusterQueue admits existing namespaces of others: partner, team-a',
      'ClusterRoleBinding/partner-view: RBAC broadened: grants Group:partner:admins cluster-wide',
    ]);
    expect(reasons(d, 'low')).toContain(
      "NetworkPolicy/team-a/allow-metrics: new allow rules within tenant team-a's own namespaces",
    );
  });

  test("a dedicated pool's taint removed is high risk", () => {
    const dedicated = (d: Doc) => {
      d.spec.nodePools[0].dedicatedTo = 'partner';
      d.spec.tenants = d.spec.tenants.filter((t) => t.name === 'partner');
    };
    const base = synth(LAB, dedicated);
    const head = synth(LAB, (d) => {
      dedicated(d);
      delete d.spec.nodePools[0].dedicatedTo;
    });
    expect(reasons(diff(base, head), 'high')).toContain(
      'ResourceFlavor/h100: dedicated pool taint removed: colossus.dev/dedicated=partner:NoSchedule',
    );
  });

  test("a dedicated taint removed from the nodes' kubeadm template is high risk too", () => {
    // Templates are named by their content: the edit is a successor under a new name.
    const stack = 'colossus-1-gb200-c00-management';
    const template = readOutput(colossus()).objects.find(
      (o) => o.stack === stack && /^KubeadmConfigTemplate\/colossus-1\/gb200-/.test(o.identity),
    )!;
    const head = editObject(colossus(), stack, template.identity, (m) => {
      delete m.spec.template.spec.joinConfiguration.nodeRegistration.taints;
      m.metadata.name = 'gb200-00000000';
    });
    expect(reasons(diff(colossus(), head), 'high')).toEqual([
      'KubeadmConfigTemplate/colossus-1/gb200-00000000: dedicated pool taint removed: colossus.dev/dedicated=anthropic:NoSchedule',
    ]);
  });

  test('a data volume deleted and a fabric partition shared are high risk', () => {
    const pvc = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'checkpoints', namespace: 'team-a' },
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '100Ti' } } },
    };
    const nad = (ns: string) => ({
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'rdma', namespace: ns },
      spec: {
        config: JSON.stringify({ cniVersion: '0.3.1', type: 'ib-sriov', pkey: ns === 'team-a' ? '0x0102' : '0x0103' }),
      },
    });
    const add = (json: Json, stack: string) => {
      const ns = stack.replace('lab-tenant-', '');
      if (!stack.startsWith('lab-tenant-')) return;
      json.resource.kubernetes_manifest[`networkattachmentdefinition_${ns}_rdma`] = { manifest: nad(ns) };
      if (ns === 'team-a') {
        json.resource.kubernetes_manifest.persistentvolumeclaim_team_a_checkpoints = {
          manifest: pvc,
          lifecycle: { prevent_destroy: true },
        };
      }
    };
    const base = editTerraform(lab, add);
    const head = editTerraform(base, (json, stack) => {
      if (stack === 'lab-tenant-team-a')
        delete json.resource.kubernetes_manifest.persistentvolumeclaim_team_a_checkpoints;
      if (stack === 'lab-tenant-partner') {
        JSON.parse(json.resource.kubernetes_manifest.networkattachmentdefinition_partner_rdma.manifest.spec.config);
        json.resource.kubernetes_manifest.networkattachmentdefinition_partner_rdma.manifest.spec.config =
          JSON.stringify({
            cniVersion: '0.3.1',
            type: 'ib-sriov',
            pkey: '0x0102',
          });
      }
    });
    expect(reasons(diff(base, head), 'high')).toEqual([
      'pkey:0x0102: fabric partition shared by tenants partner, team-a',
      'NetworkAttachmentDefinition/partner/rdma: fabric partition changed: partition pkey:0x0103 -> pkey:0x0102',
      'PersistentVolumeClaim/team-a/checkpoints: deletes data: the object is protected with prevent_destroy',
    ]);
  });

  test('a protected volume Terraform forgets without destroying (removed block) is low risk', () => {
    const pvc = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'checkpoints', namespace: 'team-a' },
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '100Ti' } } },
    };
    const address = 'persistentvolumeclaim_team_a_checkpoints';
    const base = editTerraform(lab, (json, stack) => {
      if (stack === 'lab-tenant-team-a') {
        json.resource.kubernetes_manifest[address] = { manifest: pvc, lifecycle: { prevent_destroy: true } };
      }
    });
    const head = editTerraform(base, (json, stack) => {
      if (stack !== 'lab-tenant-team-a') return;
      delete json.resource.kubernetes_manifest[address];
      json.removed = [{ from: `kubernetes_manifest.${address}`, lifecycle: { destroy: false } }];
    });
    const d = diff(base, head);
    expect(d.risk).toBe('low');
    expect(reasons(d)).toEqual([
      'PersistentVolumeClaim/team-a/checkpoints: Terraform forgets it without destroying it (removed block): the object and its data stay',
    ]);
  });

  test('an admission guardrail weakened or removed is high risk', () => {
    const ib = synth(fs.readFileSync(path.join(ROOT, 'examples/infiniband.yaml'), 'utf8'));
    const vap = 'ValidatingAdmissionPolicy/colossus-fabric-own-networks';
    const weakened = editObject(ib, 'ib-pod-platform', vap, (m) => {
      m.spec.failurePolicy = 'Ignore';
      m.spec.validations = m.spec.validations.slice(1);
    });
    // The dropped validation was the default-network check: the guard's probe now gets through (review/guards.ts).
    expect(reasons(diff(ib, weakened), 'high')).toEqual([
      'Namespace/partner-train: isolation guard fabric-own-networks no longer holds: default-network annotation',
      'Namespace/research-train: isolation guard fabric-own-networks no longer holds: default-network annotation',
      `${vap}: admission guardrail weakened: 1 validation(s) removed or rewritten`,
      `${vap}: admission guardrail weakened: failurePolicy set to Ignore`,
    ]);
    const removed = editTerraform(ib, (json, stack) => {
      if (stack !== 'ib-pod-platform') return;
      const manifests = json.resource.kubernetes_manifest;
      for (const [address, r] of Object.entries<Json>(manifests)) {
        if (
          r.manifest.kind === 'ValidatingAdmissionPolicyBinding' &&
          r.manifest.metadata.name === 'colossus-fabric-own-networks'
        )
          delete manifests[address];
      }
    });
    const allAttacks =
      'isolation guard fabric-own-networks no longer holds: networks annotation naming another namespace; ' +
      'JSON networks with a "Namespace" key; JSON networks with an escaped key; default-network annotation; ' +
      'rail VFs without their rail network';
    expect(reasons(diff(ib, removed), 'high')).toEqual([
      `Namespace/partner-train: ${allAttacks}`,
      `Namespace/research-train: ${allAttacks}`,
      'ValidatingAdmissionPolicyBinding/colossus-fabric-own-networks: admission guardrail removed: colossus-fabric-own-networks',
    ]);
  });

  test('a stack pointed at another cluster or another state backend is high risk', () => {
    const head = synth(LAB, (d) => {
      (d.spec.kubernetes as Record<string, unknown>).context = 'prod-cluster';
      d.spec.backend = { kind: 'kubernetes' };
    });
    const d = diff(lab, head);
    const settings = d.stacks.find((s) => s.stack === 'lab-tenant-team-a')!.changes;
    expect(settings.map((c) => c.identity)).toEqual(['(terraform settings)']);
    expect(settings[0].risks).toEqual(
      expect.arrayContaining([
        {
          level: 'high',
          reason:
            'Terraform state moves (backend changed): migrate it (terraform init -migrate-state) or Terraform plans every object anew',
        },
        {
          level: 'high',
          reason:
            'the stack targets another cluster: providers.kubernetes[0].config_context "kind-lab" -> "prod-cluster"',
        },
      ]),
    );
    expect(d.totals.replaced + d.totals.added + d.totals.removed).toBe(0);
  });

  test('a refactor that keeps addresses reports no change', () => {
    // The spec reordered and the construct tree renamed (cdktf's metadata paths change), addresses kept.
    const reordered = synth(LAB, (d) => {
      d.spec.tenants.reverse();
    });
    const head = editTerraform(reordered, (json) => {
      for (const r of Object.values<Json>(json.resource.kubernetes_manifest)) {
        r['//'].metadata.path = r['//'].metadata.path.replace('/', '/refactored/');
      }
    });
    const d = diff(lab, head);
    expect(d.risk).toBe('none');
    expect(d.stacks.every((s) => s.status === 'unchanged')).toBe(true);
    expect(formatDiffMarkdown(d)).toContain('**No change.**');
  });

  test('a refactor that changes addresses is high risk: every object is replaced', () => {
    const head = editTerraform(lab, (json, stack) => {
      if (stack !== 'lab-tenant-partner') return;
      json.resource.kubernetes_manifest = Object.fromEntries(
        Object.entries(json.resource.kubernetes_manifest).map(([address, r]) => [`tenant_${address}`, r]),
      );
    });
    const d = diff(lab, head);
    expect(d.risk).toBe('high');
    const stack = d.stacks.find((s) => s.stack === 'lab-tenant-partner')!;
    const partnerObjects = readOutput(lab).objects.filter(
      (o) => o.stack === 'lab-tenant-partner' && o.kubernetes,
    ).length;
    expect(stack.counts).toEqual({ added: 0, removed: 0, abandoned: 0, changed: 0, replaced: partnerObjects });
    const ns = stack.changes.find((c) => c.identity === 'Namespace/partner')!;
    expect(ns.address).toEqual({
      base: 'lab-tenant-partner/kubernetes_manifest.namespace_partner',
      head: 'lab-tenant-partner/kubernetes_manifest.tenant_namespace_partner',
    });
    expect(ns.risks[0]).toEqual({
      level: 'high',
      reason:
        'Terraform address changes from kubernetes_manifest.namespace_partner to kubernetes_manifest.tenant_namespace_partner: destroy and create',
    });
    expect(formatDiffMarkdown(d)).toMatch(/\*\*± replaced\*\* `Namespace\/partner`/);
  });

  test('a pool grown by two blocks on the Colossus example: capacity deltas, low risk, and the timing', () => {
    const base = colossus();
    const head = synth(COLOSSUS, (d) => {
      const h100 = d.spec.nodePools.find((p) => p.name === 'h100')!;
      h100.nodes = (h100.nodes as number) + 2 * 8 * 8; // two blocks of eight racks of eight nodes
      // Their 16 racks stand in a new hall like the others (every rack of a site with halls is placed).
      const halls = (d.spec.site as { halls: HallSpec[] }).halls;
      halls.push({ ...halls[5], name: 'hall-10', racks: { h100: 16 } });
    });
    const started = process.hrtime.bigint();
    const d = diffOutputs(readOutput(base), readOutput(head));
    const markdown = formatDiffMarkdown(d);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // Reported, not asserted: the machine running the tests is shared.
    process.stdout.write(
      `colossus diff of two Colossus-example outputs (${readOutput(head).objects.length} objects): ${ms.toFixed(0)} ms\n`,
    );
    const pool = (metric: string) =>
      d.capacity.find((c) => c.section === 'pools' && c.item === 'h100' && c.metric === metric);
    expect(pool('GPUs')).toMatchObject({
      base: 150016,
      head: 151040,
      delta: 1024,
      risk: 'low',
      reason: 'pool grown by 1,024 GPUs',
    });
    expect(pool('blocks')).toMatchObject({ base: 293, head: 295, delta: 2 });
    expect(d.capacity.find((c) => c.section === 'cluster')).toMatchObject({ delta: 1024 });
    expect(d.risk).toBe('low');
    expect(markdown).toContain('| pools h100: GPUs | 150,016 | 151,040 | +1,024 |');
    // The hall, its cooling and the site's draw and water move with it.
    expect(d.capacity).toContainEqual(
      expect.objectContaining({
        section: 'facility',
        item: 'sites.memphis.halls.hall-10.racks',
        metric: 'h100',
        head: 16,
      }),
    );
    expect(d.capacity.find((c) => c.section === 'facility' && c.metric === 'drawMW')).toMatchObject({
      base: 409.755,
      risk: 'low',
    });
  });

  test('the Markdown puts the summary table first and folds details; JSON carries the same content', () => {
    const head = synth(LAB, (d) => {
      d.spec.tenants = d.spec.tenants.filter((t) => t.name !== 'partner');
    });
    const lines: string[] = [];
    const code = run(['diff', lab, head], { out: (s) => lines.push(s), err: () => undefined });
    expect(code).toBe(0);
    const md = lines.join('\n');
    expect(md.indexOf('| stack | added | removed | changed | replaced | risk |')).toBeLessThan(md.indexOf('<details>'));
    const n = readOutput(lab).objects.filter((o) => o.stack === 'lab-tenant-partner').length;
    expect(md).toContain(
      `| lab-tenant-partner (no longer synthesized: ${n} objects stay live, unmanaged) | 0 | 0 | 0 | 0 | HIGH |`,
    );
    expect(md).toContain(`<details><summary>lab-tenant-partner: ${n} change(s)</summary>`);

    const json: string[] = [];
    expect(run(['diff', lab, head, '--format', 'json'], { out: (s) => json.push(s), err: () => undefined })).toBe(0);
    expect(JSON.parse(json.join('\n'))).toEqual(JSON.parse(JSON.stringify(diff(lab, head))));
  });

  test('--fail-on exits 2 when met and 0 when not', () => {
    const head = synth(LAB, (d) => {
      d.spec.tenants[0].gpuQuota = { h100: 4 };
    });
    const io = { out: () => undefined, err: () => undefined };
    expect(run(['diff', lab, head, '--fail-on', 'medium'], io)).toBe(2);
    expect(run(['diff', lab, head, '--fail-on', 'high'], io)).toBe(0);
    expect(run(['diff', lab, lab, '--fail-on', 'medium'], io)).toBe(0);
  });

  test('fails with a usage error on a wrong command line, and with 66 on a directory that is no output', () => {
    const errors: string[] = [];
    const io = { out: () => undefined, err: (s: string) => errors.push(s) };
    expect(run(['diff', lab], io)).toBe(64);
    expect(run(['diff', lab, lab, '--fail-on', 'low'], io)).toBe(64);
    expect(errors.join('\n')).toContain('--fail-on must be one of high, medium, not "low"');
    expect(run(['diff', lab, tempDir()], io)).toBe(66);
    expect(errors.join('\n')).toMatch(/summary\.json: not found; .* is not a synth output/);
  });

  test('the Markdown stays within a pull-request comment when every address of the Colossus example changes', () => {
    const head = editTerraform(colossus(), (json) => {
      json.resource.kubernetes_manifest = Object.fromEntries(
        Object.entries(json.resource.kubernetes_manifest ?? {}).map(([address, r]) => [`v2_${address}`, r]),
      );
    });
    const d = diff(colossus(), head);
    expect(d.totals.replaced).toBeGreaterThan(900);
    const md = formatDiffMarkdown(d);
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_BUDGET_CHARS + 20_000);
    expect(md).toContain(`_… and ${d.totals.high - 100} more risks: \`colossus diff --format json\` lists them all._`);
    expect(md).toMatch(/_… \d+ more change\(s\) of this stack left out to fit a pull-request comment._/);
  });
});

describe('figures', () => {
  test('are grouped by thousands with at most three decimals, whatever the locale', () => {
    expect([0, -4, 1024, 230288, -1003.2, 8.7859, -0.0001].map(fmt)).toEqual([
      '0',
      '-4',
      '1,024',
      '230,288',
      '-1,003.2',
      '8.786',
      '0',
    ]);
    expect([512, -1024, 0].map(signed)).toEqual(['+512', '-1,024', '0']);
  });
});

describe('diffFields', () => {
  test('keys lists of named entries by name and reports added and removed fields', () => {
    expect(
      diffFields(
        {
          a: [
            { name: 'x', v: 1 },
            { name: 'y', v: 2 },
          ],
          b: 1,
          'odd.key': 'p',
        },
        {
          a: [
            { name: 'y', v: 3 },
            { name: 'x', v: 1 },
          ],
          c: 2,
          'odd.key': 'q',
        },
      ),
    ).toEqual([
      { path: 'a[*].name (order)', old: ['x', 'y'], new: ['y', 'x'] },
      { path: 'a[name=y].v', old: 2, new: 3 },
      { path: 'b', old: 1 },
      { path: 'c', new: 2 },
      { path: '["odd.key"]', old: 'p', new: 'q' },
    ]);
  });
});
