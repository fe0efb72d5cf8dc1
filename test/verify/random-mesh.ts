import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { IMeshPeer, Mesh, MeshPort, MeshService, MtlsMode, Peer, PeerTransport } from '../../constructs';

/** A mesh described as data, so fast-check can generate, shrink and print it. */
export interface MeshSpec {
  readonly mtls: MtlsMode;
  readonly namespaces: ReadonlyArray<{ readonly services: ReadonlyArray<{ readonly ports: readonly PortSpec[] }> }>;
  readonly edges: readonly EdgeSpec[];
  readonly egress: readonly EgressSpec[];
  readonly grants: readonly GrantSpec[];
  /** `allowTo(Peer.namespace('databases'))` of a service (index modulo the services), on these ports. */
  readonly namespaceEgress: ReadonlyArray<{ readonly from: number; readonly ports: ReadonlyArray<'tcp-5432' | 'tcp-443' | 'udp-514'> }>;
  /** The sidecar metrics ports a Prometheus in `monitoring` is let in on; none: no scraper declared. */
  readonly scraperPorts?: readonly number[];
  readonly platform: PlatformSpec;
}

/**
 * Where DNS and the API server live outside the pods: blocks chosen to overlap the egress blocks
 * and their holes, and a port shared with egress, so that every source of egress meets the others;
 * the DNS pods' port apart from 53 or not (pods query the DNS blocks on 53 either way).
 */
export interface PlatformSpec {
  readonly dnsPort: 53 | 5353;
  readonly dnsCidrs: readonly string[];
  readonly apiServerCidrs: readonly string[];
  readonly apiServerPort: 443 | 6443;
}

/** `allowTo` an IP block outside the cluster. */
export interface EgressSpec {
  /** Index into all services (modulo their count). */
  readonly from: number;
  /** Index into EGRESS_BLOCKS. */
  readonly block: number;
  /** Exclude the block's hole. */
  readonly hole: boolean;
  readonly ports: ReadonlyArray<'tcp-5432' | 'tcp-443' | 'udp-514'>;
}

/** `grantApi` of one resource in a namespace. */
export interface GrantSpec {
  readonly holder: number;
  /** Index into the namespaces (modulo their count). */
  readonly namespace: number;
  readonly resource: 'configmaps' | 'secrets' | 'deployments';
  readonly verbs: readonly string[];
  readonly resourceNames: readonly string[];
}

export interface PortSpec { readonly kind: 'http' | 'grpc' | 'tcp' | 'udp'; readonly containerPort: number }

export interface EdgeSpec {
  /** Index into all services (modulo their count). */
  readonly to: number;
  readonly from: { readonly kind: 'service'; readonly index: number } | { readonly kind: 'namespace'; readonly index: number }
    | { readonly kind: 'outsideNamespace'; readonly index: number } | { readonly kind: 'gateway' } | { readonly kind: 'internalGateway' }
    | { readonly kind: 'ipBlock'; readonly block: number; readonly mtls: boolean; readonly hole: boolean };
  /** Pick a subset of the destination's ports (by bit mask), or all when undefined. */
  readonly portMask?: number;
  /** Restrict to GET/POST on `/api/*` or an exact path: only on HTTP ports. */
  readonly http?: { readonly methods: readonly string[]; readonly paths: readonly string[] };
}

const portSpec = fc.record({ kind: fc.constantFrom('http', 'grpc', 'tcp', 'udp') as fc.Arbitrary<PortSpec['kind']>, containerPort: fc.integer({ min: 1, max: 65535 }) });

/**
 * IP blocks of ingress peers and their holes: disjoint /24s, a /22 that holds the first three with
 * the first of them as its hole, the two halves of the address space (together `any IPv4 address`
 * with holes, as `from anywhere` is often written; never the whole space in one block, see
 * `ipBlockPeer`), and an IPv6 block.
 */
const INGRESS_BLOCKS = [
  ['203.0.113.0/24', '203.0.113.0/28'], ['203.0.114.0/24', '203.0.114.0/28'], ['203.0.115.0/24', '203.0.115.0/28'],
  ['203.0.116.0/24', '203.0.116.0/28'], ['203.0.112.0/22', '203.0.113.0/24'],
  ['0.0.0.0/1', '10.0.0.0/8'], ['128.0.0.0/1', '192.168.0.0/16'], ['2001:db8:1::/48', '2001:db8:1::/64'],
] as const;

/** IP blocks of egress and their holes, overlapping likewise, and the whole internet but 10/8. */
const EGRESS_BLOCKS = [
  ['198.51.100.0/24', '198.51.100.0/28'], ['198.51.101.0/24', '198.51.101.0/28'], ['198.51.102.0/24', '198.51.102.0/28'],
  ['198.51.100.0/23', '198.51.101.128/25'], ['0.0.0.0/0', '10.0.0.0/8'], ['2001:db8::/32', '2001:db8::/48'],
] as const;

