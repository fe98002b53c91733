/**
 * `npm run bench [-- --repeat N] [-- --sizes 1k,230k]`: synthesizes Colossus-shaped clusters
 * of 1k, 10k, 100k, 230k (the built-in example) and 1M GPUs, each as the separate process a user
 * runs, and the floor (bench/floor-app.ts) the same way. Prints wall time, CPU time, peak RSS,
 * Terraform resources, objects and output bytes with each size's ratio to the floor, times
 * `colossus diff` of two 230k outputs, and writes the figures to bench/results/. Reports only:
 * it never fails on a missed target.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SUMMARY_FILE } from '../reports/summary';
import { benchSpec, label } from './specs';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'colossus.js');
const HOOK = path.join(__dirname, 'rss-hook.js');
const FLOOR = path.join(__dirname, 'floor-app.js');
/** The built-in example stands for the 230k size. */
const EXAMPLE = path.join(ROOT, 'examples', 'colossus-1.yaml');
const SIZES = [1_000, 10_000, 100_000, 230_000, 1_000_000];

/** One measured process run. */
interface Run {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssKiB: number;
  readonly stdout: string;
}

/** Figures of one size (median of the runs; peak memory is the highest). */
interface Row {
  readonly size: string;
  readonly gpus: number;
  readonly blocks: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssMiB: number;
  readonly terraformResources: number;
  readonly objects: number;
  readonly outputBytes: number;
  readonly wallRatio: number;
  readonly cpuRatio: number;
  /** Wall time of the floor app declaring as many resources: cdktf's own cost at this size. */
  readonly cdktfSameResourcesWallMs: number;
  readonly resourcesPer1kGpus: number;
  /** Workload clusters: 1 when not split into cells. */
  readonly cells: number;
  readonly stacks: number;
  /** Terraform resources of the largest stack (goal: at most 1,000). */
  readonly maxStackResources: number;
}

/** Runs `node -r rss-hook args` once and measures it. */
function measure(args: readonly string[], cwd: string): Run {
  const usageFile = path.join(cwd, `usage-${process.hrtime.bigint()}.json`);
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', HOOK, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, COLOSSUS_BENCH_USAGE: usageFile, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1' },
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && !(args.includes('diff') && r.status === 2)) {
    throw new Error(`${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  }
  const usage = JSON.parse(fs.readFileSync(usageFile, 'utf8')) as { maxRssKiB: number; cpuMs: number };
  fs.rmSync(usageFile);
  return { wallMs, cpuMs: usage.cpuMs, maxRssKiB: usage.maxRssKiB, stdout: r.stdout };
}

/** Median run (by wall time) of `repeat` runs, with the highest peak memory seen. */
function measureRepeated(args: readonly string[], cwd: string, repeat: number): Run {
  const runs = Array.from({ length: repeat }, () => measure(args, cwd));
  const median = <T>(xs: T[], key: (x: T) => number) => [...xs].sort((a, b) => key(a) - key(b))[xs.length >> 1];
  return {
    ...median(runs, (r) => r.wallMs),
    cpuMs: median(runs, (r) => r.cpuMs).cpuMs,
    maxRssKiB: Math.max(...runs.map((r) => r.maxRssKiB)),
  };
}

function directoryBytes(dir: string): number {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .reduce(
      (n, e) =>
        n + (e.isDirectory() ? directoryBytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size),
      0,
    );
}

interface SummaryFigures {
  gpus: number;
  pools: Record<string, { blocks: number }>;
  stacks: Record<string, { terraformResources: number; objects: number }>;
  cells?: { split: boolean; cells: unknown[] };
}

function main(argv: readonly string[]): void {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i < 0 ? undefined : argv[i + 1];
  };
  const repeat = Number(flag('repeat') ?? 3);
  const sizes = flag('sizes')?.split(',').map(parseSize) ?? SIZES;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'colossus-bench-'));
  const log = (s: string) => process.stderr.write(`${s}\n`);

  log(`floor: minimal cdktf app (${repeat} runs)`);
  const floor = measureRepeated([FLOOR, path.join(work, 'floor-out')], work, repeat);

  const rows: Row[] = [];
  const outputs = new Map<number, string>();
  for (const gpus of sizes) {
    const spec = gpus === 230_000 ? EXAMPLE : path.join(work, `spec-${label(gpus)}.yaml`);
    if (spec !== EXAMPLE) fs.writeFileSync(spec, benchSpec(gpus));
    const out = path.join(work, `out-${label(gpus)}`);
    log(`${label(gpus)}: colossus synth (${repeat} runs)`);
    const run = measureRepeated([BIN, 'synth', '--spec', spec, '--out', out], work, repeat);
    outputs.set(gpus, out);
    const summary = JSON.parse(fs.readFileSync(path.join(out, SUMMARY_FILE), 'utf8')) as SummaryFigures;
    const stacks = Object.values(summary.stacks);
    const resources = stacks.reduce((n, s) => n + s.terraformResources, 0);
    log(`${label(gpus)}: cdktf floor app with ${resources} resources (${repeat} runs)`);
    const same = measureRepeated([FLOOR, path.join(work, 'floor-same'), String(resources)], work, repeat);
    rows.push({
      size: gpus === 230_000 ? '230k (example)' : label(gpus),
      gpus: summary.gpus,
      blocks: Object.values(summary.pools).reduce((n, p) => n + p.blocks, 0),
      wallMs: Math.round(run.wallMs),
      cpuMs: run.cpuMs,
      peakRssMiB: Math.round(run.maxRssKiB / 1024),
      terraformResources: resources,
      objects: stacks.reduce((n, s) => n + s.objects, 0),
      outputBytes: directoryBytes(out),
      wallRatio: round2(run.wallMs / floor.wallMs),
      cpuRatio: round2(run.cpuMs / floor.cpuMs),
      cdktfSameResourcesWallMs: Math.round(same.wallMs),
      resourcesPer1kGpus: round2((resources / summary.gpus) * 1000),
      cells: summary.cells?.split ? summary.cells.cells.length : 1,
      stacks: stacks.length,
      maxStackResources: Math.max(...stacks.map((s) => s.terraformResources)),
    });
  }

  const diff = measureDiff(outputs.get(230_000), work, repeat, log);
  const results = {
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: round2(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    repeat,
    floor: { wallMs: Math.round(floor.wallMs), cpuMs: floor.cpuMs, peakRssMiB: Math.round(floor.maxRssKiB / 1024) },
    sizes: rows,
    diff230k: diff,
  };
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${table(results.floor, rows, diff)}\nfigures: ${path.relative(process.cwd(), file)}\n`);
  fs.rmSync(work, { recursive: true, force: true });
}

