import { reach } from '../../analyzer';
import { authorizationPolicy, deployment, inventoryOf, namespace, peerAuthentication, service, verdict } from './support';

// Which traffic goes through a sidecar, and when a meshed client still sends plaintext. Sources (istio/istio):
// TEMPLATE  manifests/charts/istio-control/istio-discovery/files/injection-template.yaml (istio-init -b -d -o -q -x;
//           15090, 15021 and the status port always excluded from inbound capture)
// IPTABLES  tools/istio-iptables/pkg/capture/run.go (handleInboundPortsInclude, ISTIO_OUTPUT exclusions before inclusions)
// TLS       pilot/pkg/networking/core/cluster_tls.go buildUpstreamTLSSettings (auto mTLS off: no TLS),
//           pilot/pkg/xds/endpoints/mtls_checker.go (endpoints need security.istio.io/tlsMode=istio)
// PASSTHRU  pilot/pkg/model/push_context.go BestEffortInferServiceMTLSMode (headless Services)
// CONFLICT  pilot/pkg/networking/core/listener_inbound.go getFilterChainsByServicePort ("we will use the oldest Service")

const STRICT = peerAuthentication('shop/default', { mtls: { mode: 'STRICT' } });
const ALLOW_NOTHING = authorizationPolicy('shop/allow-nothing', {});
const legacy = [namespace('legacy'), deployment('legacy/client')];
const meshed = namespace('shop', { 'istio-injection': 'enabled' });

/** shop/api with ports 8080 (Service "http") and 9090 (Service "http-admin"), annotated as given. */
function api(annotations: Record<string, string> = {}): object[] {
  return [
    deployment('shop/api', { ports: [{ port: 8080 }, { port: 9090 }, { port: 15020 }], annotations }),
    service('shop/api', [['http', 80, 8080], ['http-admin', 9090]]),
  ];
}

const fromLegacy = (port: number) => ({ from: 'legacy/client', to: 'shop/api', port });
const fromWeb = (port: number) => ({ from: 'shop/web', to: 'shop/api', port });

describe('TEMPLATE + IPTABLES: inbound capture', () => {
  test('an excluded inbound port meets no mesh policy: plaintext passes STRICT and allow-nothing', () => {
    const objects = [meshed, STRICT, ALLOW_NOTHING, ...api({ 'traffic.sidecar.istio.io/excludeInboundPorts': '9090' }), ...legacy];
    expect(verdict(objects, fromLegacy(9090))).toEqual({
      allowed: true, layer: null,
      reason: expect.stringContaining('the sidecar of shop/api does not capture it (port 9090 is excluded from inbound capture'),
    });
    expect(verdict(objects, fromLegacy(8080)).allowed).toBe(false);
    // istiod does not read the annotation: a meshed client still sends mTLS to the Service port.
    expect(verdict([...objects, deployment('shop/web')], fromWeb(9090))).toEqual({
      allowed: false, layer: 'mesh',
      reason: 'the client sidecar sends mTLS, but the sidecar of shop/api does not capture port 9090 (port 9090 is excluded from inbound capture (traffic.sidecar.istio.io/excludeInboundPorts, or a port of the proxy itself)), so the application gets TLS it cannot read',
    });
  });

  test('the status port 15020 is never captured', () => {
    expect(verdict([meshed, STRICT, ALLOW_NOTHING, ...api(), ...legacy], fromLegacy(15020)).allowed).toBe(true);
  });

  test('includeInboundPorts with a list captures only those ports; "" captures none', () => {
    const only8080 = [meshed, STRICT, ALLOW_NOTHING, ...api({ 'traffic.sidecar.istio.io/includeInboundPorts': '8080' }), ...legacy];
    expect([verdict(only8080, fromLegacy(8080)).allowed, verdict(only8080, fromLegacy(9090)).allowed]).toEqual([false, true]);
    const none = [meshed, STRICT, ALLOW_NOTHING, ...api({ 'traffic.sidecar.istio.io/includeInboundPorts': '' }), ...legacy];
    expect(verdict(none, fromLegacy(8080)).allowed).toBe(true);
  });

  test('an empty includeInboundPorts is not an absent one, within one inventory too (reach groups workloads and shares capture answers by annotations)', () => {
    // Same labels and service account: only the annotation tells the two apart.
    const alike = { ports: [{ port: 8080 }], labels: { app: 'api' }, serviceAccount: 'api' };
    const objects = [meshed, STRICT, ALLOW_NOTHING, ...legacy,
      deployment('shop/open', { ...alike, annotations: { 'traffic.sidecar.istio.io/includeInboundPorts': '' } }),
      deployment('shop/closed', alike)];
    const allowed = reach(inventoryOf(objects)).allowed.filter((edge) => edge.from === 'legacy/client').map((edge) => edge.to);
    expect(allowed).toEqual(['shop/open']);
  });

  test('interceptionMode NONE: nothing is captured, inbound or outbound', () => {
    const none = { 'sidecar.istio.io/interceptionMode': 'NONE' };
    expect(verdict([meshed, STRICT, ALLOW_NOTHING, ...api(none), ...legacy], fromLegacy(8080)).allowed).toBe(true);
    const client = deployment('shop/web', { annotations: none });
    expect(verdict([meshed, STRICT, client, ...api()], fromWeb(8080)).reason).toContain('the sidecar of shop/web does not capture the connection');
  });
});

