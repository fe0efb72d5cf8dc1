import type { ExternalEgressEdge, IngressEdge } from '../intent';
import type { Mesh } from '../mesh';
import { describePeer, MeshPeerConfig } from '../peer';
import { resolveEdge } from '../plan';
import { IngressGatewaySettings, MtlsMode, resolveIngressGateway } from '../platform';
import { checkLabels } from './labels';
import { otherMeshes } from './app-meshes';
import { ProblemList } from './problem';
import { cidrContains, isDns1123Label, isDns1123Subdomain, isPortNumber, parseCidr } from './syntax';

const HTTP_METHOD = /^[A-Z]+$/;
/** An HTTP method token (RFC 9110 tchar), in any case. */
const METHOD_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * Istio path syntax: exact, `prefix*`, `*suffix` or `*` (a `*` anywhere else, or at both ends, is taken
 * literally), compared with the path alone: no query, fragment or blanks.
 */
function isIstioPath(path: string): boolean {
  if (path === '*') return true;
  const inner = path.replace(/^\*/, '').replace(/\*$/, '');
  const bothEnds = path.startsWith('*') && path.endsWith('*');
  return path.length > 0 && !bothEnds && !inner.includes('*') && !/[?#\s]/.test(path) && (path.startsWith('/') || path.startsWith('*'));
}

function checkMethod(problems: ProblemList, path: string, peer: string, method: string): void {
  if (HTTP_METHOD.test(method)) return;
  if (!METHOD_TOKEN.test(method)) {
    problems.error(path, `method '${method}' for ${peer} is not an HTTP method; write one such as 'GET' or 'POST'`);
  } else {
    problems.error(path, `method '${method}' for ${peer} never matches: Istio compares methods case-sensitively; write it in capitals, e.g. '${method.toUpperCase()}'`);
  }
}

function checkIpBlock(problems: ProblemList, path: string, peer: Extract<MeshPeerConfig, { kind: 'ipBlock' }>): void {
  const cidr = parseCidr(peer.cidr);
  if (!cidr) {
    problems.error(path, `ipBlock '${peer.cidr}' is not a CIDR; write it as '203.0.113.0/24' or '2001:db8::/32'`);
    return;
  }
  for (const text of peer.except) {
    const except = parseCidr(text);
    if (!except || !cidrContains(cidr, except) || except.prefix === cidr.prefix) {
      problems.error(path, `except '${text}' of ipBlock '${peer.cidr}' must be a CIDR strictly inside it (the API server rejects it otherwise)`);
    }
  }
}

/** A service peer must belong to the same mesh; a namespace peer must be a valid namespace name. */
function checkPeer(problems: ProblemList, mesh: Mesh, path: string, peer: MeshPeerConfig): void {
  if (peer.kind === 'service' && peer.service.namespace.mesh !== mesh) {
    problems.error(path, `peer ${peer.service.node.path} belongs to another Mesh; peers must be services of this mesh (declare the service here, e.g. with Ownership.EXTERNAL)`);
  }
  if (peer.kind === 'namespace' && !isDns1123Label(peer.namespace)) {
    problems.error(path, `peer namespace '${peer.namespace}' is not a namespace name (DNS-1123 label: at most 63 lowercase alphanumerics and '-')`);
  }
  if (peer.kind === 'ingressGateway' && peer.gateway) checkGateway(problems, mesh, path, peer.gateway);
  if (peer.kind !== 'namespace') return;
  const owner = otherMeshes(mesh).find((other) => other.namespaces.some((ns) => ns.name === peer.namespace));
  if (owner) {
    problems.error(path, `peer namespace '${peer.namespace}' belongs to mesh ${owner.node.path}, whose default-deny egress keeps its pods from calling here: this mesh cannot open it, so the edge could never work; declare both namespaces in one mesh, so that the edge gets both sides`);
  }
}

/** A gateway other than the mesh's, completed from the mesh's settings when it was declared. */
function checkGateway(problems: ProblemList, mesh: Mesh, path: string, given: IngressGatewaySettings): void {
  const gateway = resolveIngressGateway(mesh.platform, given);
  const named = `gateway ${gateway.namespace}/${gateway.serviceAccount}`;
  if (!isDns1123Label(gateway.namespace)) {
    problems.error(path, `${named}: namespace '${gateway.namespace}' is not a namespace name (DNS-1123 label: at most 63 lowercase alphanumerics and '-')`);
  } else if (mesh.namespaces.some((ns) => ns.name === gateway.namespace)) {
    problems.error(path, `${named} runs in '${gateway.namespace}', a namespace of this mesh, whose default-deny baseline would cut the gateway off; run gateways in a namespace of their own`);
  }
  if (!isDns1123Subdomain(gateway.serviceAccount)) {
    problems.error(path, `${named}: serviceAccount '${gateway.serviceAccount}' is not a ServiceAccount name (DNS-1123 subdomain); use the gateway pods' serviceAccountName`);
  }
  checkLabels(problems, path, `${named} label`, gateway.labels);
  if (Object.keys(gateway.labels).length === 0) {
    problems.error(path, `${named}: labels are empty, which selects every pod of namespace '${gateway.namespace}'; give the gateway pods' labels, e.g. { istio: 'internal-gateway' }`);
  }
}

const quoted = (values: readonly string[]) => `[${values.map((v) => `'${v}'`).join(', ')}]`;

/** An edge that opens no port: why not, from what the user wrote. */
function checkEdgeWithoutPorts(problems: ProblemList, path: string, peer: string, edge: IngressEdge): void {
  const declared = edge.destination.ports;
  if (declared.length === 0) {
    problems.error(path, `allows ${peer}, but the service declares no ports; add the ports it serves, e.g. { ports: [MeshPort.http(8080)] }`);
  } else if (edge.portNames?.length === 0) {
    problems.error(path, `allows ${peer} on an empty port list (ports: []), which opens nothing; omit ports to allow every port of the service (${declared.map((p) => `'${p.name}'`).join(', ')}), or name some of them`);
  } else {
    // Default ports with methods/paths are the service's HTTP ports, and it has none.
    const fields = [edge.methods.length > 0 ? `methods ${quoted(edge.methods)}` : '', edge.paths.length > 0 ? `paths ${quoted(edge.paths)}` : ''].filter(Boolean).join(' and ');
    const ports = declared.map((p) => `'${p.name}' (${p.protocol})`).join(', ');
    problems.error(path, `allows ${peer} ${fields}, but the service has no HTTP port: its ports are ${ports}, and Istio matches methods and paths only on HTTP, HTTP2 and gRPC ports; if a port speaks HTTP, declare it with MeshPort.http/http2/grpc, otherwise drop methods and paths to allow the ports without request matching`);
  }
}

/** Checks of the edges written with allowFrom/allowTo. */
export function checkEdges(problems: ProblemList, mesh: Mesh): void {
  const strict = mesh.platform.mtlsMode === MtlsMode.STRICT;
  for (const edge of mesh._intent.ingressEdges) {
    const path = edge.destination.node.path;
    const peer = describePeer(edge.peer);
    const { ports, unknownPortNames } = resolveEdge(edge);
    checkPeer(problems, mesh, path, edge.peer);
    if (edge.peer.kind === 'service' && edge.peer.service === edge.destination) {
      problems.error(path, 'allows itself; a service reaches its own pods without a policy, remove the self edge');
    }
    const declared = edge.destination.ports.map((p) => `'${p.name}'`).join(', ') || 'none';
    for (const name of unknownPortNames) problems.error(path, `allows ${peer} on port '${name}', which the service does not declare (ports: ${declared})`);
    const httpFields = edge.methods.length > 0 || edge.paths.length > 0;
    if (ports.length === 0 && unknownPortNames.length === 0) checkEdgeWithoutPorts(problems, path, peer, edge);
    if (httpFields) {
      for (const port of ports.filter((p) => !p.isHttp)) {
        problems.error(path, `allows ${peer} methods/paths on port '${port.name}', which is ${port.protocol}: Istio ignores the whole ALLOW rule on non-HTTP ports; split the edge, or declare the port with MeshPort.http/grpc`);
      }
    }
    for (const method of edge.methods) checkMethod(problems, path, peer, method);
    for (const requestPath of edge.paths) {
      if (!isIstioPath(requestPath)) problems.error(path, `path '${requestPath}' for ${peer} is not Istio path syntax; use an exact path '/a/b', a prefix '/a/*', a suffix '*.json' or '*' (one '*', at one end; no query string)`);
    }
    for (const port of ports.filter((p) => !p.isMeshAuthorized)) {
      problems.warning(path, `allows ${peer} on UDP port '${port.name}': Istio sidecars do not intercept UDP, so only the NetworkPolicy (by pod labels, not identity) enforces it`);
    }
    if (edge.peer.kind === 'ipBlock') {
      checkIpBlock(problems, path, edge.peer);
      if (strict && edge.peer.transport === undefined) {
        problems.error(path, `allows ${peer}, but STRICT mTLS silently rejects callers without a sidecar; pass { transport: PeerTransport.PLAINTEXT } to open a port-level PERMISSIVE exception, PeerTransport.MTLS if the peer has a sidecar, or route it through Peer.ingressGateway()`);
      }
    }
  }
  for (const edge of mesh._intent.externalEgressEdges) checkExternalEgress(problems, mesh, edge);
  for (const { path, message } of mesh._intent.misuses) problems.error(path, message);
}

/**
 * Egress to a namespace only makes sense where the mesh writes nothing: the services of its own
 * namespaces are declared and called with allowFrom (both sides), and another mesh's namespace
 * keeps its default-deny ingress, which this mesh cannot open.
 */
function checkEgressNamespace(problems: ProblemList, mesh: Mesh, path: string, namespace: string): boolean {
  if (!isDns1123Label(namespace)) {
    problems.error(path, `allows egress to namespace '${namespace}', which is not a namespace name (DNS-1123 label: at most 63 lowercase alphanumerics and '-')`);
    return false;
  }
  if (mesh.namespaces.some((ns) => ns.name === namespace)) {
    problems.error(path, `allowTo namespace '${namespace}', a namespace of this mesh, whose pods let in only what allowFrom declares; declare the service it calls there and write <that service>.allowFrom(this), which opens both sides`);
    return false;
  }
  const owner = otherMeshes(mesh).find((other) => other.namespaces.some((ns) => ns.name === namespace));
  if (owner) {
    problems.error(path, `allowTo namespace '${namespace}', which mesh ${owner.node.path} manages: its default-deny ingress keeps this service out, and this mesh cannot open it; declare both namespaces in one mesh and use allowFrom`);
    return false;
  }
  return true;
}

function checkExternalEgress(problems: ProblemList, mesh: Mesh, edge: ExternalEgressEdge): void {
  const path = edge.consumer.node.path;
  if (edge.peer.kind === 'ipBlock') checkIpBlock(problems, path, edge.peer);
  // A namespace that cannot be a target is the one thing to fix; its ports would not matter.
  else if (!checkEgressNamespace(problems, mesh, path, edge.peer.namespace)) return;
  const outside = edge.peer.kind === 'ipBlock' ? 'an IP block' : 'a namespace outside the mesh';
  for (const name of edge.unresolvedPortNames) {
    problems.error(path, `allows egress to ${describePeer(edge.peer)} on port '${name}', but ${outside} has no named ports here; pass MeshPort values of its container ports, e.g. MeshPort.tcp(${edge.peer.kind === 'ipBlock' ? 443 : 5432})`);
  }
  if (edge.ports.length === 0 && edge.unresolvedPortNames.length === 0) {
    problems.error(path, `allows egress to ${describePeer(edge.peer)} without ports; pass { ports: [MeshPort.tcp(443)] } (all ports would need port 0, which the API server rejects)`);
  }
  for (const port of edge.ports) {
    if (!isPortNumber(port.containerPort)) {
      problems.error(path, `allows egress to ${describePeer(edge.peer)} on port ${port.containerPort}, which is out of range; use an integer from 1 to 65535`);
    }
  }
  if (edge.httpFields) {
    problems.error(path, `allows egress to ${describePeer(edge.peer)} with methods/paths, which nothing enforces on traffic leaving the mesh (NetworkPolicy sees ports only); drop them, or route the traffic through an egress gateway`);
  }
}

