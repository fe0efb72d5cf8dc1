import { AuthorizationDecision, authorize } from '../mesh/authorization';
import { TLS_MODE_LABEL } from '../mesh/injected-labels';
import { normalizeRequestPath } from '../mesh/path-normalization';
import { MtlsSetting } from '../mesh/peer-authentication';
import { DialedPort } from '../mesh/protocol';
import { PathNormalization, Workload } from '../model/types';
import { Connection } from './connection';
import { PolicyIndex } from './policy-index';

/**
 * The destination sidecar's decision. Only pods with a sidecar enforce anything, and only for TCP
 * ports their iptables rules capture (UDP and SCTP bypass it, and so do excluded ports). Mutual TLS
 * happens when the source's sidecar captures the connection and auto mTLS chooses it (see
 * `plaintextCause`); otherwise the connection is plaintext, which STRICT rejects and which carries no
 * identity for `principals`/`namespaces`.
 */
export function decideMesh(index: PolicyIndex, connection: Connection): AuthorizationDecision {
  const { destination, port, protocol } = connection;
  const target = index.facts(destination);
  if (!destination.sidecar.injected) {
    // Auto mTLS reads only the endpoint's tlsMode label (conversion.go PodTLSMode): a pod without sidecar
    // that carries tlsMode=istio gets mTLS from meshed clients, which its application cannot read.
    if (protocol === 'TCP' && destination.labels.get(TLS_MODE_LABEL) === 'istio'
      && !plaintextCause(index, connection, target.mtls(port).mode === 'DISABLE')) {
      return { allowed: false, reason: `${destination.id} has no sidecar (${destination.sidecar.because}) but is labelled ${TLS_MODE_LABEL}=istio, so the client sidecar sends mTLS, which the application cannot read` };
    }
    return { allowed: true, reason: `${destination.id} has no sidecar (${destination.sidecar.because}): no mesh policy applies` };
  }
  if (protocol !== 'TCP') {
    return { allowed: true, reason: `the sidecar does not intercept ${protocol}: no mesh policy applies` };
  }
  if (destination.sidecar.gateway) return decideAtGateway(index, connection);
  const setting = target.mtls(port);
  const plaintextBecause = plaintextCause(index, connection, setting.mode === 'DISABLE')?.reason;
  const bypass = target.interception.inboundBypass(port);
  if (bypass) {
    // istiod does not read the capture annotations: a meshed client still sends mTLS, which the
    // application then receives raw and cannot read. Plaintext passes, unchecked.
    if (plaintextBecause) return { allowed: true, reason: `the sidecar of ${destination.id} does not capture it (${bypass}): no mesh policy applies` };
    return { allowed: false, reason: `the client sidecar sends mTLS, but the sidecar of ${destination.id} does not capture port ${port} (${bypass}), so the application gets TLS it cannot read` };
  }
  if (setting.mode === 'STRICT' && plaintextBecause) {
    return { allowed: false, reason: strictReason(setting, destination, port, plaintextBecause) };
  }
  if (setting.mode === 'DISABLE' && !plaintextBecause && connection.origin.kind === 'workload') {
    // Only a sidecar's cluster for a headless Service gets here (see plaintextToDestination): the DISABLE
    // chains take the TLS handshake for plaintext (listener_inbound.go getFilterChainMatchOptions).
    return {
      allowed: false,
      reason: `the client sidecar sends mTLS (auto mTLS for a headless Service does not read workload PeerAuthentications), but PeerAuthentication DISABLE (${setting.decidedBy}) on ${destination.id} port ${port} accepts plaintext only`,
    };
  }
  // A port a Service declares as TCP gets a TCP filter chain: the sidecar sees a connection, not the
  // requests in it, so HTTP-only rule fields cannot match (declared HTTP and sniffed ports see requests).
  const tcpOnly = target.declaredPorts.get(port) === 'tcp';
  const decision = authorizeConnection(index, connection, !plaintextBecause, tcpOnly);
  if (!tcpOnly || connection.http === undefined) return decision;
  return { ...decision, reason: `${decision.reason} (Istio takes port ${port} for TCP from its Service port, and sees a connection, not HTTP requests)` };
}

