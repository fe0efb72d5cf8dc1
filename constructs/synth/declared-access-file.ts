import * as fs from 'fs';
import * as path from 'path';
import type { Mesh } from '../mesh';

/**
 * When set, synth also writes each mesh's declared access (services and edges, as plain JSON) to
 * this file, keyed by the mesh's construct path. `mesh-policy verify` and the cdk8s validation
 * plugin run the app with it to learn the intent that the manifests must implement. It never
 * goes to the output directory, which `kubectl apply -f` reads.
 */
export const DECLARED_ACCESS_ENV = 'MESH_POLICY_DECLARED_ACCESS';

/** Files this process has written: what an earlier run left there is not part of this synth. */
const startedFiles = new Set<string>();

/**
 * Adds the meshes' declared access to the file named by the environment, if any. The first record
 * of a process replaces the file (a previous synth, maybe of another app, may have left meshes that
 * no longer exist); later ones add to it, each mesh of the app recording itself. @internal
 */
export function recordDeclaredAccess(meshes: readonly Mesh[]): void {
  const file = process.env[DECLARED_ACCESS_ENV];
  if (!file || meshes.length === 0) return;
  const resolved = path.resolve(file);
  const continuing = startedFiles.has(resolved) && fs.existsSync(resolved);
  startedFiles.add(resolved);
  const existing = continuing ? JSON.parse(fs.readFileSync(resolved, 'utf8')) as { meshes?: Record<string, unknown> } : {};
  const recorded = { ...(existing.meshes ?? {}) };
  for (const mesh of meshes) recorded[mesh.node.path] = mesh.declaredAccess();
  fs.mkdirSync(path.dirname(resolved), { recursive: true });
  fs.writeFileSync(resolved, `${JSON.stringify({ meshes: recorded }, null, 2)}\n`);
}
