import { MeshPort, MtlsMode, Peer, PeerTransport } from '../../constructs';
import { findObject, hasObject, synth, testMesh } from '../support/mesh';

function shop(props = {}) {
  const mesh = testMesh(props);
  const web = mesh.addNamespace('web');
  const api = mesh.addNamespace('api');
  const frontend = web.addService('frontend', { ports: [MeshPort.http(80, { containerPort: 8080 })], serviceAccountName: 'frontend-sa' });
  const orders = api.addService('orders', { ports: [MeshPort.grpc(50051, { name: 'grpc' }), MeshPort.tcp(6379, { name: 'tcp-cache' })] });
  return { mesh, web, api, frontend, orders };
}

describe('Istio PeerAuthentication', () => {
  test('each namespace is STRICT by default', () => {
    const { mesh } = shop();
    const pa = findObject(synth(mesh), 'PeerAuthentication', 'api', 'default');
    expect(pa.apiVersion).toBe('security.istio.io/v1');
    expect(pa.spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  test('a PERMISSIVE mesh writes PERMISSIVE namespaces', () => {
    const { mesh } = shop({ mtls: MtlsMode.PERMISSIVE });
    expect(findObject(synth(mesh), 'PeerAuthentication', 'web', 'default').spec.mtls.mode).toBe('PERMISSIVE');
  });

  test('a plaintext IP-block peer gets a PERMISSIVE exception on exactly the container ports it may use', () => {
    const { mesh, frontend } = shop();
    frontend.allowFrom(Peer.ipBlock('192.0.2.0/24', { transport: PeerTransport.PLAINTEXT }));
    const pa = findObject(synth(mesh), 'PeerAuthentication', 'web', 'frontend-plaintext-ports');
    expect(pa.spec).toEqual({ selector: { matchLabels: { app: 'frontend' } }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } });
  });

  test('an IP-block peer that speaks mTLS needs no exception', () => {
    const { mesh, frontend } = shop();
    frontend.allowFrom(Peer.ipBlock('192.0.2.0/24', { transport: PeerTransport.MTLS }));
    expect(hasObject(synth(mesh), 'PeerAuthentication', 'web', 'frontend-plaintext-ports')).toBe(false);
  });
});

describe('Istio AuthorizationPolicy', () => {
  test('each namespace has an allow-nothing policy: an ALLOW policy without rules', () => {
    const { mesh } = shop();
    const ap = findObject(synth(mesh), 'AuthorizationPolicy', 'api', 'allow-nothing');
    expect(ap.spec).toEqual({});
  });

  test('a destination allows its consumers by principal, with the trust domain and the consumer SA namespace, on container ports as strings', () => {
    const { mesh, frontend, orders } = shop({ trustDomain: 'prod.example.com' });
    orders.allowFrom(frontend, { ports: ['grpc'] });
    const ap = findObject(synth(mesh), 'AuthorizationPolicy', 'api', 'orders-allow');
    expect(ap.spec).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: { app: 'orders' } },
      rules: [{
        from: [{ source: { principals: ['prod.example.com/ns/web/sa/frontend-sa'] } }],
        to: [{ operation: { ports: ['50051'] } }],
      }],
    });
  });

  test('methods and paths restrict an HTTP/gRPC edge, and by default cover only the HTTP/gRPC ports', () => {
    const { mesh, frontend, orders } = shop();
    orders.allowFrom(frontend, { methods: ['POST'], paths: ['/shop.Orders/*'] });
    const rules = findObject(synth(mesh), 'AuthorizationPolicy', 'api', 'orders-allow').spec.rules;
    expect(rules).toEqual([{
      from: [{ source: { principals: ['cluster.local/ns/web/sa/frontend-sa'] } }],
      to: [{ operation: { methods: ['POST'], paths: ['/shop.Orders/*'], ports: ['50051'] } }],
    }]);
  });

  test('a TCP edge carries no HTTP fields', () => {
    const { mesh, frontend, orders } = shop();
    orders.allowFrom(frontend, { ports: ['tcp-cache'] });
    const operation = findObject(synth(mesh), 'AuthorizationPolicy', 'api', 'orders-allow').spec.rules[0].to[0].operation;
    expect(operation).toEqual({ ports: ['6379'] });
  });

  test('callers allowed the same operation share one rule; different operations get separate rules', () => {
    const { mesh, api, frontend, orders } = shop();
    const billing = api.addService('billing');
    orders.allowFrom(frontend, { ports: ['grpc'] });
    orders.allowFrom(billing, { ports: ['grpc'] });
    orders.allowFrom(billing, { ports: ['tcp-cache'] });
    const rules = findObject(synth(mesh), 'AuthorizationPolicy', 'api', 'orders-allow').spec.rules;
    expect(rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/api/sa/billing', 'cluster.local/ns/web/sa/frontend-sa'] } }], to: [{ operation: { ports: ['50051'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/api/sa/billing'] } }], to: [{ operation: { ports: ['6379'] } }] },
    ]);
  });

  test('namespace, gateway and IP-block peers become namespaces, the gateway principal and ipBlocks', () => {
    const { mesh, web, orders } = shop();
    orders.allowFrom(web, { ports: ['grpc'] });
    orders.allowFrom(Peer.ingressGateway(), { ports: ['grpc'] });
    orders.allowFrom(Peer.ipBlock('198.51.100.0/24', { except: ['198.51.100.9/32'], transport: PeerTransport.PLAINTEXT }), { ports: ['grpc'] });
    const from = findObject(synth(mesh), 'AuthorizationPolicy', 'api', 'orders-allow').spec.rules[0].from;
    expect(from).toEqual([
      { source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } },
      { source: { namespaces: ['web'] } },
      { source: { ipBlocks: ['198.51.100.0/24'], notIpBlocks: ['198.51.100.9/32'] } },
    ]);
  });

  test('GIVEN a second gateway beside the mesh\'s WHEN both may call THEN each is allowed by its own principal and pod selector, and the mesh\'s named again merges', () => {
    const { mesh, orders } = shop();
    const internal = { namespace: 'istio-internal', serviceAccount: 'internal-gateway', labels: { istio: 'internal-gateway' } };
    orders.allowFrom(Peer.ingressGateway(), { ports: ['grpc'] });
    orders.allowFrom(Peer.ingressGateway(internal), { ports: ['grpc'] });
    // The mesh's gateway named by its settings is the same peer as Peer.ingressGateway().
    orders.allowFrom(Peer.ingressGateway({ namespace: 'istio-system' }), { ports: ['grpc'] });
    const objects = synth(mesh);
    expect(findObject(objects, 'AuthorizationPolicy', 'api', 'orders-allow').spec.rules).toEqual([{
      from: [{ source: { principals: ['cluster.local/ns/istio-internal/sa/internal-gateway', 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } }],
      to: [{ operation: { ports: ['50051'] } }],
    }]);
    expect(findObject(objects, 'NetworkPolicy', 'api', 'orders-ingress').spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { istio: 'ingressgateway' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-internal' } }, podSelector: { matchLabels: { istio: 'internal-gateway' } } },
    ]);
    expect(mesh.declaredAccess().edges.map((e) => e.from)).toEqual([
      { kind: 'ingressGateway', ...internal },
      { kind: 'ingressGateway', namespace: 'istio-system', serviceAccount: 'istio-ingressgateway-service-account', labels: { istio: 'ingressgateway' } },
    ]);
  });

  test('UDP ports are left out of Istio rules (sidecars do not intercept UDP)', () => {
    const mesh = testMesh();
    const ns = mesh.addNamespace('infra');
    const dns = ns.addService('dns', { ports: [MeshPort.udp(53), MeshPort.tcp(53, { name: 'tcp-dns' })] });
    dns.allowFrom(ns.addService('app'));
    const rules = findObject(synth(mesh), 'AuthorizationPolicy', 'infra', 'dns-allow').spec.rules;
    expect(rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/infra/sa/app'] } }], to: [{ operation: { ports: ['53'] } }] }]);
  });

  test('a destination with only UDP edges gets no AuthorizationPolicy', () => {
    const mesh = testMesh();
    const ns = mesh.addNamespace('infra');
    ns.addService('syslog', { ports: [MeshPort.udp(514)] }).allowFrom(ns.addService('app'));
    expect(hasObject(synth(mesh), 'AuthorizationPolicy', 'infra', 'syslog-allow')).toBe(false);
  });
});