/**
 * A gateway proxy serves its own listeners: no PeerAuthentication applies there (a Gateway's server
 * TLS settings decide, gateway.go) and no iptables capture stands in front of them; AuthorizationPolicy
 * does apply. Clients' auto mTLS sends gateways plaintext unless their pods are labelled tlsMode=istio,
 * so principals rarely match. The listener's protocol comes from Gateway objects, which the analyzer does
 * not read: an HTTP request is taken as one.
 */
function decideAtGateway(index: PolicyIndex, connection: Connection): AuthorizationDecision {
  const mtls = plaintextCause(index, connection, false) === undefined;
  const decision = authorizeConnection(index, connection, mtls, false);
  return { ...decision, reason: `${decision.reason} (${connection.destination.id} is a gateway: PeerAuthentication does not apply to its listeners)` };
}

/** The AuthorizationPolicy decision, with the source's identity when the connection is mutual TLS. */
function authorizeConnection(index: PolicyIndex, connection: Connection, mtlsFromClient: boolean, tcpOnly: boolean): AuthorizationDecision {
  const { origin, destination, port } = connection;
  const target = index.facts(destination);
  const sourceIps = origin.kind === 'external' ? [origin.ip]
    : origin.workload.podIPs.length > 0 ? origin.workload.podIPs : undefined;
  const mtls = mtlsFromClient && origin.kind === 'workload';
  // One literal shape for every request (no conditional spreads): `reach` builds millions of them.
  return authorize(target.authorization, {
    principal: mtls ? index.facts(origin.workload).identity : undefined,
    sni: mtls ? mtlsServerName(target.dialedPorts.get(port), connection.http) : undefined,
    sourceIps,
    destinationIps: destination.podIPs.length > 0 ? destination.podIPs : undefined,
    port,
    http: tcpOnly ? undefined : normalizedRequest(connection.http, index.inventory.mesh.pathNormalization),
    xffTrustedHops: target.xffTrustedHops,
  }, destination.id);
}

/** The request as the proxy's HTTP filters see it: its path normalized by the connection manager first. */
function normalizedRequest(http: Connection['http'], mode: PathNormalization): Connection['http'] {
  if (typeof http !== 'object' || http.path === undefined) return http;
  const path = normalizeRequestPath(http.path, mode);
  return path === http.path ? http : { method: http.method, path, host: http.host, headers: http.headers };
}

/**
 * For `reach`, which counts denied sources by reason: whether STRICT rejects TCP connections from the
 * source to the port, worded without naming the source (all sources failing alike count on one line).
 */
export function strictRejection(index: PolicyIndex, source: Workload, destination: Workload, port: number): string | undefined {
  const facts = index.facts(destination);
  const setting = facts.mtls(port);
  if (!destination.sidecar.injected || destination.sidecar.gateway || setting.mode !== 'STRICT' || facts.interception.inboundBypass(port)) return undefined;
  const cause = plaintextCause(index, { origin: { kind: 'workload', workload: source }, destination, port, protocol: 'TCP' }, false);
  return cause ? strictReason(setting, destination, port, cause.generic) : undefined;
}

/** Services are named under this domain; the analyzer does not know a cluster's own (kubelet --cluster-domain). */
const CLUSTER_DOMAIN = 'cluster.local';

/**
 * The SNI a client sidecar sends with auto mTLS: `outbound_.<port>_._.<service FQDN>`
 * (cluster_builder.go istioMtlsSni = BuildDNSSrvSubsetKey), for the Service the client dialed: the one
 * the request's host names, else the oldest in front of the port.
 */
function mtlsServerName(dialed: readonly DialedPort[] | undefined, http: Connection['http']): string | undefined {
  if (!dialed || dialed.length === 0) return undefined;
  const host = typeof http === 'object' ? http.host?.toLowerCase().replace(/:\d+$/, '') : undefined;
  const named = host === undefined ? undefined
    : dialed.find(({ service }) => [service.name, `${service.name}.${service.namespace}`, `${service.name}.${service.namespace}.svc`,
      `${service.name}.${service.namespace}.svc.${CLUSTER_DOMAIN}`].includes(host));
  const { service, port } = named ?? dialed[0];
  return `outbound_.${port}_._.${service.name}.${service.namespace}.svc.${CLUSTER_DOMAIN}`;
}

function strictReason(setting: MtlsSetting, destination: Workload, port: number, because: string): string {
  return `PeerAuthentication STRICT (${setting.decidedBy}) on ${destination.id} port ${port} rejects plaintext: ${because}`;
}

