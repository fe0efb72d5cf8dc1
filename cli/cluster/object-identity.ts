import type { KubeObject, LoadedObject } from '../../analyzer';

const CLUSTER_SCOPED_KINDS = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);

/** Namespace as `kubectl apply` would use it: namespaced objects without one land in `default`. */
export function namespaceOf(object: KubeObject): string | undefined {
  if (CLUSTER_SCOPED_KINDS.has(object.kind)) return undefined;
  const namespace = (object.metadata as { namespace?: unknown } | undefined)?.namespace;
  return typeof namespace === 'string' && namespace ? namespace : 'default';
}

export function nameOf(object: KubeObject): string {
  const name = (object.metadata as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : '';
}

/** The namespace an object belongs to for auditing and discovery: a Namespace its own; cluster-wide objects none. */
export function scopeOf(object: KubeObject): string | undefined {
  return object.kind === 'Namespace' ? nameOf(object) : namespaceOf(object);
}

/** Identity of an object across API versions (Istio v1 and v1beta1 are the same object). */
export function objectKey(object: KubeObject): string {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return `${group}/${object.kind}/${namespaceOf(object) ?? ''}/${nameOf(object)}`;
}

/** `Kind namespace/name`, the way reports name an object. */
export function describeObject(object: KubeObject): string {
  const namespace = namespaceOf(object);
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${nameOf(object)}`;
}

/** Finds the manifest of an analyzer workload (which keeps no env vars or controller selector) by kind, namespace and name. */
export function objectFinder(objects: readonly LoadedObject[]): (kind: string, namespace: string, name: string) => KubeObject | undefined {
  const byName = new Map(objects.map(({ object }) => [`${object.kind}/${namespaceOf(object) ?? ''}/${nameOf(object)}`, object]));
  return (kind, namespace, name) => byName.get(`${kind}/${namespace}/${name}`);
}
