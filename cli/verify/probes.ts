import type { AccessRequest } from '../../analyzer';
import { OUTSIDE_ADDRESSES, blockProbeAddresses, inBlock } from './addresses';
import type { DeclaredAccess, DeclaredEdge, DeclaredPeer, DeclaredService } from '../../constructs';
import { DeclaredGateway, gatewayKey, gatewayStandIns, OUTSIDER, peerProbePods } from './stand-ins';

/**
 * Who a probe comes from: a declared service, the gateway, a pod in a namespace the mesh does not
 * manage (the outsider, or the pods of a `Peer.namespace`), a meshed pod at an address of an MTLS IP
 * block, or an address outside the cluster.
 */
type Actor =
  | { readonly kind: 'service'; readonly service: DeclaredService; readonly name: string }
  | { readonly kind: 'gateway'; readonly gateway: DeclaredGateway; readonly name: string }
  | { readonly kind: 'outsider'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'meshedAddress'; readonly address: string; readonly name: string }
  | { readonly kind: 'ip'; readonly address: string; readonly name: string };

/** A request and what each layer must answer, by the declaration alone. */
export interface Probe {
  readonly request: AccessRequest;
  /** NetworkPolicy alone: a declared edge covers the port. */
  readonly network: boolean;
  /** Istio alone: a declared edge covers the port and the HTTP operation; UDP is not intercepted. */
  readonly mesh: boolean;
}

/** Istio path matching: exact, `prefix*`, `*suffix`, or `*` for any path. */
export function istioPathMatches(pattern: string, path: string): boolean {
  if (pattern === '*') return path.length > 0;
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return path.endsWith(pattern.slice(1));
  return path === pattern;
}

/** A path that the pattern matches. */
function samplePath(pattern: string): string {
  if (pattern === '*') return '/probe';
  if (pattern.endsWith('*')) return `${pattern.slice(0, -1)}probe`;
  if (pattern.startsWith('*')) return `/probe${pattern.slice(1)}`;
  return pattern;
}

function actors(declared: DeclaredAccess): Actor[] {
  const list: Actor[] = declared.services.map((service) => ({ kind: 'service', service, name: `${service.namespace}/${service.name}` }));
  for (const { name, gateway } of gatewayStandIns(declared)) list.push({ kind: 'gateway', gateway, name: `${gateway.namespace}/${name}` });
  list.push({ kind: 'outsider', namespace: OUTSIDER.namespace, name: `${OUTSIDER.namespace}/${OUTSIDER.name}` });
  for (const pod of peerProbePods(declared)) {
    const name = `${pod.namespace}/${pod.name}`;
    list.push(pod.address ? { kind: 'meshedAddress', address: pod.address, name } : { kind: 'outsider', namespace: pod.namespace, name });
  }
  const blocks = declared.edges.map((e) => e.from).filter((f): f is Extract<DeclaredPeer, { kind: 'ipBlock' }> => f.kind === 'ipBlock');
  for (const block of blocks) {
    // Plaintext from every block: a PLAINTEXT peer's is let in, an MTLS peer's only without STRICT
    // (its sidecar-carrying pods are the meshedAddress actors); and from inside each `except` hole,
    // which must stay out.
    for (const address of blockProbeAddresses(block.cidr, block.except)) {
      if (!list.some((a) => a.kind === 'ip' && a.address === address)) list.push({ kind: 'ip', address, name: `ip:${address}` });
    }
  }
  const outside = OUTSIDE_ADDRESSES.find((a) => !blocks.some((b) => inBlock(b.cidr, [], a)));
  if (outside) list.push({ kind: 'ip', address: outside, name: `ip:${outside}` });
  return list;
}