/**
 * `Peer.ipBlock` of a block of the tables, with its hole or without. The whole address space
 * always keeps its hole: a block of every address holds every pod's address too, whatever it is, so
 * the analyzer rightly lets every pod through it, which the declarations here do not mean (they are
 * about addresses outside the cluster). Ingress never names the whole space, even with a hole: for
 * a pod whose address the manifests do not tell, the analyzer's NetworkPolicy layer keeps it out of
 * `ipBlock` with `except`, but its Istio layer takes it to be outside every block short of the
 * whole space, so `ipBlocks: [0.0.0.0/0]` with `notIpBlocks` lets it in; `verify` would report
 * that pods get in, which is not what these declarations are about.
 */
function ipBlockPeer([cidr, except]: readonly [string, string], hole: boolean, transport: PeerTransport): IMeshPeer {
  return Peer.ipBlock(cidr, { except: hole || cidr.endsWith('/0') ? [except] : [], transport });
}

/**
 * Random meshes; `ipBlockWeight` is how often an edge comes from an IP block, against 6 for a
 * service and 1 for each other kind of peer (the outside-the-cluster property wants many of them).
 */
export const meshSpecOf = ({ ipBlockWeight = 1 }: { readonly ipBlockWeight?: number } = {}): fc.Arbitrary<MeshSpec> => fc.record({
  mtls: fc.constantFrom(MtlsMode.STRICT, MtlsMode.PERMISSIVE),
  namespaces: fc.array(fc.record({ services: fc.array(fc.record({ ports: fc.array(portSpec, { maxLength: 3 }) }), { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 3 }),
  edges: fc.array(fc.record({
    to: fc.nat(),
    from: fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('service' as const), index: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('namespace' as const), index: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('outsideNamespace' as const), index: fc.integer({ min: 0, max: 1 }) }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'gateway' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'internalGateway' as const }) },
      { weight: ipBlockWeight, arbitrary: fc.record({ kind: fc.constant('ipBlock' as const), block: fc.integer({ min: 0, max: INGRESS_BLOCKS.length - 1 }), mtls: fc.boolean(), hole: fc.boolean() }) },
    ),
    portMask: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
    http: fc.option(fc.record({
      methods: fc.subarray(['GET', 'POST', 'PUT'], { minLength: 0 }),
      paths: fc.subarray(['/api/*', '/health', '*.json'], { minLength: 0 }),
    }), { nil: undefined }),
  }), { maxLength: 14 }),
  egress: fc.array(fc.record({
    from: fc.nat(),
    block: fc.integer({ min: 0, max: EGRESS_BLOCKS.length - 1 }),
    hole: fc.boolean(),
    ports: fc.subarray(['tcp-5432', 'tcp-443', 'udp-514'] as const, { minLength: 1 }),
  }), { maxLength: 3 }),
  grants: fc.array(fc.record({
    holder: fc.nat(),
    namespace: fc.nat(),
    resource: fc.constantFrom('configmaps', 'secrets', 'deployments') as fc.Arbitrary<GrantSpec['resource']>,
    verbs: fc.subarray(['get', 'list', 'watch', 'update'], { minLength: 1 }),
    resourceNames: fc.subarray(['app-config', 'app-secret'], { minLength: 0 }),
  }), { maxLength: 3 }),
  namespaceEgress: fc.array(fc.record({ from: fc.nat(), ports: fc.subarray(['tcp-5432', 'tcp-443', 'udp-514'] as const, { minLength: 1 }) }), { maxLength: 2 }),
  scraperPorts: fc.option(fc.subarray([15020, 15090], { minLength: 1 }), { nil: undefined }),
  platform: fc.record({
    dnsPort: fc.constantFrom(53 as const, 5353 as const),
    // NodeLocal DNSCache's address; a block inside an egress block's hole; an ingress block.
    dnsCidrs: fc.subarray(['169.254.20.10/32', '198.51.100.0/28', '203.0.113.0/24']),
    apiServerCidrs: fc.constantFrom(['172.20.0.1/32'], ['172.20.0.1/32', '198.51.100.8/30']),
    apiServerPort: fc.constantFrom(443 as const, 6443 as const),
  }),
});

export const meshSpec: fc.Arbitrary<MeshSpec> = meshSpecOf();

const EGRESS_PORTS = { 'tcp-5432': () => MeshPort.tcp(5432), 'tcp-443': () => MeshPort.tcp(443), 'udp-514': () => MeshPort.udp(514) };

