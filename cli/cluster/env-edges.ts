import type { LoadedObject } from '../../analyzer';
import { compareStrings } from '../../analyzer/load/files';
import { ADDRESS_NAME, Dialed, addressText, addressesIn, isIpAddress, unexpandedReferences } from './discover-address';
import { containerEnvironments, envSources } from './discover-env';
import { DiscoveredServices, ScaffoldService } from './discover-model';
import { objectFinder } from './object-identity';

/** Where an edge was read from: one address in one environment variable of one container. */
export interface EdgeEvidence {
  readonly workload: string;
  readonly container: string;
  readonly variable: string;
  /** `host:port` (or the host) as inferred; never the rest of the value, which may hold credentials. */
  readonly address: string;
  /** Where the value came from when not written in the pod template, e.g. "ConfigMap shop/addresses key orders". */
  readonly from?: string;
}

/** `from` calls `to` on these ports (names of `to`'s ports; empty: every port). */
export interface ScaffoldEdge {
  readonly from: string;
  readonly to: string;
  readonly ports: readonly string[];
  readonly evidence: readonly EdgeEvidence[];
}

/** An address in the environment that names no service of the scaffold, or a variable whose address `discover` cannot know. */
export interface UnresolvedAddress extends Omit<EdgeEvidence, 'address'> {
  /** Absent when the value is not known (it comes from a Secret). */
  readonly address?: string;
  readonly reason: string;
}

/** What a pod's DNS resolves names against: the namespaces the objects mention, those being discovered, and the cluster domain. */
export interface DnsScope {
  /** Namespaces known to exist. */
  readonly known: ReadonlySet<string>;
  /** False when other namespaces may exist as well (a cluster read limited by --namespace that could not list them). */
  readonly complete: boolean;
  readonly inScope: (namespace: string) => boolean;
  /** The kubelet's --cluster-domain: Services are `<svc>.<ns>.svc.<clusterDomain>`. */
  readonly clusterDomain: string;
}

/**
 * Edges from the workloads' environment (as the kubelet builds it, see `containerEnvironments`): every
 * URL (also `jdbc:`), gRPC `dns:` target or `host:port` in any variable, and bare hosts in variables
 * named as addresses (`ADDRESS_NAME`), that cluster DNS resolves for the caller's pod to a service of
 * the scaffold and one of its ports; the rest is unresolved, with the reason. Values that a Secret
 * sets or may set are never used for an edge.
 */
export function inferEdges(
  objects: readonly LoadedObject[],
  discovered: DiscoveredServices,
  namespaces: DnsScope,
): { edges: ScaffoldEdge[]; unresolved: UnresolvedAddress[] } {
  const edges = new Map<string, { from: ScaffoldService; to: ScaffoldService; ports: Set<string> | 'all'; evidence: EdgeEvidence[] }>();
  const unresolved: UnresolvedAddress[] = [];
  const find = objectFinder(objects);
  const sources = envSources(objects, namespaces.clusterDomain);
  for (const workload of discovered.workloads) {
    const consumer = discovered.consumers.get(workload.id);
    const object = find(workload.kind, workload.namespace, workload.name);
    if (!consumer || !object) continue;
    const isService = (host: string) => hasService(discovered, `${workload.namespace}/${host.toLowerCase()}`);
    for (const { container, env } of containerEnvironments(object, workload, sources)) {
      for (const [variable, { value, from, hidden }] of env) {
        const origin = { workload: workload.id, container, variable, ...(from ? { from } : {}) };
        if (value === undefined) {
          if (hidden && ADDRESS_NAME.test(variable)) unresolved.push({ ...origin, reason: `the value is ${hidden}` });
          continue;
        }
        for (const dialed of addressesIn(variable, value, (name) => env.get(name)?.value, isService)) {
          const evidence: EdgeEvidence = { ...origin, address: addressText(dialed) };
          const target = hidden ? { reason: `the value is ${hidden}` } : resolve(dialed, workload.namespace, discovered, namespaces);
          if ('reason' in target) {
            unresolved.push({ ...evidence, reason: target.reason });
            continue;
          }
          if (target.service === consumer) continue; // a workload naming its own Service is not an edge
          const key = `${consumer.namespace}/${consumer.name}\u0000${target.service.namespace}/${target.service.name}`;
          const edge = edges.get(key) ?? { from: consumer, to: target.service, ports: new Set<string>(), evidence: [] };
          edges.set(key, edge);
          if (target.port === 'all') edge.ports = 'all';
          else if (edge.ports !== 'all') edge.ports.add(target.port);
          const known = edge.evidence.some((e) => e.workload === evidence.workload && e.variable === variable && e.address === evidence.address);
          if (!known) edge.evidence.push(evidence);
        }
      }
    }
  }
  const result = [...edges.values()].map((edge): ScaffoldEdge => ({
    from: `${edge.from.namespace}/${edge.from.name}`,
    to: `${edge.to.namespace}/${edge.to.name}`,
    ports: edge.ports === 'all' ? [] : [...edge.ports].sort(compareStrings),
    evidence: [...edge.evidence].sort((a, b) => compareStrings(`${a.workload} ${a.variable} ${a.address}`, `${b.workload} ${b.variable} ${b.address}`)),
  }));
  const unresolvedKey = (u: UnresolvedAddress) => `${u.workload}\u0000${u.variable}\u0000${u.address ?? ''}`;
  return {
    edges: result.sort((a, b) => compareStrings(a.to, b.to) || compareStrings(a.from, b.from)),
    unresolved: [...new Map(unresolved.map((u) => [unresolvedKey(u), u])).values()].sort((a, b) => compareStrings(unresolvedKey(a), unresolvedKey(b))),
  };
}

