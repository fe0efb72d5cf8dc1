import type { KubeObject, LoadedObject } from '../../analyzer';
import { ClusterClient, ResourceName } from './kubeconfig-client';
import { describeObject } from './object-identity';

/** What a live read covers. */
export interface LiveScope {
  /** Read only these namespaces (per-namespace requests, for users without cluster-wide list rights); default: the whole cluster. */
  readonly namespaces?: readonly string[];
  /** The Istio root namespace, whose policies apply mesh-wide, so it is read even when not listed. */
  readonly rootNamespace: string;
  /** Also read policies and the mesh settings (audit); `discover` needs workloads and Services only. @default true */
  readonly policies?: boolean;
  /** Also read ConfigMaps, which `envFrom` and `configMapKeyRef` take environment variables from (discover). @default false */
  readonly configMaps?: boolean;
}

export interface LiveObjects {
  readonly objects: readonly LoadedObject[];
  /** What could not be read and why, for the report. */
  readonly notes: readonly string[];
  /** Resources that exist but could not be read, and that access depends on: the comparison is incomplete without them. */
  readonly unread: readonly string[];
}

/** Everything the analyzer reads about workloads: Pods and every controller, so that Pods of a listed controller fold into it. */
const WORKLOAD_RESOURCES: readonly ResourceName[] = ['pods', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs'];
/** The access-control objects a mesh declaration emits. */
const POLICY_RESOURCES: readonly ResourceName[] = ['networkpolicies', 'authorizationpolicies', 'peerauthentications', 'roles', 'rolebindings'];
const ISTIO_RESOURCES: readonly ResourceName[] = ['authorizationpolicies', 'peerauthentications'];
/** Cluster-scoped RBAC: ClusterRoles that RoleBindings refer to, and ClusterRoleBindings that grant everywhere. */
const CLUSTER_RBAC_RESOURCES: readonly ResourceName[] = ['clusterroles', 'clusterrolebindings'];
const APPLICATION_RESOURCES: readonly ResourceName[] = [...WORKLOAD_RESOURCES, 'services', 'serviceaccounts'];

/** The Istio ConfigMap whose MeshConfig names the trust domain and root namespace. */
const MESH_CONFIG_MAP = 'istio';

/**
 * Reads the cluster the way `kubectl get -o json` would, as analyzer input: Namespaces, workloads,
 * Services, ServiceAccounts, NetworkPolicies, RBAC Roles and RoleBindings (and, when allowed,
 * ClusterRoles and ClusterRoleBindings), Istio AuthorizationPolicies and PeerAuthentications, and the
 * `istio` ConfigMap of the root namespace.
 */
export async function readLiveObjects(cluster: ClusterClient, scope: LiveScope): Promise<LiveObjects> {
  const client = throttled(cluster, MAX_REQUESTS_IN_FLIGHT);
  const notes = new Set<string>();
  const unread = new Set<string>();
  const unserved = (resource: ResourceName) => notes.add(`the API server does not serve ${resource}; none read`);
  const requests: Array<Promise<readonly KubeObject[]>> = [];
  const policies = scope.policies ?? true;
  const resources = [...APPLICATION_RESOURCES, ...(policies ? POLICY_RESOURCES : []), ...(scope.configMaps ? ['configmaps' as const] : [])];
  const list = (resource: ResourceName, namespace?: string) => requests.push(client.list(resource, namespace).then((items) => {
    if (!items) unserved(resource);
    return items ?? [];
  }, (error: Error) => {
    // ConfigMaps only add environment variables to discover's inference: without them it goes on, and says so.
    if (resource !== 'configmaps') throw error;
    notes.add(`configmaps${namespace ? ` of ${namespace}` : ''} not read (${error.message}); variables from envFrom/configMapKeyRef not used`);
    return [];
  }));

  if (scope.namespaces) {
    for (const name of scope.namespaces) {
      requests.push(client.get('namespaces', undefined, name).then((namespace) => {
        if (!namespace) notes.add(`namespace ${name} does not exist`);
        return namespace ? [namespace] : [];
      }));
      for (const resource of resources) list(resource, name);
    }
    if (policies && !scope.namespaces.includes(scope.rootNamespace)) {
      for (const resource of ISTIO_RESOURCES) list(resource, scope.rootNamespace);
    }
  } else {
    for (const resource of ['namespaces', ...resources] as const) list(resource);
  }
  if (policies) {
    // Optional: a user who may read only some namespaces cannot list them; API access is then compared
    // through RoleBindings to the namespaces' own Roles only, and the report says so.
    for (const resource of CLUSTER_RBAC_RESOURCES) {
      requests.push(client.list(resource).then(
        (items) => items ?? [],
        (error: Error) => {
          notes.add(`${resource} not read (${error.message}); API access through them not compared`);
          unread.add(resource);
          return [];
        },
      ));
    }
    // Optional: without it the analyzer assumes cluster.local and istio-system, which --trust-domain and
    // --root-namespace can correct; a user without read access to the root namespace can still audit.
    requests.push(client.get('configmaps', scope.rootNamespace, MESH_CONFIG_MAP).then(
      (configMap) => (configMap ? [configMap] : []),
      (error: Error) => {
        notes.add(`mesh settings not read (${error.message})`);
        return [];
      },
    ));
  }
  const objects = (await Promise.all(requests)).flat();
  return {
    objects: objects.map((object): LoadedObject => ({ object, source: { file: `${client.server} ${describeObject(object)}`, document: 0 } })),
    notes: [...notes].sort(),
    unread: [...unread].sort(),
  };
}

/**
 * At most this many API requests at once: a long --namespace list makes hundreds of per-namespace
 * lists, which an API server under priority-and-fairness would otherwise throttle (HTTP 429).
 */
const MAX_REQUESTS_IN_FLIGHT = 16;

/** The client, with its requests queued so that at most `limit` run at a time. */
function throttled(client: ClusterClient, limit: number): ClusterClient {
  let running = 0;
  const waiting: Array<() => void> = [];
  const run = async <T>(request: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await request();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
  return {
    server: client.server,
    context: client.context,
    list: (resource, namespace) => run(() => client.list(resource, namespace)),
    get: (resource, namespace, name) => run(() => client.get(resource, namespace, name)),
  };
}
