/**
 * The hostile spec corpus (__tests__/fixtures/hostile/, outcomes in expected.json), plus inputs
 * generated here because they are too large or special to commit. Every one either synthesizes
 * or is refused with located, coded errors: exit code 1, no stack trace, nothing written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MAX_SPEC_BYTES } from '../../spec/load';
import { runCli, STACK_TRACE } from '../support/run-cli';
import { ROOT, readOutput, tempDir } from '../support/synth';

const CORPUS = path.join(ROOT, '__tests__', 'fixtures', 'hostile');
const EXPECTED = JSON.parse(fs.readFileSync(path.join(CORPUS, 'expected.json'), 'utf8')) as Record<
  string,
  { exit: number; codes: string[] }
>;
const CASES = Object.entries(EXPECTED).filter(([file]) => file !== '//');
const LAB = fs.readFileSync(path.join(ROOT, 'examples', 'lab.yaml'), 'utf8');

function isRegularFile(file: string): boolean {
  try {
    return fs.lstatSync(file).isFile();
  } catch {
    return false;
  }
}

/** Synthesizes `spec` into a fresh directory and checks the outcome. */
function expectOutcome(given: string, exit: number, codes: readonly string[]): string {
  // A regular file is synthesized from a copy: a synth writes its data ledger beside the spec.
  const spec = isRegularFile(given) ? path.join(tempDir('colossus-hostile-spec-'), path.basename(given)) : given;
  if (spec !== given) fs.copyFileSync(given, spec);
  const out = path.join(tempDir('colossus-hostile-'), 'out');
  const result = runCli(['synth', '--spec', spec, '--out', out]);
  expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: exit });
  expect(result.stderr).not.toMatch(STACK_TRACE);
  if (exit !== 0) {
    expect(fs.existsSync(out)).toBe(false);
    const errors = result.stderr.split('\n').filter((l) => l.includes(': error['));
    const reported = new Set(errors.map((l) => /error\[([a-z-]+)\]/.exec(l)![1]));
    expect([...reported].sort()).toEqual([...new Set(codes)].sort());
    for (const line of errors) {
      // Every error names the file; every error about the content also gives line and column.
      const located = line.startsWith(`${spec}:`) && /^.*?:\d+:\d+: error\[/.test(line.slice(spec.length));
      if (!line.includes('error[unreadable-file]')) expect(located || line).toBe(true);
      else expect(line.startsWith(`${spec}: error[unreadable-file]`)).toBe(true);
    }
    expect(result.stderr).toMatch(/nothing was written\.$/);
  }
  return out;
}

