/**
 * A site plan end to end: the orbital example synthesized, its report (Markdown and HTML) and the capacity diff of a
 * changed plan. The checks of the same plan are in site-checks.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatSummary } from '../../reports/summary';
import { diffCapacity } from '../../review/diff';
import { readOutput as readReviewOutput } from '../../review/read-output';
import { renderReportHtml, renderReportMarkdown } from '../../review/report';
import { ORBITAL_NOTE } from '../../site/summary';
import { ROOT, SynthOutput, synthToTemp } from '../support/synth';

const ORBITAL = fs.readFileSync(path.join(ROOT, 'examples', 'orbital.yaml'), 'utf8');

describe('synth, report and diff of a site plan', () => {
  let base: SynthOutput;
  let head: SynthOutput;
  beforeAll(() => {
    base = synthToTemp('examples/orbital.yaml');
    head = synthToTemp(ORBITAL.replace('airCoolingKW: 60', 'airCoolingKW: 80').replace('racks: 81', 'racks: 72'));
  });

  it('emits no object for the orbital pool, and the summary says why', () => {
    const objects = base.stacks.flatMap((s) => [...base.terraformObjects(s).values()]);
    expect(objects.filter((o) => o.kind === 'ResourceFlavor').map((o) => o.metadata?.name)).toEqual(['qual']);
    expect(JSON.stringify(objects)).not.toMatch(/"orbit"|dawn-dusk/);
    expect(base.summary.orbital?.note).toBe(ORBITAL_NOTE);
    expect(formatSummary(base.summary)).toContain(
      'orbital dawn-dusk (planning target only, not emitted): 81 satellites, 5,832 GPUs, 151.8 kW each',
    );
  });

  it('reports halls with their racks and CDUs, and the orbital site over its mission years', () => {
    const output = readReviewOutput(base.outdir);
    const md = renderReportMarkdown(output);
    expect(md).toContain('## Halls');
    expect(md).toContain('| qual | lab-hall | 2 | 4 | 0.3 | 0.2 | 2 (N+1) | 224 | 250 | 337 of 400 |');
    expect(md).toContain(`## Orbital sites: ${ORBITAL_NOTE}`);
    expect(md).toContain('| 5 | 3,639 | 62.4% | 12.581 | 7.673 | 4.908 |');
    const html = renderReportHtml(output);
    expect(html.match(/<rect class="hall" /g)).toHaveLength(1);
    expect(html.match(/<rect class="rack" data-pool="qual"/g)).toHaveLength(2);
    expect(html.match(/<rect class="position" /g)).toHaveLength(2);
    expect(html.match(/<rect class="cdu" /g)).toHaveLength(2);
    expect(html.match(/<rect class="capacity" /g)).toHaveLength(6);
    expect(html).toContain('class="array-power"');
  });

  it('diffs cooling, space and orbital figures like power', () => {
    const deltas = diffCapacity(readReviewOutput(base.outdir).summary, readReviewOutput(head.outdir).summary);
    expect(deltas).toContainEqual(
      expect.objectContaining({
        section: 'facility',
        item: 'sites.qual.halls.lab-hall',
        metric: 'airCoolingKW',
        base: 60,
        head: 80,
      }),
    );
    expect(deltas).toContainEqual(
      expect.objectContaining({ section: 'orbital', item: 'sites.dawn-dusk', metric: 'gpus', base: 5832, head: 5184 }),
    );
    // The orbital pool is not a workload pool: its change is no pool delta.
    expect(deltas.filter((d) => d.section === 'pools')).toEqual([]);
  });
});
