import type { Mesh } from './mesh';
import { sortBy } from './order';
import { resolveEdge } from './plan';
import type { PeerTransport } from './peer';
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

/**
 * The access a mesh declares, as plain data: what `mesh-policy verify` and the property tests
 * compare the synthesized manifests against. Only declarations; nothing rendered.
 */
export interface DeclaredAccess {
  readonly trustDomain: string;
  readonly mtlsMode: MtlsMode;
  readonly services: readonly DeclaredService[];
  readonly edges: readonly DeclaredEdge[];
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
        : peer.kind === 'ingressGateway' ? { kind: 'ingressGateway', namespace: platform.ingressGateway.namespace, serviceAccount: platform.ingressGateway.serviceAccount, labels: { ...platform.ingressGateway.labels } }
          : { kind: 'ipBlock', cidr: peer.cidr, except: [...peer.except], ...(peer.transport ? { transport: peer.transport } : {}) };
    return {
      from,
      to: `${edge.destination.namespaceName}/${edge.destination.name}`,
      containerPorts: [...new Set(resolveEdge(edge).ports.map((p) => p.containerPort))].sort((a, b) => a - b),
      methods: [...edge.methods],
      paths: [...edge.paths],
    };
  });
  return { trustDomain: platform.trustDomain, mtlsMode: platform.mtlsMode, services, edges: sortBy(edges, (e) => `${e.to}\u0000${JSON.stringify(e)}`) };
}