/** Whether the peer of an edge includes the actor, as NetworkPolicy or as Istio sees it. */
function peerCovers(peer: DeclaredPeer, actor: Actor, declared: DeclaredAccess, layer: 'network' | 'mesh'): boolean {
  switch (peer.kind) {
    case 'service': return actor.kind === 'service' && actor.service.namespace === peer.namespace && actor.service.name === peer.name;
    case 'namespace': return (actor.kind === 'service' && actor.service.namespace === peer.namespace) || (actor.kind === 'outsider' && actor.namespace === peer.namespace);
    case 'ingressGateway': return actor.kind === 'gateway' && gatewayKey(actor.gateway) === gatewayKey(peer);
    case 'ipBlock': {
      if (actor.kind === 'meshedAddress') return inBlock(peer.cidr, peer.except, actor.address);
      if (actor.kind !== 'ip') return false;
      const inside = inBlock(peer.cidr, peer.except, actor.address);
      // Plaintext passes STRICT mTLS only where a PLAINTEXT peer opened a port-level exception.
      return inside && (layer === 'network' || declared.mtlsMode === 'PERMISSIVE' || peer.transport === 'PLAINTEXT');
    }
  }
}

const operationAllowed = (edge: DeclaredEdge, method: string | undefined, path: string | undefined) =>
  (edge.methods.length === 0 || (method !== undefined && edge.methods.includes(method)))
  && (edge.paths.length === 0 || (path !== undefined && edge.paths.some((p) => istioPathMatches(p, path))));

/** Methods that probe for an undeclared method: the first one no edge declares is used. */
const SPARE_METHODS = ['PATCH', 'OPTIONS', 'TRACE', 'DELETE', 'PUT'];
const UNDECLARED_PATH = '/mesh-policy/undeclared';

/**
 * HTTP operations worth asking about a port: every declared method with every declared path (a
 * sample the pattern matches), and each crossed with an undeclared method or path, so that a
 * policy that lost its method or path restriction is caught.
 */
function operations(edges: readonly DeclaredEdge[]): Array<{ method: string; path: string }> {
  const methods = new Set(['GET', ...edges.flatMap((e) => e.methods)]);
  methods.add(SPARE_METHODS.find((m) => !methods.has(m)) ?? 'PATCH');
  const paths = new Set(['/', UNDECLARED_PATH, ...edges.flatMap((e) => e.paths.map(samplePath))]);
  const ops: Array<{ method: string; path: string }> = [];
  for (const method of [...methods].sort()) for (const path of [...paths].sort()) ops.push({ method, path });
  return ops;
}

/** A destination port of a declared service, with the edges that reach it. */
interface DestinationPort {
  readonly to: string;
  readonly destination: DeclaredService;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly http: boolean;
  readonly udp: boolean;
  readonly edges: readonly DeclaredEdge[];
}

function destinationPorts(declared: DeclaredAccess): DestinationPort[] {
  const edgesTo = new Map<string, DeclaredEdge[]>();
  for (const edge of declared.edges) edgesTo.set(edge.to, [...(edgesTo.get(edge.to) ?? []), edge]);
  return declared.services.flatMap((destination) => {
    const to = `${destination.namespace}/${destination.name}`;
    return destination.ports.map((port): DestinationPort => ({
      to,
      destination,
      port: port.containerPort,
      protocol: port.protocol === 'UDP' ? 'UDP' : 'TCP',
      http: port.protocol === 'HTTP' || port.protocol === 'HTTP2' || port.protocol === 'GRPC',
      udp: port.protocol === 'UDP',
      edges: (edgesTo.get(to) ?? []).filter((e) => e.containerPorts.includes(port.containerPort)),
    }));
  });
}

/** The actors an edge's peer names among those that are workloads (services, the gateway, the outsider), found without scanning them all. */
function coveredWorkloads(edges: readonly DeclaredEdge[], byNamespace: ReadonlyMap<string, readonly Actor[]>, byName: ReadonlyMap<string, Actor>): Actor[] {
  return edges.flatMap((edge): Actor[] => {
    const peer = edge.from;
    switch (peer.kind) {
      case 'service': return [byName.get(`${peer.namespace}/${peer.name}`)].filter((a): a is Actor => a !== undefined);
      case 'namespace': return [...(byNamespace.get(peer.namespace) ?? [])];
      case 'ingressGateway': return [...byName.values()].filter((a) => a.kind === 'gateway' && gatewayKey(a.gateway) === gatewayKey(peer));
      // Addresses outside the cluster are the `ip:` actors; meshed pods inside the block are workloads.
      case 'ipBlock': return [...byName.values()].filter((a) => a.kind === 'meshedAddress' && inBlock(peer.cidr, peer.except, a.address));
    }
  });
}

