/**
 * Terminal colour, the way kubectl, terraform and helm do it: only when the stream is a terminal,
 * never when NO_COLOR is set to anything but the empty string (no-color.org), never in files,
 * pipes or CI logs that are not terminals.
 */

/** Colours for one stream; each is the identity when colour is off. */
export interface Style {
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly green: (s: string) => string;
  readonly bold: (s: string) => string;
}

const plain = (s: string) => s;
const sgr = (code: number) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;

/** The style for a stream that is (or is not) a terminal, under `env`. */
export function styleFor(isTTY: boolean | undefined, env: NodeJS.ProcessEnv = process.env): Style {
  const on = isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  return on
    ? { red: sgr(31), yellow: sgr(33), green: sgr(32), bold: sgr(1) }
    : { red: plain, yellow: plain, green: plain, bold: plain };
}

/** Colours the first `error`, `warning` and `fix:` markers of each line of a message. */
export function highlight(text: string, style: Style): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/\berror(\[[a-z0-9-]+\])?/, (m) => style.red(m))
        .replace(/^(\s*)(warning:)/, (_, sp: string, m: string) => sp + style.yellow(m))
        .replace(/^(\s*)(fix:)/, (_, sp: string, m: string) => sp + style.green(m)),
    )
    .join('\n');
}