describe('TEMPLATE + IPTABLES: outbound capture of the client', () => {
  test('excludeOutboundPorts names the port the client dials (the Service port 80), not the container port', () => {
    const byServicePort = deployment('shop/web', { annotations: { 'traffic.sidecar.istio.io/excludeOutboundPorts': '80' } });
    expect(verdict([meshed, STRICT, byServicePort, ...api()], fromWeb(8080)).reason)
      .toBe('PeerAuthentication STRICT (PeerAuthentication/shop/default) on shop/api port 8080 rejects plaintext: '
        + 'the sidecar of shop/web does not capture the connection (port 80 is in traffic.sidecar.istio.io/excludeOutboundPorts)');
    const byContainerPort = deployment('shop/web', { annotations: { 'traffic.sidecar.istio.io/excludeOutboundPorts': '8080' } });
    expect(verdict([meshed, STRICT, byContainerPort, ...api()], fromWeb(8080)).allowed).toBe(true);
  });

  test('excludeOutboundIPRanges 0.0.0.0/0 sends everything around the sidecar, includeOutboundPorts or not; with no included ranges only included ports are captured', () => {
    const excluded = { 'traffic.sidecar.istio.io/excludeOutboundIPRanges': '0.0.0.0/0' };
    expect(verdict([meshed, STRICT, deployment('shop/web', { annotations: excluded }), ...api()], fromWeb(8080)).allowed).toBe(false);
    // Exclusions come first in ISTIO_OUTPUT: the included port does not help against an excluded range.
    const both = { ...excluded, 'traffic.sidecar.istio.io/includeOutboundPorts': '80' };
    expect(verdict([meshed, STRICT, deployment('shop/web', { annotations: both }), ...api()], fromWeb(8080)).allowed).toBe(false);
    const emptyRanges = { 'traffic.sidecar.istio.io/includeOutboundIPRanges': '', 'traffic.sidecar.istio.io/includeOutboundPorts': '80' };
    expect(verdict([meshed, STRICT, deployment('shop/web', { annotations: emptyRanges }), ...api()], fromWeb(8080)).allowed).toBe(true);
  });
});

describe('TLS: when auto mTLS sends plaintext from a capturing client', () => {
  const principalOnly = authorizationPolicy('shop/api', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }] }] });

  test('enableAutoMtls: false in the mesh config: plaintext, so no principal', () => {
    const meshConfig = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'enableAutoMtls: false\n' } };
    const objects = [meshed, deployment('shop/web'), ...api(), principalOnly];
    expect(verdict(objects, fromWeb(8080)).allowed).toBe(true);
    expect(verdict([...objects, meshConfig], fromWeb(8080))).toMatchObject({ allowed: false, layer: 'mesh' });
  });

  test('a destination pod labelled security.istio.io/tlsMode other than istio gets plaintext', () => {
    const disabled = deployment('shop/api', { labels: { app: 'api', 'security.istio.io/tlsMode': 'disabled' }, ports: [{ port: 8080 }] });
    const result = verdict([meshed, STRICT, deployment('shop/web'), disabled, service('shop/api', [['http', 8080]])], fromWeb(8080));
    expect(result.reason).toContain('shop/api is labelled security.istio.io/tlsMode=disabled, so auto mTLS sends it plaintext');
  });

  test('TLS: a pod without sidecar but labelled tlsMode=istio gets mTLS from meshed clients (the label is what auto mTLS reads), which its application cannot read', () => {
    const optedOut = deployment('shop/api', { labels: { app: 'api', 'sidecar.istio.io/inject': 'false', 'security.istio.io/tlsMode': 'istio' }, ports: [{ port: 8080 }] });
    const objects = [meshed, ...legacy, deployment('shop/web'), optedOut, service('shop/api', [['http', 8080]])];
    expect(verdict(objects, fromWeb(8080))).toMatchObject({ allowed: false, reason: expect.stringContaining('which the application cannot read') });
    expect(verdict(objects, fromLegacy(8080)).allowed).toBe(true);
  });

  test('PASSTHRU: a headless Service with an endpoint without sidecar gets plaintext, for its meshed endpoints too; other tlsMode values do not count', () => {
    const headless = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' }, spec: { clusterIP: 'None', selector: { role: 'db' }, ports: [{ name: 'tcp', port: 5432 }] } };
    const member = (name: string, podLabels: Record<string, string> = {}) => deployment(`shop/${name}`, { labels: { app: name, role: 'db', ...podLabels }, ports: [{ port: 5432 }] });
    const request = { from: 'shop/web', to: 'shop/db-a', port: 5432 };
    const objects = [meshed, STRICT, deployment('shop/web'), headless, member('db-a')];
    expect(verdict(objects, request).allowed).toBe(true);
    const mixed = [...objects, member('db-b', { 'sidecar.istio.io/inject': 'false' })];
    expect(verdict(mixed, request).reason).toContain('headless Service/shop/db has shop/db-b as endpoint, which does no mTLS');
    // A headless cluster's TLS is one setting for all endpoints: tlsMode "foo" is not "disabled", so mTLS even to it.
    const odd = [...objects, member('db-b', { 'security.istio.io/tlsMode': 'foo' })];
    expect([verdict(odd, request).allowed, verdict(odd, { ...request, to: 'shop/db-b' }).allowed]).toEqual([true, true]);
  });

  test('PASSTHRU + TLS: a workload DISABLE does not stop mTLS to a headless Service\'s endpoint (no per-endpoint check), and its listener cannot read it', () => {
    const headless = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'tcp', port: 5432 }] } };
    const disable = peerAuthentication('shop/db', { selector: { matchLabels: { app: 'db' } }, mtls: { mode: 'DISABLE' } });
    const objects = [meshed, ...legacy, deployment('shop/web'), deployment('shop/db', { ports: [{ port: 5432 }] }), disable];
    const fromWebToDb = { from: 'shop/web', to: 'shop/db', port: 5432 };
    expect(verdict([...objects, headless], fromWebToDb)).toMatchObject({ allowed: false, reason: expect.stringContaining('accepts plaintext only') });
    expect(verdict([...objects, headless], { ...fromWebToDb, from: 'legacy/client' }).allowed).toBe(true);
    // Behind a ClusterIP Service the endpoint is marked mTLS-disabled: the client sends plaintext.
    expect(verdict([...objects, service('shop/db', [['tcp', 5432]])], fromWebToDb).allowed).toBe(true);
  });
});

