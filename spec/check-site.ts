/**
 * Site checks on the spec as declared: at least one pool on the ground and no quota on an orbital
 * pool, coolant physics and unique hall names on ground sites, an orbital site's fields and its
 * radiators against their environment. What the halls and orbits then hold (positions, floor, air,
 * CDUs, arrays, links, capacity over the mission) is checked by the site planner's rules
 * (site/planner.ts) on the resolved cluster.
 */
import { GpuCatalog } from '../catalog/gpus';
import { resolveSite, Site } from '../model/cluster';
import { coolantOf, minimumLitresPerMinutePerKW } from '../site/facility';
import { radiatorWPerM2 } from '../site/orbital';
import { formatNumber as n } from '../model/values';
import { SpecIssue, SpecPath } from './errors';
import { reportDuplicateNames } from './duplicate-names';
import { ClusterSpec, SiteSpec } from './types';

/** The parts of a spec the site checks read. */
export type SiteCheckInput = Pick<ClusterSpec, 'site' | 'sites' | 'nodePools' | 'tenants'>;

type Issue = (code: string, path: SpecPath, message: string, fix: string) => void;

/** Every hall, cooling and orbital issue of a schema-valid spec. `base` prefixes the reported paths. */
export function checkSite(input: SiteCheckInput, catalog: GpuCatalog, base: SpecPath = ['spec']): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const issue: Issue = (code, path, message, fix) => issues.push({ code, path: [...base, ...path], message, fix });
  // check-power reports both or neither of site and sites.
  if ((input.site === undefined) === (input.sites === undefined)) return issues;
  const declared = input.sites ?? [input.site!];
  const sitePath = (i: number): SpecPath => (input.sites ? ['sites', i] : ['site']);

  // The site of each pool the other checks accept; unknown sites are check-power's to report.
  const names = new Set(declared.map((s) => s.name));
  const pools = input.nodePools.flatMap((spec) => {
    const site = spec.site ?? declared[0].name;
    if (!names.has(site) || (spec.site === undefined && declared.length > 1)) return [];
    if (!catalog.find(spec.gpu) || (spec.nodes === undefined) === (spec.racks === undefined)) return [];
    return [{ name: spec.name, site }];
  });

  const orbitalNames = new Set(declared.filter((s) => s.kind === 'orbital').map((s) => s.name));
  const onOrbit = (pool: string) => orbitalNames.has(pools.find((p) => p.name === pool)?.site ?? '');
  if (pools.length > 0 && pools.every((p) => orbitalNames.has(p.site))) {
    issue(
      'no-ground-pool',
      ['nodePools'],
      `every pool stands on an orbital site (${[...orbitalNames].join(', ')}), a planning target that is never emitted`,
      'place at least one pool on a ground site: the workload cluster is made of the ground pools',
    );
  }
  input.tenants.forEach((tenant, t) => {
    for (const [pool, gpus] of Object.entries(tenant.gpuQuota)) {
      if (gpus > 0 && onOrbit(pool)) {
        issue(
          'planned-pool-quota',
          ['tenants', t, 'gpuQuota', pool],
          `tenant "${tenant.name}" is given ${n(gpus)} GPUs on pool "${pool}", which stands on an orbital site: a planning target with no workload objects`,
          `remove ${pool} from the tenant's gpuQuota (or set it to 0) until the pool is on a ground site`,
        );
      }
    }
  });

  declared.forEach((spec, i) => {
    if (spec.kind === 'orbital') checkOrbital(spec, sitePath(i), issue);
    else checkGround(spec, resolveSite(spec), sitePath(i), issue);
  });
  return issues;
}

function checkGround(spec: SiteSpec, site: Site, at: SpecPath, issue: Issue): void {
  if (spec.orbital) {
    issue(
      'orbital-on-ground',
      [...at, 'orbital'],
      `site "${spec.name}" is a ground site but declares orbital assumptions`,
      'set kind: orbital, or remove orbital',
    );
  }
  const coolant = coolantOf(site);
  const least = minimumLitresPerMinutePerKW(coolant.riseK);
  if (coolant.litresPerMinutePerKW < least) {
    issue(
      'coolant-below-physics',
      [...at, 'coolant', spec.coolant?.litresPerMinutePerKW === undefined ? 'riseK' : 'litresPerMinutePerKW'],
      `at ${coolant.litresPerMinutePerKW} L/min per kW, water (4.18 kJ/(kg K)) warms by ${fixed(60 / (4.18 * 0.996 * coolant.litresPerMinutePerKW), 1)} K, more than the declared rise of ${coolant.riseK} K`,
      `declare at least ${fixed(least, 2)} L/min per kW at ${coolant.riseK} K, or a larger riseK`,
    );
  }
  const halls = spec.halls ?? [];
  if (halls.length === 0) return;

  reportDuplicateNames(
    halls,
    { what: 'hall', list: 'halls', at: (k) => [...at, 'halls', k], fix: 'give every hall of a site its own name' },
    issue,
  );
}

function checkOrbital(spec: SiteSpec, at: SpecPath, issue: Issue): void {
  for (const field of ['powerBudgetMW', 'pue', 'halls', 'water', 'coolant'] as const) {
    if (spec[field] === undefined) continue;
    issue(
      'not-in-orbit',
      [...at, field],
      `site "${spec.name}" is orbital and cannot declare ${field}`,
      field === 'powerBudgetMW'
        ? "remove powerBudgetMW: the arrays set an orbital site's power (orbital.arrayAreaM2, cellEfficiency)"
        : `remove ${field}: an orbital site has satellites, not halls, and rejects heat by radiators only`,
    );
  }
  const o = spec.orbital;
  if (!o) {
    issue(
      'missing-field',
      [...at, 'orbital'],
      'required field "orbital" is missing',
      'add orbital: the declared assumptions (satellites, arrays, radiators, links, failure rate, mission years)',
    );
    return;
  }
  const assumed = [...at, 'orbital'];
  const perM2 = radiatorWPerM2(o);
  if (perM2 <= 0) {
    issue(
      'radiator-below-environment',
      [...assumed, 'radiatorTempK'],
      `a radiator at ${o.radiatorTempK} K with emissivity ${o.emissivity} emits ${n(Math.round(o.emissivity * 5.670374419e-8 * o.radiatorTempK ** 4))} W/m2 per face, no more than the ${n(o.environmentWPerM2)} W/m2 it absorbs from the environment`,
      'run the radiators hotter, or declare a better emissivity',
    );
    return;
  }
}

function fixed(x: number, digits: number): string {
  return x.toFixed(digits);
}
