export { Mesh, MeshProps } from './mesh';
export { MeshNamespace, MeshNamespaceProps } from './namespace';
export { MeshService, MeshServiceProps } from './service';
export { MeshPort, MeshPortOptions, PortProtocol } from './port';
export { IMeshPeer, IpBlockPeerOptions, MeshPeerConfig, Peer, PeerTransport } from './peer';
export { AccessOptions } from './intent';
export { ApiGrant, ApiGrantOptions } from './grant';
export { Ownership } from './ownership';
export {
  ApiServerSettings, ControlPlaneSettings, DnsSettings, IngressGatewaySettings, MtlsMode, PodsRef, ResolvedPlatform,
} from './platform';
export { Manifest } from './render/manifest';
export { MeshValidationError, Severity, ValidationProblem } from './validation/problem';
