// Jest global setup: every temporary file of the run (tests, cdktf's Testing.app(), child
// processes) goes under one directory that the global teardown removes.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'colossus-jest-'));
  process.env.COLOSSUS_JEST_TMP = root;
  process.env.TMPDIR = root;
};
