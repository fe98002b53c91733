/** The benchmark's specs (bench/specs.ts): valid Colossus-shaped clusters of the size asked for. */
import { benchSpec, label } from '../../bench/specs';
import { totalGpus } from '../../model/cluster';
import { parseSpec } from '../../spec/load';

describe('benchmark specs', () => {
  it.each([1_000, 10_000, 100_000, 1_000_000])(
    '%i GPUs: a valid spec within 2%% of the size (NVL72 racks come in 72s)',
    (gpus) => {
      const { document, cluster } = parseSpec(benchSpec(gpus), `bench-${label(gpus)}.yaml`);
      expect(Math.abs(totalGpus(cluster) - gpus) / gpus).toBeLessThan(0.02);
      expect(cluster.pools.map((p) => p.sku.name)).toEqual(['H100-SXM5-80GB', 'H200-SXM-141GB', 'GB200-NVL72']);
      expect(cluster.tenants.filter((t) => t.external).map((t) => t.name)).toEqual(['partner']);
      // Everything the built-in example declares: management, storage, fabric.
      expect(document.spec.management).toBeDefined();
      expect(document.spec.storage?.length).toBe(2);
      expect(document.spec.fabric).toBeDefined();
    },
  );

  it('labels sizes as the table does', () => {
    expect([1_000, 230_000, 1_000_000].map(label)).toEqual(['1k', '230k', '1M']);
  });
});
