import { Testing } from 'cdk8s';
import { Mesh, MeshPort, Ownership, Peer, PeerTransport } from '../../constructs';
import { egressProbes } from '../../cli/verify/egress-probes';
import { addressInside } from '../../cli/verify/addresses';
import { istioPathMatches, probes } from '../../cli/verify/probes';
import { scraperProbes } from '../../cli/verify/scraper-probes';
import { describeMismatch, verifyManifests } from '../../cli/verify/verify';
import { onlineBoutique } from '../../main';

type Obj = Record<string, any>;
const loaded = (objects: readonly object[]) => objects.map((object, document) => ({ object: object as any, source: { file: 'synth', document } }));

function boutique() {
  const mesh = onlineBoutique(Testing.app());
  return { manifests: mesh.toManifests() as unknown as Obj[], declared: mesh.declaredAccess() };
}

/** Verifies the example after `edit` changed its manifests. */
function verifyEdited(edit: (objects: Obj[]) => Obj[]) {
  const { manifests, declared } = boutique();
  return verifyManifests(loaded(edit(JSON.parse(JSON.stringify(manifests)))), declared);
}

const named = (kind: string, namespace: string, name: string) => (o: Obj) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name;

describe('verify', () => {
  test('GIVEN the embedded example as synthesized THEN every probe agrees with the declaration', () => {
    const { manifests, declared } = boutique();
    const report = verifyManifests(loaded(manifests), declared);
    expect(report.requests).toBeGreaterThan(300);
    expect(report.apiRequests).toBeGreaterThan(100);
    expect(report.mismatches).toEqual([]);
  });

  test('GIVEN a service that exists outside the mesh (Ownership.EXTERNAL, no Service emitted) THEN its Service is stood in as declared and the mesh verifies', () => {
    const mesh = new Mesh(Testing.app(), 'ext');
    const apps = mesh.addNamespace('apps');
    const client = apps.addService('client');
    const redis = apps.addService('redis', { ports: [MeshPort.tcp(6379, { name: 'tcp-redis' })], ownership: Ownership.EXTERNAL });
    redis.allowFrom(client);
    const manifests = mesh.toManifests() as unknown as Obj[];
    expect(manifests.some(named('Service', 'apps', 'redis'))).toBe(false);
    expect(verifyManifests(loaded(manifests), mesh.declaredAccess()).mismatches).toEqual([]);
  });

  test('GIVEN an ingress NetworkPolicy removed THEN the network layer alone denies declared edges', () => {
    const report = verifyEdited((objects) => objects.filter((o) => !named('NetworkPolicy', 'shop', 'cartservice-ingress')(o)));
    const layers = new Set(report.mismatches.map((m) => m.layer));
    expect(layers).toEqual(new Set(['both', 'network', 'ingress']));
    expect(report.mismatches.every((m) => m.layer !== 'api' && m.request.to === 'shop/cartservice' && m.expected)).toBe(true);
  });

  test('GIVEN a policy without policyTypes whose egress list is empty THEN it is an ingress policy, also for the egress rules alone', () => {
    // The API server defaults policyTypes to Ingress, plus Egress only when there are egress rules
    // (pkg/apis/networking/v1/defaults.go): an empty list is none, and the policy does not touch the
    // egress of the pods it selects, here the ingress gateway's, which no other policy isolates.
    const { manifests, declared } = boutique();
    const gateway = declared.edges.map((edge) => edge.from).find((peer) => peer.kind === 'ingressGateway')!;
    const openIngress = {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'hand-written', namespace: gateway.namespace },
      spec: { podSelector: {}, ingress: [{}], egress: [] },
    };
    expect(verifyManifests(loaded([...manifests, openIngress]), declared).mismatches).toEqual([]);
  });

  test('GIVEN one side of an edge widened (ingress open to the whole namespace) THEN only the ingress rules alone show it', () => {
    // The other pods of shop still cannot send (their egress policies hold), so access is unchanged;
    // but a side wider than declared is a hole as soon as the other side changes.
    const report = verifyEdited((objects) => {
      objects.find(named('NetworkPolicy', 'shop', 'cartservice-ingress'))!.spec.ingress.push({ from: [{ podSelector: {} }] });
      return objects;
    });
    expect(new Set(report.mismatches.map((m) => m.layer))).toEqual(new Set(['ingress']));
    expect(report.mismatches.map(describeMismatch)).toContainEqual(expect.stringMatching(
      /^\[ingress\] shop\/paymentservice -> shop\/cartservice:7070\/TCP: declared denied, manifests allow/));
  });

  test('GIVEN the method restriction dropped from an AuthorizationPolicy THEN the mesh layer allows an undeclared method', () => {
    const report = verifyEdited((objects) => {
      const policy = objects.find(named('AuthorizationPolicy', 'shop', 'paymentservice-allow'))!;
      delete policy.spec.rules[0].to[0].operation.methods;
      return objects;
    });
    expect(report.mismatches.map(describeMismatch)).toContainEqual(expect.stringMatching(
      /^\[mesh\] shop\/checkoutservice -> shop\/paymentservice:50051\/TCP PATCH \/hipstershop.PaymentService\/Charge: declared denied, manifests allow/));
    expect(report.mismatches.every((m) => m.layer !== 'network')).toBe(true);
  });

  test('GIVEN the namespace-wide egress policies removed THEN its services may reach pods outside the declaration', () => {
    // Both select every pod for Egress, so either one alone keeps egress isolated.
    const report = verifyEdited((objects) => objects.filter((o) => !named('NetworkPolicy', 'ads', 'default-deny')(o) && !named('NetworkPolicy', 'ads', 'allow-platform-egress')(o)));
    const lines = report.mismatches.map(describeMismatch);
    expect(lines).toContainEqual(expect.stringMatching(/^\[both\] ads\/adservice -> mesh-policy-outsider\/outsider:8080\/TCP: declared denied, manifests allow/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[network\] ads\/adservice -> mesh-policy-outsider\/outsider:8080\/TCP: declared denied, manifests allow/));
    // ... and any address outside the cluster, on any port.
    expect(lines).toContainEqual(expect.stringMatching(/^\[network\] ads\/adservice -> ip:192\.0\.2\.123:65001\/TCP: declared denied, manifests allow/));
    expect(report.mismatches.every((m) => m.layer !== 'api' && m.layer !== 'mesh' && m.request.from === 'ads/adservice' && !m.expected)).toBe(true);
  });

  test('GIVEN an allow-nothing policy removed and a namespace made PERMISSIVE THEN plaintext from outside reaches through the mesh layer', () => {
    const report = verifyEdited((objects) => objects.filter((o) => !named('AuthorizationPolicy', 'data', 'allow-nothing')(o) && !named('AuthorizationPolicy', 'data', 'redis-cart-allow')(o)));
    expect(report.mismatches.some((m) => m.layer === 'mesh' && m.request.to === 'data/redis-cart' && !m.expected)).toBe(true);
  });

  test('GIVEN the RoleBinding dropped THEN the declared API grant is denied, and only it', () => {
    const report = verifyEdited((objects) => objects.filter((o) => !named('RoleBinding', 'data', 'api-access.shop.cartservice')(o)));
    expect(report.mismatches.map(describeMismatch)).toEqual([
      expect.stringMatching(/^\[api\] shop\/cartservice get secrets redis-cart-auth in data: declared allowed, manifests deny/),
    ]);
  });

  test('GIVEN the Role widened to every secret and to delete THEN RBAC allows undeclared API requests', () => {
    const report = verifyEdited((objects) => {
      const role = objects.find(named('Role', 'data', 'api-access.shop.cartservice'))!;
      delete role.rules[0].resourceNames;
      role.rules[0].verbs.push('delete');
      return objects;
    });
    const lines = report.mismatches.map(describeMismatch);
    expect(lines).toContainEqual(expect.stringMatching(/^\[api\] shop\/cartservice get secrets mesh-policy-probe in data: declared denied, manifests allow/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[api\] shop\/cartservice delete secrets redis-cart-auth in data: declared denied, manifests allow/));
    expect(report.mismatches.every((m) => m.layer === 'api' && !m.expected)).toBe(true);
  });

  test('GIVEN the binding subject without its namespace THEN it names an account in data, and the grant is lost', () => {
    const report = verifyEdited((objects) => {
      delete objects.find(named('RoleBinding', 'data', 'api-access.shop.cartservice'))!.subjects[0].namespace;
      return objects;
    });
    expect(report.mismatches.length).toBeGreaterThan(0);
    expect(report.mismatches.every((m) => m.layer === 'api' && m.expected && m.request.serviceAccount === 'shop/cartservice')).toBe(true);
  });

  test('GIVEN the API server egress dropped THEN the grant holder cannot reach the API server', () => {
    const report = verifyEdited((objects) => {
      const egress = objects.find(named('NetworkPolicy', 'shop', 'cartservice-egress'))!;
      egress.spec.egress = egress.spec.egress.filter((rule: Obj) => !rule.to.some((peer: Obj) => peer.ipBlock));
      return objects;
    });
    expect(report.mismatches.map(describeMismatch)).toEqual([
      expect.stringMatching(/^\[both\] shop\/cartservice -> ip:172\.18\.0\.2:6443\/TCP: declared allowed, manifests deny/),
      expect.stringMatching(/^\[network\] shop\/cartservice -> ip:172\.18\.0\.2:6443\/TCP: declared allowed, manifests deny/),
    ]);
  });

  test('GIVEN the API server egress given to every pod of a namespace THEN services without grants reach it too', () => {
    const report = verifyEdited((objects) => {
      const platform = objects.find(named('NetworkPolicy', 'web', 'allow-platform-egress'))!;
      platform.spec.egress.push({ to: [{ ipBlock: { cidr: '172.18.0.0/24' } }], ports: [{ port: 6443, protocol: 'TCP' }] });
      return objects;
    });
    expect(report.mismatches.map(describeMismatch)).toEqual(['both', 'network'].flatMap((layer) => ['frontend', 'loadgenerator'].map((service) =>
      expect.stringMatching(new RegExp(`^\\[${layer}\\] web/${service} -> ip:172\\.18\\.0\\.2:6443/TCP: declared denied, manifests allow`)))));
  });

  test('GIVEN the DNS rule dropped from a namespace THEN its services cannot resolve names', () => {
    const report = verifyEdited((objects) => {
      const platform = objects.find(named('NetworkPolicy', 'ads', 'allow-platform-egress'))!;
      platform.spec.egress = platform.spec.egress.filter((rule: Obj) => !rule.ports.some((port: Obj) => port.port === 53));
      return objects;
    });
    const lines = report.mismatches.map(describeMismatch);
    expect(lines).toContainEqual(expect.stringMatching(/^\[network\] ads\/adservice -> kube-system\/kube-dns:53\/UDP: declared allowed, manifests deny/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[network\] ads\/adservice -> kube-system\/kube-dns:53\/TCP: declared allowed, manifests deny/));
    expect(report.mismatches.every((m) => m.layer !== 'api' && m.request.from === 'ads/adservice' && m.expected)).toBe(true);
  });

  test('GIVEN DNS pods on 1053 and a node-local cache THEN the cache is probed on 53 and the pods on 1053, and the output verifies', () => {
    const mesh = new Mesh(Testing.app(), 'm', { dns: { port: 1053, cidrs: ['169.254.20.10/32'] } });
    mesh.addNamespace('web').addService('site', { ports: [MeshPort.http(8080, { name: 'http' })] });
    const toCache = egressProbes(mesh.declaredAccess()).filter((p) => p.request.to === 'ip:169.254.20.10');
    expect(toCache.filter((p) => p.network).map((p) => `${p.request.port}/${p.request.protocol}`)).toEqual(['53/TCP', '53/UDP']);
    expect(toCache.some((p) => p.request.port === 1053 && !p.network)).toBe(true);
    expect(verifyManifests(loaded(mesh.toManifests()), mesh.declaredAccess()).mismatches).toEqual([]);
  });

  test('GIVEN egress to an IP block with a hole THEN inside is allowed on the declared port only, the hole and other addresses are not', () => {
    const mesh = new Mesh(Testing.app(), 'm');
    const site = mesh.addNamespace('web').addService('site', { ports: [MeshPort.http(8080, { name: 'http' })] });
    site.allowTo(Peer.ipBlock('198.51.100.0/24', { except: ['198.51.100.0/28'], transport: PeerTransport.PLAINTEXT }), { ports: [MeshPort.tcp(5432, { name: 'postgres' })] });
    const questions = egressProbes(mesh.declaredAccess()).filter((p) => p.request.to.startsWith('ip:'));
    const allowed = questions.filter((p) => p.network).map((p) => `${p.request.to}:${p.request.port}/${p.request.protocol}`);
    expect(allowed).toEqual(['ip:198.51.100.16:5432/TCP']);
    expect(new Set(questions.map((p) => p.request.to))).toEqual(new Set(['ip:198.51.100.16', 'ip:198.51.100.1', 'ip:192.0.2.123']));
    expect(verifyManifests(loaded(mesh.toManifests()), mesh.declaredAccess()).mismatches).toEqual([]);
  });

  test('GIVEN a plaintext IP-block peer THEN its addresses are probed and allowed only on the declared port', () => {
    const mesh = new Mesh(Testing.app(), 'm');
    const ns = mesh.addNamespace('web');
    ns.addService('site', { ports: [MeshPort.http(8080, { name: 'http' }), MeshPort.tcp(9000, { name: 'tcp-admin' })] })
      .allowFrom(Peer.ipBlock('198.51.100.0/24', { except: ['198.51.100.0/28'], transport: PeerTransport.PLAINTEXT }), { ports: ['http'] });
    const questions = probes(mesh.declaredAccess()).filter((p) => p.request.from === 'ip:198.51.100.16');
    expect(questions.filter((q) => q.request.port === 8080).every((q) => q.network && q.mesh)).toBe(true);
    expect(questions.filter((q) => q.request.port === 9000).every((q) => !q.network && !q.mesh)).toBe(true);
    expect(verifyManifests(loaded(mesh.toManifests()), mesh.declaredAccess()).mismatches).toEqual([]);
  });
});

