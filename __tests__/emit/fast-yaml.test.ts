/**
 * emit/fast-yaml.ts against the `yaml` library it replaces on the hot path: byte-identical on
 * every object of every example and on generated objects full of strings YAML 1.1 reads as
 * something else (booleans, numbers, times, nulls, indicators), or it declines.
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { App } from 'cdktf';
import { stringify } from 'yaml';
import { fastYaml } from '../../emit/fast-yaml';
import { KubeObject } from '../../model/kube';
import { loadSpecFile, parseSpec } from '../../spec/load';
import { buildClusterStacks } from '../../stacks/cluster-stacks';
import { SEED, specDoc, toYamlText } from '../support/arbitraries';
import { ROOT, tempDir } from '../support/synth';

const library = (value: unknown) => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' });

function exampleObjects(): KubeObject[] {
  return fs
    .readdirSync(path.join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => {
      const { cluster } = loadSpecFile(path.join(ROOT, 'examples', f));
      const app = new App({ outdir: tempDir('colossus-fast-yaml-'), stackTraces: false });
      return buildClusterStacks(app, cluster, { terraform: false }).all.flatMap((s) => [...s.objects]);
    });
}

/** Strings YAML 1.1 would read as other types, indicators, quotes, and ordinary values. */
const trickyString = fc.oneof(
  fc.constantFrom(
    'on',
    'Off',
    'YES',
    'y',
    'N',
    'true',
    'False',
    'null',
    'Null',
    '~',
    '',
    ' ',
    '-',
    '?',
    ':',
    '- x',
    '? x',
    'a: b',
    'a #b',
    'a:',
    '#x',
    '&a',
    '*a',
    '!tag',
    '|',
    '>',
    '%x',
    '@x',
    '`x',
    '"q"',
    "'s'",
    `it's "q"`,
    '[a]',
    '{a}',
    ',a',
    '0',
    '007',
    '0x1F',
    '0b101',
    '0o17',
    '1_000',
    '190:20:30',
    '1:20',
    '1e3',
    '.5',
    '1.',
    '.inf',
    '-.Inf',
    '.NaN',
    '2001-12-14',
    '2001-12-14t21:59:43.10-05:00',
    '---',
    '...',
    '--- x',
    '<<',
    '=',
    'v1.33.4',
    '580.95.05',
    '10.0.0.0/9',
    'https://x.io/a?b=c#d',
    'xai:grok-training',
    '250m',
    '4Gi',
    'nvidia.com/gpu',
    '{"type":"x"}',
    'a\\b',
    'tab\there',
    'line\nbreak',
    'ü',
    '\u0007',
  ),
  fc.string({
    unit: fc.constantFrom('a', 'Z', '0', '9', '.', ':', '-', '_', '/', ' ', '#', '"', "'", '{', '[', '$', '%'),
    maxLength: 8,
  }),
);

const plainValue = fc.oneof(trickyString, fc.integer(), fc.boolean(), fc.constant(null), fc.double());

const { dict: object } = fc.letrec<{ value: unknown; list: unknown[]; dict: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, plainValue, tie('list'), tie('dict')),
  list: fc.array(tie('value'), { maxLength: 3 }),
  dict: fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
}));

describe('fastYaml', () => {
  it('writes every object of every example exactly as the yaml library does', () => {
    const objects = exampleObjects();
    let handled = 0;
    for (const o of objects) {
      const fast = fastYaml(o);
      if (fast === undefined) continue;
      handled++;
      expect(fast).toBe(library(o));
    }
    // The fast path must cover (nearly) all real objects, or it saves nothing.
    expect(handled / objects.length).toBeGreaterThan(0.95);
  });

  it('writes the objects of generated specs exactly as the yaml library does, or declines (30 specs)', () => {
    fc.assert(
      fc.property(specDoc, (doc) => {
        const { cluster } = parseSpec(toYamlText(doc), 'generated.yaml');
        const app = new App({ outdir: tempDir('colossus-fast-yaml-'), stackTraces: false });
        for (const stack of buildClusterStacks(app, cluster, { terraform: false }).all) {
          for (const o of stack.objects) {
            const fast = fastYaml(o);
            if (fast !== undefined) expect(fast).toBe(library(o));
          }
        }
      }),
      { seed: SEED, numRuns: 30 },
    );
  });

  it('writes generated objects exactly as the yaml library does, or declines (1000 cases)', () => {
    fc.assert(
      fc.property(object, (o) => {
        const fast = fastYaml(o);
        if (fast !== undefined) expect(fast).toBe(library(o));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('declines what it does not write: lists of lists, fractions, escapes', () => {
    expect(fastYaml({ a: [[1]] })).toBeUndefined();
    expect(fastYaml({ a: 0.5 })).toBeUndefined();
    expect(fastYaml({ a: 'line\nbreak' })).toBeUndefined();
    expect(fastYaml({ a: 'ü' })).toBeUndefined();
    expect(fastYaml(['top-level list'])).toBeUndefined();
  });
});
