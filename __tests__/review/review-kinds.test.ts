/**
 * Issue 12 item 4: review rules are grouped per kind (review/kinds/), each module claims its kinds by registry
 * name (model/kinds.ts), and the diff's risk rules and the audit dispatch through review/kinds/index.ts. These
 * tests fail when a module claims a kind the registry does not know, when two modules claim one kind, when the
 * dispatch loses a rule the diff or the audit needs, or when the removal rules lose their order.
 */
import { isKind, isKnownKind, KINDS, KnownKindName, READ_ONLY_KINDS } from '../../model/kinds';
import { KubeObject } from '../../model/kube';
import { KIND_REVIEWS, KindReview, reviewOf } from '../../review/kinds';
import { OutputObject, SynthOutput } from '../../review/read-output';
import { assessChange, ChangeContext } from '../../review/risk';
import { Tenancy } from '../../review/tenancy';

describe('kind review modules', () => {
  test('every kind a module claims is in the registry, emitted or read-only', () => {
    const claimed = KIND_REVIEWS.flatMap((r) => r.kinds);
    expect(claimed.length).toBeGreaterThan(0);
    expect(claimed.filter((k) => !isKnownKind(k))).toEqual([]);
  });

  test('no kind is claimed by two modules', () => {
    const claimed = KIND_REVIEWS.flatMap((r) => r.kinds);
    expect(claimed.filter((k, i) => claimed.indexOf(k) !== i)).toEqual([]);
  });

  test('the read-only kinds are not emitted and take no place in apply order', () => {
    const emitted = new Set(KINDS.map((k) => k.kind));
    expect(READ_ONLY_KINDS.filter((k) => emitted.has(k.kind))).toEqual([]);
    expect(READ_ONLY_KINDS.map((k) => k.kind)).toEqual(
      expect.arrayContaining(['SriovIBNetwork', 'IPoIBNetwork', 'HostDeviceNetwork', 'MacvlanNetwork', 'CIDRPool']),
    );
  });

  test('isKind compares with registered names only', () => {
    const np = { kind: 'NetworkPolicy' };
    expect(isKind(np, 'NetworkPolicy')).toBe(true);
    expect(isKind(np, 'Role', 'NetworkPolicy')).toBe(true);
    expect(isKind(np, 'Namespace')).toBe(false);
    // @ts-expect-error a misspelt kind does not compile (`npm run lint` type-checks this file)
    expect(isKind(np, 'NetworkPolcy')).toBe(false);
  });

  /** The hooks the diff (added, changed, removed, holdsData, judgesOwnTaints), the audit and the guards need per kind. */
  const NEEDED: Readonly<Partial<Record<KnownKindName, readonly (keyof KindReview)[]>>> = {
    Namespace: ['changed', 'removed', 'audit'],
    NetworkPolicy: ['added', 'changed', 'removed', 'audit'],
    Role: ['changed'],
    ClusterRole: ['added', 'changed'],
    RoleBinding: ['added', 'changed', 'audit'],
    ClusterRoleBinding: ['added', 'changed', 'audit'],
    ResourceFlavor: ['changed', 'removed', 'audit', 'judgesOwnTaints', 'guards'],
    ClusterQueue: ['added', 'changed', 'removed', 'audit'],
    ResourceQuota: ['changed'],
    ValidatingAdmissionPolicy: ['changed', 'removed'],
    ValidatingAdmissionPolicyBinding: ['changed', 'removed'],
    PersistentVolumeClaim: ['removed', 'holdsData'],
    NetworkAttachmentDefinition: ['changed', 'removed', 'audit'],
    SriovNetwork: ['changed', 'removed', 'audit'],
    SriovIBNetwork: ['changed', 'removed', 'audit'],
    IPoIBNetwork: ['changed', 'removed', 'audit'],
    HostDeviceNetwork: ['changed', 'removed', 'audit'],
    MacvlanNetwork: ['changed', 'removed', 'audit'],
    ComputeDomain: ['changed', 'removed', 'audit'],
    Topology: ['guards'],
    Metal3Cluster: ['guards'],
    KubeadmControlPlane: ['guards'],
  };

  test.each(Object.entries(NEEDED))('the dispatch gives %s the rules the diff and the audit need', (kind, hooks) => {
    const review = reviewOf(kind);
    expect(review?.kinds).toContain(kind);
    expect(hooks!.filter((h) => review![h] === undefined)).toEqual([]);
  });

  test('a kind no module reads has no review: its changes are low risk', () => {
    expect(reviewOf('ConfigMap')).toBeUndefined();
    const cm = obj('v1', 'ConfigMap', 'c', 'a1');
    expect(assessChange('removed', out(cm), undefined, [], ctx)).toEqual([{ level: 'low', reason: 'object removed' }]);
  });
});

