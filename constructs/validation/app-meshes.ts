import type { Mesh } from '../mesh';

/**
 * The other meshes of the same app: each writes its own manifests, so two declaring one namespace
 * would fight over it, and one cannot open the egress of another's namespaces.
 */
export function otherMeshes(mesh: Mesh): Mesh[] {
  // The class from the instance: importing Mesh here would be circular.
  const isMesh = (mesh.constructor as typeof Mesh).isMesh;
  return mesh.node.root.node.findAll().filter((construct): construct is Mesh => construct !== mesh && isMesh(construct));
}
