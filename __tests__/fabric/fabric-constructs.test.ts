/** What the fabric emits: operator objects, rail pools, per-tenant partitions, Kueue Topology, summary. */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { POLICY_NAMES } from '../../admission/policies';
import {
  NETWORK_OPERATOR_NAMESPACE,
  NVLINK_CLIQUE_LABEL,
  NVLINK_TOPOLOGY_NAME,
  TOPOLOGY_NAME,
} from '../../constructs/fabric';
import { requireFabricPlan } from '../../fabric/plan';
import { KubeObject, LABELS } from '../../model/kube';
import { formatSummary } from '../../reports/summary';
import { loadSpecFile } from '../../spec/load';
import { isCoreApi, validateCoreObjects } from '../support/core-validator';
import { describeWithCrds, validateCustomResource } from '../support/crd-validator';
import { ROOT, synthToTemp, SynthOutput } from '../support/synth';

type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FABRIC_KINDS = [
  'NicClusterPolicy',
  'IPPool',
  'SriovNetworkNodePolicy',
  'SriovNetwork',
  'NetworkAttachmentDefinition',
  'Topology',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
];

const FABRIC_POLICY = POLICY_NAMES.networks;

let colossus: SynthOutput;
let ib: SynthOutput;
beforeAll(() => {
  colossus = synthToTemp('examples/colossus-1.yaml');
  ib = synthToTemp('examples/infiniband.yaml');
});

const all = (out: SynthOutput): KubeObject[] => out.stacks.flatMap((s) => out.yamlObjects(s));
/** The objects of one cell of the built-in example (its stacks `colossus-1-<cell>-*`). */
const cell = (name: string): KubeObject[] =>
  colossus.stacks.filter((s) => s.startsWith(`colossus-1-${name}-`)).flatMap((s) => colossus.yamlObjects(s));
/** The built-in example's cells: h100 in four, h200 in two, the partner's GB200 in two of its own. */
const CELLS = ['h100-c00', 'h100-c01', 'h100-c02', 'h100-c03', 'h200-c00', 'h200-c01', 'gb200-c00', 'gb200-c01'];
/** A cell's pool: `h100-c00` -> `h100`. */
const poolOf = (name: string) => name.split('-')[0];
const ofKind = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);
const spec = (o: KubeObject) => o.spec as Spec;

