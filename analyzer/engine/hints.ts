// What a surprising denial may come from on the asker's side, said after the reason: the port asked
// is a Service port, not a container port; a plain connection was asked of rules that match HTTP
// requests; principals name a trust domain other than the one assumed. Only facts of the manifests,
// never a guess at the verdict: the verdict stays as computed.

import { trustDomains } from '../mesh/trust-domain';
import { Workload } from '../model/types';
import { Connection, evaluateConnection } from './connection';
import { PolicyIndex } from './policy-index';

export function denialHints(index: PolicyIndex, connection: Connection, layer: 'network' | 'mesh' | null): string[] {
  return [
    servicePortHint(index, connection.destination, connection.port),
    ...(layer === 'mesh' ? [plainConnectionHint(index, connection), trustDomainHint(index, connection.destination)] : []),
  ].filter((hint): hint is string => hint !== undefined);
}

/** `--port` is the destination's container port; a Service port that forwards elsewhere is a common slip. */
function servicePortHint(index: PolicyIndex, destination: Workload, port: number): string | undefined {
  if (destination.ports.some((containerPort) => containerPort.port === port)) return undefined;
  for (const [containerPort, dialed] of index.facts(destination).dialedPorts) {
    const service = dialed.find((entry) => entry.port === port && containerPort !== port)?.service;
    if (service) return `port ${port} is a port of Service ${service.namespace}/${service.name}, which forwards it to container port ${containerPort}: --port takes the container port`;
  }
  return undefined;
}

/**
 * A request without method, path, host or headers is a plain connection, which HTTP rules never
 * match: said only when some HTTP request would pass where the connection did not.
 */
function plainConnectionHint(index: PolicyIndex, connection: Connection): string | undefined {
  if (connection.http !== undefined || connection.protocol !== 'TCP') return undefined;
  if (!evaluateConnection(index, { ...connection, http: 'any' }).allowed) return undefined;
  return 'this was asked as a plain TCP connection; the ALLOW rules here match HTTP requests (methods, paths...): ask with --method and --path (or --host, --header)';
}

/** Principals name their trust domain first; one the mesh does not know (nor alias) matches nobody. */
function trustDomainHint(index: PolicyIndex, destination: Workload): string | undefined {
  const { mesh } = index.inventory;
  // The bundle, and cluster.local, which Istio rewrites to it (trust-domain.ts).
  const known = new Set([...trustDomains(mesh), 'cluster.local']);
  const named = new Set<string>();
  for (const { policy } of index.facts(destination).authorization.allow) {
    for (const rule of policy.rules) {
      for (const source of rule.from) {
        for (const principal of source.principals ?? []) {
          const parts = principal.split('/');
          // A domain with `*` is a pattern (it may match the mesh's); only literal domains can be foreign.
          if (parts.length === 5 && parts[1] === 'ns' && !parts[0].includes('*') && !known.has(parts[0])) named.add(parts[0]);
        }
      }
    }
  }
  if (named.size === 0) return undefined;
  return `principals here name trust domain ${[...named].sort().join(', ')}, but the mesh's is taken to be ${mesh.trustDomain}: give --trust-domain (or the istio ConfigMap) if that is the mesh's`;
}
