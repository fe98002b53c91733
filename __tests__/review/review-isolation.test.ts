/**
 * The isolation semantics the diff and the audit share: label selectors over the known
 * namespaces, NetworkPolicy and RBAC coverage, fabric partition keys, quantities.
 */
import fc from 'fast-check';
import { KubeObject } from '../../model/kube';
import { diffFields } from '../../review/diff';
import { canonical } from '../../review/canonical';
import { partitionKey } from '../../review/kinds/fabric-partition';
import { networkPolicyBroadening } from '../../review/kinds/network-policy';
import { rbacBroadening } from '../../review/kinds/rbac';
import { OutputObject, SynthOutput } from '../../review/read-output';
import { parseQuantity } from '../../review/risk';
import { OTHER_NAMESPACE, selectorMatches, Tenancy } from '../../review/tenancy';

const ns = (name: string, tenant: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'colossus.dev/tenant': tenant, team: tenant } },
});

/** Two tenants: a owns a1 and a2, b owns b1. */
const tenancy = new Tenancy({
  summary: {
    cluster: 't',
    gpus: 0,
    pools: {},
    stacks: {},
    tenants: {
      a: { external: false, namespaces: ['a1', 'a2'], groups: ['g:a'], gpuQuota: {} },
      b: { external: true, namespaces: ['b1'], groups: ['g:b'], gpuQuota: {} },
    },
  },
  stacks: ['s'],
  objects: [ns('a1', 'a'), ns('a2', 'a'), ns('b1', 'b')].map((object): OutputObject => ({
    stack: 's',
    identity: `Namespace/${object.metadata.name}`,
    object,
    protectData: false,
    kubernetes: true,
  })),
  forgotten: new Set(),
} as unknown as SynthOutput);

const policy = (spec: object): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'p', namespace: 'a1' },
  spec: { podSelector: {}, ...spec },
});
const byName = (...names: string[]) => ({
  namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: names }] },
});

describe('label selectors', () => {
  test('match labels and every expression operator; an empty selector matches everything', () => {
    const labels = { team: 'a', tier: 'gpu' };
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { team: 'a' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { team: 'b' } }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'team', operator: 'In', values: ['a', 'c'] }] }, labels)).toBe(
      true,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(
      false,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['x'] }] }, labels)).toBe(
      true,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels)).toBe(false);
  });

  test('select known namespaces, and the stand-in for any other namespace when nothing excludes it', () => {
    expect(tenancy.selectNamespaces({})).toEqual([OTHER_NAMESPACE, 'a1', 'a2', 'b1']);
    expect(tenancy.selectNamespaces({ matchLabels: { team: 'a' } })).toEqual(['a1', 'a2']);
    expect(tenancy.selectNamespaces({ matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['b'] }] })).toEqual(
      [OTHER_NAMESPACE, 'a1', 'a2'],
    );
    expect(tenancy.ownerOf('a2')).toBe('a');
    expect(tenancy.tenants.get('b')).toMatchObject({ external: true, groups: new Set(['g:b']) });
  });
});

describe('NetworkPolicy coverage', () => {
  const base = policy({ policyTypes: ['Ingress'], ingress: [{ from: [byName('a1')], ports: [{ port: 80 }] }] });

  test('the same or less traffic is no broadening', () => {
    expect(networkPolicyBroadening(base, base, tenancy)).toEqual([]);
    const fewer = policy({ policyTypes: ['Ingress'], ingress: [] });
    expect(networkPolicyBroadening(base, fewer, tenancy)).toEqual([]);
  });

  test('a new port, a rule without peers and a new address block admit more, from beyond the tenant', () => {
    const port = policy({ policyTypes: ['Ingress'], ingress: [{ from: [byName('a1')], ports: [{ port: 443 }] }] });
    expect(networkPolicyBroadening(base, port, tenancy)).toEqual([
      {
        reason: "ingress rule 0 admits traffic the old rules did not, within the tenant's own namespaces",
        withinTenant: true,
      },
    ]);
    const anyone = policy({ policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 80 }] }] });
    expect(networkPolicyBroadening(base, anyone, tenancy)).toMatchObject([{ withinTenant: false }]);
    const block = policy({ policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] });
    expect(networkPolicyBroadening(base, block, tenancy)).toMatchObject([{ withinTenant: false }]);
  });

  test("a peer widened to another tenant's namespace is a broadening beyond the tenant", () => {
    const wider = policy({
      policyTypes: ['Ingress'],
      ingress: [{ from: [byName('a1', 'b1')], ports: [{ port: 80 }] }],
    });
    expect(networkPolicyBroadening(base, wider, tenancy)).toEqual([
      { reason: 'ingress rule 0 admits traffic the old rules did not', withinTenant: false },
    ]);
  });
});

