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
 * whole. UDP ports are not proxied at all and report undefined.
 */
export function meshProtocolOf(servicePort: ServicePort): MeshProtocol | undefined {
  if (servicePort.protocol === 'UDP') return undefined;
  const appProtocol = servicePort.appProtocol;
  if (appProtocol === 'kubernetes.io/h2c' || appProtocol === 'kubernetes.io/ws') return 'http';
  if (appProtocol === 'kubernetes.io/wss') return 'tcp';
  const name = (appProtocol ?? servicePort.name ?? '').toLowerCase();
  const prefix = name.startsWith('grpc-web') ? 'grpc-web' : name.split('-')[0];
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
 * its passthrough cluster, in plaintext). When Services disagree, an explicit protocol wins over
 * sniffing and HTTP over TCP.
 */
export function declaredPorts(selecting: readonly Service[], ports: readonly ContainerPort[]): Map<number, MeshProtocol> {
  const declared = new Map<number, MeshProtocol>();
  for (const service of selecting) {
    for (const servicePort of service.ports) {
      const protocol = meshProtocolOf(servicePort);
      const containerPort = targetContainerPort(servicePort, ports);
      if (protocol === undefined || containerPort === undefined) continue;
      const known = declared.get(containerPort);
      if (known === undefined || rank(protocol) > rank(known)) declared.set(containerPort, protocol);
    }
  }
  return declared;
}

function rank(protocol: MeshProtocol): number {
  return protocol === 'http' ? 2 : protocol === 'tcp' ? 1 : 0;
}
