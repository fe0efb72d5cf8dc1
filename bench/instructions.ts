/**
 * `npm run bench:instructions -- [--services N] [--repeat R] [--base DIR]`: the work synth and `reach` do on the
 * standard workload, counted in CPU instructions instead of seconds. On a shared machine whose speed
 * drifts by a third within minutes, wall-clock ratios cannot show a change of a few percent; the
 * instructions a process executes under valgrind (cachegrind, no cache simulation) can, once V8 runs
 * `--predictable` (one thread, garbage collection driven by allocation rather than by timers) with
 * fixed hash and random seeds. Runs of the same build then agree within 0.1% (without the seeds, one
 * run in four counted 1.4% more), and each count is the median of R runs (3 by default) in case.
 * Two builds can differ by 2-3% for a change of a few tenths of a percent in the phase it touches,
 * as where V8 optimizes and collects shifts: it shows changes of a few percent, not less.
 *
 * Each measured process is run twice, once doing its work and once only starting up (loading its
 * modules and, for synth, building the workload description), and the difference is counted, as the
 * timed phases of `npm run bench` leave start-up out. With `--base DIR` (another checkout's compiled
 * `lib/`), that build's `reach` is counted on the same output too. Needs `valgrind` on the PATH; at
 * 5,000 services it takes a few minutes (valgrind runs node about 25 times slower).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Cli, runToFile } from './cli-run';
import { median, option } from './numbers';
import { writeStandIns } from './stand-ins';
import { standardWorkload } from './workload';

/** What one measured process does: this build's synth, or some build's `reach` over an output. */
type Job =
  | { readonly run: 'synth'; readonly services: number; readonly outdir: string }
  | { readonly run: 'reach'; readonly lib: string; readonly input: string };

/** The instruction count valgrind prints at exit ("==123== I   refs:      12,345,678"). */
export function instructionsReported(stderr: string): number {
  const match = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  if (!match) throw new Error(`no instruction count in valgrind's output:\n${stderr.slice(-2000)}`);
  return Number(match[1].replace(/,/g, ''));
}

/** A job's own work: its instructions less those of starting up alone. */
export function workOf(full: number, startup: number): number {
  if (startup >= full) throw new Error(`start-up alone (${startup} instructions) counted no less than the whole run (${full})`);
  return full - startup;
}

function jobArgs(job: Job, startupOnly: boolean): string[] {
  const args = job.run === 'synth'
    ? ['--run', 'synth', '--services', String(job.services), '--outdir', job.outdir]
    : ['--run', 'reach', '--lib', job.lib, '--input', job.input];
  return startupOnly ? [...args, '--startup-only'] : args;
}

/** Runs the job in node under valgrind; resolves to the instructions it executed. */
function count(job: Job, startupOnly: boolean): Promise<number> {
  const args = [
    '--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null',
    process.execPath, '--predictable', '--hash-seed=1', '--random-seed=1', '--max-old-space-size=8192', __filename, ...jobArgs(job, startupOnly),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${job.run}${startupOnly ? ' (start-up only)' : ''} exited ${code}:\n${stderr.slice(-2000)}`));
      else resolve(instructionsReported(stderr));
    });
  });
}

/**
 * The job's work: the medians of `repeat` full runs and of as many start-ups, a full run and a
 * start-up side by side (this machine has two cores).
 */
async function work(job: Job, repeat: number): Promise<{ work: number; startup: number }> {
  const full: number[] = [];
  const startup: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const [whole, start] = await Promise.all([count(job, false), count(job, true)]);
    full.push(whole);
    startup.push(start);
  }
  return { work: workOf(median(full), median(startup)), startup: median(startup) };
}

/** Inside valgrind: does the job (or only its start-up) in this process. */
async function runJob(args: string[]): Promise<void> {
  const startupOnly = args.includes('--startup-only');
  if (option(args, '--run') === 'synth') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const contenders = require('./contenders') as typeof import('./contenders');
    const workload = standardWorkload(Number(option(args, '--services')));
    if (!startupOnly) contenders.ours(workload, option(args, '--outdir')!);
    return;
  }
  const lib = path.resolve(option(args, '--lib')!);
  const input = option(args, '--input')!;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cli = require(path.join(lib, 'cli', 'main')) as Cli;
  if (startupOnly) return;
  // As `npm run bench` times it: the report written to a file, synchronously.
  await runToFile(cli, ['reach', input, '--format', 'json'], path.join(input, `reach-${process.pid}.out`));
}

const giga = (instructions: number) => `${(instructions / 1e9).toFixed(3)} G`;

async function main(args: string[]): Promise<void> {
  if (option(args, '--run')) return runJob(args);
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    throw new Error('valgrind is not on the PATH: install it (Debian: apt-get install valgrind)');
  }
  const services = Number(option(args, '--services') ?? 5000);
  const repeat = Number(option(args, '--repeat') ?? 3);
  const base = option(args, '--base');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-instructions-'));
  try {
    const outdir = path.join(root, 'out');
    fs.mkdirSync(outdir);
    const synth = await work({ run: 'synth', services, outdir }, repeat);
    // The output has policies, not workloads: the bench's stand-in Deployments go beside it.
    writeStandIns(standardWorkload(services), path.join(outdir, 'workloads.yaml'));
    const lib = path.resolve(__dirname, '..');
    const reach = await work({ run: 'reach', lib, input: outdir }, repeat);
    console.log(`instructions executed (valgrind cachegrind, node --predictable), standard workload of ${services} services,`);
    console.log(`start-up left out, medians of ${repeat} run(s):`);
    console.log(`synth (build, validate, render, write)    ${giga(synth.work).padStart(10)}  (start-up ${giga(synth.startup)})`);
    console.log(`reach (load, analyze, write the report)   ${giga(reach.work).padStart(10)}  (start-up ${giga(reach.startup)})`);
    console.log(`reach / synth:                             ${(reach.work / synth.work).toFixed(3)}x`);
    if (base) {
      const before = await work({ run: 'reach', lib: path.resolve(base), input: outdir }, repeat);
      console.log(`reach of ${base}:  ${giga(before.work)}; this build / that one: ${(reach.work / before.work).toFixed(3)}x`);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
