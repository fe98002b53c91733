/**
 * The `colossus` command. It follows the conventions of kubectl, terraform and helm: per-command
 * `--help`, `--version`, suggestions for unknown commands and flags, `--format json` on every
 * command that prints results, `--quiet`, colour only on a terminal (NO_COLOR respected), and
 * documented exit codes. Every failure becomes a message and an exit code; nothing is written on
 * failure and no stack trace is shown (set COLOSSUS_DEBUG=1 to see one).
 */
import * as fs from 'fs';
import * as path from 'path';
import { SpecError } from '../spec/errors';
import { loadSpecFile } from '../spec/load';
import { AppSynthError, RefusedSynthError } from '../emit/colossus-app';
import { UnsafeOutputError } from '../emit/output-guard';
import { synthesizeApp } from '../emit/synthesize';
import { formatSummary, SUMMARY_FILE } from '../reports/summary';
import { checkpointOverloads, storagePlanner } from '../storage/planner';
import { planOf } from '../model/planner';
import { ledgerFileFor } from '../storage/data-ledger';
import { DataRecordsError } from '../storage/previous-output';
import { admitCommand } from '../admit/command';
import { auditCommand, diffCommand, Io, reportCommand, systemReason } from '../review/commands';
import { packageRoot } from './paths';
import { chooseSpec, NoSpecError, writtenSpecPath } from './spec-source';
import { highlight, Style, styleFor } from './style';

/** Exit codes of the `colossus` command; the README's table lists the same. */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** The input is refused: an invalid spec, a policy violation, audit findings, unreadable data records. */
  invalid: 1,
  /** `colossus diff` meets `--fail-on`. */
  failOn: 2,
  /** A wrong command line: unknown command or flag, missing argument, bad value (EX_USAGE). */
  usage: 64,
  /** An input that does not exist: an output directory, a `--previous` summary (EX_NOINPUT). */
  noInput: 66,
  /** A bug in colossus: report it with COLOSSUS_DEBUG=1 output (EX_SOFTWARE). Never a user mistake. */
  internal: 70,
  /** An output that cannot be written: `--out` under a file, a bad `--html` path (EX_CANTCREAT). */
  cannotCreate: 73,
} as const;