describe('Spectrum-X fabric of the built-in Colossus example', () => {
  test('the summary reports the sized fabric with exactly the documented fields', () => {
    const fabric = colossus.summary.fabric!;
    expect(Object.keys(fabric).sort()).toEqual(
      [
        'kind',
        'tiers',
        'leafSwitches',
        'spineSwitches',
        'coreSwitches',
        'links',
        'optics',
        'perGpuGbps',
        'bisectionTbps',
        'maxHops',
        'rails',
      ].sort(),
    );
    expect(fabric).toMatchObject({
      kind: 'spectrum-x',
      tiers: 3,
      leafSwitches: 3764,
      perGpuGbps: 400,
      bisectionTbps: 46057.6,
      maxHops: 5,
    });
    expect(fabric.rails).toHaveLength(8);
    expect(fabric.rails[7]).toEqual({ rail: 7, cidr: '100.120.0.0/13', addresses: 524286 });
    const written = JSON.parse(fs.readFileSync(path.join(colossus.outdir, 'reports', 'summary.json'), 'utf8'));
    expect(written.fabric).toEqual(fabric);
    const printed = formatSummary(colossus.summary).split('\n');
    expect(printed).toEqual(
      expect.arrayContaining([
        '  fabric spectrum-x: 3 tiers, 3,764 leaf + 3,728 spine + 1,803 core switches, 691,728 links, 1,383,456 optics',
        '  fabric bandwidth: 400 Gb/s per GPU, 46,057.6 Tb/s bisection, at most 5 switch hops',
        '  fabric rail 0: 100.64.0.0/13 (524,286 addresses)',
      ]),
    );
  });

  test('one NicClusterPolicy per cell on its pool’s nodes, tolerating the dedicated pool in the partner’s cells, without ib-kubernetes', () => {
    for (const name of CELLS) {
      const [policy, ...more] = ofKind(cell(name), 'NicClusterPolicy');
      expect(more).toEqual([]);
      expect(policy.metadata.name).toBe('nic-cluster-policy');
      expect(Object.keys(spec(policy)).sort()).toEqual(
        ['nicConfigurationOperator', 'nodeAffinity', 'nvIpam', 'ofedDriver', 'secondaryNetwork', 'tolerations'].sort(),
      );
      expect(spec(policy).nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]).toEqual({
        matchExpressions: [{ key: LABELS.pool, operator: 'In', values: [poolOf(name)] }],
      });
      const gpu = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };
      const dedicated = { key: LABELS.dedicated, operator: 'Exists', effect: 'NoSchedule' };
      expect(spec(policy).tolerations).toEqual(poolOf(name) === 'gb200' ? [gpu, dedicated] : [gpu]);
    }
  });

  test('one IPPool per rail and cell, in the cell’s slot of the rail range: 8 rails on HGX, 4 on GB200', () => {
    const pools = ofKind(cell('h100-c00'), 'IPPool');
    expect(pools.map((p) => p.metadata.name)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((r) => `rail-${r}`));
    pools.forEach((p) => expect(p.metadata.namespace).toBe(NETWORK_OPERATOR_NAMESPACE));
    const nodes = (p: KubeObject) => spec(p).nodeSelector.nodeSelectorTerms[0].matchExpressions[0].values;
    pools.forEach((p) => expect(nodes(p)).toEqual(['h100']));
    // A /16 per rail holds a full cell: 5,000 nodes x 8 addresses.
    expect(spec(pools[0])).toMatchObject({ subnet: '100.64.0.0/16', perNodeBlockSize: 8 });
    expect(ofKind(cell('gb200-c00'), 'IPPool').map((p) => [p.metadata.name, spec(p).subnet])).toEqual([
      ['rail-0', '100.112.0.0/15'],
      ['rail-1', '100.114.0.0/15'],
      ['rail-2', '100.116.0.0/15'],
      ['rail-3', '100.118.0.0/15'],
    ]);
    // No two cells share a rail range.
    const subnets = ofKind(all(colossus), 'IPPool').map((p) => spec(p).subnet);
    expect(new Set(subnets).size).toBe(subnets.length);
  });

  test('an RDMA SR-IOV policy per rail in each cell: 8 on HGX, 4 on GB200 trays', () => {
    const policies = ofKind(all(colossus), 'SriovNetworkNodePolicy');
    expect(policies).toHaveLength(6 * 8 + 2 * 4);
    policies.forEach((p) => expect(spec(p)).toMatchObject({ isRdma: true, linkType: 'eth', deviceType: 'netdevice' }));
    const gb200 = ofKind(cell('gb200-c00'), 'SriovNetworkNodePolicy');
    expect(gb200.map((p) => spec(p).resourceName).sort()).toEqual(['rail0', 'rail1', 'rail2', 'rail3']);
    expect(spec(gb200[0]).numVfs).toBe(4); // one pod per GPU of a 4-GPU tray
  });

  test('every tenant gets its own VLAN, attached only in its own namespaces', () => {
    const vlans = new Map<string, number>();
    for (const stack of colossus.stacks.filter((s) => s.includes('-tenant-'))) {
      const tenant = stack.split('-tenant-')[1];
      const namespaces = ofKind(colossus.yamlObjects(stack), 'Namespace').map((n) => n.metadata.name);
      const networks = ofKind(colossus.yamlObjects(stack), 'SriovNetwork');
      // A tenant gets the rails of the pools it holds or borrows on: 8 on HGX, 4 on GB200 trays (no rail-4..7 there).
      expect(networks).toHaveLength(namespaces.length * (tenant === 'anthropic' ? 4 : 8));
      const own = new Set(networks.map((n) => spec(n).vlan));
      expect(own.size).toBe(1);
      networks.forEach((n) => {
        expect(namespaces).toContain(spec(n).networkNamespace);
        expect(n.metadata.namespace).toBe(NETWORK_OPERATOR_NAMESPACE);
        expect(n.metadata.labels?.[LABELS.tenant]).toBe(tenant);
        expect(JSON.parse(spec(n).ipam)).toEqual({
          type: 'nv-ipam',
          poolName: `rail-${spec(n).resourceName.slice(4)}`,
        });
      });
      // The same VLAN in every cell of the tenant.
      expect(vlans.get(tenant) ?? [...own][0]).toBe([...own][0]);
      vlans.set(tenant, [...own][0]);
    }
    expect(vlans.get('anthropic')).toBe(3001);
    expect(new Set(vlans.values()).size).toBe(vlans.size);
    // Tenants cannot write attachments of their own.
    for (const role of ofKind(all(colossus), 'Role')) {
      const groups = (role.rules as { apiGroups: string[] }[]).flatMap((r) => r.apiGroups);
      expect(groups).not.toEqual(expect.arrayContaining(['k8s.cni.cncf.io']));
      expect(groups).not.toEqual(expect.arrayContaining(['sriovnetwork.openshift.io']));
      expect(groups).not.toContain('*');
    }
    // Nothing of the fabric is in another tenant's stack or the platform's.
    for (const name of CELLS) {
      expect(ofKind(colossus.yamlObjects(`colossus-1-${name}-platform`), 'SriovNetwork')).toEqual([]);
    }
  });

  test('SR-IOV settings stay strings for YAML 1.1 readers such as kubectl', () => {
    const dir = path.join(colossus.outdir, 'manifests', 'colossus-1-h100-c00-tenant-grok');
    const file = fs.readdirSync(dir).find((f) => f.endsWith('-sriovnetwork.yaml'))!;
    const [doc] = parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'), { version: '1.1' });
    expect((doc.toJS() as Spec).spec).toMatchObject({ spoofChk: 'on', trust: 'off' });
  });

  test('Kueue Topologies with the block, rack and host labels, and the NVLink clique (GFD nvidia.com/gpu.clique) for NVL72', () => {
    // One per cell, and the manager's mirror of each (MultiKueue needs the same names on both sides).
    const topologies = ofKind(all(colossus), 'Topology');
    expect(topologies).toHaveLength(8 + 2);
    const hgx = ofKind(cell('h100-c00'), 'Topology')[0];
    const nvl = ofKind(cell('gb200-c00'), 'Topology')[0];
    for (const t of topologies) expect(t).toEqual(t.metadata.name === TOPOLOGY_NAME ? hgx : nvl);
    expect(hgx.metadata.name).toBe(TOPOLOGY_NAME);
    expect(spec(hgx).levels).toEqual([
      { nodeLabel: LABELS.placementBlock },
      { nodeLabel: LABELS.placementRack },
      { nodeLabel: 'kubernetes.io/hostname' },
    ]);
    expect(nvl.metadata.name).toBe(NVLINK_TOPOLOGY_NAME);
    expect(spec(nvl).levels).toEqual([
      { nodeLabel: LABELS.placementBlock },
      { nodeLabel: LABELS.placementRack },
      { nodeLabel: NVLINK_CLIQUE_LABEL },
      { nodeLabel: 'kubernetes.io/hostname' },
    ]);
    const flavors = ofKind(colossus.yamlObjects('colossus-1-manager'), 'ResourceFlavor');
    expect(Object.fromEntries(flavors.map((f) => [f.metadata.name, spec(f).topologyName]))).toEqual({
      h100: TOPOLOGY_NAME,
      h200: TOPOLOGY_NAME,
      gb200: NVLINK_TOPOLOGY_NAME,
    });
  });

  test('the NIC Configuration Operator names the rail NICs rail<k> from their PCI addresses and sets RoCE and the VF count', () => {
    const names = ofKind(all(colossus), 'NicInterfaceNameTemplate');
    // One per cell, for the cell's pool.
    expect(names.map((n) => n.metadata.name).sort()).toEqual(CELLS.map((c) => `${poolOf(c)}-rail-names`).sort());
    const gb200 = ofKind(cell('gb200-c00'), 'NicInterfaceNameTemplate')[0];
    expect(spec(gb200)).toMatchObject({
      nodeSelector: { [LABELS.pool]: 'gb200' },
      pfsPerNic: 1,
      netDevicePrefix: 'rail%rail_id%',
    });
    expect(spec(gb200).railPciAddresses).toHaveLength(4);
    // The SR-IOV policies select exactly the names the template creates.
    const policies = ofKind(cell('h100-c00'), 'SriovNetworkNodePolicy');
    expect(policies.map((p) => spec(p).nicSelector.pfNames[0])).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7].map((r) => `rail${r}`),
    );
    const configs = ofKind(cell('h100-c00'), 'NicConfigurationTemplate');
    expect(spec(configs.find((c) => c.metadata.name === 'h100-rail-config')!).template).toMatchObject({
      numVfs: 8,
      linkType: 'Ethernet',
      roceOptimized: { enabled: true },
    });
    const [policy] = ofKind(cell('h100-c00'), 'NicClusterPolicy');
    expect(spec(policy).nicConfigurationOperator.operator.image).toBe('nic-configuration-operator');
  });

  test('tenant pods may attach only networks of their own namespace, and no raw rail VFs', () => {
    const named = (kind: string) => ofKind(all(colossus), kind).find((o) => o.metadata.name === FABRIC_POLICY)!;
    const [policy, binding] = [named('ValidatingAdmissionPolicy'), named('ValidatingAdmissionPolicyBinding')];
    expect(spec(policy).matchConstraints.resourceRules[0]).toMatchObject({ resources: ['pods'] });
    expect(spec(policy).failurePolicy).toBe('Fail');
    const expressions = spec(policy)
      .validations.map((v: Spec) => v.expression)
      .join('\n');
    // What each check does is evaluated in __tests__/admission/admission-corpus.test.ts; here, that they are there.
    expect(expressions).toContain(`'(?i)"namespace"'`);
    expect(expressions).toContain("'v1.multus-cni.io/default-network' in variables.annotations");
    expect(expressions).toContain("startsWith('nvidia.com/rail')");
    expect(spec(binding)).toEqual({
      policyName: policy.metadata.name,
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchExpressions: [{ key: LABELS.tenant, operator: 'Exists' }] } },
    });
  });
});

