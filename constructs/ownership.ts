/** Who creates the Kubernetes object that a mesh construct stands for. */
export enum Ownership {
  /** The mesh emits the object (Namespace, or Service + ServiceAccount). */
  MESH = 'MESH',
  /**
   * The object exists already (Helm, another chart, a platform team): the mesh only references it
   * and emits the policies around it.
   */
  EXTERNAL = 'EXTERNAL',
}
