/**
 * audit and diff know every isolation guard (review/guards.ts): the example holds them all; a copy of its
 * output with any one guard removed or weakened is flagged by the audit and rated high by the diff.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { run } from '../../cli/main';
import { KubeObject, LABELS } from '../../model/kube';
import { auditOutput } from '../../review/audit';
import { diffOutputs } from '../../review/diff';
import { GuardName, guardBreaches } from '../../review/guards';
import { OutputObject, readOutput, SynthOutput } from '../../review/read-output';
import { synthToTemp, tempDir } from '../support/synth';

type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let outdir: string;
let base: SynthOutput;
beforeAll(() => {
  outdir = synthToTemp('examples/colossus-1.yaml').outdir;
  base = readOutput(outdir, { yamlAlways: true });
});

/** A copy of the output with `edit` applied to each object (returning undefined drops it). */
function copyWith(edit: (o: KubeObject) => KubeObject | undefined): SynthOutput {
  const objects = base.objects.flatMap((o): OutputObject[] => {
    if (!o.kubernetes) return [o];
    const edited = edit(JSON.parse(JSON.stringify(o.object)) as KubeObject);
    return edited ? [{ ...o, object: edited, yaml: edited }] : [];
  });
  return { ...base, objects };
}

const named = (kind: string, name: string) => (o: KubeObject) => o.kind === kind && o.metadata.name === name;
const without = (match: (o: KubeObject) => boolean) => copyWith((o) => (match(o) ? undefined : o));
const changing = (match: (o: KubeObject) => boolean, change: (o: Spec) => void) =>
  copyWith((o) => {
    if (match(o)) change(o as Spec);
    return o;
  });

const REMOVALS: [string, GuardName, () => SynthOutput][] = [
  [
    'the fabric policy’s binding removed',
    'fabric-own-networks',
    () => without(named('ValidatingAdmissionPolicyBinding', 'colossus-fabric-own-networks')),
  ],
  [
    'the fabric policy only warning',
    'fabric-own-networks',
    () =>
      changing(
        named('ValidatingAdmissionPolicyBinding', 'colossus-fabric-own-networks'),
        (o) => (o.spec.validationActions = ['Warn']),
      ),
  ],
  [
    'the fabric policy back to the old regex',
    'fabric-own-networks',
    () =>
      changing(
        named('ValidatingAdmissionPolicy', 'colossus-fabric-own-networks'),
        (o) =>
          (o.spec.validations = [
            {
              expression: `!has(object.metadata.annotations) || !('k8s.v1.cni.cncf.io/networks' in object.metadata.annotations) || !object.metadata.annotations['k8s.v1.cni.cncf.io/networks'].matches('/|"namespace"')`,
            },
          ]),
      ),
  ],
  [
    'the placement policy removed',
    'kueue-gates',
    () => without(named('ValidatingAdmissionPolicy', 'colossus-tenant-placement')),
  ],
  [
    'the placement policy without its toleration check',
    'tenant-placement',
    () =>
      changing(
        named('ValidatingAdmissionPolicy', 'colossus-tenant-placement'),
        (o) => (o.spec.validations = o.spec.validations.filter((_: unknown, i: number) => i !== 1)),
      ),
  ],
  [
    'the job-suspend policy removed',
    'kueue-gates',
    () => without(named('ValidatingAdmissionPolicy', 'colossus-tenant-job-suspend')),
  ],
  [
    'the Services policy’s binding removed',
    'service-external-ips',
    () => without(named('ValidatingAdmissionPolicyBinding', 'colossus-tenant-services')),
  ],
  [
    'DenyServiceExternalIPs dropped from the API server',
    'api-server-admission-plugins',
    () =>
      changing(
        named('KubeadmControlPlane', 'colossus-1-h100-c00-control-plane'),
        (o) => delete o.spec.kubeadmConfigSpec.clusterConfiguration,
      ),
  ],
  [
    'PVC delete given back to tenants',
    'protected-volumes',
    () =>
      changing(
        (o) => o.kind === 'Role' && o.metadata.name === 'tenant-member',
        (o) => o.rules[0].resources.push('persistentvolumeclaims'),
      ),
  ],
  [
    'the priority-class quota removed',
    'tenant-priority',
    () => without((o) => o.kind === 'ResourceQuota' && o.metadata.name === 'tenant-priority-classes'),
  ],
  [
    'the Workload priority policy removed',
    'tenant-priority',
    () => without(named('ValidatingAdmissionPolicy', 'colossus-tenant-priority')),
  ],
  [
    'flavors selecting the kubelet’s pool label',
    'placement-labels',
    () =>
      changing(
        (o) => o.kind === 'ResourceFlavor',
        (o) => (o.spec.nodeLabels = { [LABELS.pool]: o.metadata.name }),
      ),
  ],
  [
    'label sync owning colossus.dev again',
    'placement-labels',
    () =>
      changing(
        (o) => o.kind === 'Metal3Cluster',
        (o) => (o.metadata.annotations['metal3.io/metal3-label-sync-prefixes'] = 'colossus.dev'),
      ),
  ],
  [
    'topology levels on kubelet labels',
    'placement-labels',
    () =>
      changing(
        (o) => o.kind === 'Topology',
        (o) => (o.spec.levels[0] = { nodeLabel: LABELS.block }),
      ),
  ],
];

describe('isolation guards in audit and diff', () => {
  test('the example holds every guard, and its audit passes', () => {
    expect(guardBreaches(base)).toEqual([]);
    expect(auditOutput(base).findings).toEqual([]);
  });

  test.each(REMOVALS)('audit flags %s (guard %s)', (_what, guard, copy) => {
    const findings = auditOutput(copy()).findings.filter((f) => f.code === 'isolation-guard-missing');
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.map((f) => f.message)).toContainEqual(
      expect.stringMatching(new RegExp(`^guard ${guard} does not hold`)),
    );
  });

  test.each(REMOVALS)('diff rates %s as high (guard %s)', (_what, guard, copy) => {
    const risks = diffOutputs(base, copy()).risks.filter((r) => r.reason.startsWith(`isolation guard ${guard} `));
    expect(risks.length).toBeGreaterThan(0);
    expect(new Set(risks.map((r) => r.level))).toEqual(new Set(['high']));
  });

  test('colossus audit on a hand-edited copy on disk fails and names the guard', () => {
    const copy = path.join(tempDir('colossus-guards-'), 'out');
    fs.cpSync(outdir, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'stacks'), { recursive: true });
    const dir = path.join(copy, 'manifests', 'colossus-1-h100-c00-platform');
    for (const f of fs.readdirSync(dir)) {
      const docs = parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as KubeObject);
      const kept = docs.filter(
        (o) => !(o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === 'colossus-tenant-services'),
      );
      if (kept.length !== docs.length) fs.writeFileSync(path.join(dir, f), kept.map((o) => stringify(o)).join('---\n'));
    }
    const lines: string[] = [];
    const code = run(['audit', copy], { out: (s) => lines.push(s), err: (s) => lines.push(s) });
    expect(code).not.toBe(0);
    expect(lines.join('\n')).toMatch(
      /error\[isolation-guard-missing\] Namespace\/grok-infer: guard service-external-ips does not hold: admitted Service with externalIPs \(in colossus-1-h100-c00\)/,
    );
  });
});
