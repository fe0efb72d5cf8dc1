/**
 * `npm run bench -- [--services N] [--repeat R] [--json]`: builds the standard workload with the
 * public constructs, synthesizes it, and compares against two baselines measured in the same run
 * (cdk8s-plus `allowFrom`, and the YAML floor: our objects written with the `yaml` package alone),
 * then times the analyzer over our output. Every measurement runs in a fresh process, so peak RSS
 * and JIT state are its own; times are medians of the repeats, ratios medians of each round's ratio.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Cli, runToFile } from './cli-run';
import type { Measurement } from './contenders';
import { median, option } from './numbers';
import { writeStandIns } from './stand-ins';
import { namespaceName, namespaceOf, serviceName, standardWorkload } from './workload';

type Synthesizer = 'ours' | 'cdk8sPlus' | 'yamlFloor' | 'jsonFloor';
type ContenderName = Synthesizer | 'reach' | 'check';

interface Run extends Measurement {
  readonly totalMs: number;
  readonly peakRssMiB: number;
  readonly cpuMs: number;
}

/** cdk8s spreads a chart's documents as function arguments: past ~120,000 objects it overflows. */
const CDK8S_PLUS_LIMIT = 10_000;

function finish(measurement: Measurement): Run {
  const usage = process.resourceUsage();
  return {
    ...measurement,
    totalMs: Object.values(measurement.phases).reduce((a, b) => a + b, 0),
    peakRssMiB: usage.maxRSS / 1024,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
  };
}

/**
 * Runs the analyzer CLI in this process, which does nothing else, so its time, CPU and memory are
 * those of a `mesh-policy reach` or `mesh-policy check` process.
 */
async function analyzer(argv: string[], dir: string, phase: string): Promise<Measurement> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cli = require('../cli/main') as Cli;
  const outFile = path.join(dir, `${phase}.out`);
  const phases = { [phase]: await runToFile(cli, argv, outFile) };
  return { phases, objects: 0, bytes: fs.statSync(outFile).size };
}

async function child(name: ContenderName, args: string[]): Promise<void> {
  const outdir = option(args, '--outdir')!;
  let measurement: Measurement;
  if (name === 'reach') {
    measurement = await analyzer(['reach', outdir, '--format', 'json'], outdir, 'reach');
  } else if (name === 'check') {
    const [from, to] = option(args, '--request')!.split(',');
    measurement = await analyzer(['check', outdir, '--from', from, '--to', to, '--port', '8080', '--format', 'json'], outdir, 'check');
  } else {
    // Loaded here only: cdk8s-plus and the constructs would otherwise count in the analyzer's CPU time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const contenders = require('./contenders') as typeof import('./contenders');
    measurement = contenders[name](standardWorkload(Number(option(args, '--services'))), outdir);
  }
  process.stdout.write(JSON.stringify(finish(measurement)));
}

