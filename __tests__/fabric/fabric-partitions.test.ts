import { assignPartitions, formatPartition } from '../../fabric/partitions';

describe('fabric partitions', () => {
  const tenants = [{ name: 'grok' }, { name: 'grok-research' }, { name: 'anthropic', fabricPartition: 3001 }];

  test('every tenant gets its own partition, pinned ones honoured', () => {
    const { partitions, failures } = assignPartitions('vlan', tenants);
    expect(failures).toEqual([]);
    expect(partitions.get('anthropic')).toBe(3001);
    const ids = [...partitions.values()];
    expect(new Set(ids).size).toBe(3);
    ids.forEach((id) => expect(id >= 1 && id <= 4094).toBe(true));
  });

  test('assignment is deterministic and ignores the order tenants are listed in', () => {
    const a = assignPartitions('pkey', tenants).partitions;
    const b = assignPartitions('pkey', [...tenants].reverse()).partitions;
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
  });

  test('adding a tenant does not move the others (no collision)', () => {
    const before = assignPartitions('vlan', tenants).partitions;
    const after = assignPartitions('vlan', [...tenants, { name: 'new-lab' }]).partitions;
    for (const [name, id] of before) expect(after.get(name)).toBe(id);
  });

  test('an automatic partition never takes a pinned one', () => {
    const auto = assignPartitions('pkey', [{ name: 'a' }]).partitions.get('a')!;
    const { partitions } = assignPartitions('pkey', [{ name: 'a' }, { name: 'b', fabricPartition: auto }]);
    expect(partitions.get('b')).toBe(auto);
    expect(partitions.get('a')).toBe(auto + 1);
  });

  test('PKeys stay clear of the default partition 0x7FFF and print as hex', () => {
    const { partitions } = assignPartitions('pkey', [{ name: 'x' }, { name: 'y' }, { name: 'z' }]);
    for (const id of partitions.values()) expect(id).toBeLessThanOrEqual(0x7ffe);
    expect(formatPartition('pkey', 0x101)).toBe('0x0101');
    expect(formatPartition('vlan', 101)).toBe('101');
  });

  test('fails when every VLAN is taken (constructs composed in code are not capped at 256 tenants)', () => {
    const many = Array.from({ length: 4094 }, (_, i) => ({ name: `t${i}` }));
    // 4,093 automatic VLANs (2-4094) for 4,094 tenants: one is left without.
    const { partitions, failures } = assignPartitions('vlan', many);
    expect(partitions.size).toBe(4093);
    expect(failures).toEqual([
      expect.objectContaining({
        code: 'fabric-partitions-exhausted',
        message: expect.stringContaining('2-4094 are all taken'),
      }),
    ]);
  });

  test('fails when two tenants pin the same partition', () => {
    const { failures } = assignPartitions('vlan', [
      { name: 'a', fabricPartition: 100 },
      { name: 'b', fabricPartition: 100 },
    ]);
    expect(failures).toEqual([
      expect.objectContaining({
        code: 'duplicate-fabric-partition',
        tenant: 1,
        message: 'VLAN 100 of tenant "b" is tenant "a"\'s too; tenants never share a partition',
      }),
    ]);
  });

  test('fails when a pinned partition is outside the range of its kind', () => {
    const { failures } = assignPartitions('vlan', [{ name: 'a', fabricPartition: 5000 }]);
    expect(failures[0]).toMatchObject({
      code: 'fabric-partition-out-of-range',
      message: 'VLAN 5000 of tenant "a" is outside 1-4094',
    });
    const pkey = assignPartitions('pkey', [{ name: 'a', fabricPartition: 0x7fff }]).failures;
    expect(pkey[0].message).toBe('partition key 0x7fff of tenant "a" is outside 0x0001-0x7ffe');
  });
});
