import { compareStrings } from '../load/files';
import { ContainerPort, Service, ServicePort } from '../model/types';

/**
 * How Istio treats traffic to a port: 'http' (HTTP/1.1, HTTP/2, gRPC: AuthorizationPolicy sees requests),
 * 'tcp' (opaque bytes: only connection attributes), 'auto' (no declared protocol: Istio sniffs).
 */
export type MeshProtocol = 'http' | 'tcp' | 'auto';

const HTTP_PROTOCOLS = new Set(['http', 'http2', 'http_proxy', 'grpc', 'grpc-web']);
const OTHER_PROTOCOLS = new Set(['tcp', 'https', 'tls', 'mongo', 'redis', 'mysql']);
/** pkg/config/kube/conversion.go wellKnownPorts: treated as TCP when nothing is declared (sniffing breaks them). */
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);

/**
 * Istio's protocol for a Service port (pkg/config/kube/conversion.go ConvertProtocol): appProtocol when
 * set, else the port name's prefix before "-" ("http-web", "grpc", "tcp-db"); "grpc-web" is matched
 * whole. UDP ports (by protocol, or by a `udp` name or appProtocol) are not proxied and report undefined.
 */
export function meshProtocolOf(servicePort: ServicePort): MeshProtocol | undefined {
  if (servicePort.protocol === 'UDP') return undefined;
  const appProtocol = servicePort.appProtocol;
  if (appProtocol === 'kubernetes.io/h2c' || appProtocol === 'kubernetes.io/ws') return 'http';
  if (appProtocol === 'kubernetes.io/wss') return 'tcp';
  const name = (appProtocol ?? servicePort.name ?? '').toLowerCase();
  const prefix = name.startsWith('grpc-web') ? 'grpc-web' : name.split('-')[0];
  // A "udp-" name makes even a TCP port UDP for Istio: no outbound listener, so no mTLS (conversion.go).
  if (prefix === 'udp') return undefined;
  if (HTTP_PROTOCOLS.has(prefix)) return 'http';
  if (OTHER_PROTOCOLS.has(prefix) || WELL_KNOWN_TCP_PORTS.has(servicePort.port)) return 'tcp';
  return 'auto';
}

/** The container port a Service port forwards to on this pod, if the pod has it. */
export function targetContainerPort(servicePort: ServicePort, ports: readonly ContainerPort[]): number | undefined {
  const target = servicePort.targetPort;
  if (typeof target === 'number') return target;
  return ports.find((port) => port.name === target && port.protocol === servicePort.protocol)?.port;
}

/**
 * The container ports of a workload that Services declare, with Istio's protocol for each. Only these
 * get mutual TLS from a meshed client (traffic to an undeclared port leaves the client sidecar through
 * its passthrough cluster, in plaintext). When Services disagree the oldest decides, as the sidecar
 * builds one inbound filter chain per port from it (pilot/pkg/networking/core/listener_inbound.go
 * getFilterChainsByServicePort: "If there is a conflict, we will use the oldest Service"; ties by
 * hostname, here the Service name within the namespace).
 */
export function declaredPorts(selecting: readonly Service[], ports: readonly ContainerPort[]): Map<number, MeshProtocol> {
  const declared = new Map<number, MeshProtocol>();
  forEachTarget(selecting, ports, (servicePort, containerPort) => {
    const protocol = meshProtocolOf(servicePort);
    if (protocol !== undefined && !declared.has(containerPort)) declared.set(containerPort, protocol);
  });
  return declared;
}

/** A Service port a client dials to reach a container port. */
export interface DialedPort {
  readonly service: Service;
  readonly port: number;
}

/**
 * The Service ports clients dial to reach each container port, oldest Service first: the client
 * sidecar's outbound capture sees these ports, and its mTLS SNI names the Service and port.
 */
export function dialedPorts(selecting: readonly Service[], ports: readonly ContainerPort[]): Map<number, DialedPort[]> {
  const dialed = new Map<number, DialedPort[]>();
  forEachTarget(selecting, ports, (servicePort, containerPort, service) => {
    if (servicePort.protocol !== 'TCP') return;
    const list = dialed.get(containerPort);
    if (list) list.push({ service, port: servicePort.port });
    else dialed.set(containerPort, [{ service, port: servicePort.port }]);
  });
  return dialed;
}

function forEachTarget(
  selecting: readonly Service[],
  ports: readonly ContainerPort[],
  visit: (servicePort: ServicePort, containerPort: number, service: Service) => void,
): void {
  for (const service of [...selecting].sort(oldestFirst)) {
    for (const servicePort of service.ports) {
      const containerPort = targetContainerPort(servicePort, ports);
      if (containerPort !== undefined) visit(servicePort, containerPort, service);
    }
  }
}

function oldestFirst(a: Service, b: Service): number {
  return compareStrings(a.creationTimestamp ?? '', b.creationTimestamp ?? '') || compareStrings(a.name, b.name);
}