/** A wrong command line. */
export class UsageError extends Error {
  public constructor(
    message: string,
    /** The command whose usage to show. */
    public readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A flag of a command. */
interface Flag {
  readonly name: string;
  readonly short?: string;
  /** Name of its value (`FILE`); absent for a switch. */
  readonly value?: string;
  readonly choices?: readonly string[];
  readonly help: string;
}

interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly flags: readonly Flag[];
  /** Extra lines of help. */
  readonly details?: string;
}

const QUIET: Flag = { name: 'quiet', short: 'q', help: 'print nothing but errors; the exit code tells the result' };
const HELP: Flag = { name: 'help', short: 'h', help: 'show this help' };
const format = (choices: readonly string[]): Flag => ({
  name: 'format',
  value: 'FORMAT',
  choices,
  help: `output format: ${choices.join(' or ')} (default ${choices[0]})`,
});

const COMMANDS: readonly Command[] = [
  {
    name: 'synth',
    usage:
      'colossus synth [SPEC] [--out DIR] [--emit terraform|yaml|both] [--previous SUMMARY] [--adopt true] [--format text|json] [-q]',
    summary: 'synthesize Terraform JSON and YAML manifests, helmfile, reports and data records',
    flags: [
      { name: 'spec', value: 'FILE', help: 'the cluster spec (or give it as the argument)' },
      { name: 'out', value: 'DIR', help: 'output directory, replaced whole on success (default cdktf.out)' },
      { name: 'emit', value: 'WHAT', choices: ['terraform', 'yaml', 'both'], help: 'emitters to run (default both)' },
      {
        name: 'previous',
        value: 'SUMMARY',
        help: 'reports/summary.json of the last applied synth of this cluster, when not in --out',
      },
      {
        name: 'adopt',
        value: 'BOOL',
        choices: ['true', 'false'],
        help: 'write import blocks to adopt objects and releases that already exist (default false)',
      },
      format(['text', 'json']),
      QUIET,
      HELP,
    ],
    details: `The spec: SPEC or --spec, else COLOSSUS_SPEC, else cdktf.json "context": {"colossusSpec": FILE}; never a silent default.
The data records (what the cluster protects) are read from and written to <spec>.protected.json beside the spec: commit it.`,
  },
  {
    name: 'validate',
    usage: 'colossus validate [SPEC] [--format text|json] [-q]',
    summary: 'check a spec and report every problem',
    flags: [
      { name: 'spec', value: 'FILE', help: 'the cluster spec (or give it as the argument)' },
      format(['text', 'json']),
      QUIET,
      HELP,
    ],
  },
  {
    name: 'diff',
    usage: 'colossus diff BASE_OUT HEAD_OUT [--format markdown|json] [--fail-on high|medium] [-q]',
    summary: 'review a change between two synth outputs (exit 2 at --fail-on)',
    flags: [
      format(['markdown', 'json']),
      { name: 'fail-on', value: 'LEVEL', choices: ['high', 'medium'], help: 'exit 2 when the diff reaches this risk' },
      QUIET,
      HELP,
    ],
  },
  {
    name: 'report',
    usage: 'colossus report OUT [--html FILE] [--format markdown|json] [-q]',
    summary: 'the cluster at a glance (Markdown; HTML page with a picture)',
    flags: [
      { name: 'html', value: 'FILE', help: 'also write a self-contained HTML page' },
      format(['markdown', 'json']),
      QUIET,
      HELP,
    ],
  },
  {
    name: 'audit',
    usage: 'colossus audit OUT [--format text|json] [-q]',
    summary: 'check tenant isolation in a synth output (exit 1 with findings)',
    flags: [format(['text', 'json']), QUIET, HELP],
  },
  {
    name: 'admit',
    usage: 'colossus admit --out OUT --namespace NS FILE... [--format table|json]',
    summary: 'predict whether the workloads in FILEs would be admitted, and where (exit 2 when one is denied)',
    flags: [
      { name: 'out', value: 'DIR', help: 'a synth output directory (with manifests/)' },
      { name: 'namespace', value: 'NS', help: 'the tenant namespace the workloads are created in' },
      format(['table', 'json']),
      HELP,
    ],
  },
];

const EXIT_HELP = `exit codes: 0 ok, 1 refused (invalid spec, policy violation, audit findings, unreadable data records),
  2 diff meets --fail-on or admit denies a workload, 64 wrong command line, 66 input not found, 70 internal error (a bug), 73 cannot write output`;

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: colossus <command> [options]    (colossus <command> --help for its options)',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'options: --help, -h   --version',
    EXIT_HELP,
  ].join('\n');
}

function commandHelp(c: Command): string {
  const flag = (f: Flag) =>
    `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` ${f.value}` : ''}`.padEnd(28) + f.help;
  return [
    `usage: ${c.usage}`,
    '',
    c.summary,
    ...(c.details ? ['', c.details] : []),
    '',
    'options:',
    ...c.flags.map((f) => `  ${flag(f)}`),
    '',
    EXIT_HELP,
  ].join('\n');
}

/** The package version, from package.json. */
export function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Parses a command's arguments; unknown flags are usage errors with a suggestion. */
export function parseFlags(
  args: readonly string[],
  command: Pick<Command, 'name' | 'flags'>,
): { flags: Record<string, string | true>; positional: string[] } {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  const known = command.flags;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const [name, inline] = arg.slice(long ? 2 : 1).split(/=(.*)/s, 2);
    const flag = known.find((f) => (long ? f.name === name : f.short === name));
    if (!flag) {
      const names = known.flatMap((f) => [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])]);
      const hint = suggest(long ? `--${name}` : `-${name}`, names);
      throw new UsageError(
        `unknown option ${long ? '--' : '-'}${name} for ${command.name}${hint ? `; did you mean ${hint}?` : ''}`,
        command.name,
      );
    }
    if (!flag.value) {
      if (inline !== undefined) throw new UsageError(`--${flag.name} takes no value`, command.name);
      flags[flag.name] = true;
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`--${flag.name} needs a value (${flag.value})`, command.name);
    if (flag.choices && !flag.choices.includes(value)) {
      throw new UsageError(`--${flag.name} must be one of ${flag.choices.join(', ')}, not "${value}"`, command.name);
    }
    if (flags[flag.name] !== undefined) throw new UsageError(`--${flag.name} is given twice`, command.name);
    flags[flag.name] = value;
  }
  return { flags, positional };
}