/**
 * What each layer must answer, for every workload actor (declared services, the gateway, the
 * outsider pod) and every destination port, as sets: the actors allowed in, all others kept out.
 * For workloads, NetworkPolicy and Istio see the same peers; Istio does not intercept UDP, so on a
 * UDP port its layer lets everyone in. On HTTP ports "allowed" means some request may pass: which
 * requests is asked by `probes`. Built from the edges, so its size follows the declaration, not the
 * square of the services.
 */
export interface PortExpectation {
  readonly to: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** Workload actors that NetworkPolicy alone, and Istio alone, must let in ('all': every one). */
  readonly network: ReadonlySet<string>;
  readonly mesh: ReadonlySet<string> | 'all';
}

/** The workload actors, by name. */
export function workloadActors(declared: DeclaredAccess): string[] {
  return actors(declared).filter((a) => a.kind !== 'ip').map((a) => a.name);
}

/** Looks up the workload actors an edge names. */
function workloadIndex(workloads: readonly Actor[]): (edges: readonly DeclaredEdge[]) => Actor[] {
  const byName = new Map(workloads.map((a) => [a.name, a]));
  const byNamespace = new Map<string, Actor[]>();
  for (const actor of workloads) {
    const namespace = actor.kind === 'service' ? actor.service.namespace : actor.kind === 'outsider' ? actor.namespace : undefined;
    if (namespace !== undefined) byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), actor]);
  }
  return (edges) => coveredWorkloads(edges, byNamespace, byName);
}

export function portExpectations(declared: DeclaredAccess): PortExpectation[] {
  const covering = workloadIndex(actors(declared).filter((a) => a.kind !== 'ip'));
  return destinationPorts(declared).map((target) => {
    const covered = new Set(covering(target.edges).map((a) => a.name));
    covered.delete(target.to); // a service is not its own client
    return { to: target.to, port: target.port, protocol: target.protocol, network: covered, mesh: target.udp ? 'all' : covered };
  });
}

/**
 * The questions asked one by one (with `check`): the egress lockdown towards the outsider; every
 * question from plaintext IP-block addresses and an outside address, to every port of every declared
 * service; and on HTTP ports, for the workloads an edge names, the declared operations and undeclared
 * ones, so that a policy that lost its method or path restriction is caught.
 */
export function probes(declared: DeclaredAccess): Probe[] {
  const result: Probe[] = [];
  const everyone = actors(declared);
  // Egress lockdown: no declared service may reach a pod outside the declaration (whose own
  // namespace has no policies), while its Istio layer, having no policies, lets anything in.
  for (const actor of everyone.filter((a) => a.kind === 'service')) {
    result.push({ request: { from: actor.name, to: `${OUTSIDER.namespace}/${OUTSIDER.name}`, port: OUTSIDER.port, protocol: 'TCP' }, network: false, mesh: true });
  }
  const addresses = everyone.filter((a) => a.kind === 'ip');
  const covering = workloadIndex(everyone.filter((a) => a.kind !== 'ip'));
  for (const target of destinationPorts(declared)) {
    // Workloads no edge names are settled at the pair level (portExpectations): nothing gets through.
    const asked = [...addresses, ...(target.http ? new Set(covering(target.edges)) : [])];
    for (const actor of asked) {
      if (actor.kind === 'service' && actor.service === target.destination) continue;
      const network = target.edges.some((e) => peerCovers(e.from, actor, declared, 'network'));
      const meshCovering = target.edges.filter((e) => peerCovers(e.from, actor, declared, 'mesh'));
      const base = { from: actor.name, to: target.to, port: target.port, protocol: target.protocol };
      if (!target.http) {
        result.push({ request: base, network, mesh: target.udp || meshCovering.some((e) => operationAllowed(e, undefined, undefined)) });
        continue;
      }
      for (const { method, path } of operations(target.edges)) {
        result.push({ request: { ...base, method, path }, network, mesh: meshCovering.some((e) => operationAllowed(e, method, path)) });
      }
    }
  }
  return result;
}
