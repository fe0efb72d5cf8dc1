import * as http from 'http';
import { FakeApiServer, startFakeApiServer } from '../support/fake-apiserver';

/** A GET through node's http client, so that these tests see the wire format, not client-node's models. */
function get(server: FakeApiServer, path: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    http.get(`${server.url}${path}`, (response) => {
      let text = '';
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

let server: FakeApiServer;

beforeEach(async () => {
  server = await startFakeApiServer([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: 'shop' }, spec: { podSelector: {}, ingress: [{ from: [], ports: [{ port: 80 }] }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-2', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'shop' }, spec: { mtls: { mode: 'STRICT' } } },
  ]);
});

afterEach(async () => {
  await server.close();
});

describe('the stand-in API server', () => {
  test('lists built-in kinds as a typed List whose items carry no kind or apiVersion', async () => {
    const { status, body } = await get(server, '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies');
    expect(status).toBe(200);
    expect(body.kind).toBe('NetworkPolicyList');
    expect(body.apiVersion).toBe('networking.k8s.io/v1');
    expect(body.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(body.items).toHaveLength(1);
    expect(body.items[0].kind).toBeUndefined();
    expect(body.items[0].apiVersion).toBeUndefined();
  });

  test('stores objects with server-side metadata, defaults, and empty lists dropped', async () => {
    const { body: policy } = await get(server, '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/web');
    expect(policy.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(policy.metadata.creationTimestamp).toBe('2025-01-01T00:00:00Z');
    expect(policy.metadata.managedFields[0].manager).toBe('kubectl-client-side-apply');
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([{ ports: [{ port: 80, protocol: 'TCP' }] }]);
    const { body: service } = await get(server, '/api/v1/namespaces/shop/services/web');
    expect(service.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] });
    expect(service.spec.clusterIP).toMatch(/^10\.96\./);
    const { body: pod } = await get(server, '/api/v1/namespaces/shop/pods/web-1');
    expect(pod.spec.serviceAccountName).toBe('default');
    expect(pod.status.podIP).toMatch(/^10\.244\./);
    const { body: namespace } = await get(server, '/api/v1/namespaces/shop');
    expect(namespace.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'shop' });
  });

  test('lists custom resources with their kind and apiVersion, cluster-wide too', async () => {
    const { body } = await get(server, '/apis/security.istio.io/v1/peerauthentications');
    expect(body.kind).toBe('PeerAuthenticationList');
    expect(body.items.map((item: any) => `${item.apiVersion} ${item.kind} ${item.metadata.namespace}/${item.metadata.name}`))
      .toEqual(['security.istio.io/v1 PeerAuthentication shop/default']);
  });

  test('pages with limit and continue', async () => {
    const first = await get(server, '/api/v1/pods?limit=1');
    expect(first.body.items.map((pod: any) => pod.metadata.name)).toEqual(['web-1']);
    expect(first.body.metadata.continue).toBeDefined();
    const second = await get(server, `/api/v1/pods?limit=1&continue=${first.body.metadata.continue}`);
    expect(second.body.items.map((pod: any) => pod.metadata.name)).toEqual(['web-2']);
    expect(second.body.metadata.continue).toBeUndefined();
  });

  test('answers 404 Status objects for unknown resources and objects', async () => {
    const unknown = await get(server, '/apis/example.com/v1/widgets');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404,
    });
    const missing = await get(server, '/api/v1/namespaces/shop/configmaps/istio');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'configmaps "istio" not found', details: { name: 'istio', kind: 'configmaps' } });
  });
});
