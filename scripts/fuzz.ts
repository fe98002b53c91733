/**
 * `npm run fuzz -- --seconds N [--seed S]`: long-running robustness fuzzing. For N seconds it
 * generates valid specs, then breaks them (a field replaced by a hostile value, removed or
 * added; the YAML text itself corrupted) and checks the one promise on bad input: the spec is
 * either accepted and then builds with an isolation audit that finds nothing, or refused with
 * SpecIssues that carry a kebab-case code, a path, a line and printable text. Anything else
 * (another exception, a hang) is a bug; its input is saved for replay. Reports the cases run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { synthesize } from '../emit/synthesize';
import { auditOutput } from '../review/audit';
import { readOutput } from '../review/read-output';
import { formatIssues, SpecError } from '../spec/errors';
import { parseSpec } from '../spec/load';
import { specDoc, toYamlText } from '../__tests__/support/arbitraries';

/** Values no field expects. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    -1,
    0,
    2.5,
    1e21,
    '',
    ' ',
    '${var.x}',
    '%{if x}y%{endif}',
    '${TfToken[TOKEN.1]}',
    '\u0000',
    'a\u202eb',
    '\u001b[2J',
    'kube-system',
    'gpu-operator',
    'constructor',
    '__proto__',
    'x'.repeat(300),
    [],
    {},
    null,
    true,
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

type Edit =
  | { readonly kind: 'replace'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'add'; readonly at: number; readonly key: string; readonly value: unknown }
  | { readonly kind: 'text'; readonly at: number; readonly cut: number; readonly insert: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.constantFrom('extra', '__proto__', 'constructor', 'Name', 'nodes', 'racks', '<<'),
    value: hostileValue,
  }),
  fc.record({
    kind: fc.constant('text' as const),
    at: fc.nat(),
    cut: fc.nat(5),
    insert: fc.string({
      unit: fc.constantFrom(
        ':',
        '-',
        ' ',
        '\t',
        '\n',
        '&a',
        '*a',
        '{',
        '}',
        '[',
        ']',
        '"',
        "'",
        '!',
        '%',
        '#',
        '|',
        '>',
      ),
      maxLength: 4,
    }),
  }),
);

/** Every path into a document (containers and leaves). */
function pathsOf(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [at];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [at, ...entries.flatMap(([k, v]) => pathsOf(v, [...at, k]))];
}

/** Applies `e` to the YAML text of a valid document. */
function mutate(text: string, e: Edit): string {
  if (e.kind === 'text') {
    const at = e.at % (text.length + 1);
    return text.slice(0, at) + e.insert + text.slice(at + e.cut);
  }
  let doc: Record<string, unknown>;
  try {
    doc = parse(text, { logLevel: 'error' }) as Record<string, unknown>;
  } catch {
    return text; // an earlier text edit broke the YAML: structural edits no longer apply
  }
  const paths = pathsOf(doc).filter((p) => p.length > 0);
  if (paths.length === 0) return text;
  const target = paths[e.at % paths.length];
  const parent = target.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as never, doc as never);
  const key = target[target.length - 1];
  if (e.kind === 'replace') parent[key] = e.value;
  else if (e.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else {
    const container = parent[key];
    if (container !== null && typeof container === 'object' && !Array.isArray(container)) {
      Object.defineProperty(container, e.key, { value: e.value, enumerable: true, writable: true, configurable: true });
    } else parent[key] = { [e.key]: e.value };
  }
  return toYamlText(doc as never);
}

const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;

/** The promise on any input; returns what broke it, or undefined. */
function check(text: string, outRoot: string, audit: boolean): { refused: boolean; problem?: string } {
  let cluster;
  try {
    cluster = parseSpec(text, 'fuzz.yaml').cluster;
  } catch (e) {
    if (!(e instanceof SpecError)) return { refused: true, problem: `not a SpecError: ${(e as Error).stack ?? e}` };
    for (const issue of e.issues) {
      if (!/^[a-z]+(-[a-z0-9]+)*$/.test(issue.code)) return { refused: true, problem: `bad code ${issue.code}` };
      if (!Array.isArray(issue.path)) return { refused: true, problem: `no path: ${issue.code}` };
      if (issue.line === undefined) return { refused: true, problem: `no line: ${issue.code} ${issue.message}` };
    }
    const shown = formatIssues('fuzz.yaml', e.issues);
    if (UNPRINTABLE.test(shown)) return { refused: true, problem: `unprintable character in:\n${shown}` };
    return { refused: true };
  }
  if (!audit) return { refused: false };
  const outdir = path.join(outRoot, 'out');
  try {
    synthesize(cluster, { outdir, emit: 'yaml' });
    const findings = auditOutput(readOutput(outdir, { yamlAlways: true })).findings;
    if (findings.length > 0) return { refused: false, problem: `audit findings: ${JSON.stringify(findings)}` };
  } catch (e) {
    return { refused: false, problem: `accepted spec failed to synthesize: ${(e as Error).stack ?? e}` };
  }
  return { refused: false };
}

function main(argv: readonly string[]): number {
  const flag = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    const value = i < 0 ? fallback : Number(argv[i + 1]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
    return value;
  };
  const seconds = flag('seconds', 30);
  const seed = flag('seed', Date.now() % 1_000_000_000);
  const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'colossus-fuzz-'));
  const counts = { valid: 0, mutated: 0, refused: 0, accepted: 0 };
  const failures: string[] = [];
  const deadline = Date.now() + seconds * 1000;
  for (let i = 0; Date.now() < deadline; i++) {
    const [[doc, edits]] = fc.sample(fc.tuple(specDoc, fc.array(edit, { minLength: 1, maxLength: 3 })), {
      seed: seed + i,
      numRuns: 1,
    });
    const cases = [toYamlText(doc)];
    for (const e of edits) cases.push(mutate(cases[cases.length - 1], e));
    cases.forEach((text, n) => {
      const { refused, problem } = check(text, outRoot, n === 0 || i % 5 === 0);
      if (n === 0) counts.valid++;
      else {
        counts.mutated++;
        counts[refused ? 'refused' : 'accepted']++;
      }
      if (n === 0 && refused) failures.push(`seed ${seed + i}: a generated valid spec was refused`);
      if (problem) {
        const file = path.join(outRoot, `failure-${seed + i}-${n}.yaml`);
        fs.writeFileSync(file, text);
        failures.push(`seed ${seed + i}, case ${n} (${file}): ${problem.split('\n').slice(0, 6).join('\n')}`);
      }
    });
  }
  fs.rmSync(path.join(outRoot, 'out'), { recursive: true, force: true });
  const total = counts.valid + counts.mutated;
  process.stdout.write(
    `fuzz: ${total} cases in ${seconds}s from seed ${seed}: ${counts.valid} valid specs, ` +
      `${counts.mutated} mutations (${counts.refused} refused with located errors, ${counts.accepted} still valid); ` +
      `${failures.length} failure(s)\n`,
  );
  for (const f of failures.slice(0, 20)) process.stdout.write(`  ${f}\n`);
  if (failures.length === 0) fs.rmSync(outRoot, { recursive: true, force: true });
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
