import { spawnSync } from 'child_process';
import * as path from 'path';

// The shared conformance suites (../shared/conformance/README.md) run bin/mesh-policy on cases
// transcribed from the Kubernetes e2e suite and from Istio's docs and sources. They need lib/ built
// (`npm test` builds first). Each runner's last line reads "<suite> conformance: P/N cases pass (...)".
const ROOT = path.resolve(__dirname, '..');

function runSuite(suite: 'netpol' | 'istio'): { passed: number; total: number; output: string } {
  const runner = path.resolve(ROOT, '../shared/conformance', suite, 'run.cjs');
  const result = spawnSync(process.execPath, [runner], { cwd: ROOT, encoding: 'utf8', timeout: 10 * 60_000 });
  const output = `${result.stdout}${result.stderr}`;
  const last = output.trim().split('\n').at(-1) ?? '';
  const match = /conformance: (\d+)\/(\d+) cases pass/.exec(last);
  if (!match) throw new Error(`no summary line from the ${suite} runner:\n${output}`);
  return { passed: Number(match[1]), total: Number(match[2]), output };
}

describe('conformance', () => {
  test.each(['netpol', 'istio'] as const)('every %s case passes', (suite) => {
    const { passed, total, output } = runSuite(suite);
    expect(total).toBeGreaterThan(0);
    // On failure the runner's FAIL lines are the useful part of the message.
    expect({ passed, failures: output.split('\n').filter((line) => line.startsWith('FAIL')) }).toEqual({ passed: total, failures: [] });
  });
});
