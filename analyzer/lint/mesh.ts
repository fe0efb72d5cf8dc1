// Istio facts about a workload, needed by the mesh risk rules:
// - sidecar injection (istio/istio@1.30.3 manifests/charts/istio-control/istio-discovery/templates/
//   mutatingwebhook.yaml selectors + pkg/kube/inject/inject.go injectRequired);
// - the protocol Istio assigns a port (pkg/config/kube/conversion.go ConvertProtocol,
//   pkg/config/protocol/instance.go Parse/IsHTTP/IsTCP);
// - the effective mTLS mode (pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication:
//   workload > namespace > mesh, UNSET inherits, selector policies in the root namespace ignored).

import { Inventory, Workload } from './inventory';
import { JsonObject, objectField, refOf, stringField, stringMap } from './objects';
import { labelsInclude, workloadSelectorMatches } from './selectors';

const INJECT = 'sidecar.istio.io/inject';

export function hasSidecar(workload: Workload, inventory: Inventory): boolean {
  if (workload.hostNetwork) return false;
  const namespaceLabels = inventory.namespaceLabels.get(workload.namespace) ?? {};
  const namespaceInjection = namespaceLabels['istio-injection'];
  const podLabel = workload.labels[INJECT];
  // Which mutating webhook (if any) sees the pod: namespace label first, then the object selector.
  const webhookSeesPod = podLabel !== 'false' && (
    namespaceInjection === 'enabled'
    || (namespaceInjection === undefined && namespaceLabels['istio.io/rev'] !== undefined)
    || (namespaceInjection === undefined && (podLabel === 'true' || workload.labels['istio.io/rev'] !== undefined))
  );
  if (!webhookSeesPod) return false;
  // injectRequired: the label wins over the deprecated annotation.
  const choice = (podLabel ?? workload.annotations[INJECT] ?? '').toLowerCase();
  return !['false', 'f', '0', 'n', 'no', 'off'].includes(choice);
}

export interface DeclaredProtocol {
  /** Istio protocol name, lower case ("http", "grpc", "tcp", ...), or "" when Istio sniffs it. */
  readonly protocol: string;
  /** Where it was declared, for messages: `Service shop/db port "tcp-pg"`. */
  readonly declaredBy: string;
}

const KNOWN_PROTOCOLS = ['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql'];
const WELL_KNOWN_TCP_PORTS = [25, 53, 3306, 27017];

function istioProtocol(servicePort: number, name: string, protocol: string, appProtocol: string | undefined): string {
  if (protocol === 'UDP') return 'udp';
  let label = appProtocol ?? name;
  if (appProtocol === 'kubernetes.io/h2c') return 'http2';
  if (appProtocol === 'kubernetes.io/ws') return 'http';
  if (appProtocol === 'kubernetes.io/wss') return 'https';
  if (label.toLowerCase().startsWith('grpc-web')) return 'grpc-web';
  label = label.split('-')[0].toLowerCase();
  if (KNOWN_PROTOCOLS.includes(label)) return label;
  return WELL_KNOWN_TCP_PORTS.includes(servicePort) ? 'tcp' : '';
}

export function isHttpProtocol(protocol: string): boolean {
  return ['http', 'http2', 'http_proxy', 'grpc', 'grpc-web'].includes(protocol);
}

/** Protocols Istio serves with a TCP filter chain, where HTTP attributes cannot be evaluated. */
export function isOpaqueTcpProtocol(protocol: string): boolean {
  return ['tcp', 'https', 'tls', 'mongo', 'redis', 'mysql'].includes(protocol);
}

export function servicesOf(workload: Workload, inventory: Inventory) {
  return (inventory.servicesByNamespace.get(workload.namespace) ?? [])
    .filter((service) => service.selector !== undefined && labelsInclude(workload.labels, service.selector));
}

/** Protocols declared by the Services in front of a container port. */
export function declaredProtocols(workload: Workload, containerPort: number, inventory: Inventory): DeclaredProtocol[] {
  const declared: DeclaredProtocol[] = [];
  for (const service of servicesOf(workload, inventory)) {
    for (const port of service.ports) {
      const target = typeof port.targetPort === 'string'
        ? workload.ports.find((p) => p.name === port.targetPort)?.port
        : port.targetPort ?? port.port;
      if (target !== containerPort) continue;
      const protocol = istioProtocol(port.port, port.name, port.protocol, port.appProtocol);
      const how = port.appProtocol !== undefined ? `appProtocol ${JSON.stringify(port.appProtocol)}` : `port name ${JSON.stringify(port.name)}`;
      declared.push({ protocol, declaredBy: `Service ${service.namespace}/${service.name} port ${port.port} (${how})` });
    }
  }
  return declared;
}

/** All container ports a workload is known to serve: declared container ports and Service targets. */
export function knownPorts(workload: Workload, inventory: Inventory): number[] {
  const ports = new Set(workload.ports.map((p) => p.port));
  for (const service of servicesOf(workload, inventory)) {
    for (const port of service.ports) {
      if (typeof port.targetPort === 'number') ports.add(port.targetPort);
      else if (port.targetPort === undefined) ports.add(port.port);
    }
  }
  return [...ports].sort((a, b) => a - b);
}

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

export interface MtlsDecision {
  readonly mode: MtlsMode;
  /** The PeerAuthentication that decided, or "the default (PERMISSIVE)". */
  readonly decidedBy: string;
}

function modeOf(mtls: unknown): MtlsMode | undefined {
  const mode = stringField(mtls, 'mode');
  return mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : undefined;
}

/**
 * @param peerAuthentications every PeerAuthentication of the input, in load order (Istio picks the
 *   oldest of competing policies; load order is the closest stand-in a manifest has).
 */
export function effectiveMtls(
  workload: Workload, port: number | undefined, peerAuthentications: readonly JsonObject[], rootNamespace: string,
): MtlsDecision {
  const hasLabels = (pa: JsonObject) => Object.keys(stringMap(objectField(objectField(pa, 'spec'), 'selector')?.matchLabels)).length > 0;
  const named = (pa: JsonObject) => `PeerAuthentication ${refOf(pa).namespace}/${refOf(pa).name}`;
  const mesh = peerAuthentications.find((pa) => refOf(pa).namespace === rootNamespace && !hasLabels(pa));
  const namespace = peerAuthentications.find((pa) => refOf(pa).namespace === workload.namespace && workload.namespace !== rootNamespace && !hasLabels(pa));
  const forWorkload = peerAuthentications.find((pa) => refOf(pa).namespace === workload.namespace && workload.namespace !== rootNamespace
    && hasLabels(pa) && workloadSelectorMatches(objectField(pa, 'spec'), workload.labels));
  let decision: MtlsDecision = { mode: 'PERMISSIVE', decidedBy: 'the default (PERMISSIVE)' };
  for (const pa of [mesh, namespace, forWorkload]) {
    const mode = pa && modeOf(objectField(objectField(pa, 'spec'), 'mtls'));
    if (pa && mode) decision = { mode, decidedBy: named(pa) };
  }
  if (forWorkload && port !== undefined) {
    const portMode = modeOf(objectField(objectField(objectField(forWorkload, 'spec'), 'portLevelMtls'), String(port)));
    if (portMode) decision = { mode: portMode, decidedBy: `${named(forWorkload)} (portLevelMtls ${port})` };
  }
  return decision;
}