// A tenant `a` with namespace a1 in the base; the head drops tenant `b` (namespace b1) and namespace a2.
const namespace = (name: string, tenant: string) =>
  obj('v1', 'Namespace', name, undefined, { 'colossus.dev/tenant': tenant });
const tenancyOf = (namespaces: KubeObject[], tenants: Record<string, string[]>) =>
  new Tenancy({
    summary: {
      cluster: 't',
      gpus: 0,
      pools: {},
      stacks: {},
      tenants: Object.fromEntries(
        Object.entries(tenants).map(([t, ns]) => [t, { external: false, namespaces: ns, groups: [], gpuQuota: {} }]),
      ),
    },
    stacks: ['s'],
    objects: namespaces.map((o) => out(o)),
    forgotten: new Set(),
  } as unknown as SynthOutput);
const ctx: ChangeContext = {
  base: tenancyOf([namespace('a1', 'a'), namespace('a2', 'a'), namespace('b1', 'b')], { a: ['a1', 'a2'], b: ['b1'] }),
  head: tenancyOf([namespace('a1', 'a')], { a: ['a1'] }),
  dedicatedFlavors: new Map(),
  forgotten: new Set(),
};

function obj(apiVersion: string, kind: string, name: string, ns?: string, labels?: Record<string, string>): KubeObject {
  return { apiVersion, kind, metadata: { name, ...(ns ? { namespace: ns } : {}), ...(labels ? { labels } : {}) } };
}

function out(object: KubeObject, protectData = false): OutputObject {
  const id = [object.kind, object.metadata.namespace, object.metadata.name].filter(Boolean).join('/');
  return {
    stack: 's',
    identity: id,
    address: `kubernetes_manifest.${object.metadata.name}`,
    object,
    protectData,
    kubernetes: true,
  };
}

const removed = (object: KubeObject, protectData = false) =>
  assessChange('removed', out(object, protectData), undefined, [], ctx).map((r) => `${r.level}: ${r.reason}`);

describe('removal rules keep their order between a kind rule and the generic ones', () => {
  test('a kept namespace is still reported deleted (the kind rule comes before data protection)', () => {
    expect(removed(namespace('a2', 'a'), true)).toEqual([
      'high: namespace a2 deleted, with every object and volume in it',
    ]);
  });

  test('a protected claim says so; an unprotected one is reported even inside a removed namespace', () => {
    const pvc = obj('v1', 'PersistentVolumeClaim', 'data', 'a2');
    expect(removed(pvc, true)).toEqual(['high: deletes data: the object is protected with prevent_destroy']);
    expect(removed(pvc)).toEqual(['high: data volume deleted']);
  });

  test('a NetworkPolicy goes with its namespace, but weakens isolation when its namespace stays', () => {
    expect(removed(obj('networking.k8s.io/v1', 'NetworkPolicy', 'p', 'a2'))).toEqual([
      'low: removed with namespace a2',
    ]);
    expect(removed(obj('networking.k8s.io/v1', 'NetworkPolicy', 'p', 'a1'))).toEqual([
      'high: NetworkPolicy removed: isolation of namespace a1 weakened',
    ]);
  });

  test("a removed tenant's queue is still a quota cut (before tenant removal); its fabric network goes with it", () => {
    const cq = obj('kueue.x-k8s.io/v1beta2', 'ClusterQueue', 'b', undefined, { 'colossus.dev/tenant': 'b' });
    expect(removed(cq)).toEqual(['medium: quota cut: ClusterQueue b removed']);
    const net = obj('mellanox.com/v1alpha1', 'IPoIBNetwork', 'b-ib', undefined, { 'colossus.dev/tenant': 'b' });
    expect(removed(net)).toEqual(['low: removed with tenant b']);
    const own = obj('mellanox.com/v1alpha1', 'IPoIBNetwork', 'a-ib', undefined, { 'colossus.dev/tenant': 'a' });
    expect(removed(own)).toEqual(['high: fabric partition removed']);
  });

  test('replacing a claim deletes its data even unprotected (holdsData)', () => {
    const pvc = out(obj('v1', 'PersistentVolumeClaim', 'data', 'a1'));
    const moved = { ...pvc, address: 'kubernetes_manifest.other' };
    expect(assessChange('replaced', pvc, moved, [], ctx).map((r) => r.reason)).toContain(
      'destroying a data volume deletes its data (with prevent_destroy, the plan fails instead)',
    );
  });
});
