/**
 * Problems found in a spec, and the one error type that carries them to the user.
 */

/** A path into the spec document: keys and list indexes from the root. */
export type SpecPath = readonly (string | number)[];

/** One problem with a spec, located by its field path (and by file position once loaded). */
export interface SpecIssue {
  /** Stable, documented code (for example `quota-exceeds-pool`); tests and tools match on it. */
  readonly code: string;
  /** Where in the document: keys and indexes from the root. */
  readonly path: SpecPath;
  /** What is wrong, with the offending value and the numbers involved. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /**
   * 1-based line in the spec file.
   * @default - unknown
   */
  readonly line?: number;
  /**
   * 1-based column in the spec file.
   * @default - unknown
   */
  readonly column?: number;
}

/** Renders a path the way users write it: `spec.tenants[1].gpuQuota.h100`. */
export function formatPath(path: SpecPath): string {
  return path
    .map((p, i) =>
      typeof p === 'number'
        ? `[${p}]`
        : !PLAIN_KEY.test(p)
          ? `[${escapeInvisible(JSON.stringify(p))}]`
          : i === 0
            ? p
            : `.${p}`,
    )
    .join('')
    .replace(/^$/, '(document)');
}

/** Keys shown bare in a path; any other key (a hostile one, say) is shown quoted and escaped. */
const PLAIN_KEY = /^[A-Za-z0-9_./-]+$/;

/** JSON leaves DEL, C1 controls and invisible format characters (bidi overrides) as they are. */
function escapeInvisible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** Shows a value in an error message: short, on one line, with control characters escaped. */
export function showValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else if (value === undefined) text = 'nothing';
  else text = JSON.stringify(value) ?? String(value);
  text = escapeInvisible(text);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The error thrown when a spec cannot be used; it carries every issue found. */
export class SpecError extends Error {
  public constructor(
    /** The spec file as the user named it (relative paths stay relative). */
    public readonly file: string,
    /** Every problem found, in document order. */
    public readonly issues: readonly SpecIssue[],
  ) {
    super(formatIssues(file, issues));
    this.name = 'SpecError';
  }
}

/** `file:line:col: error[code] path: message` then the fix, one block per issue. */
export function formatIssues(file: string, issues: readonly SpecIssue[]): string {
  const lines = issues.map((issue) => {
    const where = issue.line ? `${file}:${issue.line}:${issue.column ?? 1}` : file;
    return `${where}: error[${issue.code}] ${formatPath(issue.path)}: ${issue.message}\n  fix: ${issue.fix}`;
  });
  const n = issues.length;
  return `${lines.join('\n')}\n${n} error${n === 1 ? '' : 's'} in ${file}; nothing was written.`;
}