/** The closest of `candidates` to `word` within a small edit distance, if any. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d <= Math.max(2, Math.floor(c.length / 3)) && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = up;
    }
  }
  return row[b.length];
}

/** Where and how a run prints. */
export interface Terminal extends Io {
  /** Colours for stdout and stderr (identity when they are not terminals, or NO_COLOR is set). */
  readonly outStyle?: Style;
  readonly errStyle?: Style;
}

const stdio: Terminal = {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  outStyle: styleFor(process.stdout.isTTY),
  errStyle: styleFor(process.stderr.isTTY),
};

const PLAIN = styleFor(false);

/** Runs the command line `args`; returns the exit code. */
export function run(args: readonly string[], io: Terminal = stdio): number {
  const [name, ...rest] = args;
  const errStyle = io.errStyle ?? PLAIN;
  try {
    if (name === undefined) {
      io.err(usage());
      return EXIT.usage;
    }
    if (name === 'help' || name === '--help' || name === '-h') {
      const command = COMMANDS.find((c) => c.name === rest[0]);
      io.out(command ? commandHelp(command) : usage());
      return EXIT.ok;
    }
    if (name === 'version' || name === '--version') {
      io.out(`colossus ${version()}`);
      return EXIT.ok;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      const hint = suggest(name, [...COMMANDS.map((c) => c.name), 'help', 'version']);
      throw new UsageError(`unknown command "${name}"${hint ? `; did you mean ${hint}?` : ''}`);
    }
    const { flags, positional } = parseFlags(rest, command);
    if (flags.help) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    return runCommand(command, flags, positional, io);
  } catch (e) {
    if (e instanceof SpecError) {
      io.err(highlight(e.message, errStyle));
      return EXIT.invalid;
    }
    if (e instanceof UsageError || e instanceof NoSpecError || e instanceof UnsafeOutputError) {
      const command = COMMANDS.find((c) => c.name === (e instanceof UsageError ? e.command : name));
      const hint = command ? `usage: ${command.usage}\n(colossus ${command.name} --help for more)` : usage();
      io.err(`${errStyle.red('colossus:')} ${e.message}\n${hint}`);
      return EXIT.usage;
    }
    if (e instanceof DataRecordsError) {
      io.err(`${errStyle.red('colossus:')} ${e.message}`);
      return e.missing ? EXIT.noInput : EXIT.invalid;
    }
    if (e instanceof AppSynthError || e instanceof RefusedSynthError) {
      io.err(`${errStyle.red('colossus:')} ${highlight(e.message, errStyle)}`);
      return EXIT.invalid;
    }
    io.err(
      `${errStyle.red('colossus: internal error:')} ${e instanceof Error ? e.message : String(e)}\n` +
        'This is a bug in colossus; run again with COLOSSUS_DEBUG=1 and report the output.',
    );
    if (process.env.COLOSSUS_DEBUG) io.err((e as Error | undefined)?.stack ?? '');
    return e instanceof Error && e.name === 'ValidationError' ? EXIT.invalid : EXIT.internal;
  }
}

