/**
 * The review subcommands of `colossus`: diff, report and audit. cli/main.ts parses the command
 * line; these read the output directories, print, and return the exit code.
 */
import * as fs from 'fs';
import { auditOutput, formatAudit } from './audit';
import { diffOutputs, meetsFailOn } from './diff';
import { formatDiffMarkdown } from './diff-markdown';
import { OutputError, readOutput } from './read-output';
import { renderReportHtml, renderReportMarkdown } from './report';
import { RiskLevel } from './risk';

/** Exit codes of the review commands (1 and 64 as for every `colossus` command). */
export const REVIEW_EXIT = {
  ok: 0,
  /** The audit found isolation holes. */
  findings: 1,
  /** The diff meets `--fail-on`. */
  failOn: 2,
  /** An output directory is missing or unreadable (EX_NOINPUT). */
  noInput: 66,
} as const;

type Io = { out: (s: string) => void; err: (s: string) => void };

/** `colossus diff BASE_OUT HEAD_OUT`. */
export function diffCommand(
  baseDir: string,
  headDir: string,
  options: { readonly format: 'markdown' | 'json'; readonly failOn?: RiskLevel },
  io: Io,
): number {
  return readable(io, () => {
    const diff = diffOutputs(readOutput(baseDir), readOutput(headDir));
    io.out(options.format === 'json' ? JSON.stringify(diff, null, 2) : formatDiffMarkdown(diff));
    if (options.failOn && meetsFailOn(diff, options.failOn)) {
      io.err(`colossus diff: risk ${diff.risk} meets --fail-on ${options.failOn}`);
      return REVIEW_EXIT.failOn;
    }
    return REVIEW_EXIT.ok;
  });
}

/** `colossus report OUT [--html FILE]`. */
export function reportCommand(outDir: string, htmlFile: string | undefined, io: Io): number {
  return readable(io, () => {
    const output = readOutput(outDir);
    io.out(renderReportMarkdown(output));
    if (htmlFile !== undefined) {
      fs.writeFileSync(htmlFile, renderReportHtml(output));
      io.err(`wrote ${htmlFile}`);
    }
    return REVIEW_EXIT.ok;
  });
}

/** `colossus audit OUT`. */
export function auditCommand(outDir: string, io: Io): number {
  return readable(io, () => {
    const result = auditOutput(readOutput(outDir, { yamlAlways: true }));
    io.out(formatAudit(result));
    return result.findings.length > 0 ? REVIEW_EXIT.findings : REVIEW_EXIT.ok;
  });
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
