import { k8s } from 'cdk8s-plus-27';
import type { MeshNamespace } from '../namespace';
import type { MeshPlan, ResolvedEdge } from '../plan';
import type { MeshPort } from '../port';
import type { MeshService } from '../service';
import { BASELINE_NAMES, Manifest, serviceObjectNames } from './manifest';
import { peerKey } from '../peer';
import { networkPeer, podsPeer, servicePeer } from './peers';
import { groupSorted } from './stable-key';

type Labels = Readonly<Record<string, string>>;

interface PortAndProtocol { readonly port: number; readonly protocol: 'TCP' | 'UDP' }

/** A NetworkPolicy peer with a key naming what it selects, to merge and order peers cheaply. */
interface KeyedPeer { readonly key: string; readonly peer: k8s.NetworkPolicyPeer }

/** One NetworkPolicy rule before aggregation: these peers on these ports. */
interface PeerRule { readonly peers: readonly KeyedPeer[]; readonly ports: readonly PortAndProtocol[] }

const containerPorts = (ports: readonly MeshPort[]): PortAndProtocol[] => ports.map((p) => ({ port: p.containerPort, protocol: p.transport }));
const portSetKey = (ports: readonly PortAndProtocol[]) => ports.map((p) => `${p.protocol}/${String(p.port).padStart(5, '0')}`).sort().join(',');

/**
 * Merges rules that open the same ports into one rule listing all their peers, so that a
 * destination with 50 consumers gets one policy with a few rules rather than 50 policies.
 */
function aggregate(rules: readonly PeerRule[]): Array<{ peers: k8s.NetworkPolicyPeer[]; ports: k8s.NetworkPolicyPort[] }> {
  const withPorts = rules.filter((r) => r.ports.length > 0);
  const portsByKey = new Map(withPorts.map((r) => [portSetKey(r.ports), r.ports]));
  return groupSorted(withPorts, (r) => portSetKey(r.ports), (r) => r.peers).map(({ key, members }) => ({
    peers: members.map((m) => m.peer),
    ports: [...new Map(portsByKey.get(key)!.map((p) => [`${p.protocol}/${p.port}`, p])).values()]
      .sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1))
      .map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol })),
  }));
}

function networkPolicy(name: string, namespace: string, labels: Labels, spec: k8s.NetworkPolicySpec): Manifest {
  return k8s.KubeNetworkPolicy.manifest({ metadata: { name, namespace, labels: { ...labels } }, spec });
}

