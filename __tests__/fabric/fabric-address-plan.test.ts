import {
  findOverlaps,
  formatCidr,
  isNetwork,
  overlaps,
  parseCidr,
  planRailAddresses,
  prefixFor,
} from '../../fabric/address-plan';

const cidr = (text: string) => {
  const c = parseCidr(text);
  if (!c) throw new Error(`bad test CIDR ${text}`);
  return c;
};

describe('IPv4 ranges', () => {
  test('parse and format round-trip', () => {
    expect(formatCidr(cidr('100.64.0.0/10'))).toBe('100.64.0.0/10');
    expect(formatCidr(cidr('255.255.255.255/32'))).toBe('255.255.255.255/32');
  });

  test('fails to parse octets above 255, prefixes above 32 and other text', () => {
    expect(parseCidr('10.0.0.256/8')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0')).toBeUndefined();
    expect(parseCidr('fd00::/8')).toBeUndefined();
  });

  test('host bits and overlaps', () => {
    expect(isNetwork(cidr('100.64.0.0/10'))).toBe(true);
    expect(isNetwork(cidr('100.65.0.0/10'))).toBe(false);
    expect(overlaps(cidr('10.0.0.0/8'), cidr('10.96.0.0/12'))).toBe(true);
    expect(overlaps(cidr('10.0.0.0/9'), cidr('10.192.0.0/16'))).toBe(false);
    expect(overlaps(cidr('100.64.0.0/10'), cidr('100.127.255.0/24'))).toBe(true);
    const named = [
      { name: 'rails', cidr: cidr('100.64.0.0/10') },
      { name: 'pods', cidr: cidr('10.0.0.0/8') },
      { name: 'services', cidr: cidr('10.96.0.0/12') },
    ];
    expect(findOverlaps(named).map(([a, b]) => [a.name, b.name])).toEqual([['pods', 'services']]);
  });

  test('prefixFor gives the largest prefix whose usable addresses suffice', () => {
    expect(prefixFor(254)).toBe(24);
    expect(prefixFor(255)).toBe(23);
    expect(prefixFor(260384)).toBe(14); // 2^18 - 2 = 262,142 usable
  });
});

describe('rail address plan', () => {
  test('splits railCIDR into one equal range per rail, sized from the nodes on it', () => {
    const plan = planRailAddresses({
      railCIDR: cidr('100.64.0.0/10'),
      nodesPerRail: [32548, 32548, 32548, 32548, 25024, 25024, 25024, 25024],
      perNodeBlockSize: [8, 8, 8, 8, 8, 8, 8, 8],
    });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.rails.map((r) => r.cidr)).toEqual([
      '100.64.0.0/13',
      '100.72.0.0/13',
      '100.80.0.0/13',
      '100.88.0.0/13',
      '100.96.0.0/13',
      '100.104.0.0/13',
      '100.112.0.0/13',
      '100.120.0.0/13',
    ]);
    expect(plan.rails[0]).toMatchObject({ addresses: 524286, requiredAddresses: 260384, perNodeBlockSize: 8 });
  });

  test('a rail count that is not a power of two still gets equal, aligned ranges', () => {
    const plan = planRailAddresses({
      railCIDR: cidr('10.0.0.0/16'),
      nodesPerRail: [10, 10, 10],
      perNodeBlockSize: [4, 4, 4],
    });
    expect(plan.ok && plan.rails.map((r) => r.cidr)).toEqual(['10.0.0.0/18', '10.0.64.0/18', '10.0.128.0/18']);
  });

  test('fails when a rail range is exhausted, stating the railCIDR prefix needed', () => {
    const plan = planRailAddresses({
      railCIDR: cidr('100.64.0.0/16'),
      nodesPerRail: [32548, 32548, 32548, 32548, 25024, 25024, 25024, 25024],
      perNodeBlockSize: [8, 8, 8, 8, 8, 8, 8, 8],
    });
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    // Rails 0-3 carry the GB200 trays too, rails 4-7 only HGX nodes: two groups, one failure each.
    expect(plan.failures).toHaveLength(2);
    expect(plan.failures[0].code).toBe('fabric-range-exhausted');
    expect(plan.failures[0].message).toBe(
      'rails 0-3 need 260,384 addresses (32,548 nodes x 8 per node) each but their ranges (/19) hold 8,190 each (100.64.0.0/16 split into 8 ranges)',
    );
    expect(plan.failures[1].message).toContain('rails 4-7 need 200,192 addresses');
    plan.failures.forEach((f) =>
      expect(f.fix).toBe('give railCIDR prefix /11 or shorter (each of the 8 rails then gets a /14)'),
    );
  });

  test('a single short rail is named alone, with its range', () => {
    const plan = planRailAddresses({
      railCIDR: cidr('10.0.0.0/24'),
      nodesPerRail: [40, 10],
      perNodeBlockSize: [4, 4],
    });
    expect(!plan.ok && plan.failures.map((f) => f.message)).toEqual([
      'rail 0 needs 160 addresses (40 nodes x 4 per node) but its range 10.0.0.0/25 holds 126 (10.0.0.0/24 split into 2 ranges)',
    ]);
  });
});
