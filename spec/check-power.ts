/**
 * Site checks: every pool stands in a declared site, no rack draws more than its site allows,
 * and no site draws more than its power budget. Failures show the figures and how to fit.
 */
import { GpuCatalog } from '../catalog/gpus';
import { resolvePool, resolveSite, Site } from '../model/cluster';
import { computePower, PowerPool } from '../power/model';
import { SpecIssue, SpecPath, showValue } from './errors';
import { ClusterSpec } from './types';
import { nearest } from './validate-schema';

/** The parts of a spec the site checks read. */
export type PowerCheckInput = Pick<ClusterSpec, 'site' | 'sites' | 'nodePools'>;

/** Every site and power issue of a schema-valid spec. `base` prefixes the reported paths. */
export function checkPower(input: PowerCheckInput, catalog: GpuCatalog, base: SpecPath = ['spec']): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const issue = (code: string, path: SpecPath, message: string, fix: string): void => {
    issues.push({ code, path: [...base, ...path], message, fix });
  };
  if (input.site && input.sites) {
    issue(
      'site-and-sites',
      ['sites'],
      'both site and sites are declared',
      'declare one site with site:, or several with sites:',
    );
    return issues;
  }
  if (!input.site && !input.sites) {
    issue('missing-site', [], 'no site is declared', 'declare site: {name, powerBudgetMW, maxRackKW}');
    return issues;
  }
  const declared = input.sites ?? [input.site!];
  const sitesKey = input.sites ? 'sites' : 'site';
  const sitePath = (i: number): SpecPath => (input.sites ? ['sites', i] : ['site']);
  const firstIndex = new Map<string, number>();
  declared.forEach((s, i) => {
    const first = firstIndex.get(s.name);
    if (first !== undefined) {
      issue(
        'duplicate-name',
        [...sitePath(i), 'name'],
        `site name "${s.name}" is used by sites[${first}] too`,
        'give every site its own name',
      );
    } else {
      firstIndex.set(s.name, i);
    }
  });
  declared.forEach((s, i) => {
    // Required of ground sites only: an orbital site's arrays set its power (spec/check-site.ts).
    if (s.kind !== 'orbital' && s.powerBudgetMW === undefined) {
      issue(
        'missing-field',
        [...sitePath(i), 'powerBudgetMW'],
        'required field "powerBudgetMW" is missing',
        'add powerBudgetMW: the power available to the site, MW',
      );
    }
  });
  const sites: Site[] = declared.map(resolveSite);
  const names = sites.map((s) => s.name);

  const pools: { pool: PowerPool; index: number }[] = [];
  input.nodePools.forEach((spec, index) => {
    if (spec.site !== undefined && !firstIndex.has(spec.site)) {
      const near = nearest(spec.site, names);
      issue(
        'unknown-site',
        ['nodePools', index, 'site'],
        `no site is named ${showValue(spec.site)}`,
        near ? `did you mean "${near}"?` : `use one of ${names.join(', ')}`,
      );
      return;
    }
    if (spec.site === undefined && sites.length > 1) {
      issue(
        'missing-site',
        ['nodePools', index],
        `pool "${spec.name}" names no site, and the cluster has ${sites.length}`,
        `add site: (one of ${names.join(', ')})`,
      );
      return;
    }
    // Pools the cluster checks refuse (unknown GPU, neither or both of nodes and racks) are not sized here.
    if (!catalog.find(spec.gpu) || (spec.nodes === undefined) === (spec.racks === undefined)) return;
    pools.push({ pool: resolvePool({ ...spec, site: spec.site ?? sites[0].name }, catalog), index });
  });

  const power = computePower(
    pools.map((p) => p.pool),
    sites,
  );
  power.pools.forEach((p, i) => {
    const site = sites.find((s) => s.name === p.site)!;
    const { pool, index } = pools[i];
    if (p.maxRackKW > site.maxRackKW) {
      const fit = pool.sku.rackScale ? 0 : Math.floor(site.maxRackKW / pool.sku.kWPerNode!);
      issue(
        'rack-over-power',
        ['nodePools', index],
        `a rack of pool "${p.pool}" draws ${p.maxRackKW} kW (${pool.sku.rackScale ? `one ${pool.sku.name} rack` : `${pool.nodesPerRack} x ${pool.sku.kWPerNode} kW ${pool.sku.name}`}), more than site "${site.name}" allows per rack (${site.maxRackKW} kW)`,
        fit > 0
          ? `set nodesPerRack: ${fit} or less, or raise ${sitesKey === 'site' ? 'site' : `sites[${firstIndex.get(site.name)}]`}.maxRackKW`
          : `raise the site's maxRackKW to ${p.maxRackKW} or more (the rack's cooling must allow it), or use another GPU`,
      );
    }
  });
  power.sites.forEach((s, i) => {
    // An orbital site's power is checked against its arrays (spec/check-site.ts).
    if (s.drawMW <= s.budgetMW || sites[i].kind === 'orbital' || declared[i].powerBudgetMW === undefined) return;
    const byPool = power.pools
      .filter((p) => p.site === s.site)
      .map((p) => `${p.pool}: ${mw(p.kW)} MW`)
      .join(', ');
    issue(
      'site-over-budget',
      [...sitePath(i), 'powerBudgetMW'],
      `site "${s.site}" draws ${mw(s.drawMW * 1000)} MW (${byPool}; ${s.pue === undefined ? `GPU racks x ${s.overheadFactor} overhead` : `IT load ${mw(s.itMW! * 1000)} MW (GPU racks x ${s.overheadFactor}) x PUE ${s.pue}`}), more than its budget of ${s.budgetMW} MW by ${mw(-s.headroomMW * 1000)} MW`,
      `shrink or move pools by ${mw(-s.headroomMW * 1000)} MW of draw, or raise powerBudgetMW to ${Math.ceil(s.drawMW)}`,
    );
  });
  return issues;
}

/** kW shown as MW: one decimal for a large site, kilowatt resolution for a small one. */
function mw(kW: number): string {
  const MW = kW / 1000;
  return MW >= 10 ? MW.toFixed(1) : MW.toFixed(3);
}
