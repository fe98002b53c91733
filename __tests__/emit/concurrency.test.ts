/**
 * Concurrent synths into one output directory (two `colossus synth` processes at once, a
 * stale lock, a live lock): the directory always holds exactly one complete output, never a mix,
 * and no temporary directory or lock is left behind.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { binBuilt, readTree, runBin } from '../support/run-cli';
import { ROOT, tempDir } from '../support/synth';

const BIN = path.join(ROOT, 'bin', 'colossus.js');
const LAB = fs.readFileSync(path.join(ROOT, 'examples', 'lab.yaml'), 'utf8');

/** Starts `colossus synth` in the background; resolves with its exit code. */
function startSynth(spec: string, out: string): { child: ChildProcess; done: Promise<number> } {
  const child = spawn(process.execPath, [BIN, 'synth', '--spec', spec, '--out', out], { stdio: 'ignore' });
  const done = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, done };
}

/**
 * Whether `tree` is the output of the synth that wrote `expected`: the same files, byte for byte.
 * The summary may also report what the previous output held (objects retained from it), so
 * of the summary only the cluster and its stacks are compared.
 */
function sameSynth(tree: Map<string, string>, expected: Map<string, string>): boolean {
  const summary = path.join('reports', 'summary.json');
  const core = (text: string | undefined) => {
    const { cluster, stacks } = JSON.parse(text ?? '{}') as Record<string, unknown>;
    return JSON.stringify({ cluster, stacks });
  };
  return (
    JSON.stringify([...tree.keys()]) === JSON.stringify([...expected.keys()]) &&
    [...expected].every(([file, text]) =>
      file === summary ? core(text) === core(tree.get(file)) : tree.get(file) === text,
    )
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

(binBuilt() ? describe : describe.skip)('two synths into the same --out', () => {
  const dir = tempDir('colossus-concurrency-');
  const specA = path.join(dir, 'a.yaml');
  const specB = path.join(ROOT, 'examples', 'colossus-1.yaml');
  let expectedA: Map<string, string>;
  let expectedB: Map<string, string>;

  beforeAll(() => {
    fs.writeFileSync(specA, LAB.replace('name: lab\n', 'name: lab-a\n'));
    expect(runBin(['synth', '--spec', specA, '--out', path.join(dir, 'ref-a')]).code).toBe(0);
    expect(runBin(['synth', '--spec', specB, '--out', path.join(dir, 'ref-b')]).code).toBe(0);
    expectedA = readTree(path.join(dir, 'ref-a'));
    expectedB = readTree(path.join(dir, 'ref-b'));
    expect(expectedA).not.toEqual(expectedB);
  });

  it.each([1, 2, 3])('leave exactly one complete output, never a mix (round %i)', async (round) => {
    const out = path.join(dir, `shared-${round}`);
    // Round 3 starts from an earlier output, which both must replace whole.
    if (round === 3) fs.cpSync(path.join(dir, 'ref-a'), out, { recursive: true });
    const runs = [startSynth(specA, out), startSynth(specB, out)];
    expect(await Promise.all(runs.map((r) => r.done))).toEqual([0, 0]);
    const tree = readTree(out);
    expect(tree.size).toBeGreaterThan(0);
    expect([expectedA, expectedB].some((expected) => sameSynth(tree, expected))).toBe(true);
    // Nothing else is left beside it: no temporary directory, no lock.
    expect(fs.readdirSync(dir).filter((f) => f.startsWith(`shared-${round}.`))).toEqual([]);
  });

  it('breaks the lock of a synth that died', () => {
    const out = path.join(dir, 'stale');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.mkdirSync(`${out}.lock`);
    fs.writeFileSync(path.join(`${out}.lock`, 'pid'), dead.stdout);
    expect(runBin(['synth', '--spec', specA, '--out', out]).code).toBe(0);
    expect(readTree(out)).toEqual(expectedA);
    expect(fs.existsSync(`${out}.lock`)).toBe(false);
  });

  it('waits for a live lock holder, then writes', async () => {
    const out = path.join(dir, 'live');
    fs.mkdirSync(`${out}.lock`);
    fs.writeFileSync(path.join(`${out}.lock`, 'pid'), String(process.pid));
    const run = startSynth(specA, out);
    await sleep(1500);
    expect(fs.existsSync(out)).toBe(false);
    fs.rmSync(`${out}.lock`, { recursive: true });
    expect(await run.done).toBe(0);
    expect(readTree(out)).toEqual(expectedA);
  });
});