describe('InfiniBand example', () => {
  test('reproduces the DGX B200 SuperPOD 16-SU switch counts', () => {
    expect(ib.summary.fabric).toMatchObject({
      kind: 'infiniband',
      tiers: 3,
      leafSwitches: 128,
      spineSwitches: 128,
      coreSwitches: 64,
      links: 3 * 4096,
      maxHops: 5,
    });
  });

  test('ib-kubernetes in the NicClusterPolicy, InfiniBand VFs on the named rail NICs', () => {
    const [policy] = ofKind(all(ib), 'NicClusterPolicy');
    expect(spec(policy).ibKubernetes).toMatchObject({
      ufmSecret: 'ufm-secret',
      pKeyGUIDPoolRangeStart: '02:00:00:00:00:00:00:00',
    });
    const sriov = ofKind(all(ib), 'SriovNetworkNodePolicy');
    expect(sriov.map((p) => spec(p).nicSelector.pfNames[0])).toEqual(expect.arrayContaining(['ibp24s0', 'ibp220s0']));
    sriov.forEach((p) => expect(spec(p)).toMatchObject({ linkType: 'ib', isRdma: true }));
  });

  test('each tenant gets its own PKey in ib-sriov attachments in its own namespaces', () => {
    const pkeys = new Map<string, string>();
    for (const stack of ib.stacks.filter((s) => s.includes('-tenant-'))) {
      const tenant = stack.split('-tenant-')[1];
      const namespaces = ofKind(ib.yamlObjects(stack), 'Namespace').map((n) => n.metadata.name);
      const nads = ofKind(ib.yamlObjects(stack), 'NetworkAttachmentDefinition');
      expect(nads).toHaveLength(namespaces.length * 8);
      const own = new Set<string>();
      nads.forEach((nad, i) => {
        expect(namespaces).toContain(nad.metadata.namespace);
        const config = JSON.parse(spec(nad).config);
        expect(config).toMatchObject({ type: 'ib-sriov', ibKubernetesEnabled: true, name: nad.metadata.name });
        expect(nad.metadata.annotations?.['k8s.v1.cni.cncf.io/resourceName']).toBe(`nvidia.com/rail${i}`);
        expect(config.ipam).toEqual({ type: 'nv-ipam', poolName: `rail-${i}` });
        own.add(config.pkey);
      });
      expect(own.size).toBe(1);
      pkeys.set(tenant, [...own][0]);
    }
    expect(pkeys.get('research')).toBe('0x0101');
    expect(pkeys.get('partner')).toMatch(/^0x[0-7][0-9a-f]{3}$/);
    expect(new Set(pkeys.values()).size).toBe(2);
    expect(ofKind(all(ib), 'SriovNetwork')).toEqual([]);
  });
});

