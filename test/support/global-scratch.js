// Every test run gets one scratch directory as its TMPDIR, removed when the run ends: cdk8s's
// `Testing.app()` makes a fresh `cdk8s.outdir.*` directory per call and never removes it, and
// so would the fixtures that write files; thousands of them otherwise pile up in /tmp.
const fs = require('fs');
const os = require('os');
const path = require('path');

const KEY = 'MESH_POLICY_TEST_SCRATCH';

module.exports.setup = async () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-tests-'));
  process.env[KEY] = scratch;
  // Workers are forked after global setup and inherit the environment; os.tmpdir() reads TMPDIR.
  process.env.TMPDIR = scratch;
};

module.exports.teardown = async () => {
  const scratch = process.env[KEY];
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
};
