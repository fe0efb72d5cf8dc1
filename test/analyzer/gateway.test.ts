import { reach } from '../../analyzer';
import { explainMarkdown } from '../../analyzer/report/explain';
import {
  authorizationPolicy, deployment, inventoryOf, namespace, peerAuthentication, pod, service, verdict,
} from './support';

// Gateways: Istio proxies that serve their own listeners.
// - ATTACH: istio/istio pilot/pkg/model/policyattachment.go ShouldAttachPolicy (targetRefs name a
//   Gateway through the pods' gateway.networking.k8s.io/gateway-name label; selector policies still
//   apply to gateways while ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY, pilot/pkg/features/pilot.go, is on).
// - KUBE_GATEWAY: manifests/charts/istio-control/istio-discovery/files/kube-gateway.yaml (the Deployment
//   Istio renders for a Gateway API Gateway: sidecar.istio.io/inject=false, istio-proxy `proxy router`).
// - GATEWAY_TEMPLATE: files/gateway-injection-template.yaml (the `gateway` injection template of the
//   gateway Helm chart: router args, canonical labels, no security.istio.io/tlsMode label).
// - LISTENERS: pilot/pkg/networking/core/gateway.go (a gateway's server TLS comes from its Gateway's
//   servers, not from PeerAuthentication; buildGatewayConnectionManager: use_remote_address true and
//   XffNumTrustedHops = gatewayTopology.numTrustedProxies, where sidecars, listener_inbound.go, have
//   use_remote_address false). Envoy docs, http_conn_man/headers.rst "x-forwarded-for" (XFF): with
//   use_remote_address true and N trusted hops the trusted client address is the Nth XFF address from
//   the right, the connection's source when N = 0 or the header has fewer than N addresses.

const GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';

/** What Istio deploys for `Gateway edge` in namespace `ingress` (KUBE_GATEWAY). */
function gatewayAPIDeployment(annotations: Record<string, string> = {}): object {
  const labels = { [GATEWAY_NAME]: 'edge', 'sidecar.istio.io/inject': 'false' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'edge-istio', namespace: 'ingress' },
    spec: {
      selector: { matchLabels: { [GATEWAY_NAME]: 'edge' } },
      template: {
        metadata: { labels, annotations },
        spec: {
          serviceAccountName: 'edge-istio',
          containers: [{ name: 'istio-proxy', image: 'proxyv2', args: ['proxy', 'router', '--domain', 'ingress.svc.cluster.local'], ports: [{ containerPort: 80, name: 'http' }] }],
        },
      },
    },
  };
}

const targetingGateway = (name: string, extra: object = {}) => ({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name, ...extra }] });
const denyFromOutside = { action: 'DENY', rules: [{ from: [{ source: { ipBlocks: ['0.0.0.0/0'] } }] }] };

/** The gateway, a meshed backend behind STRICT mTLS in another namespace, and a meshed client beside the gateway. */
function cluster(extra: readonly object[] = []): object[] {
  return [
    namespace('ingress', { 'istio-injection': 'enabled' }),
    namespace('shop', { 'istio-injection': 'enabled' }),
    gatewayAPIDeployment(),
    service('ingress/edge-istio', [['http', 80]], { [GATEWAY_NAME]: 'edge' }),
    deployment('ingress/sidecar-app', { ports: [{ port: 8080 }] }),
    service('ingress/sidecar-app', [['http', 8080]]),
    deployment('shop/web', { ports: [{ port: 8080 }] }),
    service('shop/web', [['http', 8080]]),
    peerAuthentication('shop/default', { mtls: { mode: 'STRICT' } }),
    ...extra,
  ];
}

