import type { LoadedObject } from '../../analyzer';
import { compareStrings } from '../../analyzer/load/files';
import type { DeclaredAccess, DeclaredPeer } from '../../constructs';
import { blockProbeAddresses } from './addresses';

/** Where probes from outside the declaration come from: a pod in a namespace of its own. */
export const OUTSIDER = { namespace: 'mesh-policy-outsider', name: 'outsider', port: 8080 } as const;
/** Names of the stand-in platform workloads: the ingress gateway, the cluster DNS, the Istio control plane. */
export const GATEWAY_WORKLOAD = 'istio-ingressgateway';
export const DNS_WORKLOAD = 'kube-dns';
export const CONTROL_PLANE_WORKLOAD = 'istiod';
/** The stand-in metrics scraper (a Prometheus without a sidecar), when the mesh declares one. */
export const SCRAPER_WORKLOAD = 'metrics-scraper';
/** The pod standing for the pods of a namespace that `Peer.namespace` names and the mesh does not manage. */
export const NAMESPACE_PROBE = 'mesh-policy-probe';
/** Where the meshed pods standing for `PeerTransport.MTLS` IP blocks run (VMs or another cluster's workloads with sidecars). */
export const MTLS_PEERS_NAMESPACE = 'mesh-policy-mtls-peers';

/** An ingress gateway as the edges declare it. */
export type DeclaredGateway = Extract<DeclaredPeer, { kind: 'ingressGateway' }>;

/** Whether two edges name the same gateway. */
export const gatewayKey = (gateway: DeclaredGateway) =>
  JSON.stringify([gateway.namespace, gateway.serviceAccount, Object.entries(gateway.labels).sort(([a], [b]) => compareStrings(a, b))]);

/**
 * One stand-in per gateway that an edge names, with its workload name: `istio-ingressgateway`, and
 * `istio-ingressgateway-2`, `-3`... for further gateways in the same namespace (in a stable order).
 */
export function gatewayStandIns(declared: DeclaredAccess): Array<{ readonly name: string; readonly gateway: DeclaredGateway }> {
  const byKey = new Map<string, DeclaredGateway>();
  for (const edge of declared.edges) if (edge.from.kind === 'ingressGateway') byKey.set(gatewayKey(edge.from), edge.from);
  const perNamespace = new Map<string, number>();
  return [...byKey.keys()].sort().map((key) => {
    const gateway = byKey.get(key)!;
    const count = (perNamespace.get(gateway.namespace) ?? 0) + 1;
    perNamespace.set(gateway.namespace, count);
    return { name: count === 1 ? GATEWAY_WORKLOAD : `${GATEWAY_WORKLOAD}-${count}`, gateway };
  });
}

/** A stand-in pod for peers that are not declared services; `address` for the pods of an MTLS IP block. */
export interface PeerProbePod {
  readonly namespace: string;
  readonly name: string;
  readonly address?: string;
}

/**
 * One pod per namespace outside the mesh that a `Peer.namespace` edge names (e.g. monitoring) or
 * that a service may reach with `allowTo(Peer.namespace(...))` (e.g. databases), and
 * one meshed pod inside each `PeerTransport.MTLS` IP block and inside each of its holes: so that
 * the edges from them are probed like those from services. Both run sidecars, as the policies they
 * are allowed by require (`source.namespaces` and STRICT mTLS).
 */
export function peerProbePods(declared: DeclaredAccess): PeerProbePod[] {
  const managed = new Set([...declared.namespaces, OUTSIDER.namespace, MTLS_PEERS_NAMESPACE]);
  const peers = declared.edges.map((edge) => edge.from);
  const named = [...peers.flatMap((peer) => (peer.kind === 'namespace' ? [peer.namespace] : [])), ...(declared.namespaceEgress ?? []).map((edge) => edge.namespace)];
  const namespaces = [...new Set(named.filter((namespace) => !managed.has(namespace)))].sort();
  const pods: PeerProbePod[] = namespaces.map((namespace) => ({ namespace, name: NAMESPACE_PROBE }));
  const addresses = new Set<string>();
  for (const peer of peers) {
    if (peer.kind !== 'ipBlock' || peer.transport !== 'MTLS') continue;
    // Inside the block, and inside each of its holes (which must stay out even with a sidecar).
    for (const address of blockProbeAddresses(peer.cidr, peer.except)) addresses.add(address);
  }
  [...addresses].sort().forEach((address, index) => pods.push({ namespace: MTLS_PEERS_NAMESPACE, name: `peer-${index}`, address }));
  return pods;
}

const standIn = (object: Record<string, unknown>, index: number): LoadedObject => ({
  object: object as LoadedObject['object'],
  source: { file: '<stand-in workloads>', document: index },
});

function serviceFor(service: DeclaredAccess['services'][number]): Record<string, unknown> {
  const ports = service.ports.map((p) => ({
    name: p.name,
    port: p.port,
    targetPort: p.containerPort,
    protocol: p.protocol === 'UDP' ? 'UDP' : 'TCP',
    ...(p.protocol === 'UDP' ? {} : { appProtocol: p.protocol.toLowerCase() }),
  }));
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: service.name, namespace: service.namespace }, spec: { selector: { ...service.selector }, ports } };
}