const PORT_FACTORY = { http: MeshPort.http, grpc: MeshPort.grpc, tcp: MeshPort.tcp, udp: MeshPort.udp };

/**
 * Declares the mesh of a spec, skipping what validation would refuse (so every generated mesh
 * synthesizes): duplicate container ports, the sidecar's ports, self edges, HTTP restrictions without HTTP ports.
 */
export function declareMesh(spec: MeshSpec): Mesh {
  const metricsScraper = spec.scraperPorts ? { metricsScraper: { namespace: 'monitoring', ports: [...spec.scraperPorts] } } : {};
  const mesh = new Mesh(Testing.app(), 'prop', {
    mtls: spec.mtls,
    dns: { port: spec.platform.dnsPort, cidrs: [...spec.platform.dnsCidrs] },
    apiServer: { cidrs: [...spec.platform.apiServerCidrs], port: spec.platform.apiServerPort },
    ...metricsScraper,
  });
  const services: MeshService[] = [];
  const namespaces = spec.namespaces.map((nsSpec, n) => {
    const ns = mesh.addNamespace(`ns${n}`);
    nsSpec.services.forEach((serviceSpec, s) => {
      const used = new Set<string>();
      const ports = serviceSpec.ports.flatMap((p, i) => {
        const transport = p.kind === 'udp' ? 'UDP' : 'TCP';
        // The Istio sidecar's own ports (15000-15090) are refused as container ports.
        if (used.has(`${transport}/${p.containerPort}`) || (p.containerPort >= 15000 && p.containerPort <= 15090)) return [];
        used.add(`${transport}/${p.containerPort}`);
        return [PORT_FACTORY[p.kind](1000 + i, { name: `${p.kind}-p${i}`, containerPort: p.containerPort })];
      });
      services.push(ns.addService(`svc${n}x${s}`, { ports }));
    });
    return ns;
  });
  for (const edge of spec.edges) {
    const destination = services[edge.to % services.length];
    const chosen = edge.portMask === undefined ? undefined : destination.ports.filter((_, i) => edge.portMask! & (1 << i));
    if (chosen !== undefined && chosen.length === 0) continue;
    const restrict = edge.http && (edge.http.methods.length > 0 || edge.http.paths.length > 0) ? edge.http : undefined;
    const candidatePorts = chosen ?? destination.ports;
    if (candidatePorts.length === 0) continue;
    if (restrict && !candidatePorts.every((p) => p.isHttp)) {
      if (chosen !== undefined || !destination.ports.some((p) => p.isHttp)) continue;
    }
    const options = { ...(chosen ? { ports: chosen.map((p) => p.name) } : {}), ...(restrict ? { methods: [...restrict.methods], paths: [...restrict.paths] } : {}) };
    switch (edge.from.kind) {
      case 'service': {
        const consumer = services[edge.from.index % services.length];
        if (consumer !== destination) destination.allowFrom(consumer, options);
        break;
      }
      case 'namespace': destination.allowFrom(namespaces[edge.from.index % namespaces.length], options); break;
      case 'outsideNamespace': destination.allowFrom(Peer.namespace(`monitoring${edge.from.index}`), options); break;
      case 'gateway': destination.allowFrom(Peer.ingressGateway(), options); break;
      case 'internalGateway': destination.allowFrom(Peer.ingressGateway({ namespace: 'istio-internal', serviceAccount: 'internal', labels: { istio: 'internal' } }), options); break;
      case 'ipBlock': {
        const { mtls, hole } = edge.from;
        const transport = mtls ? PeerTransport.MTLS : PeerTransport.PLAINTEXT;
        destination.allowFrom(ipBlockPeer(INGRESS_BLOCKS[edge.from.block], hole, transport), options);
        break;
      }
    }
  }
  for (const egress of spec.egress) {
    services[egress.from % services.length].allowTo(
      ipBlockPeer(EGRESS_BLOCKS[egress.block], egress.hole, PeerTransport.PLAINTEXT),
      { ports: egress.ports.map((port) => EGRESS_PORTS[port]()) },
    );
  }
  for (const egress of spec.namespaceEgress) {
    services[egress.from % services.length].allowTo(Peer.namespace('databases'), { ports: egress.ports.map((port) => EGRESS_PORTS[port]()) });
  }
  for (const grant of spec.grants) {
    services[grant.holder % services.length].grantApi(namespaces[grant.namespace % namespaces.length], {
      ...(grant.resource === 'deployments' ? { apiGroups: ['apps'] } : {}),
      resources: [grant.resource],
      verbs: [...grant.verbs],
      ...(grant.resourceNames.length > 0 ? { resourceNames: [...grant.resourceNames] } : {}),
    });
  }
  return mesh;
}
