#!/usr/bin/env node
// Entry point of the `colossus` command; the implementation is compiled to dist/ by `npm run build`.
process.env.CHECKPOINT_DISABLE ??= '1';
process.env.DISABLE_VERSION_CHECK ??= '1';
process.exitCode = require('../dist/cli/main.js').run(process.argv.slice(2));