describe('verify: peers that are not declared services', () => {
  /** orders (HTTP 8080) lets in namespace monitoring (metrics), an MTLS IP block (a VM with a sidecar) and a plaintext one. */
  function peersMesh() {
    const mesh = new Mesh(Testing.app(), 'm');
    const orders = mesh.addNamespace('api').addService('orders', { ports: [MeshPort.http(8080, { name: 'http' }), MeshPort.tcp(9000, { name: 'tcp-admin' })] });
    orders.allowFrom(Peer.namespace('monitoring'), { ports: ['http'], paths: ['/metrics'] });
    orders.allowFrom(Peer.ipBlock('198.51.100.0/24', { transport: PeerTransport.MTLS }), { ports: ['http'] });
    return { manifests: mesh.toManifests() as unknown as Obj[], declared: mesh.declaredAccess() };
  }
  const verifyPeers = (edit: (objects: Obj[]) => Obj[] = (o) => o) => {
    const { manifests, declared } = peersMesh();
    return verifyManifests(loaded(edit(JSON.parse(JSON.stringify(manifests)))), declared);
  };
  /** Removes the peer from the NetworkPolicy rules (which merge peers) and the AuthorizationPolicy rules. */
  const dropPeer = (match: (peer: Obj) => boolean) => (objects: Obj[]) => {
    for (const o of objects) {
      if (named('NetworkPolicy', 'api', 'orders-ingress')(o)) for (const rule of o.spec.ingress) rule.from = rule.from.filter((peer: Obj) => !match(peer));
      if (named('AuthorizationPolicy', 'api', 'orders-allow')(o)) o.spec.rules = o.spec.rules.filter((rule: Obj) => !match(rule));
    }
    return objects;
  };
  type Found = ReturnType<typeof verifyPeers>['mismatches'][number];
  const from = (m: Found) => ('from' in m.request ? m.request.from : '');
  const to = (m: Found) => ('to' in m.request ? m.request.to : '');
  const fromMonitoring = (peer: Obj) => JSON.stringify(peer).includes('monitoring');
  const fromBlock = (peer: Obj) => JSON.stringify(peer).includes('198.51.100.0/24');

  test('GIVEN the manifests as synthesized THEN the namespace peer and the MTLS block are probed by stand-in pods and verify', () => {
    const { declared } = peersMesh();
    const asked = probes(declared).map((p) => p.request.from);
    expect(asked).toContain('monitoring/mesh-policy-probe');
    expect(asked).toContain('mesh-policy-mtls-peers/peer-0');
    expect(verifyPeers().mismatches).toEqual([]);
  });

  test('GIVEN the rules for Peer.namespace removed THEN verify names the lost edge', () => {
    const mismatches = verifyPeers(dropPeer(fromMonitoring)).mismatches;
    expect(mismatches.length).toBeGreaterThan(0);
    expect(mismatches.every((m) => from(m) === 'monitoring/mesh-policy-probe' && to(m) === 'api/orders' && m.expected)).toBe(true);
  });

  test('GIVEN the rules for the MTLS IP block removed THEN verify names the lost edge', () => {
    const mismatches = verifyPeers(dropPeer(fromBlock)).mismatches;
    // The meshed peer loses both layers; plaintext from the block only its NetworkPolicy side (Istio never let it in).
    expect(new Set(mismatches.filter((m) => from(m) === 'mesh-policy-mtls-peers/peer-0').map((m) => m.layer))).toEqual(new Set(['both', 'network', 'mesh', 'ingress']));
    expect(new Set(mismatches.filter((m) => from(m) === 'ip:198.51.100.1').map((m) => m.layer))).toEqual(new Set(['network']));
    expect(mismatches.every((m) => ['mesh-policy-mtls-peers/peer-0', 'ip:198.51.100.1'].includes(from(m)) && m.expected)).toBe(true);
  });

  test('GIVEN the MTLS block\'s port opened to plaintext (PERMISSIVE) THEN the plaintext probe from the block catches it', () => {
    const mismatches = verifyPeers((objects) => [...objects, {
      apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'orders-open', namespace: 'api' },
      spec: { selector: { matchLabels: { app: 'orders' } }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } },
    }]).mismatches;
    expect(mismatches.some((m) => from(m) === 'ip:198.51.100.1' && !m.expected && m.actual.allowed)).toBe(true);
  });
});