describe('the hostile corpus', () => {
  it('lists an expected outcome for every fixture, and a fixture for every outcome', () => {
    const files = fs.readdirSync(CORPUS).filter((f) => f !== 'expected.json');
    expect(files.sort()).toEqual(CASES.map(([f]) => f).sort());
  });

  it.each(CASES.filter(([, e]) => e.exit !== 0))('fails: %s', (file, { exit, codes }) => {
    expectOutcome(path.join(CORPUS, file), exit, codes);
  });

  it.each(CASES.filter(([, e]) => e.exit === 0))('synthesizes: %s', (file) => {
    const out = expectOutcome(path.join(CORPUS, file), 0, []);
    expect(readOutput(out).summary.cluster).toBe('lab');
  });

  it('keeps Object.prototype clean after __proto__ keys', () => {
    expectOutcome(path.join(CORPUS, 'prototype-keys.yaml'), 1, ['unknown-field', 'invalid-format', 'invalid-type']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('Terraform template syntax in groups (templates-in-groups.yaml)', () => {
  let output: ReturnType<typeof readOutput>;
  beforeAll(() => {
    output = readOutput(expectOutcome(path.join(CORPUS, 'templates-in-groups.yaml'), 0, []));
  });
  const stack = 'lab-tenant-team-a';
  const groups = ['${file("/etc/passwd")}', '%{for}x%{endfor}', '$${already-escaped}', 'cost:$$5'];
  const subjects = (o: { subjects?: { name: string }[] } | undefined) => o?.subjects?.map((s) => s.name);

  it('reaches cdk.tf.json escaped, so Terraform evaluates nothing', () => {
    const binding = output.terraformObjects(stack).get('rolebinding_team_a_tenant_member');
    expect(subjects(binding as never)).toEqual([
      '$${file("/etc/passwd")}',
      '%%{for}x%%{endfor}',
      '$$${already-escaped}',
      'cost:$$5',
    ]);
  });

  it('reaches the YAML manifests verbatim', () => {
    const binding = output.yamlObjects(stack).find((o) => o.kind === 'RoleBinding');
    expect(subjects(binding as never)).toEqual(groups);
  });
});

describe('generated hostile inputs', () => {
  const dir = tempDir('colossus-hostile-gen-');

  it(`fails: a file over MAX_SPEC_BYTES (${MAX_SPEC_BYTES} bytes), before reading it`, () => {
    const file = path.join(dir, 'huge.yaml');
    fs.writeFileSync(file, `${LAB}\n# ${'x'.repeat(MAX_SPEC_BYTES)}\n`);
    expectOutcome(file, 1, ['unreadable-file']);
  });

  it('fails: a file just under the limit, of generated content', () => {
    const file = path.join(dir, 'big.yaml');
    const filler = `# ${'x'.repeat(1000)}\n`.repeat(Math.floor((MAX_SPEC_BYTES - LAB.length - 100) / 1003));
    fs.writeFileSync(file, `${filler}${LAB}extra: true\n`);
    expectOutcome(file, 1, ['unknown-field']);
  });

  it('fails: 100,000 nested lists', () => {
    const file = path.join(dir, 'deep.yaml');
    fs.writeFileSync(file, `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    expectOutcome(file, 1, ['yaml-syntax']);
  });

  it('fails: 300 tenants (more than 256)', () => {
    const tenants = Array.from(
      { length: 300 },
      (_, i) => `    - { name: t${i}, groups: [g${i}], gpuQuota: { h100: 0 } }`,
    ).join('\n');
    const file = path.join(dir, 'many.yaml');
    fs.writeFileSync(file, LAB.replace(/  tenants:\n[\s\S]*$/, `  tenants:\n${tenants}\n`));
    expectOutcome(file, 1, ['too-many-items']);
  });

  it('fails: a missing file', () => {
    expectOutcome(path.join(dir, 'no-such-spec.yaml'), 1, ['unreadable-file']);
  });

  (fs.existsSync('/dev/zero') ? it : it.skip)('fails: /dev/zero, an endless device, without reading it', () => {
    expectOutcome('/dev/zero', 1, ['unreadable-file']);
  });
});

describe('an --out that is not a synth output', () => {
  const spec = path.join(ROOT, 'examples', 'lab.yaml');
  const cwd = process.cwd();
  let dir: string;
  beforeEach(() => {
    dir = tempDir('colossus-out-guard-');
    fs.writeFileSync(path.join(dir, 'precious.txt'), 'keep me');
  });
  afterEach(() => process.chdir(cwd));

  it.each([
    ['the working directory', '.'],
    ['a parent of the working directory', '..'],
  ])('fails: %s, and deletes nothing', (_what, out) => {
    const inner = path.join(dir, 'project');
    fs.mkdirSync(inner);
    process.chdir(inner);
    const result = runCli(['synth', '--spec', spec, '--out', out]);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/contains the working directory and would be deleted/);
    expect(fs.readFileSync(path.join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
    expect(fs.readdirSync(inner)).toEqual([]);
  });

  it('fails: a file, and leaves it', () => {
    const result = runCli(['synth', '--spec', spec, '--out', path.join(dir, 'precious.txt')]);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/is not a directory and would be replaced/);
    expect(fs.readFileSync(path.join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('fails: a directory of other files, and leaves them', () => {
    const result = runCli(['synth', '--spec', spec, '--out', dir]);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/holds files that are not a synth output/);
    expect(fs.readdirSync(dir)).toEqual(['precious.txt']);
  });

  it('replaces an empty directory, then its own earlier output', () => {
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    expect(runCli(['synth', '--spec', spec, '--out', out]).code).toBe(0);
    expect(runCli(['synth', '--spec', spec, '--out', out]).code).toBe(0);
    expect(fs.existsSync(path.join(out, 'reports', 'summary.json'))).toBe(true);
  });
});
