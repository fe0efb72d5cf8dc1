import type { Mesh } from './mesh';
import { sortBy } from './order';
import { resolveEdge } from './plan';
import type { PeerTransport } from './peer';
import { resolveIngressGateway } from './platform';
import type { MtlsMode } from './platform';
import type { PortProtocol } from './port';

/** A service as declared, for tools that check the synthesized output against the intent. */
export interface DeclaredService {
  readonly namespace: string;
  readonly name: string;
  readonly serviceAccount: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly ports: ReadonlyArray<{ readonly name: string; readonly port: number; readonly containerPort: number; readonly protocol: PortProtocol }>;
}

/** Who may call, as declared. */
export type DeclaredPeer =
  | { readonly kind: 'service'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'namespace'; readonly namespace: string }
  | { readonly kind: 'ingressGateway'; readonly namespace: string; readonly serviceAccount: string; readonly labels: Readonly<Record<string, string>> }
  | { readonly kind: 'ipBlock'; readonly cidr: string; readonly except: readonly string[]; readonly transport?: PeerTransport };

/** One declared edge: `from` may call `to` on these container ports (and HTTP operations). */
export interface DeclaredEdge {
  readonly from: DeclaredPeer;
  /** `namespace/name` of the destination service. */
  readonly to: string;
  readonly containerPorts: readonly number[];
  /** Empty: any method. */
  readonly methods: readonly string[];
  /** Empty: any path. */
  readonly paths: readonly string[];
}

/** Egress of a service to an IP block outside the cluster, as declared with `allowTo(Peer.ipBlock(...))`. */
export interface DeclaredExternalEgress {
  /** `namespace/name` of the calling service. */
  readonly from: string;
  readonly cidr: string;
  readonly except: readonly string[];
  readonly ports: ReadonlyArray<{ readonly port: number; readonly protocol: 'TCP' | 'UDP' }>;
}

/** Egress of a service to the pods of a namespace the mesh does not manage, as declared with `allowTo(Peer.namespace(...))`. */
export interface DeclaredNamespaceEgress {
  /** `namespace/name` of the calling service. */
  readonly from: string;
  /** The namespace whose pods it may reach. */
  readonly namespace: string;
  /** Container ports of those pods. */
  readonly ports: ReadonlyArray<{ readonly port: number; readonly protocol: 'TCP' | 'UDP' }>;
}

/** Pods of the platform that every pod of the mesh's namespaces must reach. */
export interface DeclaredPlatformPods {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly port: number;
}

/** Where the platform lives, as far as the access it implies: DNS and the control plane for every pod, the API server for grant holders. */
export interface DeclaredPlatform {
  /** DNS, over UDP and TCP: the pods on their container `port`, the `cidrs` on 53 (where pods send queries; no Service translates them). */
  readonly dns: DeclaredPlatformPods & { readonly cidrs: readonly string[] };
  /** The Istio control plane, on `port` over TCP. */
  readonly controlPlane: DeclaredPlatformPods;
  /** The API server endpoints, on `port` over TCP; reached by grant holders only. */
  readonly apiServer: { readonly cidrs: readonly string[]; readonly port: number };
  /** The metrics scraper, which reaches every pod of the mesh's namespaces on the sidecar metrics `ports` (TCP); absent when none is declared. */
  readonly metricsScraper?: { readonly namespace: string; readonly labels: Readonly<Record<string, string>>; readonly ports: readonly number[] };
}

/** Kubernetes API access granted to a service's ServiceAccount, as declared with `grantApi`. */
export interface DeclaredGrant {
  /** `namespace/name` of the service whose ServiceAccount holds the grant. */
  readonly holder: string;
  /** The holder's ServiceAccount, in the holder's namespace. */
  readonly serviceAccount: string;
  /** The namespace whose objects may be used. */
  readonly namespace: string;
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** Empty: every object of the resources. */
  readonly resourceNames: readonly string[];
}

/**
 * The access a mesh declares, as plain data: what `mesh-policy verify` and the property tests
 * compare the synthesized manifests against. Only declarations; nothing rendered.
 */
