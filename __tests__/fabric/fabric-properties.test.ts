/** Invariants of the fabric's pure planners over generated inputs (seeded, reproducible with FC_SEED). */
import fc from 'fast-check';
import { blockSize, formatCidr, overlaps, parseCidr, planRailAddresses } from '../../fabric/address-plan';
import { assignPartitions, PARTITION_RANGE } from '../../fabric/partitions';
import { leafDownlinks, sizeFabric } from '../../fabric/sizing';
import { SEED } from '../support/arbitraries';

const params = { seed: SEED, numRuns: 300 };

const pool = fc.record({
  name: fc.constantFrom('a', 'b', 'c'),
  nodes: fc.integer({ min: 1, max: 20000 }),
  rails: fc.constantFrom(1, 4, 8),
  gpusPerNode: fc.constantFrom(4, 8),
  nodesPerScalableUnit: fc.integer({ min: 1, max: 256 }),
});

describe('fabric sizing properties', () => {
  test('a buildable design never uses more ports than a switch has, and meets the target oversubscription', () => {
    fc.assert(
      fc.property(
        fc.array(pool, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 8, max: 128 }).map((p) => p * 2),
        fc.constantFrom(1, 2, 3),
        (pools, ports, oversubscription) => {
          const result = sizeFabric({ pools, switchPorts: ports, linkGbps: 400, oversubscription, maxTiers: 3 });
          if (!result.ok) {
            expect(result.failure.message).toContain(`${ports}-port switches`);
            return;
          }
          const s = result.sizing;
          const down = leafDownlinks(ports, oversubscription);
          expect(s.pools).toHaveLength(pools.length);
          for (const [i, p] of s.pools.entries()) {
            const su = pools[i].nodesPerScalableUnit;
            const nodesPerLeaf = Math.ceil(su / p.leavesPerRailPerScalableUnit);
            expect(nodesPerLeaf).toBeLessThanOrEqual(down);
            if (s.tiers > 1) {
              expect(nodesPerLeaf + p.uplinksPerLeaf).toBeLessThanOrEqual(ports);
              expect(nodesPerLeaf / p.uplinksPerLeaf).toBeLessThanOrEqual(oversubscription);
            }
          }
          const leafSpine = s.tierLinks.find((t) => t.tier === 'leaf-spine')?.links ?? 0;
          if (s.tiers === 2) expect(leafSpine / s.spineSwitches).toBeLessThanOrEqual(ports);
          if (s.tiers === 3) expect(s.tierLinks[2].links).toBeLessThanOrEqual(s.coreSwitches * ports);
          expect(s.maxHops).toBe(2 * s.tiers - 1);
          expect(s.optics).toBe(2 * s.links);
          expect(s.bisectionTbps).toBeLessThanOrEqual((s.endpoints * 400) / 2 / 1000 + 1e-9);
        },
      ),
      params,
    );
  });

  test('more switch ports never need more tiers', () => {
    fc.assert(
      fc.property(fc.array(pool, { minLength: 1, maxLength: 3 }), fc.integer({ min: 8, max: 64 }), (pools, half) => {
        const tiers = (ports: number) => {
          const r = sizeFabric({ pools, switchPorts: ports, linkGbps: 400, oversubscription: 1, maxTiers: 3 });
          return r.ok ? r.sizing.tiers : 4;
        };
        expect(tiers(4 * half)).toBeLessThanOrEqual(tiers(2 * half));
      }),
      params,
    );
  });
});

describe('address plan properties', () => {
  test('rail ranges lie inside railCIDR, never overlap, and hold their nodes when the plan succeeds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 24 }),
        fc.array(fc.integer({ min: 0, max: 40000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 16 }),
        (prefix, nodesPerRail, block) => {
          const railCIDR = { base: parseCidr('100.64.0.0/10')!.base, prefix: Math.max(prefix, 10) };
          const plan = planRailAddresses({ railCIDR, nodesPerRail, perNodeBlockSize: nodesPerRail.map(() => block) });
          if (!plan.ok) {
            plan.failures.forEach((f) => expect(f.fix).toMatch(/prefix \/\d+ or shorter|IPv4 space/));
            return;
          }
          const ranges = plan.rails.map((r) => parseCidr(r.cidr)!);
          ranges.forEach((r, i) => {
            expect(overlaps(r, railCIDR)).toBe(true);
            expect(r.base + blockSize(r.prefix)).toBeLessThanOrEqual(railCIDR.base + blockSize(railCIDR.prefix));
            expect(plan.rails[i].requiredAddresses).toBeLessThanOrEqual(plan.rails[i].addresses);
            ranges.slice(i + 1).forEach((o) => expect(overlaps(r, o)).toBe(false));
          });
          expect(formatCidr(ranges[0])).toBe(plan.rails[0].cidr);
        },
      ),
      params,
    );
  });
});

describe('partition properties', () => {
  test('any set of tenants gets distinct partitions in range, and pinned ones are kept', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), { minLength: 1, maxLength: 256 }),
        fc.constantFrom('pkey' as const, 'vlan' as const),
        fc.integer({ min: 1, max: 4094 }),
        (names, kind, pinned) => {
          const tenants = names.map((name, i) => (i === 0 ? { name, fabricPartition: pinned } : { name }));
          const { partitions, failures } = assignPartitions(kind, tenants);
          expect(failures).toEqual([]);
          expect(partitions.get(names[0])).toBe(pinned);
          const ids = [...partitions.values()];
          expect(new Set(ids).size).toBe(names.length);
          ids.forEach((id) => {
            expect(id).toBeGreaterThanOrEqual(PARTITION_RANGE[kind].min);
            expect(id).toBeLessThanOrEqual(PARTITION_RANGE[kind].max);
          });
        },
      ),
      params,
    );
  });
});
