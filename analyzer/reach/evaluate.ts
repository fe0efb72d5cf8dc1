import { Connection, Origin, Verdict, evaluateConnection } from '../engine/connection';
import { PolicyIndex } from '../engine/policy-index';
import { Protocol, Workload } from '../model/types';

/**
 * How a sidecar sees traffic to a port: declared HTTP ports see requests (evaluated as "any request");
 * declared TCP ports see connections; undeclared ports are sniffed, so a connection denied as TCP may
 * still pass as HTTP requests.
 */
export function evaluatePair(index: PolicyIndex, origin: Origin, destination: Workload, port: number, protocol: Protocol): Verdict {
  // Literals, not `{ ...connection, http }`: in optimized code each spread object gets a hidden class of
  // its own, allocated in old space, for every evaluated pair.
  const anyRequest: Connection = { origin, destination, port, protocol, http: 'any' };
  const mode = protocol === 'TCP' ? meshProtocol(index, destination, port) : 'tcp';
  if (mode === 'http') return evaluateConnection(index, anyRequest);
  const verdict = evaluateConnection(index, { origin, destination, port, protocol });
  if (mode === 'auto' && verdict.layer === 'mesh') {
    const asHttp = evaluateConnection(index, anyRequest);
    if (asHttp.allowed) return asHttp;
  }
  return verdict;
}

/**
 * What the destination's proxy sees on a TCP port: its Service's declared protocol, else 'auto'
 * (sniffed). A gateway's listeners take their protocol from Gateway objects, which are not read: as
 * `check` does, any request may be HTTP there ('auto').
 */
export function meshProtocol(index: PolicyIndex, destination: Workload, port: number): 'http' | 'tcp' | 'auto' {
  if (destination.sidecar.gateway) return 'auto';
  return index.facts(destination).declaredPorts.get(port) ?? 'auto';
}