describe('without spec.fabric', () => {
  test('the lab emits no fabric objects and its flavors no topology', () => {
    const lab = synthToTemp('examples/lab.yaml');
    const objects = all(lab);
    // The tenant guard policies are the platform's, fabric or not; the fabric's own policy is absent.
    const fabricObjects = objects.filter(
      (o) =>
        FABRIC_KINDS.includes(o.kind) &&
        (!o.kind.startsWith('ValidatingAdmission') || o.metadata.name === FABRIC_POLICY),
    );
    expect(fabricObjects).toEqual([]);
    ofKind(objects, 'ResourceFlavor').forEach((f) => expect(spec(f).topologyName).toBeUndefined());
    expect(lab.summary.fabric).toBeUndefined();
  });
});

describe('constructs composed in code', () => {
  test('fails synthesis with every issue and its numbers when the fabric cannot be built', () => {
    const { cluster } = loadSpecFile(path.join(ROOT, 'examples', 'infiniband.yaml'));
    const plan = () =>
      requireFabricPlan({
        fabric: { ...cluster.fabric!, maxTiers: 2 },
        pools: cluster.pools,
        tenants: cluster.tenants,
        podCIDR: cluster.kubernetes.podCIDR,
        serviceCIDR: '100.64.0.0/12',
      });
    expect(plan).toThrow(/spec\.fabric\.switch\.ports: 4,096 GPU NIC ports need 128 leaf switches/);
    expect(plan).toThrow(
      /spec\.kubernetes\.serviceCIDR 100\.64\.0\.0\/12 overlaps spec\.fabric\.railCIDR 100\.64\.0\.0\/16/,
    );
  });
});

