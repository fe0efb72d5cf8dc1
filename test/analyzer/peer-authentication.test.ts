import { authorizationPolicy, deployment, meshedPair, namespace, peerAuthentication, service, verdict } from './support';

// PeerAuthentication: https://istio.io/latest/docs/reference/config/security/peer_authentication/ (DOCS) and
// istio/istio pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication (COMPOSE).
// Mutual TLS needs a sidecar on both ends and a Service declaring the port (auto mTLS:
// istio/istio pilot/pkg/xds/endpoints/mtls_checker.go; tests/integration/security/pass_through_filter_chain_test.go).

const legacyClient = [namespace('legacy'), deployment('legacy/client')];
const plaintextRequest = { from: 'legacy/client', to: 'shop/api', port: 8080, method: 'GET', path: '/' };
const strict = (id: string, extra: object = {}) => peerAuthentication(id, { mtls: { mode: 'STRICT' }, ...extra });

describe('PeerAuthentication', () => {
  test('DOCS: without any PeerAuthentication the mode is PERMISSIVE and plaintext is accepted', () => {
    expect(verdict([...meshedPair(), ...legacyClient], plaintextRequest).allowed).toBe(true);
  });

  test('DOCS: STRICT rejects plaintext, naming the deciding policy', () => {
    const result = verdict([...meshedPair([strict('shop/default')]), ...legacyClient], plaintextRequest);
    expect(result).toEqual({
      allowed: false,
      layer: 'mesh',
      reason: expect.stringContaining('PeerAuthentication STRICT (PeerAuthentication/shop/default) on shop/api port 8080 rejects plaintext'),
    });
  });

  test('STRICT accepts a meshed client: both ends have sidecars and a Service declares the port', () => {
    expect(verdict(meshedPair([strict('shop/default')]), { from: 'shop/web', to: 'shop/api', port: 8080 }).allowed).toBe(true);
  });

  test('a port no Service declares gets plaintext even from a meshed client, which STRICT rejects', () => {
    const objects = meshedPair([strict('shop/default')]).filter((o) => (o as { kind: string }).kind !== 'Service');
    const result = verdict(objects, { from: 'shop/web', to: 'shop/api', port: 8080 });
    expect(result.reason).toContain('no Service declares port 8080 of shop/api');
  });

  test('COMPOSE: the root-namespace policy without selector is mesh-wide', () => {
    const objects = [...meshedPair([namespace('istio-system'), strict('istio-system/default')]), ...legacyClient];
    expect(verdict(objects, plaintextRequest).allowed).toBe(false);
  });

  test('COMPOSE: --root-namespace moves the mesh-wide level', () => {
    const objects = [...meshedPair([strict('mesh-root/default')]), ...legacyClient];
    expect(verdict(objects, plaintextRequest).allowed).toBe(true);
    expect(verdict(objects, plaintextRequest, { rootNamespace: 'mesh-root' }).allowed).toBe(false);
  });

  test('COMPOSE: a namespace policy overrides the mesh policy', () => {
    const objects = [...meshedPair([strict('istio-system/default'), peerAuthentication('shop/default', { mtls: { mode: 'PERMISSIVE' } })]), ...legacyClient];
    expect(verdict(objects, plaintextRequest).allowed).toBe(true);
  });

  test('COMPOSE: a workload policy (with selector) overrides the namespace policy', () => {
    const workload = peerAuthentication('shop/api', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'PERMISSIVE' } });
    expect(verdict([...meshedPair([strict('shop/default'), workload]), ...legacyClient], plaintextRequest).allowed).toBe(true);
  });

  test('COMPOSE: UNSET inherits from the level above (a mesh UNSET stays PERMISSIVE)', () => {
    const objects = [
      ...meshedPair([peerAuthentication('istio-system/default', { mtls: { mode: 'UNSET' } }), strict('shop/default'),
        peerAuthentication('shop/api', { selector: { matchLabels: { app: 'api' } }, mtls: {} })]),
      ...legacyClient,
    ];
    expect(verdict(objects, plaintextRequest).allowed).toBe(false);
  });

  test('COMPOSE: a selector policy in the root namespace is ignored', () => {
    const rootWithSelector = strict('istio-system/api', { selector: { matchLabels: { app: 'api' } } });
    expect(verdict([...meshedPair([rootWithSelector]), ...legacyClient], plaintextRequest).allowed).toBe(true);
  });

  test('DOCS portLevelMtls: keyed by the container (target) port, not the Service port', () => {
    const objects = [
      namespace('shop', { 'istio-injection': 'enabled' }),
      deployment('shop/api', { ports: [{ port: 8080 }] }),
      service('shop/api', [['http', 80, 8080]]),
      strict('shop/default'),
      peerAuthentication('shop/api', { selector: { matchLabels: { app: 'api' } }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } }),
      ...legacyClient,
    ];
    expect(verdict(objects, plaintextRequest).allowed).toBe(true);
  });

  test('COMPOSE: a port-level UNSET inherits the workload mode', () => {
    const objects = [
      ...meshedPair([strict('shop/api', { selector: { matchLabels: { app: 'api' } }, portLevelMtls: { 8080: { mode: 'UNSET' } } })]),
      ...legacyClient,
    ];
    expect(verdict(objects, plaintextRequest).allowed).toBe(false);
  });

  test('a destination without sidecar enforces nothing, whatever its namespace policy says', () => {
    const objects = [namespace('plain'), deployment('plain/api', { ports: [{ port: 8080 }] }), strict('plain/default'), ...legacyClient];
    expect(verdict(objects, { from: 'legacy/client', to: 'plain/api', port: 8080 }).reason).toContain('plain/api has no sidecar');
  });

  // AUTO_MTLS istio/istio pilot/pkg/model/push_context.go BestEffortInferServiceMTLSMode reads only
  // GetNamespaceMutualTLSMode (authentication.go); cluster_tls.go buildAutoMtlsSettings sends no TLS when
  // that mode is DISABLE (istio/istio#56084: mesh DISABLE + workload STRICT resets connections).
  describe('AUTO_MTLS: the client sidecar follows the namespace and mesh mode only', () => {
    const meshedClient = { from: 'shop/web', to: 'shop/api', port: 8080 };
    const workloadPolicy = (mode: string) => peerAuthentication('shop/api', { selector: { matchLabels: { app: 'api' } }, mtls: { mode } });
    const namespaceDisable = peerAuthentication('shop/default', { mtls: { mode: 'DISABLE' } });

    test('a namespace DISABLE makes meshed clients send plaintext, which a workload STRICT rejects', () => {
      const result = verdict(meshedPair([namespaceDisable, workloadPolicy('STRICT')]), meshedClient);
      expect(result).toEqual({
        allowed: false,
        layer: 'mesh',
        reason: 'PeerAuthentication STRICT (PeerAuthentication/shop/api) on shop/api port 8080 rejects plaintext: '
          + 'PeerAuthentication/shop/default disables mTLS for namespace shop, so client sidecars send plaintext (auto mTLS does not read workload policies)',
      });
    });

    test('under a workload PERMISSIVE the plaintext request passes but carries no identity for principals', () => {
      const allowWeb = authorizationPolicy('shop/allow-web', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }] }] });
      expect(verdict(meshedPair([namespaceDisable, workloadPolicy('PERMISSIVE'), allowWeb]), meshedClient).allowed).toBe(false);
      expect(verdict(meshedPair([workloadPolicy('PERMISSIVE'), allowWeb]), meshedClient).allowed).toBe(true);
    });

    test('a mesh DISABLE counts when the namespace has no policy or an UNSET one; a namespace STRICT overrides it', () => {
      const meshDisable = [namespace('istio-system'), peerAuthentication('istio-system/default', { mtls: { mode: 'DISABLE' } })];
      expect(verdict(meshedPair([...meshDisable, workloadPolicy('STRICT')]), meshedClient).allowed).toBe(false);
      expect(verdict(meshedPair([...meshDisable, peerAuthentication('shop/default', { mtls: { mode: 'UNSET' } }), workloadPolicy('STRICT')]), meshedClient).allowed).toBe(false);
      expect(verdict(meshedPair([...meshDisable, strict('shop/default')]), meshedClient).allowed).toBe(true);
    });
  });
});
