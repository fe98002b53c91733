/**
 * The site power model: what each pool draws and how that compares with its site's envelope.
 * Pure arithmetic over catalog figures (maximum draw), no cdktf, so checks and reports share it.
 */
import { GpuSku, rackKW } from '../catalog/gpus';
import { NodePool, Site } from '../model/cluster';

/** The parts of a pool the power model reads. */
export type PowerPool = Pick<NodePool, 'name' | 'sku' | 'nodes' | 'racks' | 'nodesPerRack' | 'site'>;

/** What one pool draws. */
export interface PoolPower {
  readonly pool: string;
  readonly site: string;
  readonly racks: number;
  /** Draw of the pool's fullest GPU rack, kW (compared with the site's `maxRackKW`). */
  readonly maxRackKW: number;
  /** Draw of the pool's GPU racks, kW, at the catalog's maximum figures. */
  readonly gpuKW: number;
  /** `gpuKW` times the site's overhead factor (and its PUE when declared): what the pool costs the site's budget, kW. */
  readonly kW: number;
}

/** What one site draws against its budget. */
export interface SitePower {
  readonly site: string;
  readonly budgetMW: number;
  readonly drawMW: number;
  /** Budget left, MW; negative when the site is over budget. */
  readonly headroomMW: number;
  readonly maxRackKW: number;
  readonly overheadFactor: number;
  /**
   * Facility power over IT power, when the site declares it.
   * @default - none
   */
  readonly pue?: number;
  /**
   * IT load (GPU racks x overhead factor), MW, when the site declares a PUE.
   * @default - none
   */
  readonly itMW?: number;
  /** Pools standing in the site, in spec order. */
  readonly pools: readonly string[];
}

/** The power of a whole cluster. */
export interface ClusterPower {
  readonly pools: readonly PoolPower[];
  readonly sites: readonly SitePower[];
}

/** Power of the GPU racks of a pool, kW: per node for HGX systems, per rack for rack-scale ones. */
export function gpuRacksKW(sku: GpuSku, nodes: number, racks: number): number {
  return sku.rackScale ? sku.kWPerRack! * racks : sku.kWPerNode! * nodes;
}

/**
 * Draw per pool and per site. A pool without a `site` stands in the first site; pools naming
 * an unknown site are left out (the spec checks report them).
 */
export function computePower(pools: readonly PowerPool[], sites: readonly Site[]): ClusterPower {
  const byName = new Map(sites.map((s) => [s.name, s]));
  const poolPower: PoolPower[] = [];
  for (const pool of pools) {
    const site = byName.get(pool.site ?? sites[0]?.name ?? '');
    if (!site) continue;
    const gpuKW = gpuRacksKW(pool.sku, pool.nodes, pool.racks);
    poolPower.push({
      pool: pool.name,
      site: site.name,
      racks: pool.racks,
      maxRackKW: round(rackKW(pool.sku, Math.min(pool.nodesPerRack, pool.nodes))),
      gpuKW: round(gpuKW),
      // With a PUE, the overhead factor covers the other IT racks and the PUE the facility (cooling, losses).
      kW: round(gpuKW * site.overheadFactor * (site.pue ?? 1)),
    });
  }
  const sitePower = sites.map((site) => {
    const here = poolPower.filter((p) => p.site === site.name);
    const drawMW = round(here.reduce((sum, p) => sum + p.kW, 0) / 1000);
    return {
      site: site.name,
      budgetMW: site.powerBudgetMW,
      drawMW,
      headroomMW: round(site.powerBudgetMW - drawMW),
      maxRackKW: site.maxRackKW,
      overheadFactor: site.overheadFactor,
      ...(site.pue === undefined
        ? {}
        : { pue: site.pue, itMW: round(here.reduce((sum, p) => sum + p.gpuKW * site.overheadFactor, 0) / 1000) }),
      pools: here.map((p) => p.pool),
    };
  });
  return { pools: poolPower, sites: sitePower };
}

/** Rounds to 3 decimals so that reports are stable and readable (1 W resolution on kW figures). */
function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
