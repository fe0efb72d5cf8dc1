import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// Runs the compiled module (`npm test` builds lib/ first) in a process whose stdout is a pipe to a
// reader that starts late, so that the pipe (64 KiB) fills long before the writer is done.
const MODULE = path.resolve(__dirname, '../../lib/cli/sync-output.js');

function pipedToLateReader(body: string, reader = 'sleep 0.5; wc -c'): { stdout: string; stderr: string; status: number | null } {
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sync-output-')), 'writer.js');
  fs.writeFileSync(script, `const { SyncOutput } = require(${JSON.stringify(MODULE)});\n${body}\n`);
  return spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${script}" | (${reader})`], { encoding: 'utf8' });
}

describe('SyncOutput', () => {
  test('waits for the reader of a full pipe and writes every byte, also when the pipe is non-blocking', () => {
    // Opening process.stdout makes the pipe non-blocking (libuv), as any library that logs would:
    // writes then fail with EAGAIN while the reader sleeps, and must be retried, not thrown.
    const result = pipedToLateReader(`
      void process.stdout;
      const out = new SyncOutput(1);
      for (let i = 0; i < 64; i++) out.write('é'.repeat(8192) + '\\n');`);
    expect(result.stderr).toBe('');
    expect([result.status, result.stdout.trim()]).toEqual([0, String(64 * (8192 * 2 + 1))]);
  });

  test('gives up quietly once the reader has gone, and the writer goes on to its end', () => {
    const result = pipedToLateReader(`
      const out = new SyncOutput(1);
      for (let i = 0; i < 64; i++) out.write('x'.repeat(16384));
      process.stderr.write('done');`, 'head -c 5 > /dev/null');
    expect([result.status, result.stderr]).toEqual([0, 'done']);
  });
});
