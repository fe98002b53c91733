/**
 * Where the power comes from: exactly one of site and sites, every ground site with a budget, every
 * pool in a declared site. A cluster is resolved only once these hold; what the racks and sites then
 * draw against their limits is the power planner's (power/planner.ts).
 */
import { SpecIssue, SpecPath, showValue } from './errors';
import { reportDuplicateNames } from './duplicate-names';
import { ClusterSpec } from './types';
import { nearest } from './validate-schema';

/** The parts of a spec the site checks read. */
export type PowerCheckInput = Pick<ClusterSpec, 'site' | 'sites' | 'nodePools'>;

/** Every site and power issue of a schema-valid spec. `base` prefixes the reported paths. */
export function checkPower(input: PowerCheckInput, base: SpecPath = ['spec']): SpecIssue[] {
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
  const sitePath = (i: number): SpecPath => (input.sites ? ['sites', i] : ['site']);
  reportDuplicateNames(
    declared,
    { what: 'site', list: 'sites', at: sitePath, fix: 'give every site its own name' },
    issue,
  );
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
  const names = declared.map((s) => s.name);
  input.nodePools.forEach((spec, index) => {
    if (spec.site !== undefined && !names.includes(spec.site)) {
      const near = nearest(spec.site, names);
      issue(
        'unknown-site',
        ['nodePools', index, 'site'],
        `no site is named ${showValue(spec.site)}`,
        near ? `did you mean "${near}"?` : `use one of ${names.join(', ')}`,
      );
    } else if (spec.site === undefined && declared.length > 1) {
      issue(
        'missing-site',
        ['nodePools', index],
        `pool "${spec.name}" names no site, and the cluster has ${declared.length}`,
        `add site: (one of ${names.join(', ')})`,
      );
    }
  });
  return issues;
}
