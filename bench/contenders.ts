import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import { MeshApp } from '../constructs';
import { canonicalManifest } from '../constructs/synth/canonical';
import { buildMesh } from './build-mesh';
import { namespaceName, namespaceOf, serviceName, Workload } from './workload';

/** What one contender measured, in milliseconds, plus what it wrote. */
export interface Measurement {
  readonly phases: Record<string, number>;
  readonly objects: number;
  readonly bytes: number;
}

const timed = <T>(phases: Record<string, number>, phase: string, work: () => T): T => {
  const start = performance.now();
  const result = work();
  phases[phase] = performance.now() - start;
  return result;
};

const fileSizes = (dir: string) => fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);

/**
 * Time spent in the file system calls of `work`. MeshApp streams (render a namespace, serialize it,
 * write a buffer, go on), so writing is not a phase of its own in time: the calls are timed where
 * they happen. Instrumentation for this process only (the bench runs each contender in a fresh one).
 */
function timingWrites<T>(work: () => T): { result: T; writeMs: number } {
  // The module object itself: `import * as fs` gives a read-only view of it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeFs = require('fs') as typeof fs;
  const { writeSync, closeSync, openSync } = nodeFs;
  let writeMs = 0;
  const timedCall = <A extends unknown[], R>(call: (...args: A) => R) => (...args: A): R => {
    const start = performance.now();
    try {
      return call(...args);
    } finally {
      writeMs += performance.now() - start;
    }
  };
  Object.assign(nodeFs, { writeSync: timedCall(writeSync), closeSync: timedCall(closeSync), openSync: timedCall(openSync) });
  try {
    const result = work();
    return { result, writeMs };
  } finally {
    Object.assign(nodeFs, { writeSync, closeSync, openSync });
  }
}

/**
 * This library: constructs, validation, then rendering streamed to YAML by MeshApp; `render` is
 * rendering and serializing, `write` the file system calls among them.
 */
export function ours(workload: Workload, outdir: string): Measurement {
  const phases: Record<string, number> = {};
  const app = new MeshApp({ outdir });
  const mesh = timed(phases, 'build', () => buildMesh(app, workload));
  timed(phases, 'validate', () => mesh.problems());
  const start = performance.now();
  const { result: results, writeMs } = timingWrites(() => app.synthFiles());
  phases.render = performance.now() - start - writeMs;
  phases.write = writeMs;
  return { phases, objects: results.reduce((n, r) => n + r.documents, 0), bytes: results.reduce((n, r) => n + r.bytes, 0) };
}

/**
 * The idiomatic cdk8s-plus way for the network part only: a Deployment per service and
 * `connections.allowFrom` per edge, which writes an ingress and an egress NetworkPolicy per
 * edge. Consumers in other namespaces are selected with `Pods.select(..., { namespaces })`, as
 * cdk8s-plus requires. One chart, since a chart per namespace makes cdk8s quadratic.
 */
export function cdk8sPlus(workload: Workload, outdir: string): Measurement {
  const phases: Record<string, number> = {};
  const app = new App({ outdir });
  timed(phases, 'build', () => {
    const chart = new Chart(app, 'plus');
    const deployments = Array.from({ length: workload.services }, (_, s) => new kplus.Deployment(chart, serviceName(s), {
      metadata: { name: serviceName(s), namespace: namespaceName(namespaceOf(workload, s)) },
      containers: [{ image: 'registry.example.com/app:1.0', portNumber: 8080, securityContext: { ensureNonRoot: false } }],
    }));
    const remoteSelectors = new Map<number, kplus.Pods>();
    const remote = (s: number) => {
      let pods = remoteSelectors.get(s);
      if (!pods) {
        const namespaces = kplus.Namespaces.select(chart, `ns-of-${s}`, { names: [namespaceName(namespaceOf(workload, s))] });
        pods = kplus.Pods.select(chart, `pods-of-${s}`, { labels: deployments[s].matchLabels, namespaces });
        remoteSelectors.set(s, pods);
      }
      return pods;
    };
    for (const edge of workload.edges) {
      const same = namespaceOf(workload, edge.consumer) === namespaceOf(workload, edge.destination);
      deployments[edge.destination].connections.allowFrom(same ? deployments[edge.consumer] : remote(edge.consumer), {
        ports: [kplus.NetworkPolicyPort.tcp(8080)],
      });
    }
  });
  timed(phases, 'emit', () => app.synth());
  const objects = fs.readFileSync(path.join(outdir, 'plus.k8s.yaml'), 'utf8').split('\n---\n').length;
  return { phases, objects, bytes: fileSizes(outdir) };
}

/** Our objects, rendered beforehand (not timed), then serialized and written by `emit`. */
function floor(workload: Workload, outdir: string, serialize: (doc: Record<string, unknown>) => string, separator: string): Measurement {
  const docs = buildMesh(new App({ outdir }), workload).toManifests().map(canonicalManifest);
  const phases: Record<string, number> = {};
  fs.mkdirSync(outdir, { recursive: true });
  const file = path.join(outdir, 'floor.yaml');
  timed(phases, 'emit', () => fs.writeFileSync(file, docs.map(serialize).join(separator)));
  return { phases, objects: docs.length, bytes: fs.statSync(file).size };
}

const YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

/** The floor: the same objects as ours, written with the `yaml` package alone (cdk8s's settings). */
export const yamlFloor = (workload: Workload, outdir: string) => floor(workload, outdir, (d) => YAML.stringify(d, YAML_OPTIONS), '---\n');

/** For reference: the same objects as JSON lines. */
export const jsonFloor = (workload: Workload, outdir: string) => floor(workload, outdir, (d) => JSON.stringify(d), '\n');
