/**
 * The cdktf app (`npx cdktf synth`, `cdktf deploy`): synthesizes the spec named in cdktf.json
 * (`context.colossusSpec`; COLOSSUS_SPEC overrides it) through the same pipeline as
 * `colossus synth`: one complete output, swapped in atomically, data records beside the spec.
 * A run that only cdktf.json named never replaces the output of another cluster, so a deploy
 * cannot silently switch to the cluster cdktf.json names.
 */
import * as path from 'path';
import { chooseSpec, NoSpecError, SpecSource, writtenSpecPath } from './cli/spec-source';
import { AppSynthError, RefusedSynthError } from './emit/colossus-app';
import { UnsafeOutputError } from './emit/output-guard';
import { synthesizeApp } from './emit/synthesize';
import { SpecError } from './spec/errors';
import { loadSpecFile } from './spec/load';
import { ledgerFileFor } from './storage/data-ledger';

function main(): number {
  let source: SpecSource | undefined;
  try {
    source = chooseSpec(undefined);
    const { cluster } = loadSpecFile(source.file);
    const app = synthesizeApp(cluster, {
      outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out',
      dataRecords: ledgerFileFor(source.file),
      sameClusterOnly: source.implicit,
      // COLOSSUS_ADOPT=true: import blocks to adopt what already exists (see `colossus synth --adopt`).
      adopt: process.env.COLOSSUS_ADOPT === 'true',
      // DEPLOY.md names the spec as given; an absolute path would tie the output to one machine.
      specPath: writtenSpecPath(source),
    });
    for (const note of app.notes) process.stdout.write(`colossus: ${note}\n`);
    process.stdout.write(
      `colossus: synthesized cluster ${cluster.name} from ${shown(source.file)} (named by ${source.namedBy})\n`,
    );
    return 0;
  } catch (e) {
    const known = [SpecError, NoSpecError, RefusedSynthError, UnsafeOutputError, AppSynthError];
    if (!known.some((k) => e instanceof k)) throw e;
    process.stderr.write(`${e instanceof SpecError ? '' : 'colossus: '}${(e as Error).message}\n`);
    if (source)
      process.stderr.write(`colossus: this run's spec is ${shown(source.file)}, named by ${source.namedBy}\n`);
    return 1;
  }
}

/** A path relative to the project when it lies inside it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

process.exitCode = main();