function measure(name: ContenderName, services: number, outdir: string, extra: string[] = []): Run {
  const result = spawnSync(process.execPath, ['--max-old-space-size=8192', __filename, '--child', name, '--services', String(services), '--outdir', outdir, ...extra], {
    encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`${name} failed (exit ${result.status})`);
  return JSON.parse(result.stdout) as Run;
}

function summarize(runs: Run[]): Run & { runs: number } {
  const phases: Record<string, number> = {};
  for (const phase of Object.keys(runs[0].phases)) phases[phase] = median(runs.map((r) => r.phases[phase]));
  return {
    phases,
    objects: runs[0].objects,
    bytes: runs[0].bytes,
    totalMs: median(runs.map((r) => r.totalMs)),
    peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    runs: runs.length,
  };
}

async function main(args: string[]): Promise<void> {
  const services = Number(option(args, '--services') ?? 5000);
  const childName = option(args, '--child') as ContenderName | undefined;
  if (childName) return child(childName, args);

  const repeat = Number(option(args, '--repeat') ?? (services <= 10_000 ? 3 : 1));
  const workload = standardWorkload(services);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-'));
  const dir = (name: string, i: number) => path.join(root, `${name}-${i}`);
  const contenders: ContenderName[] = services <= CDK8S_PLUS_LIMIT ? ['ours', 'yamlFloor', 'jsonFloor', 'cdk8sPlus'] : ['ours', 'yamlFloor', 'jsonFloor'];
  const [edge] = workload.edges;
  const workloadName = (s: number) => `${namespaceName(namespaceOf(workload, s))}/${serviceName(s)}`;
  const request = ['--request', `${workloadName(edge.consumer)},${workloadName(edge.destination)}`];
  const runs: Record<string, Run[]> = {};
  const record = (name: string, run: Run) => { (runs[name] ??= []).push(run); };
  // Rounds interleave the contenders, so that a slow minute on a shared machine hits them all, and
  // ratios are taken within a round. The analyzer runs right after the synth whose output it reads:
  // this machine's speed drifts over minutes, and cdk8s-plus alone takes 15-40 s.
  for (let i = 0; i < repeat; i++) {
    record('ours', measure('ours', services, dir('ours', i)));
    // Our output has policies, not workloads: the cluster's Deployments are stood in for, so the
    // analyzer has pods to evaluate (written beside the output, not timed as synth).
    writeStandIns(workload, path.join(dir('ours', i), 'workloads.yaml'));
    for (const name of ['reach', 'check'] as const) record(name, measure(name, services, dir('ours', i), request));
    for (const name of contenders.filter((contender) => contender !== 'ours')) record(name, measure(name, services, dir(name, i)));
  }
  const results = Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, summarize(list)]));
  fs.rmSync(root, { recursive: true, force: true });
  /** The ratio of two contenders' times in each round: its median and its range over the rounds. */
  const ratio = (numerator: string, denominator: string) => {
    if (!runs[numerator] || !runs[denominator]) return undefined;
    const perRound = runs[numerator].map((run, i) => run.totalMs / runs[denominator][i].totalMs);
    return { median: median(perRound), min: Math.min(...perRound), max: Math.max(...perRound) };
  };

  const report = {
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    workload: { services, namespaces: workload.namespaces, edges: workload.edges.length },
    results,
    ratios: {
      oursToYamlFloor: ratio('ours', 'yamlFloor'),
      cdk8sPlusToOurs: ratio('cdk8sPlus', 'ours'),
      reachToOursSynth: ratio('reach', 'ours'),
    },
  };
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  printTable(report);
}

function printTable(report: any): void {
  const { workload, results, ratios, machine } = report;
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`standard workload: ${workload.services} services, ${workload.namespaces} namespaces, ${workload.edges} edges (seed 42)`);
  console.log(`machine: ${machine.cpus} cores, ${machine.memoryGiB} GiB, ${machine.cpu}, Node ${machine.node}; median of ${results.ours.runs} run(s)\n`);
  console.log(`contender            objects     bytes      ${'phases'.padEnd(58)} total    peak RSS`);
  for (const [name, r] of Object.entries<any>(results)) {
    const phases = Object.entries<number>(r.phases).map(([p, ms]) => `${p} ${fmt(ms)}`).join(', ');
    console.log(`${name.padEnd(20)} ${String(r.objects || '').padStart(7)} ${String(r.bytes).padStart(11)}  ${phases.padEnd(58)} ${fmt(r.totalMs).padStart(8)} ${r.peakRssMiB.toFixed(0).padStart(6)} MiB`);
  }
  // The median of the rounds' ratios, with their range when there are several rounds.
  const show = (r: { median: number; min: number; max: number }, digits: number) =>
    `${r.median.toFixed(digits)}x${results.ours.runs > 1 ? ` (rounds ${r.min.toFixed(digits)}x-${r.max.toFixed(digits)}x)` : ''}`;
  console.log('');
  console.log(`ours / YAML floor:        ${show(ratios.oursToYamlFloor, 2)}  (target <= 1.3x)`);
  if (ratios.cdk8sPlusToOurs !== undefined) console.log(`cdk8s-plus / ours:        ${show(ratios.cdk8sPlusToOurs, 1)}  (target >= 5x)`);
  else console.log(`cdk8s-plus / ours:        not run above ${CDK8S_PLUS_LIMIT} services (cdk8s overflows the stack past ~120,000 objects in a chart)`);
  console.log(`analyzer reach / synth:   ${show(ratios.reachToOursSynth, 2)}  (target < 1x)`);
  console.log(`check, one request:       ${fmt(results.check.cpuMs)} process CPU time (target < 1 s)`);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