describe('conformance of the fabric objects', () => {
  test('core objects (admission policies) match the Kubernetes types', () => {
    const core = [...all(colossus), ...all(ib)].filter((o) => FABRIC_KINDS.includes(o.kind) && isCoreApi(o.apiVersion));
    // The fabric policy and the four tenant guard policies, each with its binding: in each of the example's eight
    // cells, the four guards on its MultiKueue manager (tenants submit jobs there), and once in the InfiniBand example.
    expect(core.length).toBe(10 * 8 + 8 + 10);
    expect(validateCoreObjects(core)).toEqual([]);
  });
});

describeWithCrds('conformance of the fabric custom resources', () => {
  test.each(['colossus', 'ib'])(
    'every fabric custom resource of %s matches its upstream CRD storage version',
    (name) => {
      const out = name === 'colossus' ? colossus : ib;
      const custom = all(out).filter((o) => FABRIC_KINDS.includes(o.kind) && !isCoreApi(o.apiVersion));
      expect(new Set(custom.map((o) => o.kind)).size).toBe(5);
      expect(custom.flatMap(validateCustomResource)).toEqual([]);
    },
  );

  test('the validator would catch an ipam object instead of a JSON string', () => {
    const [network] = ofKind(all(colossus), 'SriovNetwork');
    const broken = { ...network, spec: { ...spec(network), ipam: { type: 'nv-ipam' } } };
    expect(validateCustomResource(broken as KubeObject)).toEqual([
      expect.stringContaining('/spec/ipam must be string'),
    ]);
  });
});
