import { FabricPoolInput, FabricSizingInput, leafDownlinks, sizeFabric } from '../../fabric/sizing';

/** DGX-style pools: 8 GPUs and 8 rails per node. */
const hgx = (nodes: number, nodesPerScalableUnit = 32): FabricPoolInput => ({
  name: 'dgx',
  nodes,
  rails: 8,
  gpusPerNode: 8,
  nodesPerScalableUnit,
});
const ndr = (pools: FabricPoolInput[], more: Partial<FabricSizingInput> = {}): FabricSizingInput => ({
  pools,
  switchPorts: 64, // QM9700: 64 x 400G NDR
  linkGbps: 400,
  oversubscription: 1,
  maxTiers: 3,
  ...more,
});

function sized(input: FabricSizingInput) {
  const result = sizeFabric(input);
  if (!result.ok) throw new Error(result.failure.message);
  return result.sizing;
}

describe('fabric sizing: NVIDIA DGX SuperPOD reference architectures', () => {
  // DGX H100 SuperPOD RA: SU = 32 nodes, 8 leaf + 4 spine per SU, NDR 64-port switches.
  test.each([
    [1, 8, 4],
    [2, 16, 8],
    [4, 32, 16],
  ])('H100, %i SU on 64-port NDR: %i leaf, %i spine, two tiers', (sus, leaf, spine) => {
    const s = sized(ndr([hgx(32 * sus)]));
    expect([s.tiers, s.leafSwitches, s.spineSwitches, s.coreSwitches]).toEqual([2, leaf, spine, 0]);
    expect(s.maxHops).toBe(3);
  });

  // DGX B200 SuperPOD RA, table "compute fabric component count" (leaf, spine, core; cables per tier).
  test.each([
    [2, 16, 8, 0],
    [4, 32, 16, 0],
    [8, 64, 32, 0],
    [16, 128, 128, 64],
    [32, 256, 256, 128],
    [64, 512, 512, 256],
  ])('B200, %i SU on 64-port NDR: %i leaf, %i spine, %i core', (sus, leaf, spine, core) => {
    const s = sized(ndr([hgx(32 * sus)]));
    expect([s.leafSwitches, s.spineSwitches, s.coreSwitches]).toEqual([leaf, spine, core]);
    const gpus = 256 * sus;
    expect(s.tierLinks.map((t) => t.links)).toEqual(core ? [gpus, gpus, gpus] : [gpus, gpus]);
    expect(s.tiers).toBe(core ? 3 : 2);
    expect(s.maxHops).toBe(core ? 5 : 3);
  });

  // DGX B300 XDR SuperPOD RA: SU = 72 nodes on 144-port XDR switches, 8 leaf and 4 spine per SU.
  test.each([
    [1, 8, 4],
    [2, 16, 8],
    [4, 32, 18],
    [8, 64, 36],
    [18, 144, 72],
  ])('B300, %i SU of 72 nodes on 144-port XDR: %i leaf, %i spine', (sus, leaf, spine) => {
    const s = sized({ ...ndr([hgx(72 * sus, 72)]), switchPorts: 144 });
    expect([s.tiers, s.leafSwitches, s.spineSwitches]).toEqual([2, leaf, spine]);
  });

  test('bandwidth, links and optics of one H100 SU', () => {
    const s = sized(ndr([hgx(32)]));
    expect(s.endpoints).toBe(256);
    expect(s.perGpuGbps).toBe(400);
    expect(s.bisectionTbps).toBe(51.2); // 256 x 400G / 2
    expect(s.links).toBe(512);
    expect(s.optics).toBe(1024);
  });
});

describe('fabric sizing: model', () => {
  test('a Colossus-scale Spectrum-X fabric (SN5600, 128 x 400G) needs three tiers', () => {
    const s = sized({
      pools: [
        { name: 'h100', nodes: 18752, rails: 8, gpusPerNode: 8, nodesPerScalableUnit: 64 },
        { name: 'h200', nodes: 6272, rails: 8, gpusPerNode: 8, nodesPerScalableUnit: 64 },
        { name: 'gb200', nodes: 7524, rails: 4, gpusPerNode: 4, nodesPerScalableUnit: 144 },
      ],
      switchPorts: 128,
      linkGbps: 400,
      oversubscription: 1,
      maxTiers: 3,
    });
    expect(s.tiers).toBe(3);
    // 293 + 98 SUs of 8 leaves (64 nodes on 64 node ports); 53 GB200 SUs of 4 rails x 3 leaves.
    expect(s.leafSwitches).toBe(293 * 8 + 98 * 8 + 53 * 12);
    expect(s.endpoints).toBe(25024 * 8 + 7524 * 4);
    expect(s.bisectionTbps).toBe(46057.6);
    expect(s.pools.map((p) => p.leavesPerRailPerScalableUnit)).toEqual([1, 1, 3]);
  });

  test('oversubscription trades uplinks for node ports', () => {
    expect(leafDownlinks(64, 1)).toBe(32);
    expect(leafDownlinks(64, 3)).toBe(48);
    const s = sized(ndr([hgx(48, 48)], { oversubscription: 3 }));
    expect(s.pools[0].uplinksPerLeaf).toBe(16);
    expect(s.bisectionTbps).toBe((8 * 16 * 400) / 2 / 1000);
  });

  test('a single leaf is a one-tier fabric', () => {
    const s = sized(ndr([{ name: 'one', nodes: 2, rails: 1, gpusPerNode: 1, nodesPerScalableUnit: 2 }]));
    expect([s.tiers, s.leafSwitches, s.spineSwitches, s.maxHops]).toEqual([1, 1, 0, 1]);
  });

  test('per-GPU bandwidth is the smallest over the pools', () => {
    const s = sized(ndr([hgx(32), { name: 'half', nodes: 32, rails: 4, gpusPerNode: 8, nodesPerScalableUnit: 32 }]));
    expect(s.perGpuGbps).toBe(200);
  });

  test('fails when two tiers are allowed but the pools need three, naming the numbers and the ways out', () => {
    const result = sizeFabric(ndr([hgx(32 * 16)], { maxTiers: 2 }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.code).toBe('fabric-radix-too-small');
    expect(result.failure.message).toContain('4,096 GPU NIC ports need 128 leaf switches');
    expect(result.failure.message).toContain('2 tiers of 64-port switches');
    expect(result.failure.fix).toContain('allow maxTiers: 3');
    expect(result.failure.fix).toContain('at least 128 ports');
    // Fewer uplinks per leaf do not reduce the leaves a spine must reach: not offered.
    expect(result.failure.fix).not.toContain('oversubscription');
  });

  test('fails when one tier is allowed but the rails need several leaves', () => {
    const result = sizeFabric(ndr([hgx(32)], { maxTiers: 1 }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.message).toBe(
      '256 GPU NIC ports need 8 leaf switches (32 node ports each at 1:1), more than 1 tier of 64-port switches can join (one leaf)',
    );
    expect(result.failure.fix).toBe('allow maxTiers: 2');
  });

  test('fails when even three tiers of small switches cannot join the pools', () => {
    // 8-port switches: 4 node ports per leaf, pods of 4 leaves, at most 8 pods = 32 leaves.
    const result = sizeFabric({ ...ndr([hgx(64, 4)]), switchPorts: 8 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.failure.message).toContain('at most 8 pods of 4 leaves');
  });
});
