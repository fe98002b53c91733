/**
 * Which spec a run synthesizes. `cdktf synth` and `cdktf deploy` both run the cdktf app, so the
 * spec is named in a committed file they both read: cdktf.json's `context.colossusSpec` (the cdktf
 * CLI passes cdktf.json's context to the app in CDKTF_CONTEXT_JSON). COLOSSUS_SPEC overrides it;
 * `colossus synth` also takes the spec as an argument. Nothing falls back silently: with no spec
 * named anywhere, the run stops and says where to name one.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The cdktf.json context key naming the spec. */
export const SPEC_CONTEXT_KEY = 'colossusSpec';

/** A chosen spec and what chose it. */
export interface SpecSource {
  /** The spec file, as it will be read. */
  readonly file: string;
  /** What named it, in the user's words: `argument`, `COLOSSUS_SPEC`, or `cdktf.json (context.colossusSpec)`. */
  readonly namedBy: string;
  /** Named by the committed cdktf.json, not on this command line: such a run must not switch clusters silently. */
  readonly implicit: boolean;
}

/** No spec was named. */
export class NoSpecError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'NoSpecError';
  }
}

/**
 * The spec a run uses: `argument` (the command line), else COLOSSUS_SPEC, else cdktf.json's
 * `context.colossusSpec` (from the cdktf CLI's CDKTF_CONTEXT_JSON, or read from `cwd`/cdktf.json),
 * relative to `cwd`.
 */
export function chooseSpec(
  argument: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): SpecSource {
  if (argument !== undefined) return { file: argument, namedBy: 'argument', implicit: false };
  if (env.COLOSSUS_SPEC) return { file: env.COLOSSUS_SPEC, namedBy: 'COLOSSUS_SPEC', implicit: false };
  const named = contextSpec(env, cwd);
  if (named !== undefined) {
    return { file: path.resolve(cwd, named), namedBy: `cdktf.json (context.${SPEC_CONTEXT_KEY})`, implicit: true };
  }
  throw new NoSpecError(
    `no spec named: pass one (colossus synth SPEC), set COLOSSUS_SPEC, or name it in cdktf.json: ` +
      `"context": { "${SPEC_CONTEXT_KEY}": "path/to/cluster.yaml" }`,
  );
}

/**
 * The spec as the user wrote it, for commands printed into the output (DEPLOY.md): relative to the project, or
 * null when it was given as an absolute path, which would tie the output to one machine.
 */
export function writtenSpecPath(source: SpecSource, cwd: string = process.cwd()): string | null {
  const written = source.implicit ? path.relative(cwd, source.file) : source.file;
  return path.isAbsolute(written) ? null : written;
}

function contextSpec(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  let context: unknown;
  if (env.CDKTF_CONTEXT_JSON) {
    context = parse(env.CDKTF_CONTEXT_JSON, 'CDKTF_CONTEXT_JSON');
  } else {
    const file = path.join(cwd, 'cdktf.json');
    if (!fs.existsSync(file)) return undefined;
    context = (parse(fs.readFileSync(file, 'utf8'), file) as { context?: unknown } | null)?.context;
  }
  const value = (context as Record<string, unknown> | null | undefined)?.[SPEC_CONTEXT_KEY];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new NoSpecError(
      `cdktf.json context.${SPEC_CONTEXT_KEY} must be the path of a spec file, not ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function parse(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new NoSpecError(`${where} is not valid JSON (${(e as Error).message})`);
  }
}