function deployment(
  namespace: string, name: string, labels: Record<string, string>, serviceAccount: string, ports: unknown[],
  containers: unknown[] = [{ name: 'app', image: 'stand-in', ports }],
): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { serviceAccountName: serviceAccount, containers } },
    },
  };
}

/** A bare Pod with a known address: ipBlock rules and `ipBlocks` match it. */
function podAt(namespace: string, name: string, address: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: name } },
    spec: { serviceAccountName: name, containers: [{ name: 'app', image: 'stand-in' }] },
    status: { podIP: address },
  };
}

/**
 * The ingress gateway as Istio deploys one (kube-gateway.yaml for a Gateway API Gateway, the gateway
 * Helm chart likewise): injection off, its own istio-proxy container running `proxy router`.
 */
function gatewayDeployment(name: string, gateway: { namespace: string; labels: Readonly<Record<string, string>>; serviceAccount: string }): Record<string, unknown> {
  const labels = { ...gateway.labels, 'sidecar.istio.io/inject': 'false' };
  return deployment(gateway.namespace, name, labels, gateway.serviceAccount, [], [{ name: 'istio-proxy', image: 'stand-in', args: ['proxy', 'router'] }]);
}

/** Namespaces as the declaration assumes them: injection on. */
function namespaceObject(name: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'istio-injection': 'enabled' } } };
}

/**
 * What the policies of a mesh act on, stood in from its declaration: a Deployment per declared
 * service (its selector's labels, its ServiceAccount, its container ports), its Service and
 * namespace (injection on), the ingress gateways the edges name, and a meshed pod in each
 * namespace outside the mesh that a `Peer.namespace` edge or `allowTo(Peer.namespace(...))` names
 * (`NAMESPACE_PROBE`). Callers read these
 * before the manifests, so that a Namespace or Service the manifests hold is taken from them
 * (the later object of the same name wins): only `Ownership.EXTERNAL` ones are assumed as declared
 * (auto mTLS and Istio's protocol selection depend on them).
 */
export function declaredWorkloads(declared: DeclaredAccess): LoadedObject[] {
  const namespacePods = peerProbePods(declared).filter((pod) => !pod.address);
  const namespaces = new Set([...declared.services.map((s) => s.namespace), ...namespacePods.map((pod) => pod.namespace)]);
  const objects: Array<Record<string, unknown>> = [...namespaces].sort().map(namespaceObject);
  for (const service of declared.services) {
    const ports = service.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol === 'UDP' ? 'UDP' : 'TCP' }));
    objects.push(deployment(service.namespace, service.name, { ...service.selector }, service.serviceAccount, ports));
    objects.push(serviceFor(service));
  }
  for (const { name, gateway } of gatewayStandIns(declared)) objects.push(gatewayDeployment(name, gateway));
  for (const pod of namespacePods) objects.push(deployment(pod.namespace, pod.name, { app: pod.name }, pod.name, []));
  return objects.map(standIn);
}

/**
 * The workloads `verify` probes the manifests with: the declared ones (`declaredWorkloads`), the
 * cluster DNS and the control plane (without sidecars, in namespaces of their own), the metrics
 * scraper when one is declared (without a sidecar), an outsider that no edge names (with a port,
 * so that egress towards it is probed too), and the meshed pods
 * inside `PeerTransport.MTLS` IP blocks (`peerProbePods`). Read before the manifests, as
 * `declaredWorkloads` says.
 */
export function standInObjects(declared: DeclaredAccess): LoadedObject[] {
  const probePods = peerProbePods(declared).filter((pod) => pod.address);
  const objects: Array<Record<string, unknown>> = [...new Set([OUTSIDER.namespace, ...probePods.map((pod) => pod.namespace)])].sort().map(namespaceObject);
  const { dns, controlPlane } = declared.platform;
  objects.push(deployment(dns.namespace, DNS_WORKLOAD, { ...dns.labels }, DNS_WORKLOAD, [
    { name: 'dns', containerPort: dns.port, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: dns.port, protocol: 'TCP' },
  ]));
  objects.push(deployment(controlPlane.namespace, CONTROL_PLANE_WORKLOAD, { ...controlPlane.labels }, CONTROL_PLANE_WORKLOAD, [
    { name: 'grpc-xds', containerPort: controlPlane.port, protocol: 'TCP' },
  ]));
  if (declared.platform.metricsScraper) {
    // A Prometheus as usually run: without a sidecar, so plaintext.
    const { namespace, labels } = declared.platform.metricsScraper;
    objects.push(deployment(namespace, SCRAPER_WORKLOAD, { ...labels, 'sidecar.istio.io/inject': 'false' }, SCRAPER_WORKLOAD, []));
  }
  objects.push(deployment(OUTSIDER.namespace, OUTSIDER.name, { app: OUTSIDER.name }, OUTSIDER.name, [{ name: 'http', containerPort: OUTSIDER.port, protocol: 'TCP' }]));
  for (const pod of probePods) objects.push(podAt(pod.namespace, pod.name, pod.address as string));
  return [...declaredWorkloads(declared), ...objects.map(standIn)];
}
