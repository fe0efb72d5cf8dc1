/**
 * Output depends on what is declared, never on the order or the form in which it is declared:
 * the same mesh declared in shuffled orders (namespaces, services, ports, edges, grants, option
 * arrays, label keys), with allowFrom or its mirror allowTo, with ports as names or MeshPort
 * objects and namespaces as constructs or names, synthesizes to byte-identical YAML.
 */
import { Testing, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { mulberry32 } from '../../bench/workload';
import {
  IMeshPeer, Mesh, MeshNamespace, MeshPort, MeshService, Ownership, Peer, PeerTransport,
} from '../../constructs';

// ---------------------------------------------------------------------------------------------
// The mesh, as data: 6 namespaces, 20 services, ~60 edges, 6 grants

interface PortSpec { readonly factory: 'http' | 'http2' | 'grpc' | 'tcp' | 'udp'; readonly port: number; readonly name?: string; readonly containerPort?: number }
interface ServiceSpec {
  readonly namespace: string;
  readonly name: string;
  readonly ports: readonly PortSpec[];
  readonly selector?: Record<string, string>;
  readonly serviceAccountName?: string;
  readonly ownership?: Ownership;
}
type PeerSpec =
  | { readonly kind: 'service'; readonly ref: string }
  | { readonly kind: 'meshNamespace'; readonly name: string }
  | { readonly kind: 'otherNamespace'; readonly name: string }
  | { readonly kind: 'gateway' }
  | { readonly kind: 'ipBlock'; readonly cidr: string; readonly except?: readonly string[]; readonly transport?: PeerTransport };
type Declaration =
  | { readonly kind: 'ingress'; readonly destination: string; readonly peer: PeerSpec; readonly ports?: readonly string[]; readonly methods?: readonly string[]; readonly paths?: readonly string[] }
  | { readonly kind: 'externalEgress'; readonly consumer: string; readonly cidr: string; readonly except?: readonly string[]; readonly ports: readonly PortSpec[] }
  | { readonly kind: 'grant'; readonly holder: string; readonly namespace: string; readonly apiGroups?: readonly string[]; readonly resources: readonly string[]; readonly verbs: readonly string[]; readonly resourceNames?: readonly string[] };

const NAMESPACES: ReadonlyArray<{ name: string; ownership?: Ownership; labels?: Record<string, string> }> = [
  { name: 'web', labels: { tier: 'edge', 'example.com/owner': 'web-team', zone: 'dmz' } }, { name: 'shop' }, { name: 'ads' }, { name: 'data' }, { name: 'ops' },
  { name: 'legacy', ownership: Ownership.EXTERNAL },
];

const grpc = (port: number, containerPort?: number): PortSpec => ({ factory: 'grpc', port, name: 'grpc', containerPort });
const SERVICES: readonly ServiceSpec[] = [
  { namespace: 'web', name: 'frontend', ports: [{ factory: 'http', port: 80, name: 'http', containerPort: 8080 }, { factory: 'http2', port: 8443, name: 'http2-admin' }] },
  { namespace: 'web', name: 'loadgen', ports: [] },
  { namespace: 'web', name: 'admin-ui', ports: [{ factory: 'http', port: 3000 }] },
  { namespace: 'shop', name: 'catalog', ports: [grpc(3550)] },
  { namespace: 'shop', name: 'currency', ports: [grpc(7000)] },
  { namespace: 'shop', name: 'cart', ports: [grpc(7070), { factory: 'tcp', port: 9090, name: 'tcp-metrics', containerPort: 9091 }] },
  { namespace: 'shop', name: 'checkout', ports: [grpc(5050), { factory: 'http', port: 8081, name: 'http-health' }] },
  { namespace: 'shop', name: 'payment', ports: [grpc(50051)] },
  { namespace: 'shop', name: 'shipping', ports: [grpc(50051, 8080)] },
  { namespace: 'shop', name: 'email', ports: [grpc(5000, 8080)] },
  { namespace: 'shop', name: 'recommendation', ports: [grpc(8080)] },
  { namespace: 'ads', name: 'adservice', ports: [grpc(9555)], serviceAccountName: 'ads-runtime' },
  { namespace: 'ads', name: 'ad-cache', ports: [{ factory: 'tcp', port: 11211, name: 'tcp-memcache' }, { factory: 'udp', port: 11211, name: 'udp-memcache' }] },
  { namespace: 'data', name: 'redis', ports: [{ factory: 'tcp', port: 6379, name: 'tcp-redis' }] },
  { namespace: 'data', name: 'postgres', ports: [{ factory: 'tcp', port: 5432, name: 'tcp-pg' }], selector: { app: 'postgres', role: 'primary', 'example.com/cluster': 'main' }, serviceAccountName: 'postgres-sa' },
  { namespace: 'data', name: 'kafka', ports: [{ factory: 'tcp', port: 9092, name: 'tcp-kafka' }, { factory: 'tcp', port: 9093 }], ownership: Ownership.EXTERNAL },
  { namespace: 'ops', name: 'prometheus', ports: [{ factory: 'http', port: 9090, name: 'http-web' }] },
  { namespace: 'ops', name: 'alertmanager', ports: [{ factory: 'http', port: 9093, name: 'http-web' }] },
  { namespace: 'ops', name: 'dns-proxy', ports: [{ factory: 'udp', port: 53, name: 'udp-dns' }, { factory: 'tcp', port: 53, name: 'tcp-dns' }] },
  { namespace: 'legacy', name: 'mainframe', ports: [{ factory: 'tcp', port: 3270, name: 'tcp-tn3270' }], ownership: Ownership.EXTERNAL },
];

const service = (ref: string) => ({ kind: 'service', ref }) as const;
const call = (destination: string, consumer: string, methods?: string[], paths?: string[], ports?: string[]): Declaration =>
  ({ kind: 'ingress', destination, peer: service(consumer), methods, paths, ports });
const rpc = (destination: string, consumer: string, rpcService: string) => call(destination, consumer, ['POST'], [`/shop.${rpcService}/*`], ['grpc']);

const DECLARATIONS: readonly Declaration[] = [
  // Service to service: gRPC calls restricted to their service, plain ports, named ports.
  ...['web/frontend', 'shop/checkout', 'shop/recommendation'].map((c) => rpc('shop/catalog', c, 'Catalog')),
  ...['web/frontend', 'shop/checkout'].flatMap((c) => [rpc('shop/currency', c, 'Currency'), rpc('shop/cart', c, 'Cart'), rpc('shop/shipping', c, 'Shipping')]),
  rpc('shop/recommendation', 'web/frontend', 'Recommendation'),
  call('shop/checkout', 'web/frontend', ['POST'], ['/shop.Checkout/PlaceOrder'], ['grpc']),
  call('shop/checkout', 'ops/prometheus', ['GET'], ['/healthz', '/metrics'], ['http-health']),
  call('shop/payment', 'shop/checkout', ['POST'], ['/shop.Payment/Charge']),
  call('shop/email', 'shop/checkout', ['POST'], ['/shop.Email/Send', '/shop.Email/Preview']),
  rpc('ads/adservice', 'web/frontend', 'Ads'),
  call('ads/ad-cache', 'ads/adservice'),
  call('ads/ad-cache', 'shop/recommendation', undefined, undefined, ['tcp-memcache']),
  call('data/redis', 'shop/cart'),
  call('data/postgres', 'shop/checkout'),
  call('data/postgres', 'shop/payment'),
  call('data/postgres', 'shop/catalog'),
  call('data/kafka', 'shop/checkout', undefined, undefined, ['tcp-kafka']),
  call('data/kafka', 'shop/email', undefined, undefined, ['tcp-kafka', 'tcp-9093']),
  call('legacy/mainframe', 'shop/payment'),
  call('web/frontend', 'web/loadgen'),
  call('web/frontend', 'web/admin-ui', ['GET', 'PUT', 'DELETE'], ['/admin/*'], ['http2-admin']),
  call('ops/alertmanager', 'ops/prometheus', ['POST'], ['/api/v2/alerts']),
  call('ops/alertmanager', 'web/admin-ui', ['GET']),
  call('ops/prometheus', 'web/admin-ui', ['GET'], ['/api/v1/query', '/api/v1/query_range']),
  call('web/admin-ui', 'web/loadgen', ['GET'], ['/']),
  call('data/redis', 'ads/adservice', undefined, undefined, ['tcp-redis']),
  call('ops/dns-proxy', 'web/frontend', undefined, undefined, ['udp-dns']),
  call('ops/dns-proxy', 'shop/checkout', undefined, undefined, ['udp-dns', 'tcp-dns']),
  call('ops/dns-proxy', 'data/redis', undefined, undefined, ['tcp-dns']),
  // Scraping, by prometheus (all ports or the metrics port) and by an unmanaged monitoring namespace.
  call('shop/cart', 'ops/prometheus', undefined, undefined, ['tcp-metrics']),
  { kind: 'ingress', destination: 'shop/cart', peer: { kind: 'otherNamespace', name: 'monitoring' }, ports: ['tcp-metrics'] },
  ...['shop/catalog', 'shop/currency', 'shop/payment', 'shop/shipping', 'shop/email', 'ads/adservice', 'data/redis', 'data/postgres', 'data/kafka']
    .map((d) => call(d, 'ops/prometheus')),
  call('ads/ad-cache', 'ops/prometheus', undefined, undefined, ['tcp-memcache']),
  { kind: 'ingress', destination: 'ads/adservice', peer: { kind: 'otherNamespace', name: 'monitoring' } },
  // Whole namespaces, the gateway, IP blocks.
  { kind: 'ingress', destination: 'ops/prometheus', peer: { kind: 'meshNamespace', name: 'ops' }, methods: ['GET'], paths: ['/api/*'] },
  { kind: 'ingress', destination: 'ops/dns-proxy', peer: { kind: 'meshNamespace', name: 'shop' }, ports: ['udp-dns', 'tcp-dns'] },
  { kind: 'ingress', destination: 'ops/dns-proxy', peer: { kind: 'meshNamespace', name: 'web' }, ports: ['tcp-dns'] },
  { kind: 'ingress', destination: 'data/redis', peer: { kind: 'otherNamespace', name: 'backup' } },
  { kind: 'ingress', destination: 'web/frontend', peer: { kind: 'gateway' }, methods: ['GET', 'POST', 'HEAD'], ports: ['http'] },
  { kind: 'ingress', destination: 'ops/prometheus', peer: { kind: 'gateway' }, methods: ['GET'], paths: ['/graph', '/api/*'] },
  { kind: 'ingress', destination: 'web/frontend', peer: { kind: 'ipBlock', cidr: '203.0.113.0/24', except: ['203.0.113.128/25', '203.0.113.64/26'], transport: PeerTransport.PLAINTEXT }, ports: ['http'] },
  { kind: 'ingress', destination: 'web/frontend', peer: { kind: 'ipBlock', cidr: '198.51.100.0/24', transport: PeerTransport.MTLS }, ports: ['http2-admin'] },
  { kind: 'ingress', destination: 'data/postgres', peer: { kind: 'ipBlock', cidr: '10.20.0.0/16', except: ['10.20.99.0/24'], transport: PeerTransport.PLAINTEXT } },
  { kind: 'ingress', destination: 'ops/alertmanager', peer: { kind: 'ipBlock', cidr: '2001:db8::/32', transport: PeerTransport.PLAINTEXT }, methods: ['GET'] },
  { kind: 'externalEgress', consumer: 'shop/payment', cidr: '192.0.2.0/24', except: ['192.0.2.64/26', '192.0.2.128/26'], ports: [{ factory: 'tcp', port: 443 }] },
  { kind: 'externalEgress', consumer: 'shop/email', cidr: '198.51.100.25/32', ports: [{ factory: 'tcp', port: 587 }, { factory: 'tcp', port: 465 }] },
  { kind: 'externalEgress', consumer: 'ops/dns-proxy', cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], ports: [{ factory: 'udp', port: 53 }, { factory: 'tcp', port: 53 }] },
  { kind: 'externalEgress', consumer: 'ops/prometheus', cidr: '2001:db8:1::/48', ports: [{ factory: 'tcp', port: 443 }] },
  // Kubernetes API grants, across namespaces and within.
  { kind: 'grant', holder: 'shop/cart', namespace: 'data', resources: ['secrets'], resourceNames: ['redis-auth', 'redis-tls'], verbs: ['get', 'watch'] },
  { kind: 'grant', holder: 'shop/cart', namespace: 'data', resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
  { kind: 'grant', holder: 'ops/prometheus', namespace: 'shop', resources: ['pods', 'endpoints', 'services'], verbs: ['list', 'watch', 'get'] },
  { kind: 'grant', holder: 'ops/prometheus', namespace: 'ads', apiGroups: ['', 'discovery.k8s.io'], resources: ['endpointslices', 'pods'], verbs: ['list', 'watch'] },
  { kind: 'grant', holder: 'shop/checkout', namespace: 'shop', apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get'] },
  { kind: 'grant', holder: 'legacy/mainframe', namespace: 'data', apiGroups: ['apps'], resources: ['deployments/scale', 'deployments'], verbs: ['patch', 'get'] },
];

// ---------------------------------------------------------------------------------------------
// Declaring it, in an order and form chosen by a seeded random source

/** A seeded PRNG (the benchmark's), so that every run of a seed declares the same way. */
const randomSource = mulberry32;

/** How the declaration is varied: the canonical way (in list order, allowFrom, names), or at random. */
interface Variation {
  shuffle<T>(items: readonly T[]): T[];
  /** Picks one of two equivalent ways of saying the same thing. */
  either(): boolean;
}

const CANONICAL: Variation = { shuffle: (items) => [...items], either: () => false };

function randomVariation(seed: number): Variation {
  const random = randomSource(seed);
  return {
    shuffle<T>(items: readonly T[]): T[] {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy;
    },
    either: () => random() < 0.5,
  };
}

const meshPort = (spec: PortSpec) => MeshPort[spec.factory](spec.port, { name: spec.name, containerPort: spec.containerPort });
const optional = <T>(v: Variation, items: readonly T[] | undefined) => (items === undefined ? undefined : v.shuffle(items));
/** The same label map with its keys inserted in another order. */
const shuffledKeys = (v: Variation, labels: Readonly<Record<string, string>> | undefined) =>
  labels && Object.fromEntries(v.shuffle(Object.entries(labels)));

interface DeclareOptions {
  /** Declare every declaration a second time, in another order and form. */
  readonly twice?: boolean;
  /** Write service-to-service edges as `consumer.allowTo(destination)`. */
  readonly mirror?: 'allowFrom' | 'allowTo' | 'random';
  /** Whether label maps (selectors, namespace labels) list their keys in a varied order. @default 'varied' */
  readonly labelKeys?: 'varied' | 'asListed';
}

/** Builds the mesh of SERVICES and DECLARATIONS in a fresh app. */
function declareMesh(v: Variation, options: DeclareOptions = {}): Mesh {
  const mesh = new Mesh(Testing.app(), 'shop', { apiServer: { cidrs: ['172.18.0.2/32', '172.18.0.3/32'], port: 6443 } });
  const labels = (map: Readonly<Record<string, string>> | undefined) => (options.labelKeys === 'asListed' ? map : shuffledKeys(v, map));
  const namespaces = new Map<string, MeshNamespace>();
  for (const ns of v.shuffle(NAMESPACES)) namespaces.set(ns.name, mesh.addNamespace(ns.name, { ownership: ns.ownership, labels: labels(ns.labels) }));
  const services = new Map<string, MeshService>();
  for (const s of v.shuffle(SERVICES)) {
    services.set(`${s.namespace}/${s.name}`, namespaces.get(s.namespace)!.addService(s.name, {
      ports: v.shuffle(s.ports).map(meshPort),
      selector: labels(s.selector),
      serviceAccountName: s.serviceAccountName,
      ownership: s.ownership,
    }));
  }

  const peerOf = (peer: PeerSpec): IMeshPeer => {
    switch (peer.kind) {
      case 'service': return services.get(peer.ref)!;
      case 'meshNamespace': return v.either() ? Peer.namespace(peer.name) : namespaces.get(peer.name)!;
      case 'otherNamespace': return Peer.namespace(peer.name);
      case 'gateway': return Peer.ingressGateway();
      case 'ipBlock': return Peer.ipBlock(peer.cidr, { except: optional(v, peer.except), transport: peer.transport });
    }
  };
  const declare = (d: Declaration) => {
    switch (d.kind) {
      case 'ingress': {
        const destination = services.get(d.destination)!;
        const ports = d.ports && v.shuffle(d.ports).map((name) => (v.either() ? destination.port(name) : name));
        const access = { ports, methods: optional(v, d.methods), paths: optional(v, d.paths) };
        const useAllowTo = options.mirror === 'allowTo' || (options.mirror === 'random' && v.either());
        if (d.peer.kind === 'service' && useAllowTo) services.get(d.peer.ref)!.allowTo(destination, access);
        else destination.allowFrom(peerOf(d.peer), access);
        return;
      }
      case 'externalEgress':
        services.get(d.consumer)!.allowTo(Peer.ipBlock(d.cidr, { except: optional(v, d.except) }), { ports: v.shuffle(d.ports).map(meshPort) });
        return;
      case 'grant': {
        const target = v.either() ? d.namespace : namespaces.get(d.namespace)!;
        services.get(d.holder)!.grantApi(target, {
          apiGroups: optional(v, d.apiGroups), resources: v.shuffle(d.resources), verbs: v.shuffle(d.verbs), resourceNames: optional(v, d.resourceNames),
        });
      }
    }
  };
  for (const d of v.shuffle(DECLARATIONS)) declare(d);
  if (options.twice) for (const d of v.shuffle(DECLARATIONS)) declare(d);
  return mesh;
}

/** The documents `cdk8s synth` writes, without the expected UDP warnings on stderr. */
function quietSynth(mesh: Mesh): unknown[] {
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return Testing.synth(mesh);
  } finally {
    stderr.mockRestore();
  }
}

const synthYaml = (mesh: Mesh) => Yaml.stringify(...quietSynth(mesh));
const synthJson = (mesh: Mesh) => JSON.stringify(quietSynth(mesh));

const manifestsJson = (mesh: Mesh) => JSON.stringify(mesh.toManifests());

// ---------------------------------------------------------------------------------------------

describe('the reference mesh', () => {
  test('GIVEN its declaration WHEN counted THEN it is the size the determinism tests rely on', () => {
    const edges = DECLARATIONS.filter((d) => d.kind !== 'grant').length;

    expect(NAMESPACES).toHaveLength(6);
    expect(SERVICES).toHaveLength(20);
    expect(edges).toBe(61);
    expect(DECLARATIONS.filter((d) => d.kind === 'grant')).toHaveLength(6);
  });

  test('GIVEN a seeded variation WHEN it shuffles the declarations THEN the order differs from the list and repeats for the same seed', () => {
    const order = (seed: number) => randomVariation(seed).shuffle(DECLARATIONS.map((_, i) => i));

    expect(order(3)).not.toEqual(DECLARATIONS.map((_, i) => i));
    expect(order(3)).not.toEqual(order(4));
    expect(order(3)).toEqual(order(3));
  });

  test('GIVEN its canonical declaration WHEN synthesized THEN it is valid and emits objects of every layer', () => {
    const kinds = new Set((JSON.parse(manifestsJson(declareMesh(CANONICAL))) as Array<{ kind: string }>).map((m) => m.kind));

    expect([...kinds].sort()).toEqual(['AuthorizationPolicy', 'Namespace', 'NetworkPolicy', 'PeerAuthentication', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
  });
});

/**
 * Yaml.stringify takes ~100 ms for this mesh, 25 times too slow for a fast suite. It is a pure
 * function of the documents, and JSON.stringify keeps key order, so equal JSON of plain-JSON
 * documents means equal YAML bytes: 25 orders are compared as JSON, a few down to YAML bytes, and
 * the documents are shown to be plain JSON.
 */
describe('declaration order', () => {
  const SEED = 20261126;
  const RUNS = 25;
  const YAML_RUNS = 5;
  const seeds = fc.integer({ min: 1, max: 0x7fffffff });
  let reference: { yaml: string; json: string; manifests: string };

  beforeAll(() => {
    const mesh = declareMesh(CANONICAL);
    reference = { yaml: synthYaml(mesh), json: synthJson(mesh), manifests: manifestsJson(mesh) };
  });

  test(`GIVEN the mesh declared in ${RUNS} shuffled orders and forms WHEN synthesized by cdk8s THEN the documents are identical, key order included`, () => {
    fc.assert(fc.property(seeds, (seed) => {
      expect(synthJson(declareMesh(randomVariation(seed), { mirror: 'random' }))).toBe(reference.json);
    }), { seed: SEED, numRuns: RUNS });
  });

  test(`GIVEN the mesh declared in ${YAML_RUNS} shuffled orders and forms WHEN synthesized and written with Yaml.stringify THEN the YAML is byte-identical`, () => {
    fc.assert(fc.property(seeds, (seed) => {
      expect(synthYaml(declareMesh(randomVariation(seed), { mirror: 'random' }))).toBe(reference.yaml);
    }), { seed: SEED + 2, numRuns: YAML_RUNS });
  });

  test('GIVEN the synthesized documents WHEN round-tripped through JSON THEN nothing changes (so equal JSON means equal YAML)', () => {
    const documents = quietSynth(declareMesh(randomVariation(SEED), { mirror: 'random' }));

    expect(documents.length).toBeGreaterThan(100);
    expect(documents).toStrictEqual(JSON.parse(JSON.stringify(documents)));
  });

  test(`GIVEN the mesh declared in ${RUNS} shuffled orders and forms, label maps as listed, WHEN rendered by toManifests THEN the JSON is identical`, () => {
    fc.assert(fc.property(seeds, (seed) => {
      expect(manifestsJson(declareMesh(randomVariation(seed), { mirror: 'random', labelKeys: 'asListed' }))).toBe(reference.manifests);
    }), { seed: SEED + 1, numRuns: RUNS });
  });

  test('GIVEN label maps whose keys are listed in another order WHEN rendered by toManifests THEN the JSON is identical', () => {
    // toManifests() returns objects in the form cdk8s writes them, keys sorted, so the key order
    // of user-given selectors and labels does not leak into its JSON.
    const meshWithSelector = (selector: Record<string, string>) => {
      const mesh = new Mesh(Testing.app(), 'shop');
      mesh.addNamespace('data').addService('postgres', { ports: [MeshPort.tcp(5432)], selector });
      return mesh;
    };

    const reordered = manifestsJson(meshWithSelector({ role: 'primary', app: 'postgres' }));
    const asListed = manifestsJson(meshWithSelector({ app: 'postgres', role: 'primary' }));

    expect(reordered).toBe(asListed);
  });
});

describe('repeated and mirrored declarations', () => {
  let once: string;

  beforeAll(() => {
    once = synthYaml(declareMesh(CANONICAL));
  });

  test('GIVEN every edge and grant declared twice in the same form WHEN synthesized THEN the YAML is the same as declaring once', () => {
    expect(synthYaml(declareMesh(CANONICAL, { twice: true }))).toBe(once);
  });

  test('GIVEN every edge and grant declared twice in other orders and forms WHEN synthesized THEN the YAML is the same as declaring once', () => {
    expect(synthYaml(declareMesh(randomVariation(7), { twice: true, mirror: 'random' }))).toBe(once);
  });

  test('GIVEN every service-to-service edge written as a.allowTo(b) WHEN synthesized THEN the YAML is the same as b.allowFrom(a)', () => {
    expect(synthYaml(declareMesh(CANONICAL, { mirror: 'allowTo' }))).toBe(once);
  });

  test('GIVEN one edge WHEN declared as a.allowTo(b) or as b.allowFrom(a) THEN both meshes emit the same objects', () => {
    const oneEdge = (write: (consumer: MeshService, destination: MeshService) => void) => {
      const mesh = new Mesh(Testing.app(), 'pair');
      const consumer = mesh.addNamespace('web').addService('frontend');
      const destination = mesh.addNamespace('shop').addService('orders', { ports: [MeshPort.grpc(50051, { name: 'grpc' })] });
      write(consumer, destination);
      return synthYaml(mesh);
    };
    const options = { ports: ['grpc'], methods: ['POST'], paths: ['/shop.Orders/*'] };

    const viaAllowTo = oneEdge((consumer, destination) => consumer.allowTo(destination, options));
    const viaAllowFrom = oneEdge((consumer, destination) => destination.allowFrom(consumer, options));

    expect(viaAllowTo).toContain('name: orders-allow');
    expect(viaAllowTo).toContain('name: frontend-egress');
    expect(viaAllowTo).toBe(viaAllowFrom);
  });

  test('GIVEN one mesh WHEN synthesized twice THEN both outputs are byte-identical', () => {
    const mesh = declareMesh(randomVariation(11), { mirror: 'random' });

    expect(synthYaml(mesh)).toBe(synthYaml(mesh));
  });

  test('GIVEN one mesh WHEN synthesized by cdk8s and rendered by toManifests THEN both hold the same objects in the same order', () => {
    const mesh = declareMesh(CANONICAL);

    expect(JSON.parse(JSON.stringify(quietSynth(mesh)))).toEqual(JSON.parse(manifestsJson(mesh)));
  });
});
