/**
 * The `colossus` command. Every failure becomes a message and an exit code; nothing is
 * written on failure and no stack trace is shown (set COLOSSUS_DEBUG=1 to see one).
 */
import * as fs from 'fs';
import * as path from 'path';
import { SpecError } from '../spec/errors';
import { loadSpecFile } from '../spec/load';
import { unsafeOutputReason } from '../emit/output-guard';
import { synthesize } from '../emit/synthesize';
import { formatSummary, SUMMARY_FILE } from '../reports/summary';
import { checkpointWarnings } from '../storage/checkpoint';
import { builtInExample } from './paths';
import { auditCommand, diffCommand, reportCommand } from '../review/commands';
import { admitCommand } from '../admit/command';

/** Exit codes of the `colossus` command. */
export const EXIT = { ok: 0, invalid: 1, usage: 64, internal: 70 } as const;

const USAGE = `usage:
  colossus synth [--spec FILE] [--out DIR] [--emit terraform|yaml|both] [--previous SUMMARY] [--adopt true]
                                             synthesize Terraform JSON and/or YAML manifests, and reports
                                             (--adopt true: import blocks to adopt what already exists)
  colossus validate --spec FILE              check a spec and report every problem
  colossus diff BASE_OUT HEAD_OUT [--format markdown|json] [--fail-on high|medium]
                                             review a change between two synth outputs (exit 2 at --fail-on)
  colossus report OUT [--html FILE]          the cluster at a glance (Markdown; HTML page with a picture)
  colossus audit OUT                         check tenant isolation in a synth output (exit 1 with findings)
  colossus admit --out OUT --namespace NS FILE... [--format table|json]
                                             predict whether the workloads in FILEs would be admitted, and where
                                             (exit 2 when one is denied)
defaults: --spec examples/colossus-1.yaml (built in), --out cdktf.out, --emit both,
  --previous <out>/reports/summary.json (what the last synth protected: never destroyed)`;

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

/** `value` if it is one of `allowed`, else a usage error naming the option. */
function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, not "${value}"`);
  }
  return value as T;
}

type Io = { out: (s: string) => void; err: (s: string) => void };
const stdio: Io = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };

/** Runs the command line `args`; returns the exit code. */
export function run(args: readonly string[], io: Io = stdio): number {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'synth': {
        const { flags } = parseFlags(rest, ['spec', 'out', 'emit', 'previous', 'adopt']);
        const emit = oneOf('emit', flags.emit ?? 'both', ['terraform', 'yaml', 'both'] as const);
        const adopt = oneOf('adopt', flags.adopt ?? 'false', ['true', 'false'] as const) === 'true';
        const spec = flags.spec ?? builtInExample();
        const { cluster } = loadSpecFile(spec);
        const outdir = flags.out ?? 'cdktf.out';
        const unsafe = unsafeOutputReason(outdir);
        if (unsafe) throw new UsageError(unsafe);
        // DEPLOY.md names the spec as typed; an absolute path would make the output depend on the machine.
        const specPath = flags.spec === undefined ? undefined : path.isAbsolute(flags.spec) ? null : flags.spec;
        const summary = synthesize(cluster, { outdir, emit, previousSummary: flags.previous, adopt, specPath });
        io.out(formatSummary(summary));
        const written = [
          ...(emit === 'yaml' ? [] : [path.join(outdir, 'stacks')]),
          ...(emit === 'terraform' ? [] : [path.join(outdir, 'manifests')]),
        ];
        io.out(`wrote ${written.join(', ')} and ${path.join(outdir, SUMMARY_FILE)}`);
        return EXIT.ok;
      }
      case 'validate': {
        const { flags } = parseFlags(rest, ['spec']);
        if (!flags.spec) throw new UsageError('validate needs --spec FILE');
        const { cluster } = loadSpecFile(flags.spec);
        io.out(`${flags.spec}: valid (${cluster.pools.length} pools, ${cluster.tenants.length} tenants)`);
        for (const warning of checkpointWarnings(cluster.storage, cluster.tenants)) io.out(`warning: ${warning}`);
        return EXIT.ok;
      }
      case 'diff': {
        const { flags, positional } = parseFlags(rest, ['format', 'fail-on']);
        if (positional.length !== 2) throw new UsageError('diff needs BASE_OUT and HEAD_OUT');
        const format = oneOf('format', flags.format ?? 'markdown', ['markdown', 'json'] as const);
        const failOn =
          flags['fail-on'] === undefined ? undefined : oneOf('fail-on', flags['fail-on'], ['high', 'medium'] as const);
        return diffCommand(positional[0], positional[1], { format, failOn }, io);
      }
      case 'report': {
        const { flags, positional } = parseFlags(rest, ['html']);
        if (positional.length !== 1) throw new UsageError('report needs OUT, a synth output directory');
        return reportCommand(positional[0], flags.html, io);
      }
      case 'audit': {
        const { positional } = parseFlags(rest, []);
        if (positional.length !== 1) throw new UsageError('audit needs OUT, a synth output directory');
        return auditCommand(positional[0], io);
      }
      case 'admit': {
        const { flags, positional } = parseFlags(rest, ['out', 'namespace', 'format']);
        if (!flags.out) throw new UsageError('admit needs --out OUT, a synth output directory');
        if (!flags.namespace) throw new UsageError('admit needs --namespace NS, a tenant namespace');
        if (positional.length === 0) throw new UsageError('admit needs at least one workload FILE');
        const format = oneOf('format', flags.format ?? 'table', ['table', 'json'] as const);
        const missing = positional.find((f) => !fs.existsSync(f));
        if (missing) throw new UsageError(`admit: no such file ${missing}`);
        if (!fs.existsSync(path.join(flags.out, 'manifests'))) {
          throw new UsageError(`admit: ${flags.out} has no manifests/ (synthesize with --emit yaml or both)`);
        }
        return admitCommand(flags.out, flags.namespace, positional, format, io);
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
