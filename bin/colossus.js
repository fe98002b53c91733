#!/usr/bin/env node
// Entry point of the `colossus` command; the implementation is compiled to dist/ by `npm run build`.
process.env.CHECKPOINT_DISABLE ??= '1';
process.env.DISABLE_VERSION_CHECK ??= '1';
// A reader that stops early (`colossus synth | head -2`) closes the pipe: stop quietly, as cat and git do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}
process.exitCode = require('../dist/cli/main.js').run(process.argv.slice(2));