describe('verify: the except holes of IP-block peers', () => {
  test.each([PeerTransport.PLAINTEXT, PeerTransport.MTLS])('GIVEN a %s block whose hole was dropped from both layers THEN probes from inside the hole catch it', (transport) => {
    const mesh = new Mesh(Testing.app(), 'm');
    const orders = mesh.addNamespace('api').addService('orders', { ports: [MeshPort.http(8080, { name: 'http' })] });
    orders.allowFrom(Peer.ipBlock('198.51.100.0/24', { except: ['198.51.100.0/28'], transport }));
    const manifests = JSON.parse(JSON.stringify(mesh.toManifests())) as Obj[];
    expect(verifyManifests(loaded(manifests), mesh.declaredAccess()).mismatches).toEqual([]);
    // WHEN the hole disappears from the NetworkPolicy (except) and from the AuthorizationPolicy (notIpBlocks)
    const holeless = JSON.parse(JSON.stringify(manifests, (key, value) => (key === 'except' || key === 'notIpBlocks' ? undefined : value))) as Obj[];
    expect(JSON.stringify(holeless)).not.toContain('198.51.100.0/28');
    const mismatches = verifyManifests(loaded(holeless), mesh.declaredAccess()).mismatches;
    // THEN requests from inside the hole are allowed where the declaration denies them
    expect(mismatches.length).toBeGreaterThan(0);
    expect(mismatches.every((m) => !m.expected && m.actual.allowed)).toBe(true);
    expect(new Set(mismatches.map((m) => ('from' in m.request ? m.request.from : '')))).toEqual(
      new Set(transport === PeerTransport.MTLS ? ['ip:198.51.100.1', 'mesh-policy-mtls-peers/peer-0'] : ['ip:198.51.100.1']));
  });
});

