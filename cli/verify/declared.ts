import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { InputError } from '../../analyzer/errors';
import type { DeclaredAccess } from '../../constructs';

/** Must match constructs' DECLARED_ACCESS_ENV: the file the app writes the declarations to. */
const DECLARED_ACCESS_ENV = 'MESH_POLICY_DECLARED_ACCESS';

/** Declared access of every mesh of an app, by the mesh's construct path. */
export type DeclaredMeshes = Readonly<Record<string, DeclaredAccess>>;

/** Reads a declared-access file written by a synth. */
export function readDeclaredAccess(file: string): DeclaredMeshes {
  let parsed: { meshes?: DeclaredMeshes };
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read declared access ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!parsed.meshes || Object.keys(parsed.meshes).length === 0) throw new InputError(`${file} declares no mesh`);
  for (const [mesh, declared] of Object.entries(parsed.meshes)) {
    const missing = (['namespaces', 'services', 'edges', 'externalEgress', 'grants', 'platform'] as const).filter((field) => declared[field] === undefined);
    if (missing.length > 0) {
      throw new InputError(`${file}: mesh ${mesh} lacks ${missing.join(', ')}; it was written by another version of cdk8s-mesh-policy: synthesize again`);
    }
  }
  return parsed.meshes;
}

/** The `app` command of cdk8s.yaml in the working directory. */
export function cdk8sAppCommand(dir = process.cwd()): string {
  const file = path.join(dir, 'cdk8s.yaml');
  if (!fs.existsSync(file)) throw new InputError('no cdk8s.yaml here; pass --app "<command that runs the cdk8s app>"');
  const app = parseDocument(fs.readFileSync(file, 'utf8')).get('app');
  if (typeof app !== 'string') throw new InputError(`${file} has no app command`);
  return app;
}

/**
 * Runs the cdk8s app with its output going to a temporary directory, and collects what its
 * meshes declare: the intent as written in the code, not as rendered into manifests.
 */
export function declaredAccessOfApp(command: string): DeclaredMeshes {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-verify-'));
  try {
    const file = path.join(scratch, 'declared-access.json');
    const result = spawnSync(command, {
      shell: true,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, [DECLARED_ACCESS_ENV]: file, CDK8S_OUTDIR: path.join(scratch, 'out'), CDK8S_RECORD_CONSTRUCT_METADATA: 'false' },
    });
    if (result.status !== 0) {
      const detail = (result.stderr || result.stdout || '').trim().split('\n').slice(-3).join(' | ');
      // No status: the command was killed, or could not run or finish (result.error, e.g. output beyond maxBuffer).
      const how = result.status !== null ? `exit ${result.status}` : result.signal ? `killed by ${result.signal}` : result.error?.message ?? 'no exit status';
      throw new InputError(`the app command failed (${how}): ${command}${detail ? `: ${detail}` : ''}`);
    }
    if (!fs.existsSync(file)) throw new InputError(`the app command wrote no declared access; does it define a Mesh? (${command})`);
    return readDeclaredAccess(file);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
