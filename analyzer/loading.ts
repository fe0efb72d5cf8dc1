import { addressKey } from './engine/addresses';
import { DocumentFilter, LoadedObject, streamManifests } from './load/documents';
import { asRecord } from './model/fields';
import { buildInventory } from './model/inventory';
import { DEFAULT_ROOT_NAMESPACE, MeshOptions } from './model/mesh-config';
import { Inventory } from './model/types';
import { isWorkloadKind } from './model/workloads';
import { RBAC_KINDS } from './rbac/loading';
import { AccessRequest } from './request';

/** Kinds that can change a connection's verdict (besides Namespaces and workloads); RBAC, ServiceAccounts, Secrets... cannot. */
const VERDICT_KINDS = new Set(['Service', 'NetworkPolicy', 'AuthorizationPolicy', 'PeerAuthentication']);
/** The policies `diff` compares; `--workloads` paths give everything else. */
const POLICY_KINDS = new Set(['NetworkPolicy', 'AuthorizationPolicy', 'PeerAuthentication']);

/**
 * Loads what access depends on, for reach, explain and diff: Namespaces, workloads, Services,
 * NetworkPolicies, Istio policies, the mesh ConfigMap, and RBAC for API access. Other documents
 * (often most of a cluster dump: ConfigMaps, Secrets...) are not even parsed, and so not validated either.
 * `workloadPaths` add what the policies act on but not policies: workloads, Namespaces, Services and
 * the mesh ConfigMap (the cluster that policies written elsewhere, e.g. a synth output, are for).
 * `standIns` are objects made up by the caller (e.g. pods for the services a declaration names),
 * read before everything else, so that an object the files also define is taken from the files.
 */
export function inventoryForAccess(
  paths: readonly string[],
  options: MeshOptions = {},
  workloadPaths: readonly string[] = [],
  standIns: readonly LoadedObject[] = [],
): Inventory {
  const connections = verdictDocuments(meshHomes(options), 'all');
  const documents = streamManifests(paths, (kind, namespace) => RBAC_KINDS.has(kind) || connections(kind, namespace));
  // Everything access depends on but the policies: workloads, Namespaces, Services (auto mTLS and
  // protocols depend on them) and the mesh ConfigMap. Read before `paths`, so that an object `paths`
  // also define is taken from `paths` (the later wins).
  const workloads = workloadPaths.length === 0 ? []
    : streamManifests(workloadPaths, (kind, namespace) => !POLICY_KINDS.has(kind) && !RBAC_KINDS.has(kind) && connections(kind, namespace));
  return buildInventory(concat(standIns, workloads, documents), options);
}

function* concat<T>(...parts: Iterable<T>[]): Generator<T> {
  for (const part of parts) yield* part;
}

/**
 * Loads only what the requests' verdicts depend on: all Namespaces (for their labels) and, in the
 * namespaces of the sources, the destinations and the Istio root namespace, the documents
 * `inventoryForAccess` reads. Egress policies live with the source; ingress, mesh policies and Services
 * with the destination. So one check on a huge folder parses a few documents instead of all of them.
 * An `ip:` end may be a pod's address, which stands for that pod: its namespace is found by reading
 * the Pods first (only when a request has such an end).
 * `standIns` as for `inventoryForAccess` (all of them: they are few).
 */
export function inventoryForRequests(
  paths: readonly string[],
  requests: readonly AccessRequest[],
  options: MeshOptions = {},
  standIns: readonly LoadedObject[] = [],
): Inventory {
  const homes = meshHomes(options);
  const namespaces = new Set([...homes, ...namespacesOfPodAddresses(paths, requests)]);
  for (const request of requests) {
    for (const name of [request.from, request.to]) if (!name.startsWith('ip:')) namespaces.add(name.split('/')[0]);
  }
  const load = () => buildInventory(concat(standIns, streamManifests(paths, verdictDocuments(homes, namespaces))), options);
  const inventory = load();
  // The mesh ConfigMap may move the root namespace somewhere we did not load.
  if (namespaces.has(inventory.mesh.rootNamespace)) return inventory;
  namespaces.add(inventory.mesh.rootNamespace);
  return load();
}

/** The namespaces of the Pods whose `status.podIP(s)` hold an `ip:` end of a request. */
function namespacesOfPodAddresses(paths: readonly string[], requests: readonly AccessRequest[]): Set<string> {
  const addresses = new Set(requests.flatMap((request) => [request.from, request.to])
    .filter((end) => end.startsWith('ip:')).map((end) => addressKey(end.slice(3))));
  const namespaces = new Set<string>();
  if (addresses.size === 0) return namespaces;
  for (const { object } of streamManifests(paths, (kind) => kind === 'Pod')) {
    const status = asRecord((object as { status?: unknown }).status);
    const podIPs = Array.isArray(status?.podIPs) ? status.podIPs.map((entry) => asRecord(entry)?.ip) : [];
    const held = [status?.podIP, ...podIPs].some((ip) => typeof ip === 'string' && addresses.has(addressKey(ip)));
    const namespace = asRecord(object.metadata)?.namespace;
    if (held) namespaces.add(typeof namespace === 'string' && namespace !== '' ? namespace : 'default');
  }
  return namespaces;
}

/** Where the mesh ConfigMap can be: the root namespace given, else istio-system. */
function meshHomes(options: MeshOptions): Set<string> {
  return new Set([options.rootNamespace ?? DEFAULT_ROOT_NAMESPACE, DEFAULT_ROOT_NAMESPACE]);
}

function verdictDocuments(meshHomes: ReadonlySet<string>, namespaces: ReadonlySet<string> | 'all'): DocumentFilter {
  return (kind, namespace) => {
    if (kind === 'Namespace') return true;
    if (kind === 'ConfigMap') return meshHomes.has(namespace ?? 'default');
    return (VERDICT_KINDS.has(kind) || isWorkloadKind(kind)) && (namespaces === 'all' || namespaces.has(namespace ?? 'default'));
  };
}
