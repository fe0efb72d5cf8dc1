import { InputError, streamManifests } from '../../analyzer';
import { MESH_OPTIONS, ParsedArgs, allowOnly, formatOption, single } from '../args';
import { meshOptions } from '../inputs';
import { CliIo, EXIT_FINDINGS, EXIT_OK } from '../io';
import { cdk8sAppCommand, declaredAccessOfApp, readDeclaredAccess } from '../verify/declared';
import { describeMismatch, verifyManifests } from '../verify/verify';

/**
 * `verify [paths...]`: the effective access of the manifests (default dist/) is exactly what the
 * app's meshes declare: every declared edge allowed, everything else denied, by NetworkPolicy
 * alone (and by its ingress and its egress rules alone), by Istio alone and by both. The
 * declaration comes from running the app (the `app` of cdk8s.yaml, or --app) or from a file
 * written by a synth (--declared-access). Exits 1 on a mismatch.
 */
export function runVerify(args: ParsedArgs, io: CliIo): number {
  allowOnly(args, 'verify', ['app', 'declared-access', ...MESH_OPTIONS]);
  const format = formatOption(args, ['text', 'json'], 'text');
  const file = single(args, 'declared-access');
  const app = single(args, 'app');
  // Two sources of the declaration: silently preferring one would verify something else than asked.
  if (file && app) throw new InputError('--declared-access cannot be combined with --app: give the file a synth wrote, or the app to run');
  const meshes = file ? readDeclaredAccess(file) : declaredAccessOfApp(app ?? cdk8sAppCommand());
  const paths = args.positionals.length > 0 ? args.positionals : ['dist'];
  // Read again for each mesh (nearly always one) rather than held: each object goes into the inventory
  // as it is read, and the parsed documents of a big output take more memory than the inventory.
  const results = Object.entries(meshes).sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([mesh, declared]) => ({ mesh, ...verifyManifests(streamManifests(paths), declared, meshOptions(args)) }));
  const ok = results.every((r) => r.mismatches.length === 0);
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ ok, meshes: results })}\n`);
  } else {
    for (const r of results) {
      io.stdout(`${r.mesh}: ${r.requests} requests per layer (both, NetworkPolicy alone, Istio alone; workload pairs also of NetworkPolicy ingress and egress rules alone), ${r.apiRequests} API requests (RBAC), ${r.mismatches.length} mismatches\n`);
      for (const m of r.mismatches) io.stdout(`  ${describeMismatch(m)}\n`);
      for (const note of r.notes) io.stdout(`  note: ${note}\n`);
    }
    io.stdout(ok ? `${paths.join(' ')} allows exactly the declared access\n` : 'the manifests do not implement the declared access\n');
  }
  return ok ? EXIT_OK : EXIT_FINDINGS;
}
