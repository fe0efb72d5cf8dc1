import { MeshPort, Peer, PeerTransport } from '../../constructs';
import { findObject, hasObject, synth, testMesh } from '../support/mesh';

/** Two namespaces, a consumer in `web` and a gRPC destination in `api`. */
function webAndApi(props = {}) {
  const mesh = testMesh(props);
  const web = mesh.addNamespace('web');
  const api = mesh.addNamespace('api');
  const frontend = web.addService('frontend', { ports: [MeshPort.http(8080)] });
  const orders = api.addService('orders', { ports: [MeshPort.grpc(50051, { name: 'grpc' }), MeshPort.http(80, { name: 'http-metrics', containerPort: 9090 })] });
  return { mesh, web, api, frontend, orders };
}

describe('NetworkPolicy', () => {
  test('every mesh namespace denies all ingress and egress by default', () => {
    const { mesh } = webAndApi();
    const policy = findObject(synth(mesh), 'NetworkPolicy', 'api', 'default-deny');
    expect(policy.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('every pod keeps egress to DNS over UDP and TCP and to the control plane', () => {
    const { mesh } = webAndApi({ dns: { port: 1053 }, controlPlane: { namespace: 'mesh-system', port: 15013 } });
    const policy = findObject(synth(mesh), 'NetworkPolicy', 'web', 'allow-platform-egress');
    expect(policy.spec.podSelector).toEqual({});
    expect(policy.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: 1053, protocol: 'UDP' }, { port: 1053, protocol: 'TCP' }],
      },
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mesh-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }],
        ports: [{ port: 15013, protocol: 'TCP' }],
      },
    ]);
  });

  test('a node-local DNS cache address is opened for DNS next to the DNS pods', () => {
    const { mesh } = webAndApi({ dns: { cidrs: ['169.254.20.10/32'] } });
    const dnsRule = findObject(synth(mesh), 'NetworkPolicy', 'web', 'allow-platform-egress').spec.egress[0];
    expect(dnsRule.to).toContainEqual({ ipBlock: { cidr: '169.254.20.10/32' } });
    expect(dnsRule.ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
  });

  test('GIVEN a metrics scraper WHEN synthesized THEN every pod of every mesh namespace lets its pods in on the sidecar metrics ports only', () => {
    const { mesh } = webAndApi({ metricsScraper: { namespace: 'monitoring' } });
    const objects = synth(mesh);
    for (const namespace of ['web', 'api']) {
      const policy = findObject(objects, 'NetworkPolicy', namespace, 'allow-metrics-scraping');
      expect(policy.spec).toEqual({
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
          ports: [{ port: 15020, protocol: 'TCP' }, { port: 15090, protocol: 'TCP' }],
        }],
      });
    }
  });

  test('GIVEN a metrics scraper with its own labels and one port THEN only that port is opened to those pods', () => {
    const { mesh } = webAndApi({ metricsScraper: { namespace: 'istio-system', labels: { app: 'prometheus' }, ports: [15020] } });
    const rule = findObject(synth(mesh), 'NetworkPolicy', 'api', 'allow-metrics-scraping').spec.ingress[0];
    expect(rule.from[0].podSelector).toEqual({ matchLabels: { app: 'prometheus' } });
    expect(rule.ports).toEqual([{ port: 15020, protocol: 'TCP' }]);
  });

  test('GIVEN no metrics scraper THEN no scraping policy is written (default-deny keeps the metrics ports closed)', () => {
    const { mesh } = webAndApi();
    expect(hasObject(synth(mesh), 'NetworkPolicy', 'api', 'allow-metrics-scraping')).toBe(false);
  });

  test('GIVEN DNS pods on another port than 53 and a node-local cache WHEN synthesized THEN the pods are opened on their port and the cache on 53, where pods send queries', () => {
    const { mesh } = webAndApi({ dns: { port: 1053, cidrs: ['169.254.20.10/32', '10.96.0.10/32'] } });
    const [podsRule, cacheRule] = findObject(synth(mesh), 'NetworkPolicy', 'web', 'allow-platform-egress').spec.egress;
    expect(podsRule).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ port: 1053, protocol: 'UDP' }, { port: 1053, protocol: 'TCP' }],
    });
    expect(cacheRule).toEqual({
      to: [{ ipBlock: { cidr: '10.96.0.10/32' } }, { ipBlock: { cidr: '169.254.20.10/32' } }],
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
    });
  });

  test('GIVEN allowTo a namespace outside the mesh WHEN synthesized THEN the consumer\'s egress opens its pods on the given ports, and nothing is written there', () => {
    const { mesh, frontend } = webAndApi();
    frontend.allowTo(Peer.namespace('databases'), { ports: [MeshPort.tcp(5432), MeshPort.tcp(6432, { name: 'pgbouncer' })] });
    const objects = synth(mesh);
    expect(findObject(objects, 'NetworkPolicy', 'web', 'frontend-egress').spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'databases' } } }],
      ports: [{ port: 5432, protocol: 'TCP' }, { port: 6432, protocol: 'TCP' }],
    }]);
    expect(objects.filter((o) => o.metadata.namespace === 'databases')).toEqual([]);
  });

  test('a cross-namespace edge opens ingress on the destination for the consumer pods of that namespace, on container ports', () => {
    const { mesh, frontend, orders } = webAndApi();
    orders.allowFrom(frontend, { ports: ['http-metrics'] });
    const policy = findObject(synth(mesh), 'NetworkPolicy', 'api', 'orders-ingress');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'orders' } });
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } }, podSelector: { matchLabels: { app: 'frontend' } } }],
      ports: [{ port: 9090, protocol: 'TCP' }],
    }]);
  });

  test('the same edge opens egress on the consumer to the destination pods', () => {
    const { mesh, frontend, orders } = webAndApi();
    orders.allowFrom(frontend, { ports: ['grpc'] });
    const policy = findObject(synth(mesh), 'NetworkPolicy', 'web', 'frontend-egress');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'frontend' } });
    expect(policy.spec.policyTypes).toEqual(['Egress']);
    expect(policy.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'api' } }, podSelector: { matchLabels: { app: 'orders' } } }],
      ports: [{ port: 50051, protocol: 'TCP' }],
    }]);
  });

  test('without ports, an edge opens every port of the destination', () => {
    const { mesh, frontend, orders } = webAndApi();
    frontend.allowTo(orders);
    const ingress = findObject(synth(mesh), 'NetworkPolicy', 'api', 'orders-ingress');
    expect(ingress.spec.ingress[0].ports).toEqual([{ port: 9090, protocol: 'TCP' }, { port: 50051, protocol: 'TCP' }]);
  });

  test('consumers on the same ports are aggregated into one rule, consumers on other ports get their own', () => {
    const { mesh, web, api, frontend, orders } = webAndApi();
    const admin = web.addService('admin');
    const billing = api.addService('billing');
    orders.allowFrom(frontend, { ports: ['grpc'] });
    orders.allowFrom(billing, { ports: ['grpc'] });
    orders.allowFrom(admin, { ports: ['http-metrics'] });
    const rules = findObject(synth(mesh), 'NetworkPolicy', 'api', 'orders-ingress').spec.ingress;
    expect(rules).toHaveLength(2);
    const grpcRule = rules.find((r: any) => r.ports[0].port === 50051);
    expect(grpcRule.from).toHaveLength(2);
    expect(grpcRule.from).toContainEqual({ podSelector: { matchLabels: { app: 'billing' } } });
  });

  test('a consumer in the same namespace is selected by pod labels alone', () => {
    const { mesh, api, orders } = webAndApi();
    orders.allowFrom(api.addService('billing'), { ports: ['grpc'] });
    const rule = findObject(synth(mesh), 'NetworkPolicy', 'api', 'orders-ingress').spec.ingress[0];
    expect(rule.from).toEqual([{ podSelector: { matchLabels: { app: 'billing' } } }]);
  });

  test('a whole-namespace peer is selected by the namespace name label and gets a namespace-wide egress policy', () => {
    const { mesh, web, orders } = webAndApi();
    orders.allowFrom(web, { ports: ['grpc'] });
    const objects = synth(mesh);
    expect(findObject(objects, 'NetworkPolicy', 'api', 'orders-ingress').spec.ingress[0].from)
      .toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } } }]);
    const egress = findObject(objects, 'NetworkPolicy', 'web', 'namespace-egress');
    expect(egress.spec.podSelector).toEqual({});
    expect(egress.spec.egress[0].to[0].podSelector).toEqual({ matchLabels: { app: 'orders' } });
  });

  test('the ingress gateway is selected by its namespace and labels', () => {
    const { mesh, frontend } = webAndApi({ ingressGateway: { namespace: 'gateways', labels: { istio: 'public-gw' } } });
    frontend.allowFrom(Peer.ingressGateway());
    expect(findObject(synth(mesh), 'NetworkPolicy', 'web', 'frontend-ingress').spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateways' } }, podSelector: { matchLabels: { istio: 'public-gw' } } },
    ]);
  });

  test('an IP-block peer is rendered with its exceptions', () => {
    const { mesh, frontend } = webAndApi();
    frontend.allowFrom(Peer.ipBlock('203.0.113.0/24', { except: ['203.0.113.128/25'], transport: PeerTransport.PLAINTEXT }));
    expect(findObject(synth(mesh), 'NetworkPolicy', 'web', 'frontend-ingress').spec.ingress[0].from)
      .toEqual([{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }]);
  });

  test('UDP ports are opened with protocol UDP, never as TCP', () => {
    const mesh = testMesh();
    const ns = mesh.addNamespace('infra');
    const syslog = ns.addService('syslog', { ports: [MeshPort.udp(514)] });
    syslog.allowFrom(ns.addService('app'));
    expect(findObject(synth(mesh), 'NetworkPolicy', 'infra', 'syslog-ingress').spec.ingress[0].ports).toEqual([{ port: 514, protocol: 'UDP' }]);
  });

  test('allowTo an IP block opens egress to it on the given ports only', () => {
    const { mesh, frontend } = webAndApi();
    frontend.allowTo(Peer.ipBlock('198.51.100.7/32'), { ports: [MeshPort.tcp(443)] });
    expect(findObject(synth(mesh), 'NetworkPolicy', 'web', 'frontend-egress').spec.egress)
      .toEqual([{ to: [{ ipBlock: { cidr: '198.51.100.7/32' } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
  });

  test('a service without consumers gets no ingress policy and one without destinations no egress policy', () => {
    const { mesh } = webAndApi();
    const objects = synth(mesh);
    expect(hasObject(objects, 'NetworkPolicy', 'api', 'orders-ingress')).toBe(false);
    expect(hasObject(objects, 'NetworkPolicy', 'web', 'frontend-egress')).toBe(false);
  });

  test('no rule ever has an empty peer list or port 0', () => {
    const { mesh, web, frontend, orders } = webAndApi();
    orders.allowFrom(frontend);
    orders.allowFrom(web, { ports: ['grpc'] });
    frontend.allowFrom(Peer.ingressGateway());
    for (const policy of synth(mesh).filter((o) => o.kind === 'NetworkPolicy')) {
      for (const rule of [...(policy.spec.ingress ?? []), ...(policy.spec.egress ?? [])]) {
        expect((rule.from ?? rule.to).length).toBeGreaterThan(0);
        for (const port of rule.ports) expect(port.port).toBeGreaterThan(0);
      }
    }
  });
});
