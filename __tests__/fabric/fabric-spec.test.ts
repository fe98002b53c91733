/** The fabric checks as a spec author meets them: each failure with its code, field path, numbers and fix. */
import { stringify } from 'yaml';
import { formatPath } from '../../spec/errors';
import { parseSpec } from '../../spec/load';
import { specIssues } from '../support/spec-issues';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** PCI addresses of a DGX H100's eight ConnectX-7 rail ports. */
const RAIL_PCI_ADDRESSES = ['18', '40', '4f', '5e', '9a', 'c0', 'ce', 'dc'].map((bus) => `0000:${bus}:00.0`);

/** A lab spec with a Spectrum-X fabric; `edit` changes it before it is loaded. */
function spec(edit: (doc: Doc) => void = () => undefined): string {
  const doc: Doc = {
    apiVersion: 'colossus.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name: 'lab' },
    spec: {
      kubernetes: { version: '1.33', context: 'lab', podCIDR: '10.0.0.0/16', serviceCIDR: '10.96.0.0/12' },
      site: { name: 'lab', powerBudgetMW: 1000, maxRackKW: 100 },
      nodePools: [
        {
          name: 'h100',
          gpu: 'H100-SXM5-80GB',
          nodes: 2,
          nodesPerRack: 2,
          racksPerBlock: 1,
          railPciAddresses: RAIL_PCI_ADDRESSES,
        },
      ],
      tenants: [
        { name: 'team-a', groups: ['lab:a'], gpuQuota: { h100: 8 } },
        { name: 'partner', external: true, groups: ['partner:admins'], gpuQuota: { h100: 8 } },
      ],
      fabric: {
        kind: 'spectrum-x',
        linkGbps: 400,
        switch: { model: 'SN5600', ports: 128, portGbps: 400 },
        railCIDR: '100.64.0.0/16',
      },
    },
  };
  edit(doc);
  return stringify(doc);
}

const issuesOf = specIssues;

/** The only issue of `text`, with its path rendered. */
function onlyIssue(text: string) {
  const issues = issuesOf(text);
  expect(issues).toHaveLength(1);
  return { ...issues[0], at: formatPath(issues[0].path) };
}

