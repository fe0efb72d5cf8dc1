import { MeshPort, Ownership, PortProtocol } from '../../constructs';
import { findObject, hasObject, synth, testMesh } from '../support/mesh';

describe('namespaces, service accounts and services', () => {
  test('a mesh namespace is emitted with the sidecar injection label and the common labels', () => {
    // GIVEN
    const mesh = testMesh({}, 'shop');
    mesh.addNamespace('web', { labels: { team: 'storefront' } });
    // WHEN
    const ns = findObject(synth(mesh), 'Namespace', undefined, 'web');
    // THEN
    expect(ns.metadata.labels).toEqual({
      'istio-injection': 'enabled',
      'team': 'storefront',
      'app.kubernetes.io/managed-by': 'cdk8s-mesh-policy',
      'app.kubernetes.io/part-of': 'shop',
    });
  });

  test('with a control plane revision, namespaces are labelled istio.io/rev instead of istio-injection', () => {
    const mesh = testMesh({ controlPlane: { revision: '1-30' } });
    mesh.addNamespace('web');
    const labels = findObject(synth(mesh), 'Namespace', undefined, 'web').metadata.labels!;
    expect(labels['istio.io/rev']).toBe('1-30');
    expect(labels['istio-injection']).toBeUndefined();
  });

  test('an external namespace is not emitted, but its policies are', () => {
    const mesh = testMesh();
    mesh.addNamespace('legacy', { ownership: Ownership.EXTERNAL }).addService('db', { ports: [MeshPort.tcp(5432)] });
    const objects = synth(mesh);
    expect(hasObject(objects, 'Namespace', undefined, 'legacy')).toBe(false);
    expect(hasObject(objects, 'NetworkPolicy', 'legacy', 'default-deny')).toBe(true);
  });

  test('a service gets a Service with named ports, container ports as targetPort and appProtocol', () => {
    const mesh = testMesh();
    mesh.addNamespace('api').addService('orders', {
      ports: [MeshPort.grpc(50051), MeshPort.http(80, { name: 'http-admin', containerPort: 8080 }), MeshPort.udp(514)],
    });
    const service = findObject(synth(mesh), 'Service', 'api', 'orders');
    expect(service.spec.selector).toEqual({ app: 'orders' });
    expect(service.spec.ports).toEqual([
      { name: 'http-admin', port: 80, targetPort: 8080, protocol: 'TCP', appProtocol: 'http' },
      { name: 'udp-514', port: 514, targetPort: 514, protocol: 'UDP' },
      { name: 'grpc-50051', port: 50051, targetPort: 50051, protocol: 'TCP', appProtocol: 'grpc' },
    ]);
  });

  test('a service without ports gets a ServiceAccount but no Service', () => {
    const mesh = testMesh();
    mesh.addNamespace('load').addService('loadgenerator');
    const objects = synth(mesh);
    expect(hasObject(objects, 'Service', 'load', 'loadgenerator')).toBe(false);
    expect(hasObject(objects, 'ServiceAccount', 'load', 'loadgenerator')).toBe(true);
  });

  test('a ServiceAccount does not mount its token unless the service holds an API grant', () => {
    const mesh = testMesh({ apiServer: { cidrs: ['10.0.0.1/32'] } });
    const ns = mesh.addNamespace('ops');
    ns.addService('reader', { serviceAccountName: 'reader-sa' }).grantApi(ns, { resources: ['configmaps'], verbs: ['get'] });
    ns.addService('idle');
    const objects = synth(mesh);
    expect(findObject(objects, 'ServiceAccount', 'ops', 'reader-sa').automountServiceAccountToken).toBe(true);
    expect(findObject(objects, 'ServiceAccount', 'ops', 'idle').automountServiceAccountToken).toBe(false);
  });

  test('an external service emits neither Service nor ServiceAccount but is protected', () => {
    const mesh = testMesh();
    const ns = mesh.addNamespace('data');
    const db = ns.addService('postgres', { ports: [MeshPort.tcp(5432)], ownership: Ownership.EXTERNAL, selector: { 'app.kubernetes.io/name': 'postgresql' } });
    db.allowFrom(ns.addService('app'));
    const objects = synth(mesh);
    expect(hasObject(objects, 'Service', 'data', 'postgres')).toBe(false);
    expect(hasObject(objects, 'ServiceAccount', 'data', 'postgres')).toBe(false);
    expect(findObject(objects, 'NetworkPolicy', 'data', 'postgres-ingress').spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'postgresql' } });
  });

  test('fqdn and principal follow the cluster domain and the trust domain', () => {
    const mesh = testMesh({ clusterDomain: 'corp.internal', trustDomain: 'prod.example.com' });
    const orders = mesh.addNamespace('api').addService('orders', { serviceAccountName: 'orders-sa' });
    expect(orders.fqdn).toBe('orders.api.svc.corp.internal');
    expect(orders.principal).toBe('prod.example.com/ns/api/sa/orders-sa');
  });

  test('port names default to the Istio protocol prefix and the port; protocols map to transports', () => {
    expect(MeshPort.grpc(50051).name).toBe('grpc-50051');
    expect(MeshPort.http2(8443).name).toBe('http2-8443');
    expect(MeshPort.udp(53).transport).toBe('UDP');
    expect(MeshPort.tcp(5432).isHttp).toBe(false);
    expect(MeshPort.grpc(1).protocol).toBe(PortProtocol.GRPC);
  });

  test('port(name) finds a declared port and names the choices when it fails', () => {
    const mesh = testMesh();
    const orders = mesh.addNamespace('api').addService('orders', { ports: [MeshPort.grpc(50051, { name: 'grpc' })] });
    expect(orders.port('grpc').containerPort).toBe(50051);
    expect(() => orders.port('http')).toThrow(/test\/api\/orders: no port named 'http' \(ports: grpc\)/);
  });
});
