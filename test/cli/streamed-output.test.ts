/**
 * Big reports are written in pieces (cli/streamed-output.ts), and the pieces must add up to exactly
 * what one `JSON.stringify` (or one join of the lines) would have written.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { reach } from '../../analyzer';
import { inventoryForAccess } from '../../analyzer/loading';
import { run } from '../../cli/main';
import { LineWriter, writeJson } from '../../cli/streamed-output';
import { MeshApp } from '../../constructs';
import { buildMesh } from '../../bench/build-mesh';
import { writeStandIns } from '../../bench/stand-ins';
import { standardWorkload } from '../../bench/workload';

/** What `write` was called with, piece by piece. */
function pieces(produce: (write: (text: string) => void) => void): string[] {
  const written: string[] = [];
  produce((text) => written.push(text));
  return written;
}

// Values JSON.stringify treats specially: left out of objects, null in arrays.
const odd = fc.constantFrom(undefined, () => 1, Symbol('s'));
const item = fc.oneof(fc.jsonValue(), odd, fc.array(fc.oneof(fc.jsonValue(), odd), { maxLength: 4 }));
const topLevel = fc.dictionary(
  fc.oneof(fc.string(), fc.constantFrom('0', '7', '__proto__x', 'a"b', '\u2028')),
  fc.oneof(item, fc.array(item, { maxLength: 25 })),
);

describe('writeJson', () => {
  test('writes JSON.stringify(value) and a newline, whatever the slice size', () => {
    fc.assert(fc.property(topLevel, fc.integer({ min: 1, max: 7 }), (value, slice) => {
      expect(pieces((write) => writeJson(value, write, slice)).join('')).toBe(`${JSON.stringify(value)}\n`);
    }), { numRuns: 500 });
  });

  test('a top-level array longer than a slice is written a slice at a time', () => {
    const written = pieces((write) => writeJson({ summary: { n: 7 }, items: [1, 2, 3, 4, 5, 6, 7], tail: [] }, write, 3));
    expect(written).toEqual(['{"summary":{"n":7},"items":[', '1,2,3', ',4,5,6', ',7', '],"tail":[]}\n']);
  });
});

describe('LineWriter', () => {
  test('writes the lines joined by newlines, with a final newline, in batches', () => {
    fc.assert(fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 9 }), (lines, batch) => {
      const written = pieces((write) => {
        const out = new LineWriter(write, batch);
        for (const line of lines) out.line(line);
        out.flush();
      });
      expect(written.join('')).toBe(`${lines.join('\n')}\n`);
      expect(written).toHaveLength(Math.ceil(lines.length / batch));
    }));
  });
});

describe('mesh-policy reach on a report of thousands of edges', () => {
  // 300 services of the bench's standard workload: about 1,500 allowed edges, more than one slice.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'streamed-reach-'));
  const workload = standardWorkload(300);
  const app = new MeshApp({ outdir: dir });
  buildMesh(app, workload);
  app.synthFiles();
  writeStandIns(workload, path.join(dir, 'workloads.yaml'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const reachOutput = async (...options: string[]) => {
    const written: string[] = [];
    const code = await run(['reach', dir, ...options], { stdout: (text) => { written.push(text); }, stderr: () => undefined });
    expect(code).toBe(0);
    return written;
  };

  test('--format json writes the report in pieces that add up to JSON.stringify of the report', async () => {
    const report = reach(inventoryForAccess([dir]));
    expect(report.allowed.length).toBeGreaterThan(1000);
    const written = await reachOutput('--format', 'json');
    expect(written.length).toBeGreaterThan(2);
    expect(written.join('')).toBe(`${JSON.stringify(report)}\n`);
  });

  test('the text format is written in batches of whole lines', async () => {
    const written = await reachOutput();
    expect(written.length).toBeGreaterThan(1);
    for (const piece of written) expect(piece.endsWith('\n')).toBe(true);
    const lines = written.join('').split('\n');
    expect(lines[0]).toMatch(/^300 workloads, \d+ workload pairs x ports: \d+ allowed, \d+ denied$/);
    expect(lines.filter((line) => line.startsWith('ALLOW '))).toHaveLength(reach(inventoryForAccess([dir])).allowed.length);
  });
});
