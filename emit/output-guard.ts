/**
 * A synth replaces its output directory wholesale. This guard makes sure what it replaces is a
 * previous output (or nothing), so that `--out .` or `--out README.md` cannot delete a project.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SUMMARY_FILE } from '../reports/summary';

/** Files that mark a directory as the output of an earlier synth. */
const OUTPUT_MARKERS = ['manifest.json', SUMMARY_FILE];

/** Refusal to replace something that is not a synth output. */
export class UnsafeOutputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UnsafeOutputError';
  }
}

/**
 * Why `outdir` must not be replaced by a synth, or undefined when it may: it does not exist, is
 * an empty directory, or holds an earlier synth's output and does not contain `cwd`.
 */
export function unsafeOutputReason(outdir: string, cwd: string = process.cwd()): string | undefined {
  const target = path.resolve(cwd, outdir);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return undefined;
  }
  const fix = 'name a new directory, or an earlier synth output, for example --out cdktf.out';
  if (!stat.isDirectory()) return `--out ${outdir} is not a directory and would be replaced; ${fix}`;
  const relative = path.relative(target, path.resolve(cwd));
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
    return `--out ${outdir} contains the working directory and would be deleted; ${fix}`;
  }
  if (fs.readdirSync(target).length === 0) return undefined;
  if (OUTPUT_MARKERS.some((m) => fs.existsSync(path.join(target, m)))) return undefined;
  return `--out ${outdir} holds files that are not a synth output and would be deleted; ${fix}`;
}

/** Throws `UnsafeOutputError` when `outdir` must not be replaced. */
export function assertReplaceableOutput(outdir: string): void {
  const reason = unsafeOutputReason(outdir);
  if (reason) throw new UnsafeOutputError(reason);
}