function runCommand(
  command: Command,
  flags: Record<string, string | true>,
  positional: readonly string[],
  io: Terminal,
): number {
  const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  const quiet = flags.quiet === true;
  const outStyle = io.outStyle ?? PLAIN;
  const errStyle = io.errStyle ?? PLAIN;
  const fmt = str('format');
  const operands = (n: number, what: string) => {
    if (positional.length !== n) {
      throw new UsageError(
        positional.length < n ? `${command.name} needs ${what}` : `unexpected argument "${positional[n]}"`,
        command.name,
      );
    }
  };
  switch (command.name) {
    case 'synth':
    case 'validate': {
      if (positional.length > 1) throw new UsageError(`unexpected argument "${positional[1]}"`, command.name);
      if (positional.length === 1 && str('spec') !== undefined && positional[0] !== str('spec')) {
        throw new UsageError(`two specs named: "${positional[0]}" and --spec "${str('spec')}"; name one`, command.name);
      }
      const source = chooseSpec(positional[0] ?? str('spec'));
      if (source.implicit && !quiet) io.err(`colossus: spec ${shown(source.file)}, named by ${source.namedBy}`);
      if (command.name === 'validate') return validate(source.file, fmt === 'json', quiet, io, outStyle);
      const outdir = str('out') ?? 'cdktf.out';
      const emit = (str('emit') ?? 'both') as 'both' | 'terraform' | 'yaml';
      const { cluster } = loadSpecFile(source.file);
      let app;
      try {
        app = synthesizeApp(cluster, {
          outdir,
          emit,
          previousSummary: str('previous'),
          dataRecords: ledgerFileFor(source.file),
          sameClusterOnly: source.implicit,
          adopt: str('adopt') === 'true',
          // DEPLOY.md names the spec as typed; an absolute path would make the output depend on the machine.
          specPath: writtenSpecPath(source),
        });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) throw e;
        io.err(`${errStyle.red('colossus:')} cannot write --out ${outdir}: ${fileInTheWay(outdir) ?? systemReason(e)}`);
        return EXIT.cannotCreate;
      }
      if (quiet) return EXIT.ok;
      if (fmt === 'json') {
        io.out(JSON.stringify(app.summary, null, 2));
        return EXIT.ok;
      }
      for (const note of app.notes) io.err(`colossus: ${note}`);
      io.out(highlight(formatSummary(app.summary), outStyle));
      const written = [
        ...(emit === 'yaml' ? [] : [path.join(outdir, 'stacks')]),
        ...(emit === 'terraform' ? [] : [path.join(outdir, 'manifests')]),
      ];
      io.out(`wrote ${written.join(', ')} and ${path.join(outdir, SUMMARY_FILE)}`);
      io.out(`data records: ${shown(ledgerFileFor(source.file))} (commit it with the spec)`);
      return EXIT.ok;
    }
    case 'diff': {
      operands(2, 'BASE_OUT and HEAD_OUT, two synth output directories');
      const failOn = str('fail-on') as 'high' | 'medium' | undefined;
      return diffCommand(
        positional[0],
        positional[1],
        { format: fmt === 'json' ? 'json' : 'markdown', failOn, quiet },
        io,
      );
    }
    case 'report':
      operands(1, 'OUT, a synth output directory');
      return reportCommand(positional[0], str('html'), { format: fmt === 'json' ? 'json' : 'markdown', quiet }, io);
    case 'audit': {
      operands(1, 'OUT, a synth output directory');
      const code = auditCommand(
        positional[0],
        { format: fmt === 'json' ? 'json' : 'text', quiet },
        {
          out: (s) => io.out(fmt === 'json' ? s : highlight(s, outStyle)),
          err: io.err,
        },
      );
      return code;
    }
    case 'admit': {
      const out = str('out');
      const namespace = str('namespace');
      if (!out) throw new UsageError('admit needs --out OUT, a synth output directory', command.name);
      if (!namespace) throw new UsageError('admit needs --namespace NS, a tenant namespace', command.name);
      if (positional.length === 0) throw new UsageError('admit needs at least one workload FILE', command.name);
      const missing = positional.find((f) => !fs.existsSync(f));
      if (missing) throw new UsageError(`admit: no such file ${missing}`, command.name);
      if (!fs.existsSync(path.join(out, 'manifests'))) {
        throw new UsageError(`admit: ${out} has no manifests/ (synthesize with --emit yaml or both)`, command.name);
      }
      return admitCommand(out, namespace, positional, fmt === 'json' ? 'json' : 'table', io);
    }
    default:
      throw new UsageError(`unknown command "${command.name}"`);
  }
}

/** `<ancestor> is a file, not a directory` when a file stands where a directory of `dir` must go. */
function fileInTheWay(dir: string): string | undefined {
  for (let p = path.dirname(path.resolve(dir)); p !== path.dirname(p); p = path.dirname(p)) {
    if (fs.existsSync(p)) return fs.statSync(p).isDirectory() ? undefined : `${shown(p)} is a file, not a directory`;
  }
  return undefined;
}

/** A path as the user would write it: relative below the working directory, absolute elsewhere. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(file) : relative;
}

function validate(file: string, json: boolean, quiet: boolean, io: Io, style: Style): number {
  let cluster;
  try {
    cluster = loadSpecFile(file).cluster;
  } catch (e) {
    if (json && e instanceof SpecError) io.out(JSON.stringify({ file, valid: false, issues: e.issues }, null, 2));
    throw e;
  }
  const warnings = checkpointOverloads(planOf(cluster, storagePlanner).plan);
  if (quiet) return EXIT.ok;
  if (json) {
    io.out(
      JSON.stringify(
        { file, valid: true, pools: cluster.pools.length, tenants: cluster.tenants.length, warnings },
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  io.out(`${file}: ${style.green('valid')} (${cluster.pools.length} pools, ${cluster.tenants.length} tenants)`);
  for (const warning of warnings) io.out(highlight(`warning: ${warning}`, style));
  return EXIT.ok;
}