describe('verify: IP blocks of any size and family', () => {
  /** Drops the destination's ingress NetworkPolicy and its ALLOW policy: nothing lets the block in any more. */
  const withoutIngress = (manifests: Obj[]) => manifests.filter((o) => !named('NetworkPolicy', 'api', 'orders-ingress')(o) && !named('AuthorizationPolicy', 'api', 'orders-allow')(o));
  const from = (m: ReturnType<typeof verifyManifests>['mismatches'][number]) => ('from' in m.request ? m.request.from : '');

  test.each([
    ['a /8 whose first /16 is excepted', '10.0.0.0/8', ['10.0.0.0/16'], 'ip:10.1.0.0'],
    ['an IPv6 /32 whose first /48 is excepted', '2001:db8::/32', ['2001:db8::/48'], 'ip:2001:db8:1::'],
  ])('GIVEN %s WHEN the manifests no longer let it in THEN a probe from inside the block catches it', (_case, cidr, except, inside) => {
    const mesh = new Mesh(Testing.app(), 'm');
    const orders = mesh.addNamespace('api').addService('orders', { ports: [MeshPort.http(8080, { name: 'http' })] });
    orders.allowFrom(Peer.ipBlock(cidr, { except, transport: PeerTransport.PLAINTEXT }));
    const manifests = mesh.toManifests() as unknown as Obj[];
    expect(verifyManifests(loaded(manifests), mesh.declaredAccess())).toMatchObject({ mismatches: [], notes: [] });
    // WHEN the rules that let the block in are gone
    const mismatches = verifyManifests(loaded(withoutIngress(manifests)), mesh.declaredAccess()).mismatches;
    // THEN the declared edge is denied from an address past the excepted ones
    expect(mismatches.length).toBeGreaterThan(0);
    expect(mismatches.every((m) => m.expected && !m.actual.allowed && from(m) === inside)).toBe(true);
  });

  test('GIVEN IPv6 blocks, in and out, WHEN their holes are dropped THEN probes from and to inside the holes catch it', () => {
    const mesh = new Mesh(Testing.app(), 'm');
    const orders = mesh.addNamespace('api').addService('orders', { ports: [MeshPort.http(8080, { name: 'http' })] });
    orders.allowFrom(Peer.ipBlock('2001:db8::/32', { except: ['2001:db8::/48'], transport: PeerTransport.PLAINTEXT }));
    orders.allowTo(Peer.ipBlock('2001:db8:1::/48', { except: ['2001:db8:1::/64'] }), { ports: [MeshPort.tcp(443)] });
    const manifests = JSON.parse(JSON.stringify(mesh.toManifests())) as Obj[];
    expect(verifyManifests(loaded(manifests), mesh.declaredAccess()).mismatches).toEqual([]);
    const holeless = JSON.parse(JSON.stringify(manifests, (key, value) => (key === 'except' || key === 'notIpBlocks' ? undefined : value))) as Obj[];
    const mismatches = verifyManifests(loaded(holeless), mesh.declaredAccess()).mismatches;
    expect(mismatches.every((m) => !m.expected && m.actual.allowed)).toBe(true);
    const requests = new Set(mismatches.map((m) => (m.layer === 'api' ? '' : `${m.request.from} -> ${m.request.to}`)));
    expect(requests).toEqual(new Set(['ip:2001:db8::1 -> api/orders', 'api/orders -> ip:2001:db8:1::1']));
  });

  test('GIVEN blocks whose exceptions together cover them THEN verify says so in its notes: only the exceptions can be probed', () => {
    const mesh = new Mesh(Testing.app(), 'm');
    const orders = mesh.addNamespace('api').addService('orders', { ports: [MeshPort.http(8080, { name: 'http' })] });
    orders.allowFrom(Peer.ipBlock('10.0.0.0/24', { except: ['10.0.0.0/25', '10.0.0.128/25'], transport: PeerTransport.PLAINTEXT }));
    orders.allowTo(Peer.ipBlock('2001:db8::/32', { except: ['2001:db8::/33', '2001:db8:8000::/33'] }), { ports: [MeshPort.tcp(443)] });
    const report = verifyManifests(loaded(mesh.toManifests() as unknown as Obj[]), mesh.declaredAccess());
    expect(report.mismatches).toEqual([]);
    expect(report.notes).toEqual([
      'ipBlock 10.0.0.0/24 except 10.0.0.0/25, 10.0.0.128/25 (from it to api/orders) has no address outside its except ranges: '
        + 'the declaration lets nothing through it, so only its except ranges were probed',
      'ipBlock 2001:db8::/32 except 2001:db8:8000::/33, 2001:db8::/33 (from api/orders to it) has no address outside its except ranges: '
        + 'the declaration lets nothing through it, so only its except ranges were probed',
    ]);
  });
});

