import type { MeshPort } from '../port';

/**
 * Ports that the Istio sidecar (Envoy and istio-agent) takes in every injected pod
 * (istio.io/latest/docs/ops/deployment/application-requirements/#ports-used-by-istio). An app
 * cannot listen on them beside the sidecar: 15001 and 15006 are where iptables redirects all TCP
 * traffic, and 15020, 15021 and 15090 are never captured inbound, so Istio would not authorize
 * them either (traffic.sidecar.istio.io/excludeInboundPorts always holds them).
 */
const SIDECAR_PORTS: ReadonlyMap<number, string> = new Map([
  [15000, 'Envoy admin'],
  [15001, 'Envoy outbound (the iptables redirect target)'],
  [15004, 'istio-agent debug'],
  [15006, 'Envoy inbound (the iptables redirect target)'],
  [15008, 'HBONE mTLS tunnel'],
  [15009, 'HBONE on secure networks'],
  [15020, 'merged Prometheus metrics and rewritten health probes (istio-agent)'],
  [15021, 'health checks'],
  [15053, 'DNS proxy'],
  [15090, 'Envoy Prometheus metrics'],
]);

/** The one of them that is also a UDP port (the others are TCP only). */
const SIDECAR_UDP_PORT = 15053;

/** What the sidecar uses a port's container port for, when it does. @internal */
export function sidecarPortUse(port: MeshPort): string | undefined {
  if (port.transport === 'UDP' && port.containerPort !== SIDECAR_UDP_PORT) return undefined;
  return SIDECAR_PORTS.get(port.containerPort);
}