describe('spec.fabric', () => {
  test('a lab fabric loads; without spec.fabric nothing is required', () => {
    expect(issuesOf(spec())).toEqual([]);
    const { cluster } = parseSpec(spec(), 'spec.yaml');
    expect(cluster.fabric?.kind).toBe('spectrum-x');
    expect(
      issuesOf(
        spec((d) => {
          delete d.spec.fabric;
          delete d.spec.kubernetes.podCIDR;
        }),
      ),
    ).toEqual([]);
  });

  test('fails without the pod and service ranges the rails are checked against', () => {
    const i = onlyIssue(spec((d) => delete d.spec.kubernetes.podCIDR));
    expect(i).toMatchObject({ code: 'fabric-needs-cluster-ranges', at: 'spec.kubernetes' });
    expect(i.fix).toContain('declare spec.kubernetes.podCIDR');
  });

  test('fails when the rail range overlaps the pod range, naming both', () => {
    const i = onlyIssue(spec((d) => (d.spec.fabric.railCIDR = '10.0.128.0/17')));
    expect(i).toMatchObject({
      code: 'cidr-overlap',
      at: 'spec.kubernetes.podCIDR',
      message: 'spec.kubernetes.podCIDR 10.0.0.0/16 overlaps spec.fabric.railCIDR 10.0.128.0/17',
    });
  });

  test('fails when the pod and service ranges overlap', () => {
    const i = onlyIssue(spec((d) => (d.spec.kubernetes.serviceCIDR = '10.0.200.0/24')));
    expect(i).toMatchObject({ code: 'cidr-overlap', at: 'spec.kubernetes.serviceCIDR' });
  });

  test('fails on a range with host bits set, or octets out of range', () => {
    expect(onlyIssue(spec((d) => (d.spec.fabric.railCIDR = '100.64.3.0/16')))).toMatchObject({
      code: 'cidr-host-bits',
      at: 'spec.fabric.railCIDR',
      fix: 'write "100.64.0.0/16"',
    });
    expect(onlyIssue(spec((d) => (d.spec.fabric.railCIDR = '300.64.0.0/16')))).toMatchObject({
      code: 'invalid-cidr',
      at: 'spec.fabric.railCIDR',
    });
  });

  test('fails when a rail range is exhausted, stating the prefix needed', () => {
    const issues = issuesOf(spec((d) => (d.spec.fabric.railCIDR = '100.64.0.0/28')));
    expect(issues.map((i) => i.code)).toEqual(['fabric-range-exhausted']);
    // 2 nodes x 8 pods need 16 usable addresses: a /27 per rail, eight of them in a /24.
    expect(issues[0].message).toContain('rails 0-7 need 16 addresses (2 nodes x 8 per node) each');
    expect(issues[0].fix).toBe('give railCIDR prefix /24 or shorter (each of the 8 rails then gets a /27)');
  });

  test('fails when the switch radix is too small for the tiers allowed', () => {
    const i = onlyIssue(
      spec((d) => {
        d.spec.nodePools[0] = {
          ...d.spec.nodePools[0],
          nodes: 4096,
          nodesPerRack: 4,
          racksPerBlock: 8,
        };
        d.spec.tenants.forEach((t: Doc) => (t.gpuQuota.h100 = 8));
        d.spec.fabric.switch = { model: 'QM9700', ports: 64, portGbps: 400 };
        d.spec.fabric.maxTiers = 2;
        d.spec.fabric.railCIDR = '100.64.0.0/12';
      }),
    );
    expect(i).toMatchObject({ code: 'fabric-radix-too-small', at: 'spec.fabric.switch.ports' });
    expect(i.message).toBe(
      '32,768 GPU NIC ports need 1,024 leaf switches (32 node ports each at 1:1), more than 2 tiers of 64-port switches can join (at most 64 leaves)',
    );
    expect(i.fix).toContain('allow maxTiers: 3');
  });

  test('fails when the scalable unit does not match a pool block, with the racksPerBlock that would', () => {
    const i = onlyIssue(spec((d) => (d.spec.fabric.nodesPerScalableUnit = 32)));
    expect(i).toMatchObject({ code: 'scalable-unit-mismatch', at: 'spec.nodePools[0].racksPerBlock' });
    expect(i.message).toContain(
      'pool "h100" blocks hold 2 nodes (1 racks x 2) but spec.fabric.nodesPerScalableUnit is 32',
    );
    expect(i.fix).toContain('set racksPerBlock: 16 on pool "h100"');
  });

  test('fails when switch ports and NICs run at different speeds', () => {
    const i = onlyIssue(spec((d) => (d.spec.fabric.switch.portGbps = 800)));
    expect(i).toMatchObject({ code: 'fabric-port-speed', at: 'spec.fabric.switch.portGbps' });
  });

  test('fails when nothing would create the rail names: no railInterfaces and too few railPciAddresses (NicInterfaceNameTemplate needs them)', () => {
    const i = onlyIssue(spec((d) => (d.spec.nodePools[0].railPciAddresses = RAIL_PCI_ADDRESSES.slice(0, 4))));
    expect(i).toMatchObject({
      code: 'fabric-rail-names',
      at: 'spec.nodePools[0].railPciAddresses',
      message:
        'pool "h100" has 8 rail NICs but 4 PCI addresses, and spec.fabric.railInterfaces is not declared: nothing would create the rail names rail0..7',
    });
    // Names the image gives the NICs need no renaming.
    expect(
      issuesOf(
        spec((d) => {
          delete d.spec.nodePools[0].railPciAddresses;
          d.spec.fabric.railInterfaces = RAIL_PCI_ADDRESSES.map((_, r) => `ens${r}np0`);
        }),
      ),
    ).toEqual([]);
  });

  test('fails when fewer rail NIC names are given than the pools have rails', () => {
    const i = onlyIssue(spec((d) => (d.spec.fabric.railInterfaces = ['eth0', 'eth1'])));
    expect(i).toMatchObject({
      code: 'fabric-rail-interfaces',
      at: 'spec.fabric.railInterfaces',
      message: '2 rail NIC names are given but the pools have 8 rails',
    });
  });

  test('fails when two tenants pin the same partition', () => {
    const i = onlyIssue(spec((d) => d.spec.tenants.forEach((t: Doc) => (t.fabricPartition = 100))));
    expect(i).toMatchObject({ code: 'duplicate-fabric-partition', at: 'spec.tenants[1].fabricPartition' });
    expect(i.message).toContain('VLAN 100 of tenant "partner" is tenant "team-a"\'s too');
  });

  test('fails when a VLAN is above 4094 (a PKey may be)', () => {
    const vlan = onlyIssue(spec((d) => (d.spec.tenants[0].fabricPartition = 0x1000)));
    expect(vlan).toMatchObject({ code: 'fabric-partition-out-of-range', at: 'spec.tenants[0].fabricPartition' });
    const ib = spec((d) => {
      d.spec.fabric.kind = 'infiniband';
      d.spec.tenants[0].fabricPartition = 0x1000;
    });
    expect(issuesOf(ib)).toEqual([]);
    // 0x7FFF is the default partition: the schema stops it.
    expect(onlyIssue(ib.replace('fabricPartition: 4096', 'fabricPartition: 0x7fff'))).toMatchObject({
      code: 'out-of-range',
      at: 'spec.tenants[0].fabricPartition',
    });
  });

  test('fails when more tenants share a pool than an InfiniBand port has partition keys', () => {
    const i = onlyIssue(
      spec((d) => {
        d.spec.fabric.kind = 'infiniband';
        d.spec.allowOvercommit = true;
        d.spec.tenants = Array.from({ length: 128 }, (_, n) => ({
          name: `t${n}`,
          groups: [`g:${n}`],
          gpuQuota: { h100: 1 },
        }));
      }),
    );
    expect(i).toMatchObject({ code: 'fabric-too-many-partitions', at: 'spec.nodePools[0]' });
    expect(i.message).toContain('128 tenants have quota on pool "h100"');
  });
});