describe('probe helpers', () => {
  test('Istio path patterns: exact, prefix, suffix and presence', () => {
    expect(istioPathMatches('/api/*', '/api/x')).toBe(true);
    expect(istioPathMatches('/api/*', '/apix')).toBe(false);
    expect(istioPathMatches('*.json', '/a/b.json')).toBe(true);
    expect(istioPathMatches('/health', '/health/')).toBe(false);
    expect(istioPathMatches('*', '/')).toBe(true);
  });

  test('an address inside a block skips its exceptions', () => {
    expect(addressInside('10.0.0.0/24', ['10.0.0.0/29'])).toBe('10.0.0.8');
    expect(addressInside('10.0.0.7/32', [])).toBe('10.0.0.7');
    expect(addressInside('10.0.0.6/31', [])).toBe('10.0.0.6');
  });

  test('an address inside a block is computed over the ranges, whatever the block\'s size and however many leading addresses are excepted', () => {
    expect(addressInside('10.0.0.0/8', ['10.0.0.0/16'])).toBe('10.1.0.0');
    // Holes out of order, overlapping and adjacent are passed in one walk.
    expect(addressInside('10.0.0.0/8', ['10.1.0.0/16', '10.0.128.0/17', '10.0.0.0/16', '10.1.255.0/24'])).toBe('10.2.0.0');
    expect(addressInside('0.0.0.0/0', ['0.0.0.0/1'])).toBe('128.0.0.0');
  });

  test('IPv6 blocks get an address too, in canonical text', () => {
    expect(addressInside('2001:db8::/32', [])).toBe('2001:db8::1');
    expect(addressInside('2001:db8::/32', ['2001:db8::/33'])).toBe('2001:db8:8000::');
    expect(addressInside('2001:db8::/32', ['2001:db8::/48'])).toBe('2001:db8:1::');
    expect(addressInside('::/0', ['::/1', '8000::/2'])).toBe('c000::');
    expect(addressInside('fd00:0:0:1::/64', ['fd00:0:0:1::/65'])).toBe('fd00:0:0:1:8000::');
  });

  test('a block that its exceptions cover has no address inside; the network address is the last choice', () => {
    expect(addressInside('10.0.0.0/24', ['10.0.0.0/25', '10.0.0.128/25'])).toBeUndefined();
    expect(addressInside('2001:db8::/32', ['2001:db8::/33', '2001:db8:8000::/33'])).toBeUndefined();
    expect(addressInside('10.0.0.0/30', ['10.0.0.1/32', '10.0.0.2/31'])).toBe('10.0.0.0');
  });
});

