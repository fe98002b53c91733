/**
 * The review subcommands of `colossus`: diff, report and audit. cli/main.ts parses the command
 * line; these read the output directories, print, and return the exit code.
 */
import * as fs from 'fs';
import { auditOutput, formatAudit } from './audit';
import { diffOutputs, meetsFailOn } from './diff';
import { formatDiffMarkdown } from './diff-markdown';
import { OutputError, readOutput } from './read-output';
import { renderReportHtml, renderReportJson, renderReportMarkdown } from './report';
import { RiskLevel } from './risk';

/** Exit codes of the review commands (see EXIT in cli/main.ts for all of them). */
export const REVIEW_EXIT = {
  ok: 0,
  /** The audit found isolation holes. */
  findings: 1,
  /** The diff meets `--fail-on`. */
  failOn: 2,
  /** An output directory is missing or unreadable (EX_NOINPUT). */
  noInput: 66,
  /** A file the command was asked to write cannot be written (EX_CANTCREAT). */
  cannotCreate: 73,
} as const;

/** Where a command prints: results to `out`, messages to `err`. */
export type Io = { out: (s: string) => void; err: (s: string) => void };

/** Options every review command takes. */
export interface ReviewOptions {
  /** `json` prints data; the other formats print text. */
  readonly format: 'markdown' | 'text' | 'json';
  /** Print nothing but errors: the exit code tells the result. */
  readonly quiet?: boolean;
}

/** `colossus diff BASE_OUT HEAD_OUT`. */
export function diffCommand(
  baseDir: string,
  headDir: string,
  options: ReviewOptions & { readonly failOn?: RiskLevel },
  io: Io,
): number {
  return readable(io, () => {
    const diff = diffOutputs(readOutput(baseDir), readOutput(headDir));
    if (!options.quiet) io.out(options.format === 'json' ? JSON.stringify(diff, null, 2) : formatDiffMarkdown(diff));
    if (options.failOn && meetsFailOn(diff, options.failOn)) {
      io.err(`colossus diff: risk ${diff.risk} meets --fail-on ${options.failOn}`);
      return REVIEW_EXIT.failOn;
    }
    return REVIEW_EXIT.ok;
  });
}

/** `colossus report OUT [--html FILE]`. */
export function reportCommand(outDir: string, htmlFile: string | undefined, options: ReviewOptions, io: Io): number {
  return readable(io, () => {
    const output = readOutput(outDir);
    if (!options.quiet) io.out(options.format === 'json' ? renderReportJson(output) : renderReportMarkdown(output));
    if (htmlFile !== undefined) {
      try {
        fs.writeFileSync(htmlFile, renderReportHtml(output));
      } catch (e) {
        io.err(`colossus: cannot write --html ${htmlFile}: ${systemReason(e)}`);
        return REVIEW_EXIT.cannotCreate;
      }
      if (!options.quiet) io.err(`wrote ${htmlFile}`);
    }
    return REVIEW_EXIT.ok;
  });
}

/** `colossus audit OUT`. */
export function auditCommand(outDir: string, options: ReviewOptions, io: Io): number {
  return readable(io, () => {
    const result = auditOutput(readOutput(outDir, { yamlAlways: true }));
    if (!options.quiet) io.out(options.format === 'json' ? JSON.stringify(result, null, 2) : formatAudit(result));
    return result.findings.length > 0 ? REVIEW_EXIT.findings : REVIEW_EXIT.ok;
  });
}

/** A system error in words (`a parent directory is a file`), without errno text. */
export function systemReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    ENOENT: 'its directory does not exist',
    ENOTDIR: 'a parent of it is a file, not a directory',
    EISDIR: 'it is a directory',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EEXIST: 'something is already there',
  };
  return (code && reasons[code]) ?? (e instanceof Error ? e.message : String(e));
}

function readable(io: Io, body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
    io.err(`colossus: ${e.message}`);
    return REVIEW_EXIT.noInput;
  }
}