/** Isolates every pod of the namespace in both directions; everything else is an exception to it. */
export function defaultDenyPolicy(namespace: string, labels: Labels): Manifest {
  return networkPolicy(BASELINE_NAMES.defaultDeny, namespace, labels, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
}

/**
 * The port pods send DNS queries to: resolv.conf names addresses, not ports. NetworkPolicy sees it
 * as is at the DNS CIDRs (a node-local cache answers there untranslated), but sees the DNS pods'
 * container port (`dns.port`) once the `kube-dns` Service has translated the query.
 */
const RESOLVER_PORT = 53;

const dnsPorts = (port: number): k8s.NetworkPolicyPort[] => [
  { port: k8s.IntOrString.fromNumber(port), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' },
];

/** Egress every pod needs under default deny: DNS (UDP and TCP) and the mesh control plane. */
export function platformEgressPolicy(plan: MeshPlan, namespace: string, labels: Labels): Manifest {
  const { dns, controlPlane } = plan.mesh.platform;
  const dnsPods = podsPeer(dns.namespace, dns.labels);
  const dnsCidrs = dns.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
  const dnsRules = dns.port === RESOLVER_PORT || dnsCidrs.length === 0
    ? [{ to: [dnsPods, ...dnsCidrs], ports: dnsPorts(dns.port) }]
    : [{ to: [dnsPods], ports: dnsPorts(dns.port) }, { to: dnsCidrs, ports: dnsPorts(RESOLVER_PORT) }];
  return networkPolicy(BASELINE_NAMES.platformEgress, namespace, labels, {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [
      ...dnsRules,
      { to: [podsPeer(controlPlane.namespace, controlPlane.labels)], ports: [{ port: k8s.IntOrString.fromNumber(controlPlane.port), protocol: 'TCP' }] },
    ],
  });
}

/**
 * Ingress every pod lets the metrics scraper in on: the sidecar's metrics ports, which Istio never
 * captures (no mTLS or authorization there), so NetworkPolicy alone decides. Only when declared.
 */
export function metricsScrapingPolicy(plan: MeshPlan, namespace: string, labels: Labels): Manifest | undefined {
  const scraper = plan.mesh.platform.metricsScraper;
  if (!scraper) return undefined;
  return networkPolicy(BASELINE_NAMES.metricsScraping, namespace, labels, {
    podSelector: {},
    policyTypes: ['Ingress'],
    ingress: [{
      from: [podsPeer(scraper.namespace, scraper.labels)],
      ports: scraper.ports.map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' })),
    }],
  });
}

/** Ingress of one destination: every declared consumer on the ports it may use. */
export function serviceIngressPolicy(plan: MeshPlan, service: MeshService, labels: Labels): Manifest | undefined {
  const rules = plan.ingressOf(service).map((r) => ({
    peers: [{ key: peerKey(r.edge.peer), peer: networkPeer(r.edge.peer, service.namespaceName, plan.mesh.platform) }],
    ports: containerPorts(r.ports),
  }));
  const ingress = aggregate(rules).map(({ peers, ports }) => ({ from: peers, ports }));
  if (ingress.length === 0) return undefined;
  return networkPolicy(serviceObjectNames(service.name).ingress, service.namespaceName, labels, {
    podSelector: { matchLabels: { ...service.selector } },
    policyTypes: ['Ingress'],
    ingress,
  });
}

const destinationRule = (edge: ResolvedEdge, fromNamespace: string): PeerRule => ({
  peers: [{ key: peerKey(edge.edge.destination.toMeshPeer()), peer: servicePeer(edge.edge.destination, fromNamespace) }],
  ports: containerPorts(edge.ports),
});

/** Egress of one consumer: its destinations in the mesh, outside IP blocks and the API server. */
export function serviceEgressPolicy(plan: MeshPlan, service: MeshService, labels: Labels): Manifest | undefined {
  const namespace = service.namespaceName;
  const { apiServer } = plan.mesh.platform;
  const rules: PeerRule[] = [
    ...plan.egressOf(service).map((edge) => destinationRule(edge, namespace)),
    ...plan.externalEgressOf(service).map((edge) => ({
      peers: [{ key: peerKey(edge.peer), peer: networkPeer(edge.peer, namespace, plan.mesh.platform) }],
      ports: containerPorts(edge.ports),
    })),
  ];
  if (plan.grantsHeldBy(service).length > 0) {
    const peers = apiServer.cidrs.map((cidr) => ({ key: `apiServer:${cidr}`, peer: { ipBlock: { cidr } } }));
    rules.push({ peers, ports: [{ port: apiServer.port, protocol: 'TCP' }] });
  }
  const egress = aggregate(rules).map(({ peers, ports }) => ({ to: peers, ports }));
  if (egress.length === 0) return undefined;
  return networkPolicy(serviceObjectNames(service.name).egress, namespace, labels, {
    podSelector: { matchLabels: { ...service.selector } },
    policyTypes: ['Egress'],
    egress,
  });
}

/** Egress of a namespace that was allowed, as a whole, to call services. */
export function namespaceEgressPolicy(plan: MeshPlan, namespace: MeshNamespace, labels: Labels): Manifest | undefined {
  const egress = aggregate(plan.namespaceEgressOf(namespace.name).map((edge) => destinationRule(edge, namespace.name)))
    .map(({ peers, ports }) => ({ to: peers, ports }));
  if (egress.length === 0) return undefined;
  return networkPolicy(BASELINE_NAMES.namespaceEgress, namespace.name, labels, { podSelector: {}, policyTypes: ['Egress'], egress });
}