describe('RBAC coverage', () => {
  const role = (rules: object[]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'r', namespace: 'a1' },
    rules,
  });
  const base = role([{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get', 'list'] }]);

  test('fewer verbs, fewer resources or named resources grant nothing new', () => {
    const narrower = role([
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['one'] },
    ]);
    expect(rbacBroadening(base, narrower)).toEqual([]);
    expect(rbacBroadening(role([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]), base)).toEqual([]);
  });

  test('a new verb, resource or group is reported with what it grants', () => {
    const wider = role([{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get', 'list', 'delete'] }]);
    expect(rbacBroadening(base, wider)).toEqual(['rule 0 grants get,list,delete on pods,secrets in API groups [-]']);
  });

  test('bindings: new subjects and another role are broadenings', () => {
    const binding = (subjects: object[], role = 'r'): KubeObject => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'b', namespace: 'a1' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
      subjects,
    });
    const one = [{ kind: 'Group', name: 'g:a' }];
    expect(rbacBroadening(binding(one), binding([]))).toEqual([]);
    expect(
      rbacBroadening(binding(one), binding([...one, { kind: 'ServiceAccount', name: 'ci', namespace: 'b1' }], 'admin')),
    ).toEqual(['binds a different role (roleRef changed)', 'binds new subject ServiceAccount:b1/ci']);
  });
});

describe('fabric partition keys', () => {
  const nad = (config: string): KubeObject => ({
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: 'n', namespace: 'a1' },
    spec: { config },
  });

  test('read the PKey or VLAN of CNI configs and SR-IOV networks, in one notation', () => {
    expect(partitionKey(nad('{"type":"ib-sriov","pkey":"0x0102"}'))).toBe('pkey:0x0102');
    expect(partitionKey(nad('{"type":"ib-sriov","pkey":"0x102"}'))).toBe('pkey:0x0102');
    expect(partitionKey(nad('{"plugins":[{"type":"tuning"},{"type":"ib-sriov","pkey":258}]}'))).toBe('pkey:0x0102');
    expect(partitionKey(nad('{"type":"macvlan","vlan":120}'))).toBe('vlan:120');
    expect(partitionKey(nad('not json'))).toBeUndefined();
    const sriov = {
      apiVersion: 'sriovnetwork.openshift.io/v1',
      kind: 'SriovNetwork',
      metadata: { name: 's' },
      spec: { vlan: 3001 },
    };
    expect(partitionKey(sriov)).toBe('vlan:3001');
    expect(partitionKey({ ...sriov, kind: 'ConfigMap' })).toBeUndefined();
  });
});

describe('quantities and field diffs', () => {
  test('parse Kubernetes quantities', () => {
    expect(['8', '250m', '2048Gi', '1Ti', '1.5k', '1e3'].map(parseQuantity)).toEqual([
      8,
      0.25,
      2048 * 2 ** 30,
      2 ** 40,
      1500,
      1000,
    ]);
    expect(parseQuantity('lots')).toBeNaN();
  });

  test('diffFields reports a reordered list of named entries (Kueue tries flavors in order)', () => {
    const flavors = (...names: string[]) => ({ flavors: names.map((name) => ({ name, quota: 1 })) });
    expect(diffFields(flavors('h100', 'h200'), flavors('h200', 'h100'))).toEqual([
      { path: 'flavors[*].name (order)', old: ['h100', 'h200'], new: ['h200', 'h100'] },
    ]);
    expect(diffFields(flavors('h100', 'h200'), flavors('h100', 'gb200', 'h200'))).toEqual([
      { path: 'flavors[name=gb200]', new: { name: 'gb200', quota: 1 } },
    ]);
  });

  test('diffFields finds no change exactly when two values are equal up to key order', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(diffFields(a, a)).toEqual([]);
        expect(diffFields(a, b).length === 0).toBe(canonical(a) === canonical(b));
      }),
      { numRuns: 300 },
    );
  });
});