export interface DeclaredAccess {
  readonly trustDomain: string;
  readonly mtlsMode: MtlsMode;
  /** The namespaces the mesh manages (default-deny and all), with or without services. */
  readonly namespaces: readonly string[];
  readonly services: readonly DeclaredService[];
  readonly edges: readonly DeclaredEdge[];
  readonly externalEgress: readonly DeclaredExternalEgress[];
  /** Absent in files written before it existed: read as none. */
  readonly namespaceEgress?: readonly DeclaredNamespaceEgress[];
  readonly grants: readonly DeclaredGrant[];
  readonly platform: DeclaredPlatform;
}

/** @internal */
export function declaredAccess(mesh: Mesh): DeclaredAccess {
  const platform = mesh.platform;
  const services = mesh.services.map((s) => ({
    namespace: s.namespaceName,
    name: s.name,
    serviceAccount: s.serviceAccountName,
    selector: { ...s.selector },
    ports: s.ports.map((p) => ({ name: p.name, port: p.port, containerPort: p.containerPort, protocol: p.protocol })),
  }));
  const edges = mesh._intent.ingressEdges.map((edge): DeclaredEdge => {
    const peer = edge.peer;
    const from: DeclaredPeer = peer.kind === 'service' ? { kind: 'service', namespace: peer.service.namespaceName, name: peer.service.name }
      : peer.kind === 'namespace' ? { kind: 'namespace', namespace: peer.namespace }
        : peer.kind === 'ingressGateway' ? { kind: 'ingressGateway', ...resolveIngressGateway(platform, peer.gateway) }
          : { kind: 'ipBlock', cidr: peer.cidr, except: [...peer.except], ...(peer.transport ? { transport: peer.transport } : {}) };
    return {
      from,
      to: `${edge.destination.namespaceName}/${edge.destination.name}`,
      containerPorts: [...new Set(resolveEdge(edge).ports.map((p) => p.containerPort))].sort((a, b) => a - b),
      methods: [...edge.methods],
      paths: [...edge.paths],
    };
  });
  const externalEgress: DeclaredExternalEgress[] = [];
  const namespaceEgress: DeclaredNamespaceEgress[] = [];
  for (const edge of mesh._intent.externalEgressEdges) {
    const from = `${edge.consumer.namespaceName}/${edge.consumer.name}`;
    const ports = edge.ports.map((p) => ({ port: p.containerPort, protocol: p.transport }));
    if (edge.peer.kind === 'ipBlock') externalEgress.push({ from, cidr: edge.peer.cidr, except: [...edge.peer.except], ports });
    else namespaceEgress.push({ from, namespace: edge.peer.namespace, ports });
  }
  const grants = mesh._intent.grants.map((grant): DeclaredGrant => ({
    holder: `${grant.holder.namespaceName}/${grant.holder.name}`,
    serviceAccount: grant.holder.serviceAccountName,
    namespace: grant.namespaceName,
    apiGroups: [...grant.apiGroups],
    resources: [...grant.resources],
    verbs: [...grant.verbs],
    resourceNames: [...grant.resourceNames],
  }));
  return {
    trustDomain: platform.trustDomain,
    mtlsMode: platform.mtlsMode,
    namespaces: mesh.namespaces.map((namespace) => namespace.name).sort(),
    services,
    edges: sortBy(edges, (e) => `${e.to}\u0000${JSON.stringify(e)}`),
    externalEgress: sortBy(externalEgress, (e) => JSON.stringify(e)),
    namespaceEgress: sortBy(namespaceEgress, (e) => JSON.stringify(e)),
    grants: sortBy(grants, (g) => JSON.stringify(g)),
    platform: {
      dns: { namespace: platform.dns.namespace, labels: { ...platform.dns.labels }, port: platform.dns.port, cidrs: [...platform.dns.cidrs] },
      controlPlane: { namespace: platform.controlPlane.namespace, labels: { ...platform.controlPlane.labels }, port: platform.controlPlane.port },
      apiServer: { cidrs: [...platform.apiServer.cidrs], port: platform.apiServer.port },
      ...(platform.metricsScraper
        ? { metricsScraper: { namespace: platform.metricsScraper.namespace, labels: { ...platform.metricsScraper.labels }, ports: [...platform.metricsScraper.ports] } }
        : {}),
    },
  };
}
