import { AuthorizationDecision, authorize } from '../mesh/authorization';
import { MtlsSetting } from '../mesh/peer-authentication';
import { Workload } from '../model/types';
import { Connection } from './connection';
import { PolicyIndex } from './policy-index';

/**
 * The destination sidecar's decision. Only pods with a sidecar enforce anything, and only for TCP
 * (the sidecar's iptables rules redirect TCP; UDP and SCTP bypass it). Mutual TLS happens when both
 * ends have a sidecar, a Service declares the destination port (auto mTLS works per Service endpoint)
 * and the destination's PeerAuthentication for the port is not DISABLE; otherwise the connection is
 * plaintext, which STRICT rejects and which carries no identity for `principals`/`namespaces`.
 */
export function decideMesh(index: PolicyIndex, connection: Connection): AuthorizationDecision {
  const { origin, destination, port, protocol } = connection;
  const target = index.facts(destination);
  if (!destination.sidecar.injected) {
    return { allowed: true, reason: `${destination.id} has no sidecar (${destination.sidecar.because}): no mesh policy applies` };
  }
  if (protocol !== 'TCP') {
    return { allowed: true, reason: `the sidecar does not intercept ${protocol}: no mesh policy applies` };
  }
  const setting = target.mtls(port);
  const plaintextBecause = plaintextCause(index, connection, setting.mode === 'DISABLE');
  if (setting.mode === 'STRICT' && plaintextBecause) {
    return { allowed: false, reason: strictReason(setting, destination, port, plaintextBecause) };
  }
  const sourceIps = origin.kind === 'external' ? [origin.ip]
    : origin.workload.podIPs.length > 0 ? origin.workload.podIPs : undefined;
  // A port a Service declares as TCP gets a TCP filter chain: the sidecar sees a connection, not the
  // requests in it, so HTTP-only rule fields cannot match (declared HTTP and sniffed ports see requests).
  const tcpOnly = target.declaredPorts.get(port) === 'tcp';
  const decision = authorize(target.authorization, {
    principal: plaintextBecause || origin.kind !== 'workload' ? undefined : index.facts(origin.workload).identity,
    sourceIps,
    destinationIps: destination.podIPs.length > 0 ? destination.podIPs : undefined,
    port,
    http: tcpOnly ? undefined : connection.http,
  }, destination.id);
  if (!tcpOnly || connection.http === undefined) return decision;
  return { ...decision, reason: `${decision.reason} (Istio takes port ${port} for TCP from its Service port, and sees a connection, not HTTP requests)` };
}

/**
 * For `reach`, which counts denied sources by reason: whether STRICT rejects TCP connections to the
 * port from a source with or without a sidecar, worded without naming the source (they all fail alike).
 */
export function strictRejection(index: PolicyIndex, sourceHasSidecar: boolean, destination: Workload, port: number): string | undefined {
  const facts = index.facts(destination);
  const setting = facts.mtls(port);
  if (!destination.sidecar.injected || setting.mode !== 'STRICT') return undefined;
  if (!facts.declaredPorts.has(port)) return strictReason(setting, destination, port, undeclaredPort(destination, port));
  if (facts.clientMtls.mode === 'DISABLE') return strictReason(setting, destination, port, namespaceDisabled(destination, facts.clientMtls));
  return sourceHasSidecar ? undefined : strictReason(setting, destination, port, 'the source has no sidecar');
}

function strictReason(setting: MtlsSetting, destination: Workload, port: number, because: string): string {
  return `PeerAuthentication STRICT (${setting.decidedBy}) on ${destination.id} port ${port} rejects plaintext: ${because}`;
}

function undeclaredPort(destination: Workload, port: number): string {
  return `no Service declares port ${port} of ${destination.id}, so the client sidecar sends plaintext`;
}

/** Why the connection would be plaintext, or undefined when it is mutual TLS. */
function plaintextCause(index: PolicyIndex, connection: Connection, disabled: boolean): string | undefined {
  const { origin, destination, port } = connection;
  if (origin.kind === 'external') return `ip:${origin.ip} is outside the mesh`;
  if (!origin.workload.sidecar.injected) return `${origin.workload.id} has no sidecar (${origin.workload.sidecar.because})`;
  const facts = index.facts(destination);
  if (!facts.declaredPorts.has(port)) return undeclaredPort(destination, port);
  if (disabled) return `PeerAuthentication DISABLE on port ${port}`;
  if (facts.clientMtls.mode === 'DISABLE') return namespaceDisabled(destination, facts.clientMtls);
  return undefined;
}

function namespaceDisabled(destination: Workload, setting: MtlsSetting): string {
  return `${setting.decidedBy} disables mTLS for namespace ${destination.namespace}, so client sidecars send plaintext (auto mTLS does not read workload policies)`;
}