function hasService(discovered: DiscoveredServices, ref: string): boolean {
  return discovered.serviceRefs.has(ref) || discovered.selectorless.has(ref) || discovered.gatewayServices.has(ref);
}

/** Cluster DNS, from the caller's namespace: the Service and the port name it dials, or why not. */
function resolve(dialed: Dialed, callerNamespace: string, discovered: DiscoveredServices, namespaces: DnsScope):
  { service: ScaffoldService; port: string | 'all' } | { reason: string } {
  const references = unexpandedReferences(dialed.host);
  // A reference to no variable, or one escaped as `$$(...)`.
  if (references.length > 0) return { reason: `${references.join(', ')} is left as written by the kubelet, which expands no such variable here` };
  if (isIpAddress(dialed.host)) return { reason: 'an IP address, not a Service name' };
  if (dialed.port !== undefined && (dialed.port < 1 || dialed.port > 65535)) return { reason: `port ${dialed.port} is out of range` };
  const named = serviceOfHost(dialed.host, callerNamespace, namespaces);
  if ('reason' in named) return named;
  const { name, namespace } = named;
  const ref = `${namespace}/${name}`;
  if (discovered.selectorless.has(ref)) return { reason: `Service ${ref} has no selector: its endpoints are not pods of the mesh` };
  const gateways = discovered.gatewayServices.get(ref);
  if (gateways) return { reason: `Service ${ref} is in front of a gateway${gateways.length > 0 ? ` (${gateways.join(', ')})` : ''}, which is no mesh service` };
  const found = discovered.serviceRefs.get(ref);
  if (!found) {
    // A namespace that was not read may exist all the same when the cluster's namespaces could not be listed.
    const known = namespaces.known.has(namespace);
    return {
      reason: known && namespaces.inScope(namespace) ? `no Service ${name} in namespace ${namespace}`
        : known || !namespaces.complete ? `namespace ${namespace} is not discovered` : `no Service ${name}: there is no namespace ${namespace}`,
    };
  }
  if (dialed.port === undefined) {
    const names = [...new Set(found.portNames.values())];
    return { service: found.service, port: names.length === 1 ? names[0] : 'all' };
  }
  const port = found.portNames.get(dialed.port);
  return port ? { service: found.service, port } : { reason: `Service ${ref} has no port ${dialed.port}` };
}

/**
 * The Service a host name stands for in a pod's DNS, which searches `<ns>.svc.<domain>`, `svc.<domain>`
 * and `<domain>`: `<svc>` (the caller's namespace), `<svc>.<ns>`, `<svc>.<ns>.svc`,
 * `<svc>.<ns>.svc.<domain>`, and a headless Service's pods, `<pod>.<svc>.<ns>.svc[.<domain>]`. A
 * name ending in '.' is searched for as written. `<domain>` is the cluster's only: the search path
 * and the cluster DNS's zone hold no other, so `<svc>.<ns>.svc.cluster.local` in a cluster whose
 * domain is another leaves the cluster (and fails there).
 */
function serviceOfHost(host: string, callerNamespace: string, namespaces: DnsScope): { name: string; namespace: string } | { reason: string } {
  const absolute = host.endsWith('.');
  const labels = host.replace(/\.$/, '').split('.');
  const domain = namespaces.clusterDomain.split('.');
  const endsAt = (svcAt: number) => (!absolute && labels.length === svcAt + 1)
    || (labels.length === svcAt + 1 + domain.length && domain.every((label, i) => labels[svcAt + 1 + i] === label));
  for (const svcAt of [2, 3]) {
    if (labels[svcAt] === 'svc' && endsAt(svcAt)) return { name: labels[svcAt - 2], namespace: labels[svcAt - 1] };
  }
  if (!absolute && labels.length === 1) return { name: labels[0], namespace: callerNamespace };
  // `a.b` is `<svc>.<ns>` when there is a namespace b (the search path tries `a.b.svc.<domain>` before `a.b`).
  if (!absolute && labels.length === 2 && (namespaces.known.has(labels[1]) || !namespaces.complete)) return { name: labels[0], namespace: labels[1] };
  if (labels[2] === 'svc' || labels[3] === 'svc') {
    return { reason: `not under the cluster domain ${namespaces.clusterDomain} (--cluster-domain): a name outside the cluster` };
  }
  return { reason: 'not a cluster Service name (outside the cluster?)' };
}
