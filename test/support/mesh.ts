import { Testing } from 'cdk8s';
import { Mesh, MeshProps } from '../../constructs';

/** A plain Kubernetes object as synthesized. */
export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: any };

/** A fresh mesh in a test app. */
export function testMesh(props: MeshProps = {}, id = 'test'): Mesh {
  return new Mesh(Testing.app(), id, props);
}

/**
 * What cdk8s writes for the mesh. Synth prints each warning once on stderr as
 * `Warning: [path] message`; that is checked here and kept out of the test output.
 */
export function synth(mesh: Mesh): KubeObject[] {
  const printed: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  let objects: KubeObject[];
  try {
    objects = Testing.synth(mesh) as KubeObject[];
  } finally {
    write.mockRestore();
  }
  const warnings = mesh.problems().filter((p) => p.severity === 'warning').map((p) => `Warning: [${p.path}] ${p.message}\n`);
  expect(printed).toEqual(warnings);
  return objects;
}

/** The one object of that kind, namespace and name; fails the test when there is none. */
export function findObject(objects: readonly KubeObject[], kind: string, namespace: string | undefined, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  if (!found) {
    const present = objects.filter((o) => o.kind === kind).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    throw new Error(`no ${kind} ${namespace}/${name}; present: ${present.join(', ')}`);
  }
  return found;
}

/** Whether there is an object of that kind, namespace and name. */
export function hasObject(objects: readonly KubeObject[], kind: string, namespace: string | undefined, name: string): boolean {
  return objects.some((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
}

/** Messages of the problems at a construct path. */
export function problemsAt(mesh: Mesh, path: string): string[] {
  return mesh.problems().filter((p) => p.path === path).map((p) => `${p.severity}: ${p.message}`);
}