function undeclaredPort(destination: Workload, port: number): string {
  return `no Service declares port ${port} of ${destination.id}, so the client sidecar sends plaintext`;
}

/**
 * Why the connection would be plaintext, or undefined when it is mutual TLS. The client side decides:
 * its sidecar must capture the connection, and auto mTLS (pilot/pkg/networking/core/cluster_tls.go
 * buildUpstreamTLSSettings) must be on and choose mTLS for the endpoint: a Service declares the port,
 * the endpoint's pod carries security.istio.io/tlsMode=istio (mtls_checker.go), and the namespace's
 * mode is not DISABLE. DestinationRules, which could override it, are not modelled.
 */
function plaintextCause(index: PolicyIndex, connection: Connection, disabled: boolean): PlaintextCause | undefined {
  const { origin, destination, port } = connection;
  if (origin.kind === 'external') return { reason: `ip:${origin.ip} is outside the mesh`, generic: 'the source is outside the mesh' };
  const source = origin.workload;
  if (!source.sidecar.injected) return { reason: `${source.id} has no sidecar (${source.sidecar.because})`, generic: 'the source has no sidecar' };
  const facts = index.facts(destination);
  // A gateway dials its upstreams itself; only a sidecar depends on iptables capturing the connection.
  const outbound = source.sidecar.gateway ? undefined
    : index.facts(source).interception.outboundBypass(facts.dialedPorts.get(port)?.map((dialed) => dialed.port) ?? [port]);
  if (outbound) {
    return { reason: `the sidecar of ${source.id} does not capture the connection (${outbound})`, generic: `the source's sidecar does not capture the connection (${outbound})` };
  }
  const destinationSide = plaintextToDestination(index, destination, port, disabled, source.sidecar.gateway);
  return destinationSide === undefined ? undefined : { reason: destinationSide, generic: destinationSide };
}

interface PlaintextCause {
  readonly reason: string;
  /** The same without naming the source. */
  readonly generic: string;
}

/**
 * Why a capturing client proxy would send plaintext to this destination port, whichever the client;
 * `gatewayClient`: the client is a gateway, which reaches headless Services through EDS too.
 */
function plaintextToDestination(index: PolicyIndex, destination: Workload, port: number, disabled: boolean, gatewayClient = false): string | undefined {
  const facts = index.facts(destination);
  if (!facts.declaredPorts.has(port)) {
    // A TCP Service port Istio still takes for UDP: its name or appProtocol says udp.
    return facts.dialedPorts.has(port)
      ? `the Service port for ${destination.id} port ${port} is named or marked udp, so Istio gives it no listener and the client sidecar sends plaintext`
      : undeclaredPort(destination, port);
  }
  if (!index.inventory.mesh.autoMtls) return 'the mesh config sets enableAutoMtls: false, so client sidecars send plaintext';
  // A sidecar reaches a headless Service through an ORIGINAL_DST cluster, whose TLS is decided for all
  // endpoints at once (plaintextEndpoints); otherwise, and always for a gateway ("Gateways cannot use
  // passthrough clusters. So fallback to EDS", cluster.go), EDS endpoint by endpoint: by its tlsMode
  // label, and plaintext when its own PeerAuthentication says DISABLE (mtls_checker.go,
  // cluster_tls.go applyUpstreamTLSSettings).
  const dialed = facts.dialedPorts.get(port) ?? [];
  const wholeCluster = !gatewayClient && dialed.every(({ service }) => service.headless);
  const tlsMode = destination.labels.get(TLS_MODE_LABEL);
  if (tlsMode !== 'istio' && !wholeCluster) return `${destination.id} is labelled ${TLS_MODE_LABEL}=${tlsMode ?? '(none)'}, so auto mTLS sends it plaintext`;
  const headless = facts.plaintextEndpoints.get(port);
  if (headless) return headless;
  if (disabled && !wholeCluster) return `PeerAuthentication DISABLE on port ${port}`;
  if (facts.clientMtls.mode === 'DISABLE') return namespaceDisabled(destination, facts.clientMtls);
  return undefined;
}

function namespaceDisabled(destination: Workload, setting: MtlsSetting): string {
  return `${setting.decidedBy} disables mTLS for namespace ${destination.namespace}, so client sidecars send plaintext (auto mTLS does not read workload policies)`;
}
