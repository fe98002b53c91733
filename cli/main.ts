/**
 * The `colossus` command. Every failure becomes a message and an exit code; nothing is
 * written on failure and no stack trace is shown (set COLOSSUS_DEBUG=1 to see one).
 */
import * as path from 'path';
import { SpecError } from '../spec/errors';
import { loadSpecFile } from '../spec/load';
import { unsafeOutputReason } from '../emit/output-guard';
import { synthesize } from '../emit/synthesize';
import { formatSummary } from '../reports/summary';
import { builtInExample } from './paths';

/** Exit codes of the `colossus` command. */
export const EXIT = { ok: 0, invalid: 1, usage: 64, internal: 70 } as const;

const USAGE = `usage:
  colossus synth [--spec FILE] [--out DIR]   synthesize Terraform JSON, YAML manifests and reports
  colossus validate --spec FILE              check a spec and report every problem
defaults: --spec examples/colossus-1.yaml (built in), --out cdktf.out`;

/** A wrong command line. */
export class UsageError extends Error {}

/** Parses `--flag value` pairs; unknown flags are usage errors. */
export function parseFlags(
  args: readonly string[],
  known: readonly string[],
): { flags: Record<string, string>; positional: string[] } {
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags[name] = value;
  }
  return { flags, positional };
}

type Io = { out: (s: string) => void; err: (s: string) => void };
const stdio: Io = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };

/** Runs the command line `args`; returns the exit code. */
export function run(args: readonly string[], io: Io = stdio): number {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'synth': {
        const { flags } = parseFlags(rest, ['spec', 'out']);
        const spec = flags.spec ?? builtInExample();
        const { cluster } = loadSpecFile(spec);
        const outdir = flags.out ?? 'cdktf.out';
        const unsafe = unsafeOutputReason(outdir);
        if (unsafe) throw new UsageError(unsafe);
        const summary = synthesize(cluster, { outdir });
        io.out(formatSummary(summary));
        io.out(
          `wrote ${path.join(outdir, 'stacks')}, ${path.join(outdir, 'manifests')} and ${path.join(outdir, 'reports', 'summary.json')}`,
        );
        return EXIT.ok;
      }
      case 'validate': {
        const { flags } = parseFlags(rest, ['spec']);
        if (!flags.spec) throw new UsageError('validate needs --spec FILE');
        const { cluster } = loadSpecFile(flags.spec);
        io.out(`${flags.spec}: valid (${cluster.pools.length} pools, ${cluster.tenants.length} tenants)`);
        return EXIT.ok;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof SpecError) {
      io.err(e.message);
      return EXIT.invalid;
    }
    if (e instanceof UsageError) {
      io.err(`colossus: ${e.message}\n${USAGE}`);
      return EXIT.usage;
    }
    io.err(`colossus: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.COLOSSUS_DEBUG) io.err((e as Error | undefined)?.stack ?? '');
    return e instanceof Error && e.name === 'ValidationError' ? EXIT.invalid : EXIT.internal;
  }
}