describe('gateway proxies', () => {
  test('KUBE_GATEWAY: a pod whose istio-proxy runs `proxy router` is a gateway even with injection turned off', () => {
    const gateway = inventoryOf(cluster()).workloads.find((w) => w.id === 'ingress/edge-istio');
    expect(gateway?.sidecar).toMatchObject({ injected: true, gateway: true });
    expect(gateway?.sidecar.because).toContain('proxy router');
    // Labels are its own: nothing is injected, so no tlsMode label appears.
    expect(gateway?.labels.get('security.istio.io/tlsMode')).toBeUndefined();
  });

  test('GATEWAY_TEMPLATE: the gateway injection template makes a gateway that gets canonical labels and no tlsMode', () => {
    const inventory = inventoryOf([
      namespace('ingress'),
      pod('ingress/gw', { labels: { app: 'gw', 'sidecar.istio.io/inject': 'true' }, annotations: { 'inject.istio.io/templates': 'gateway' } }),
      pod('ingress/plain', { labels: { app: 'plain', 'sidecar.istio.io/inject': 'true' } }),
    ]);
    const [gw, plain] = ['ingress/gw', 'ingress/plain'].map((id) => inventory.workloads.find((w) => w.id === id));
    expect(gw?.sidecar).toMatchObject({ injected: true, gateway: true, template: 'gateway' });
    expect(gw?.labels.get('service.istio.io/canonical-name')).toBe('gw');
    expect(gw?.labels.has('security.istio.io/tlsMode')).toBe(false);
    expect(plain?.sidecar).toMatchObject({ injected: true, gateway: false, template: 'sidecar' });
    expect(plain?.labels.get('security.istio.io/tlsMode')).toBe('istio');
  });

  test('INJECT: a pod that already runs its sidecar (istioctl kube-inject, a cluster dump) has one without a webhook', () => {
    const injected = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'legacy', namespace: 'plain', labels: { app: 'legacy' } },
      spec: { containers: [{ name: 'app', image: 'x' }, { name: 'istio-proxy', image: 'proxyv2', args: ['proxy', 'sidecar', '--domain', 'plain.svc.cluster.local'] }] },
    };
    const [workload] = inventoryOf([namespace('plain'), injected]).workloads;
    expect(workload.sidecar).toMatchObject({ injected: true, gateway: false });
    expect(workload.sidecar.template).toBeUndefined();
  });

  test('a gateway sends mTLS with its own identity: STRICT admits it and principals name it', () => {
    const allowGateway = authorizationPolicy('shop/web', {
      selector: { matchLabels: { app: 'web' } },
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/ingress/sa/edge-istio'] } }] }],
    });
    const result = verdict(cluster([allowGateway]), { from: 'ingress/edge-istio', to: 'shop/web', port: 8080, method: 'GET', path: '/' });
    expect(result.allowed).toBe(true);
    expect(result.reason).toContain('AuthorizationPolicy/shop/web');
  });

  test('a gateway dials upstreams itself: sidecar capture annotations on its pod do not make it plaintext', () => {
    const objects = cluster().map((o) => (o as { kind: string }).kind === 'Deployment' && (o as { metadata: { name: string } }).metadata.name === 'edge-istio'
      ? gatewayAPIDeployment({ 'traffic.sidecar.istio.io/excludeOutboundPorts': '8080' }) : o);
    expect(verdict(objects, { from: 'ingress/edge-istio', to: 'shop/web', port: 8080 }).allowed).toBe(true);
  });

  test('LISTENERS: PeerAuthentication STRICT does not apply to a gateway\'s listeners; it still rejects plaintext to a sidecar beside it', () => {
    const objects = cluster([peerAuthentication('ingress/default', { mtls: { mode: 'STRICT' } })]);
    const atGateway = verdict(objects, { from: 'ip:203.0.113.9', to: 'ingress/edge-istio', port: 80 });
    expect(atGateway).toMatchObject({ allowed: true });
    expect(atGateway.reason).toContain('is a gateway');
    expect(verdict(objects, { from: 'ip:203.0.113.9', to: 'ingress/sidecar-app', port: 8080 })).toMatchObject({ allowed: false, layer: 'mesh' });
  });

  test('ATTACH: a policy whose targetRefs name the Gateway applies to its pods, and not to sidecars of the namespace', () => {
    const objects = cluster([authorizationPolicy('ingress/block-outside', { ...targetingGateway('edge'), ...denyFromOutside })]);
    const atGateway = verdict(objects, { from: 'ip:203.0.113.9', to: 'ingress/edge-istio', port: 80, method: 'GET', path: '/' });
    expect(atGateway).toMatchObject({ allowed: false, layer: 'mesh' });
    expect(atGateway.reason).toContain('AuthorizationPolicy/ingress/block-outside');
    // The sidecar beside it ignores targetRefs policies: the meshed client is let in.
    expect(verdict(objects, { from: 'ingress/edge-istio', to: 'ingress/sidecar-app', port: 8080 }).allowed).toBe(true);
  });

  test('ATTACH: the legacy singular targetRef attaches like targetRefs', () => {
    const legacy = { targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' }, ...denyFromOutside };
    expect(verdict(cluster([authorizationPolicy('ingress/legacy', legacy)]), { from: 'ip:203.0.113.9', to: 'ingress/edge-istio', port: 80 }).allowed).toBe(false);
  });

  test.each([
    ['another Gateway', targetingGateway('other')],
    ['the gateway\'s Service', { targetRefs: [{ group: '', kind: 'Service', name: 'edge-istio' }] }],
    ['a Gateway of another API group', { targetRefs: [{ group: 'networking.istio.io', kind: 'Gateway', name: 'edge' }] }],
    ['the Gateway in another namespace', targetingGateway('edge', { namespace: 'shop' })],
  ])('ATTACH: targetRefs naming %s do not attach', (_, refs) => {
    const result = verdict(cluster([authorizationPolicy('ingress/miss', { ...refs, ...denyFromOutside })]), { from: 'ip:203.0.113.9', to: 'ingress/edge-istio', port: 80 });
    expect(result.allowed).toBe(true);
  });

  test('ATTACH: a root-namespace policy with targetRefs reaches no gateway outside the root namespace', () => {
    const objects = cluster([namespace('istio-system'), authorizationPolicy('istio-system/mesh-gateways', { ...targetingGateway('edge'), ...denyFromOutside })]);
    expect(verdict(objects, { from: 'ip:203.0.113.9', to: 'ingress/edge-istio', port: 80 }).allowed).toBe(true);
  });

  test('ATTACH: selector policies apply to Gateway API gateways too (ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY defaults to true)', () => {
    const bySelector = authorizationPolicy('ingress/by-selector', { selector: { matchLabels: { [GATEWAY_NAME]: 'edge' } }, ...denyFromOutside });
    expect(verdict(cluster([bySelector]), { from: 'ip:203.0.113.9', to: 'ingress/edge-istio', port: 80 }).allowed).toBe(false);
  });

  test('clients send a gateway plaintext (no tlsMode label), so an ALLOW rule on principals does not admit a meshed client', () => {
    const principalsOnly = authorizationPolicy('ingress/mesh-only', {
      ...targetingGateway('edge'),
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/ingress/sa/sidecar-app'] } }] }],
    });
    const result = verdict(cluster([principalsOnly]), { from: 'ingress/sidecar-app', to: 'ingress/edge-istio', port: 80, method: 'GET', path: '/' });
    expect(result).toMatchObject({ allowed: false, layer: 'mesh' });
    expect(result.reason).toContain('AuthorizationPolicy/ingress/mesh-only');
  });

  test('reach agrees with check on a gateway that a targetRefs policy guards', () => {
    const allowPaths = authorizationPolicy('ingress/paths', { ...targetingGateway('edge'), rules: [{ to: [{ operation: { paths: ['/public/*'] } }] }] });
    const report = reach(inventoryOf(cluster([allowPaths])));
    const edge = report.allowed.find((e) => e.from === 'ingress/sidecar-app' && e.to === 'ingress/edge-istio' && e.port === 80);
    expect(edge?.http).toBeDefined();
    expect(JSON.stringify(edge?.http)).toContain('/public/*');
  });

  test('reach agrees with check on a gateway whose Service names the port TCP (the listener protocol comes from the Gateway)', () => {
    const objects = cluster([authorizationPolicy('ingress/get-only', { ...targetingGateway('edge'), rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })])
      .map((o) => ((o as { kind: string; metadata: { name: string } }).kind === 'Service' && (o as { metadata: { name: string } }).metadata.name === 'edge-istio'
        ? service('ingress/edge-istio', [['tcp-web', 80]], { [GATEWAY_NAME]: 'edge' }) : o));
    expect(verdict(objects, { from: 'ingress/sidecar-app', to: 'ingress/edge-istio', port: 80, method: 'GET', path: '/' }).allowed).toBe(true);
    const edge = reach(inventoryOf(objects)).allowed.find((e) => e.from === 'ingress/sidecar-app' && e.to === 'ingress/edge-istio');
    expect(JSON.stringify(edge?.http)).toContain('GET');
  });

  test('reports name gateways: reach marks them, explain\'s wide-open table says "gateway" instead of "yes"', () => {
    const report = reach(inventoryOf(cluster()));
    expect(report.workloads.find((w) => w.id === 'ingress/edge-istio')).toMatchObject({ sidecar: true, gateway: true });
    expect(report.workloads.find((w) => w.id === 'ingress/sidecar-app')?.gateway).toBeUndefined();
    const markdown = explainMarkdown(report);
    expect(markdown).toMatch(/\| ingress\/edge-istio \| open: [^|]+\| open: [^|]+\| gateway \|/);
    expect(markdown).toMatch(/\| ingress\/sidecar-app \| open: [^|]+\| open: [^|]+\| yes \|/);
  });

  describe('LISTENERS + XFF: remoteIpBlocks at a gateway', () => {
    const denyRemote = authorizationPolicy('ingress/deny-remote', { ...targetingGateway('edge'), action: 'DENY', rules: [{ from: [{ source: { remoteIpBlocks: ['198.51.100.0/24'] } }] }] });
    const meshConfig = (defaultConfig: string) => ({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: `defaultConfig:\n${defaultConfig}` },
    });
    const fromOutside = (ip: string, xff?: string) => ({
      from: `ip:${ip}`, to: 'ingress/edge-istio', port: 80, method: 'GET', path: '/', ...(xff ? { headers: { 'x-forwarded-for': xff } } : {}),
    });

    test('without trusted proxies the gateway ignores X-Forwarded-For: the connection\'s address decides', () => {
      const objects = cluster([denyRemote]);
      expect(verdict(objects, fromOutside('203.0.113.7', '198.51.100.9')).allowed).toBe(true);
      expect(verdict(objects, fromOutside('198.51.100.9', '203.0.113.7')).allowed).toBe(false);
    });

    test('XFF: a sidecar beside it (use_remote_address false) takes the rightmost address', () => {
      const denySidecar = authorizationPolicy('ingress/deny-remote-app', { selector: { matchLabels: { app: 'sidecar-app' } }, action: 'DENY', rules: [{ from: [{ source: { remoteIpBlocks: ['198.51.100.0/24'] } }] }] });
      const request = { from: 'ip:203.0.113.7', to: 'ingress/sidecar-app', port: 8080, method: 'GET', path: '/', headers: { 'x-forwarded-for': '198.51.100.9' } };
      expect(verdict(cluster([denySidecar, peerAuthentication('ingress/permissive', { mtls: { mode: 'PERMISSIVE' } })]), request).allowed).toBe(false);
    });

    test('numTrustedProxies N from the mesh defaultConfig: the Nth address from the right, else the connection', () => {
      const one = cluster([denyRemote, meshConfig('  gatewayTopology:\n    numTrustedProxies: 1\n')]);
      expect(verdict(one, fromOutside('203.0.113.7', '192.0.2.1, 198.51.100.9')).allowed).toBe(false);
      expect(verdict(one, fromOutside('203.0.113.7', '198.51.100.9, 192.0.2.1')).allowed).toBe(true);
      const two = cluster([denyRemote, meshConfig('  gatewayTopology:\n    numTrustedProxies: 2\n')]);
      expect(verdict(two, fromOutside('203.0.113.7', '198.51.100.9, 192.0.2.1')).allowed).toBe(false);
      // Fewer addresses than trusted hops: the connection's source.
      expect(verdict(two, fromOutside('198.51.100.9', '192.0.2.1')).allowed).toBe(false);
      expect(verdict(two, fromOutside('203.0.113.7', '198.51.100.9')).allowed).toBe(true);
    });

    test('the pod\'s proxy.istio.io/config annotation wins over the mesh default', () => {
      const annotated = cluster([denyRemote, meshConfig('  gatewayTopology:\n    numTrustedProxies: 1\n')]).map((o) => (o as { kind: string; metadata: { name: string } }).kind === 'Deployment'
        && (o as { metadata: { name: string } }).metadata.name === 'edge-istio' ? gatewayAPIDeployment({ 'proxy.istio.io/config': '{"gatewayTopology": {"numTrustedProxies": 0}}' }) : o);
      expect(verdict(annotated, fromOutside('203.0.113.7', '198.51.100.9')).allowed).toBe(true);
    });

    test('an annotation gatewayTopology without numTrustedProxies replaces the default\'s whole (0 hops); a quoted count counts', () => {
      const annotated = (config: string) => cluster([denyRemote, meshConfig('  gatewayTopology:\n    numTrustedProxies: 1\n')])
        .map((o) => ((o as { kind: string; metadata: { name: string } }).kind === 'Deployment' && (o as { metadata: { name: string } }).metadata.name === 'edge-istio'
          ? gatewayAPIDeployment({ 'proxy.istio.io/config': config }) : o));
      expect(verdict(annotated('{"gatewayTopology": {"forwardClientCertDetails": "SANITIZE"}}'), fromOutside('203.0.113.7', '198.51.100.9')).allowed).toBe(true);
      expect(verdict(annotated('{"gatewayTopology": {"numTrustedProxies": "1"}}'), fromOutside('203.0.113.7', '198.51.100.9')).allowed).toBe(false);
      // Other settings leave the mesh default (1 hop) in place.
      expect(verdict(annotated('{"concurrency": 2}'), fromOutside('203.0.113.7', '198.51.100.9')).allowed).toBe(false);
    });

    test('reach: with no trusted proxy, the remote address of every request is the connection\'s, so no X-Forwarded-For condition appears', () => {
      const allowRemote = authorizationPolicy('ingress/allow-remote', { ...targetingGateway('edge'), rules: [{ from: [{ source: { remoteIpBlocks: ['0.0.0.0/0'] } }] }] });
      const report = reach(inventoryOf(cluster([allowRemote])));
      const edge = report.allowed.find((e) => e.from === 'ingress/sidecar-app' && e.to === 'ingress/edge-istio');
      expect(edge).toBeDefined();
      expect(edge?.http).toBeUndefined();
    });
  });
});
