/**
 * Issue 12 item 5: every build is typed, and stays so. `build<T>` (model/kube.ts) takes its type argument
 * explicitly, the type of every registry kind is its upstream one (model/kind-types.ts), and the ESLint rule
 * in eslint.config.mjs refuses an untyped or catch-all build with a message saying what to write. These tests
 * run the compiler and ESLint on small programs, so a change that lets an untyped build through fails here.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as ts from 'typescript';
import { KINDS } from '../../model/kinds';
import { TYPED_API_VERSIONS } from '../../model/kind-types';
import { compileInMemory } from '../support/compile-in-memory';

const ROOT = path.resolve(__dirname, '..', '..');

const QUEUE_META = `apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', metadata: { name: 'a' }`;

/** Each case's program body, compiled as a module of constructs/ (one program for all: the compiler is slow to start). */
const CASES: Readonly<Record<string, string>> = {
  typed:
    `build<ClusterQueue>({ ${QUEUE_META}, spec: { cohortName: 'c', queueingStrategy: 'BestEffortFIFO' } });\n` +
    `build<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } });`,
  untyped: `build({ ${QUEUE_META}, spec: { cohortName: 'c' } });`,
  unknownField: `build<ClusterQueue>({ ${QUEUE_META}, spec: { cohort: 'c' } });`,
  outsideEnum: `build<ClusterQueue>({ ${QUEUE_META}, spec: { queueingStrategy: 'FIFO' } });`,
  wrongType: `build<ClusterQueue>({ ${QUEUE_META}, spec: { fairSharing: { weight: true } } });`,
  servedVersion: `build<ClusterQueue>({ apiVersion: 'kueue.x-k8s.io/v1beta1', kind: 'ClusterQueue', metadata: { name: 'a' } });`,
  otherKind: `build<ClusterQueue>({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'a' } });`,
};

/** Compiler errors of every case, with the project's compiler options. */
function compileCases(): Map<string, string[]> {
  const file = (name: string) => path.join(ROOT, 'constructs', `__typed_build_${name}__.ts`);
  const sources = new Map(
    Object.entries(CASES).map(([name, body]) => [
      file(name),
      `import { build } from '../model/kube';\n` +
        `import type { ClusterQueue } from '../model/crds/kueue';\n` +
        `import type { Namespace } from 'kubernetes-types/core/v1';\n` +
        `${body}\nexport {};\n`,
    ]),
  );
  const diagnostics = compileInMemory(sources);
  return new Map(
    Object.keys(CASES).map((name) => [
      name,
      diagnostics
        .filter((d) => d.file !== undefined && path.resolve(d.file.fileName) === file(name))
        .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`),
    ]),
  );
}

describe('build<T> at the type level', () => {
  let errors = new Map<string, string[]>();
  beforeAll(() => {
    errors = compileCases();
  });

  it('compiles a build typed by its generated CRD type or its kubernetes-types type', () => {
    expect(errors.get('typed')).toEqual([]);
  });

  it('refuses a build without its type argument (the type is never inferred from the object)', () => {
    expect(errors.get('untyped')).toEqual([
      expect.stringMatching(/^TS2345: Argument of type .* is not assignable to parameter of type 'never'/),
    ]);
  });

  it.each([
    ['a field the CRD does not have (v1beta1 `cohort`, renamed `cohortName` in v1beta2)', 'unknownField', /'cohort'/],
    ['a value outside the CRD enum', 'outsideEnum', /'"FIFO"' is not assignable/],
    [
      'a wrong field type (int-or-string, not boolean)',
      'wrongType',
      /'true' is not assignable to type 'string | number/,
    ],
    ['a served version that is not the storage version', 'servedVersion', /'"kueue.x-k8s.io\/v1beta1"'/],
    ['another kind', 'otherKind', /'"LocalQueue"' is not assignable/],
  ])('refuses %s', (_, name, message) => {
    expect(errors.get(name)).toEqual([expect.stringMatching(message)]);
  });
});

describe('the ESLint rule on builds (eslint.config.mjs no-restricted-syntax)', () => {
  /** ESLint's findings on `code` as a file of constructs/: line and message of each. */
  function lint(code: string): { line: number; message: string }[] {
    const r = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'),
        '--stdin',
        '--stdin-filename',
        'constructs/__typed_build_check__.ts',
        '--format',
        'json',
      ],
      { cwd: ROOT, input: code, encoding: 'utf8' },
    );
    const results = JSON.parse(r.stdout) as { messages: { line: number; message: string; ruleId: string }[] }[];
    return results.flatMap((f) => f.messages.map((m) => ({ line: m.line, message: `${m.ruleId}: ${m.message}` })));
  }

  it('refuses an untyped build and a catch-all type, and accepts the upstream type', () => {
    const code = [
      `import { build, KubeObject } from '../model/kube';`,
      `import type { ClusterQueue } from '../model/crds/kueue';`,
      `export const untyped = build({ ${QUEUE_META} });`,
      `export const typed = build<ClusterQueue>({ ${QUEUE_META} });`,
      `export const catchAll = build<KubeObject>({ ${QUEUE_META} });`,
      `export const bag = build<Record<string, unknown>>({ ${QUEUE_META} });`,
      `export const literal = build<{ spec: unknown }>({ ${QUEUE_META} });`,
      `export const keyword = build<object>({ ${QUEUE_META} });`,
      '',
    ].join('\n');
    const findings = lint(code);
    expect(findings.map((f) => f.line)).toEqual([3, 5, 6, 7, 8]);
    expect(findings[0].message).toBe(
      'no-restricted-syntax: build needs the type of the object it builds: build<ClusterQueue>({...}), with the type from model/crds (custom resources) or kubernetes-types (core kinds).',
    );
    expect(findings.slice(1).every((f) => f.message.includes('not a catch-all'))).toBe(true);
  });
});

describe('the kind registry and the kinds’ types', () => {
  it('types every kind the registry lists, and only those', () => {
    expect(Object.keys(TYPED_API_VERSIONS).sort()).toEqual(KINDS.map((k) => k.kind).sort());
  });

  it('emits each kind at the apiVersion its type declares (a CRD’s storage version)', () => {
    const typed = TYPED_API_VERSIONS as Readonly<Record<string, string>>;
    expect(KINDS.filter((k) => typed[k.kind] !== k.apiVersion)).toEqual([]);
  });
});