describe('CONVERSION: a TCP Service port named udp-* is UDP for Istio', () => {
  test('no outbound listener, so the meshed client sends plaintext, which STRICT rejects', () => {
    const objects = [meshed, STRICT, deployment('shop/web'), deployment('shop/api', { ports: [{ port: 8080 }] }), service('shop/api', [['udp-stats', 8080]])];
    expect(verdict(objects, fromWeb(8080)).reason).toContain('the Service port for shop/api port 8080 is named or marked udp, so Istio gives it no listener');
  });
});

describe('native sidecars (init containers with restartPolicy Always) serve ports too', () => {
  test('a Service\'s named targetPort found on a native sidecar is declared, so the client gets mTLS', () => {
    const withSidecar = (restartPolicy?: string) => ({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: {
        serviceAccountName: 'api', containers: [{ name: 'main', image: 'x' }],
        initContainers: [{ name: 'proxy', image: 'y', ...(restartPolicy ? { restartPolicy } : {}), ports: [{ name: 'web', containerPort: 9090 }] }],
      } } },
    });
    const objects = (restartPolicy?: string) => [meshed, STRICT, deployment('shop/web'), withSidecar(restartPolicy), service('shop/api', [['http', 80, 'web']])];
    expect(verdict(objects('Always'), fromWeb(9090)).allowed).toBe(true);
    // A plain init container has ended before the pod serves: its port is no target.
    expect(verdict(objects(), fromWeb(9090)).allowed).toBe(false);
  });
});

describe('CONFLICT: two Services in front of one port', () => {
  const methodsOnly = authorizationPolicy('shop/api', { selector: { matchLabels: { app: 'api' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] });
  const twoServices = (tcpCreated: string, httpCreated: string) => [
    meshed, deployment('shop/web'), deployment('shop/api', { ports: [{ port: 8080 }] }), methodsOnly,
    { ...service('shop/raw', [['tcp-main', 8080]], { app: 'api' }), metadata: { name: 'raw', namespace: 'shop', creationTimestamp: tcpCreated } },
    { ...service('shop/web-api', [['http', 8080]], { app: 'api' }), metadata: { name: 'web-api', namespace: 'shop', creationTimestamp: httpCreated } },
  ];

  test('the oldest Service decides the protocol of the port', () => {
    const get = { ...fromWeb(8080), method: 'GET', path: '/' };
    expect(verdict(twoServices('2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'), get).allowed).toBe(false);
    expect(verdict(twoServices('2025-01-01T00:00:00Z', '2024-01-01T00:00:00Z'), get).allowed).toBe(true);
  });
});

describe('reach agrees with check on captured and bypassed ports', () => {
  test('an excluded port is reachable by plaintext sources (a meshed one sends mTLS the application cannot read), a captured one by none under allow-nothing', () => {
    const objects = [meshed, STRICT, ALLOW_NOTHING, deployment('shop/web'), ...api({ 'traffic.sidecar.istio.io/excludeInboundPorts': '9090' }), ...legacy];
    const report = reach(inventoryOf(objects));
    const toApi = report.allowed.filter((edge) => edge.to === 'shop/api').map((edge) => `${edge.from} ${edge.port}`);
    // 15020 (status port) bypasses the sidecar too; no Service declares it, so shop/web sends plaintext there.
    expect(toApi.sort()).toEqual(['legacy/client 15020', 'legacy/client 9090', 'shop/web 15020']);
  });
});
