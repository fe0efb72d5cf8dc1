/**
 * `npm run bench:compare -- --base DIR [--candidate DIR] [--services N] [--rounds R]`: compares the
 * analyzer of two builds (compiled `lib/` directories; the candidate defaults to this one) on the
 * standard workload's synth output, loading both into one process. Each round gives each build a
 * fresh inventory and times its loading and its `reach` separately, in alternating order, after a
 * full collection; the first round only warms up. Ratios are taken within a round and summarized by
 * their median and range: on a shared machine whose speed drifts by half within the hour, separate
 * processes minutes apart cannot show a change of a few percent, rounds a second apart can.
 * A base build: `git worktree add ../base REV && (cd ../base && npm ci)` (npm's prepare builds lib/).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { ours } from './contenders';
import { median, option } from './numbers';
import { writeStandIns } from './stand-ins';
import { standardWorkload } from './workload';

interface Analyzer {
  readonly load: (paths: readonly string[]) => unknown;
  readonly reach: (inventory: unknown) => unknown;
}

interface Timing {
  readonly load: number;
  readonly reach: number;
}

function analyzerOf(lib: string): Analyzer {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const loading = require(path.join(lib, 'analyzer', 'loading')) as { inventoryForAccess: Analyzer['load'] };
  const analyzer = require(path.join(lib, 'analyzer')) as { reach: Analyzer['reach'] };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { load: loading.inventoryForAccess, reach: analyzer.reach };
}

function timed(collect: () => void, analyzer: Analyzer, input: string): Timing {
  collect();
  let start = performance.now();
  const inventory = analyzer.load([input]);
  const load = performance.now() - start;
  collect();
  start = performance.now();
  analyzer.reach(inventory);
  return { load, reach: performance.now() - start };
}

function describe(name: string, ratios: number[]): string {
  return `${name.padEnd(16)} ${median(ratios).toFixed(3)}x (rounds ${Math.min(...ratios).toFixed(2)}x-${Math.max(...ratios).toFixed(2)}x)`;
}

function main(args: string[]): void {
  const base = option(args, '--base');
  if (!base) throw new Error('usage: compare-builds --base DIR [--candidate DIR] [--services N] [--rounds R] (DIR: a compiled lib/)');
  const candidate = option(args, '--candidate') ?? path.resolve(__dirname, '..');
  const services = Number(option(args, '--services') ?? 5000);
  const rounds = Number(option(args, '--rounds') ?? 12);
  v8.setFlagsFromString('--expose-gc');
  const collect = vm.runInNewContext('gc') as () => void;

  const input = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-compare-'));
  try {
    const workload = standardWorkload(services);
    ours(workload, input);
    writeStandIns(workload, path.join(input, 'workloads.yaml'));
    const analyzers = [analyzerOf(path.resolve(base)), analyzerOf(path.resolve(candidate))];
    const ratios = { load: [] as number[], reach: [] as number[], total: [] as number[] };
    for (let round = 0; round <= rounds; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      const times: Timing[] = [];
      for (const which of order) times[which] = timed(collect, analyzers[which], input);
      if (round === 0) continue; // warm-up
      const [b, c] = times;
      ratios.load.push(c.load / b.load);
      ratios.reach.push(c.reach / b.reach);
      ratios.total.push((c.load + c.reach) / (b.load + b.reach));
    }
    console.log(`candidate / base, ${services} services, ${rounds} rounds (base ${base}, candidate ${candidate})`);
    console.log(describe('loading', ratios.load));
    console.log(describe('reach', ratios.reach));
    console.log(describe('loading + reach', ratios.total));
  } finally {
    fs.rmSync(input, { recursive: true, force: true });
  }
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
