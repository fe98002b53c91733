/**
 * The power planner: what every pool and site draws (power/model.ts), and its rules: no rack draws
 * more than its site allows, no ground site more than its budget. Pools on orbital sites are in the
 * plan (their racks have a site's rack limit too); their site's power is the arrays' (site/orbital.ts).
 */
import { declaredPools } from '../model/cluster';
import { declaredAt, planner } from '../model/planner';
import { formatPath } from '../spec/errors';
import { ClusterPower, computePower } from './model';

export const powerPlanner = planner<ClusterPower>(
  'power',
  (cluster) => ({ plan: computePower(declaredPools(cluster), cluster.sites), issues: [] }),
  [
    {
      name: 'rack-over-power',
      check: (power, cluster) =>
        power.pools.flatMap((p) => {
          const site = cluster.sites.find((s) => s.name === p.site)!;
          if (p.maxRackKW <= site.maxRackKW) return [];
          const pool = declaredPools(cluster).find((x) => x.name === p.pool)!;
          const fit = pool.sku.rackScale ? 0 : Math.floor(site.maxRackKW / pool.sku.kWPerNode!);
          const drawn = pool.sku.rackScale
            ? `one ${pool.sku.name} rack`
            : `${pool.nodesPerRack} x ${pool.sku.kWPerNode} kW ${pool.sku.name}`;
          return [
            {
              code: 'rack-over-power',
              path: declaredAt(cluster, 'nodePools', p.pool),
              message: `a rack of pool "${p.pool}" draws ${p.maxRackKW} kW (${drawn}), more than site "${site.name}" allows per rack (${site.maxRackKW} kW)`,
              fix:
                fit > 0
                  ? `set nodesPerRack: ${fit} or less, or raise ${formatPath(declaredAt(cluster, 'sites', site.name))}.maxRackKW`
                  : `raise the site's maxRackKW to ${p.maxRackKW} or more (the rack's cooling must allow it), or use another GPU`,
            },
          ];
        }),
    },
    {
      name: 'site-over-budget',
      check: (power, cluster) =>
        power.sites.flatMap((s, i) => {
          // An orbital site's power is checked against its arrays (spec/check-site.ts).
          if (s.drawMW <= s.budgetMW || cluster.sites[i].kind === 'orbital') return [];
          const byPool = power.pools
            .filter((p) => p.site === s.site)
            .map((p) => `${p.pool}: ${mw(p.kW)} MW`)
            .join(', ');
          const load =
            s.pue === undefined
              ? `GPU racks x ${s.overheadFactor} overhead`
              : `IT load ${mw(s.itMW! * 1000)} MW (GPU racks x ${s.overheadFactor}) x PUE ${s.pue}`;
          return [
            {
              code: 'site-over-budget',
              path: [...declaredAt(cluster, 'sites', s.site), 'powerBudgetMW'],
              message: `site "${s.site}" draws ${mw(s.drawMW * 1000)} MW (${byPool}; ${load}), more than its budget of ${s.budgetMW} MW by ${mw(-s.headroomMW * 1000)} MW`,
              fix: `shrink or move pools by ${mw(-s.headroomMW * 1000)} MW of draw, or raise powerBudgetMW to ${Math.ceil(s.drawMW)}`,
            },
          ];
        }),
    },
  ],
);

/** kW shown as MW: one decimal for a large site, kilowatt resolution for a small one. */
function mw(kW: number): string {
  const MW = kW / 1000;
  return MW >= 10 ? MW.toFixed(1) : MW.toFixed(3);
}