describe('verify: two ingress gateways', () => {
  /** site lets in the mesh's public gateway, admin an internal one in the same namespace. */
  function gatewaysMesh() {
    const mesh = new Mesh(Testing.app(), 'm', { ingressGateway: { namespace: 'gateways', serviceAccount: 'public', labels: { istio: 'public' } } });
    const web = mesh.addNamespace('web');
    web.addService('site', { ports: [MeshPort.http(8080, { name: 'http' })] }).allowFrom(Peer.ingressGateway());
    web.addService('admin', { ports: [MeshPort.http(8080, { name: 'http' })] }).allowFrom(Peer.ingressGateway({ serviceAccount: 'internal', labels: { istio: 'internal' } }));
    return { manifests: JSON.parse(JSON.stringify(mesh.toManifests())) as Obj[], declared: mesh.declaredAccess() };
  }

  test('GIVEN the manifests as synthesized THEN each gateway is stood in and reaches only its service, and verify agrees', () => {
    const { manifests, declared } = gatewaysMesh();
    const fromGateways = probes(declared).filter((p) => p.request.from.startsWith('gateways/')).map((p) => p.request.from);
    expect(new Set(fromGateways)).toEqual(new Set(['gateways/istio-ingressgateway', 'gateways/istio-ingressgateway-2']));
    expect(verifyManifests(loaded(manifests), declared).mismatches).toEqual([]);
  });

  test('GIVEN the internal gateway let into the public site too THEN verify names it', () => {
    const { manifests, declared } = gatewaysMesh();
    const site = manifests.find(named('AuthorizationPolicy', 'web', 'site-allow'))!;
    site.spec.rules[0].from[0].source.principals.push('cluster.local/ns/gateways/sa/internal');
    const ingress = manifests.find(named('NetworkPolicy', 'web', 'site-ingress'))!;
    ingress.spec.ingress[0].from.push({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateways' } }, podSelector: { matchLabels: { istio: 'internal' } } });
    const mismatches = verifyManifests(loaded(manifests), declared).mismatches;
    expect(mismatches.length).toBeGreaterThan(0);
    expect(mismatches.every((m) => 'from' in m.request && m.request.to === 'web/site' && !m.expected && m.actual.allowed)).toBe(true);
    // Only the internal gateway's stand-in (the first by name: internal < public) is let in where it should not be.
    expect(new Set(mismatches.map((m) => ('from' in m.request ? m.request.from : '')))).toEqual(new Set(['gateways/istio-ingressgateway']));
  });
});

describe('verify: egress to a namespace outside the mesh', () => {
  function databaseMesh() {
    const mesh = new Mesh(Testing.app(), 'm');
    const api = mesh.addNamespace('api');
    const orders = api.addService('orders', { ports: [MeshPort.http(8080, { name: 'http' })] });
    api.addService('reports', { ports: [MeshPort.http(8080, { name: 'http' })] });
    orders.allowTo(Peer.namespace('databases'), { ports: [MeshPort.tcp(5432)] });
    return { manifests: JSON.parse(JSON.stringify(mesh.toManifests())) as Obj[], declared: mesh.declaredAccess() };
  }

  test('GIVEN the manifests as synthesized THEN a stand-in pod there is reached on the declared port by the declaring service only, and verify agrees', () => {
    const { manifests, declared } = databaseMesh();
    const toDatabases = egressProbes(declared).filter((p) => p.request.to === 'databases/mesh-policy-probe');
    expect(toDatabases.filter((p) => p.network).map((p) => `${p.request.from}:${p.request.port}`)).toEqual(['api/orders:5432']);
    expect(toDatabases.map((p) => `${p.request.from}:${p.request.port}`)).toContain('api/reports:5432');
    expect(verifyManifests(loaded(manifests), declared).mismatches).toEqual([]);
  });

  test('GIVEN the egress rule widened to every port THEN the spare port probe catches it', () => {
    const { manifests, declared } = databaseMesh();
    delete manifests.find(named('NetworkPolicy', 'api', 'orders-egress'))!.spec.egress[0].ports;
    const lines = verifyManifests(loaded(manifests), declared).mismatches.map(describeMismatch);
    expect(lines).toContainEqual(expect.stringMatching(/^\[both\] api\/orders -> databases\/mesh-policy-probe:65001\/TCP: declared denied, manifests allow/));
  });
});

describe('verify: the sidecar metrics ports', () => {
  /** orders in api, with a Prometheus in monitoring declared as the mesh's metrics scraper. */
  function scrapedMesh(ports?: number[]) {
    const mesh = new Mesh(Testing.app(), 'm', { metricsScraper: { namespace: 'monitoring', ports } });
    mesh.addNamespace('api').addService('orders', { ports: [MeshPort.http(8080, { name: 'http' })] });
    return { manifests: JSON.parse(JSON.stringify(mesh.toManifests())) as Obj[], declared: mesh.declaredAccess() };
  }
  const fromScraper = (m: { request: object }) => 'from' in m.request && m.request.from === 'monitoring/metrics-scraper';

  test('GIVEN a declared scraper THEN it is stood in without a sidecar and reaches 15020 and 15090 of every service, and verify agrees', () => {
    const { manifests, declared } = scrapedMesh();
    expect(scraperProbes(declared).filter(fromScraper).map((p) => `${p.request.to}:${p.request.port} ${p.network}`)).toEqual(['api/orders:15020 true', 'api/orders:15090 true']);
    const report = verifyManifests(loaded(manifests), declared);
    expect(report.mismatches).toEqual([]);
  });

  test('GIVEN no scraper THEN the outsider is asked for the metrics ports, and default-deny keeps them closed', () => {
    const mesh = new Mesh(Testing.app(), 'm');
    mesh.addNamespace('api').addService('orders', { ports: [MeshPort.http(8080, { name: 'http' })] });
    const report = verifyManifests(loaded(mesh.toManifests()), mesh.declaredAccess());
    expect(report.mismatches).toEqual([]);
    // WHEN the namespace lets everyone in on 15020
    const opened = [...(JSON.parse(JSON.stringify(mesh.toManifests())) as Obj[]), {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'open-metrics', namespace: 'api' },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 15020, protocol: 'TCP' }] }] },
    }];
    const lines = verifyManifests(loaded(opened), mesh.declaredAccess()).mismatches.map(describeMismatch);
    // THEN the outsider's probe catches it, on NetworkPolicy (Istio never guards the port)
    expect(lines).toContainEqual(expect.stringMatching(/^\[both\] mesh-policy-outsider\/outsider -> api\/orders:15020\/TCP: declared denied, manifests allow/));
  });

  test('GIVEN the scraping policy dropped THEN the scraper is denied the declared ports', () => {
    const { manifests, declared } = scrapedMesh([15020]);
    // The scraper given 15020 only is asked for 15090 too, which must stay closed.
    expect(scraperProbes(declared).filter(fromScraper).map((p) => `${p.request.port} ${p.network}`)).toEqual(['15020 true', '15090 false']);
    expect(verifyManifests(loaded(manifests), declared).mismatches).toEqual([]);
    // WHEN the policy is dropped
    const mismatches = verifyManifests(loaded(manifests.filter((o) => !named('NetworkPolicy', 'api', 'allow-metrics-scraping')(o))), declared).mismatches;
    expect(mismatches.length).toBeGreaterThan(0);
    expect(mismatches.every((m) => fromScraper(m) && m.expected && 'port' in m.request && m.request.port === 15020)).toBe(true);
  });
});
