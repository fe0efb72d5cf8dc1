export { Mesh } from './mesh';
export type { MeshProps } from './mesh';
export { MeshNamespace } from './namespace';
export type { MeshNamespaceProps } from './namespace';
export { MeshService } from './service';
export type { MeshServiceProps } from './service';
export { MeshPort, PortProtocol } from './port';
export type { MeshPortOptions } from './port';
export { Peer, PeerTransport } from './peer';
export type { IMeshPeer, IpBlockPeerOptions, MeshPeerConfig } from './peer';
export type { AccessOptions } from './intent';
export { ApiGrant } from './grant';
export type { ApiGrantOptions } from './grant';
export { Ownership } from './ownership';
export { MtlsMode } from './platform';
export type { ApiServerSettings, ControlPlaneSettings, DnsSettings, IngressGatewaySettings, MetricsScraperSettings, PlatformProps, PodsRef, ResolvedIngressGateway, ResolvedPlatform } from './platform';
export type { Manifest } from './render/manifest';
export { MeshValidationError, Severity } from './validation/problem';
export type { ValidationProblem } from './validation/problem';
export { MeshApp } from './synth/mesh-app';
export type { SynthResult } from './synth/mesh-app';
export type {
  DeclaredAccess, DeclaredEdge, DeclaredExternalEgress, DeclaredGrant, DeclaredNamespaceEgress, DeclaredPeer, DeclaredPlatform, DeclaredPlatformPods, DeclaredService,
} from './declared-access';
export { DECLARED_ACCESS_ENV } from './synth/declared-access-file';
