// Jest global teardown: removes the run's temporary directory (see tmp-setup.js).
const fs = require('fs');

module.exports = async function teardown() {
  const root = process.env.COLOSSUS_JEST_TMP;
  if (root && !process.env.COLOSSUS_KEEP_TMP) fs.rmSync(root, { recursive: true, force: true });
};