/** `colossus diff` of the 230k output against a copy with one tenant's quota changed. */
function measureDiff(base: string | undefined, work: string, repeat: number, log: (s: string) => void) {
  if (!base) return undefined;
  const headSpec = path.join(work, 'spec-230k-head.yaml');
  fs.writeFileSync(
    headSpec,
    fs.readFileSync(EXAMPLE, 'utf8').replace('gpuQuota: { h100: 150016 }', 'gpuQuota: { h100: 140000 }'),
  );
  const head = path.join(work, 'out-230k-head');
  measure([BIN, 'synth', '--spec', headSpec, '--out', head], work);
  log(`230k: colossus diff (${repeat} runs)`);
  const run = measureRepeated([BIN, 'diff', base, head, '--format', 'json'], work, repeat);
  return { wallMs: Math.round(run.wallMs), cpuMs: run.cpuMs, peakRssMiB: Math.round(run.maxRssKiB / 1024) };
}

function table(
  floor: { wallMs: number; cpuMs: number; peakRssMiB: number },
  rows: Row[],
  diff?: { wallMs: number },
): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    '| size | GPUs | blocks | cells | stacks | largest stack | wall | CPU | peak RSS | TF resources | objects | output | x floor (wall) | x floor (CPU) | resources / 1k GPUs | cdktf alone, same resources |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    `| floor (1 stack, 1 resource) | | | | 1 | 1 | ${n(floor.wallMs)} ms | ${n(floor.cpuMs)} ms | ${floor.peakRssMiB} MiB | 1 | 1 | | 1.00 | 1.00 | | |`,
    ...rows.map(
      (r) =>
        `| ${r.size} | ${n(r.gpus)} | ${n(r.blocks)} | ${r.cells} | ${r.stacks} | ${n(r.maxStackResources)} | ${n(r.wallMs)} ms | ${n(r.cpuMs)} ms | ${r.peakRssMiB} MiB | ${n(r.terraformResources)} | ${n(r.objects)} | ${(r.outputBytes / 2 ** 20).toFixed(1)} MiB | ${r.wallRatio.toFixed(2)} | ${r.cpuRatio.toFixed(2)} | ${r.resourcesPer1kGpus} | ${n(r.cdktfSameResourcesWallMs)} ms |`,
    ),
  ];
  if (diff) lines.push('', `colossus diff of two 230k outputs: ${n(diff.wallMs)} ms`);
  return lines.join('\n');
}

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([kM])$/.exec(s.trim());
  if (!m) throw new Error(`--sizes: "${s}" is not like 1k or 1M`);
  return Number(m[1]) * (m[2] === 'M' ? 1_000_000 : 1000);
}

const round2 = (x: number) => Math.round(x * 100) / 100;

main(process.argv.slice(2));
