/**
 * The cdktf app (`npx cdktf synth`, `cdktf deploy`): builds the stacks of the spec named by
 * COLOSSUS_SPEC (default: the built-in example) and writes the YAML manifests and reports
 * beside them.
 */
import * as path from 'path';
import { App } from 'cdktf';
import { builtInExample } from './cli/paths';
import { writeOutputs } from './emit/synthesize';
import { SpecError } from './spec/errors';
import { loadSpecFile } from './spec/load';
import { buildClusterStacks } from './stacks/cluster-stacks';
import { readPreviousDataRecords } from './storage/previous-output';

function main(): void {
  let loaded;
  try {
    loaded = loadSpecFile(process.env.COLOSSUS_SPEC ?? builtInExample());
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  const app = new App({ stackTraces: false });
  // Before anything is written: what the last synth into this directory protected.
  const previousData = readPreviousDataRecords(app.outdir);
  // COLOSSUS_ADOPT=true: import blocks to adopt what already exists (see `colossus synth --adopt`).
  const stacks = buildClusterStacks(app, loaded.cluster, {
    previousData,
    adopt: process.env.COLOSSUS_ADOPT === 'true',
  });
  app.synth();
  const spec = process.env.COLOSSUS_SPEC;
  // DEPLOY.md names the spec as given; an absolute path would tie the output to one machine.
  writeOutputs(app.outdir, loaded.cluster, stacks, { specPath: spec && path.isAbsolute(spec) ? null : spec });
}

main();
