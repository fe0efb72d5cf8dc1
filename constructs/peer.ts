import type { IngressGatewaySettings } from './platform';
import { stableKey } from './render/stable-key';
import type { MeshService } from './service';

/** How an IP-block peer's traffic arrives at the sidecar of the destination. */
export enum PeerTransport {
  /** The peer speaks Istio mTLS (e.g. a VM or another cluster's workload with a sidecar). */
  MTLS = 'MTLS',
  /**
   * The peer sends plaintext (anything outside the mesh). Under STRICT mTLS the destination ports
   * it may use get a port-level PERMISSIVE exception, and Istio allows it by source IP only.
   */
  PLAINTEXT = 'PLAINTEXT',
}

/** What a peer is, as the renderers see it. */
export type MeshPeerConfig =
  | { readonly kind: 'service'; readonly service: MeshService }
  | { readonly kind: 'namespace'; readonly namespace: string }
  /** `gateway`: another gateway than the mesh's (`MeshProps.ingressGateway`), its missing fields taken from the mesh's. */
  | { readonly kind: 'ingressGateway'; readonly gateway?: IngressGatewaySettings }
  | { readonly kind: 'ipBlock'; readonly cidr: string; readonly except: readonly string[]; readonly transport?: PeerTransport };

/**
 * Something that can be allowed to talk to a mesh service, or be talked to: another mesh service
 * (any namespace), a whole namespace, the ingress gateway, or an IP block outside the cluster.
 */
export interface IMeshPeer {
  /** Describes the peer for the renderers. */
  toMeshPeer(): MeshPeerConfig;
}

/** Options of {@link Peer.ipBlock}. */
export interface IpBlockPeerOptions {
  /** CIDRs inside `cidr` that are excluded. @default - none */
  readonly except?: readonly string[];
  /**
   * How the peer's traffic arrives. Required when the peer calls a service under STRICT mTLS:
   * IP blocks are usually outside the mesh and send plaintext, which STRICT silently rejects
   * unless the port gets a PERMISSIVE exception (`PeerTransport.PLAINTEXT`).
   * @default - unspecified: an error under STRICT mTLS, plaintext under PERMISSIVE
   */
  readonly transport?: PeerTransport;
}

/** Factories of peers that are not mesh services or mesh namespaces. */
export class Peer {
  /**
   * An Istio ingress gateway: without settings the mesh's (`MeshProps.ingressGateway`); with them
   * another one, e.g. an internal gateway beside the public one:
   * `Peer.ingressGateway({ namespace: 'istio-internal', serviceAccount: 'internal-gateway', labels: { istio: 'internal-gateway' } })`.
   * Fields left out are the mesh gateway's.
   */
  public static ingressGateway(gateway?: IngressGatewaySettings): IMeshPeer {
    const config: MeshPeerConfig = gateway
      ? { kind: 'ingressGateway', gateway: { namespace: gateway.namespace, serviceAccount: gateway.serviceAccount, labels: gateway.labels && { ...gateway.labels } } }
      : { kind: 'ingressGateway' };
    return { toMeshPeer: () => config };
  }

  /** Every pod of a namespace that the mesh does not manage (e.g. `monitoring`). */
  public static namespace(name: string): IMeshPeer {
    return { toMeshPeer: () => ({ kind: 'namespace', namespace: name }) };
  }

  /** Addresses outside the cluster, e.g. `Peer.ipBlock('203.0.113.0/24', { transport: PeerTransport.PLAINTEXT })`. */
  public static ipBlock(cidr: string, options: IpBlockPeerOptions = {}): IMeshPeer {
    const config: MeshPeerConfig = {
      kind: 'ipBlock',
      cidr,
      except: [...new Set(options.except ?? [])].sort(),
      transport: options.transport,
    };
    return { toMeshPeer: () => config };
  }

  private constructor() {}
}

/** A stable identity of a peer, used to merge repeated declarations. @internal */
export function peerKey(peer: MeshPeerConfig): string {
  switch (peer.kind) {
    case 'service': return `service:${peer.service.namespaceName}/${peer.service.name}`;
    case 'namespace': return `namespace:${peer.namespace}`;
    case 'ingressGateway': return peer.gateway ? `ingressGateway:${stableKey(peer.gateway)}` : 'ingressGateway';
    case 'ipBlock': return `ipBlock:${peer.cidr}!${peer.except.join(',')}!${peer.transport ?? ''}`;
  }
}

/** How a peer reads in messages: `service web/frontend`, `ipBlock 10.0.0.0/8`. @internal */
export function describePeer(peer: MeshPeerConfig): string {
  switch (peer.kind) {
    case 'service': return `service ${peer.service.namespaceName}/${peer.service.name}`;
    case 'namespace': return `namespace ${peer.namespace}`;
    case 'ingressGateway': return peer.gateway ? `the ingress gateway ${peer.gateway.namespace ?? '<mesh default>'}/${peer.gateway.serviceAccount ?? '<mesh default>'}` : 'the ingress gateway';
    case 'ipBlock': return `ipBlock ${peer.cidr}${peer.except.length ? ` except ${peer.except.join(', ')}` : ''}`;
  }
}
