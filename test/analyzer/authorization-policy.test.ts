import { authorizationPolicy, deployment, meshedPair, namespace, peerAuthentication, service, verdict } from './support';

// AuthorizationPolicy semantics from https://istio.io/latest/docs/reference/config/security/authorization-policy/
// (DOCS) and istio/istio 1.30 sources: pilot/pkg/model/authorization.go + policyattachment.go (ATTACH),
// pilot/pkg/security/authz/builder/builder.go (BUILDER), authz/model/model.go + generator.go (MODEL),
// authz/matcher/string.go (MATCHER), pilot/pkg/security/trustdomain/bundle.go (TRUSTDOMAIN).

const get = (path = '/') => ({ from: 'shop/web', to: 'shop/api', port: 8080, method: 'GET', path });
const tcp = { from: 'shop/web', to: 'shop/api', port: 8080 };
const legacy = [namespace('legacy'), deployment('legacy/client')];
const onApi = (name: string, spec: object, annotations?: Record<string, string>) =>
  authorizationPolicy(`shop/${name}`, { selector: { matchLabels: { app: 'api' } }, ...spec }, annotations);
const fromPrincipals = (...principals: string[]) => ({ rules: [{ from: [{ source: { principals } }] }] });

describe('AuthorizationPolicy: which policies apply', () => {
  test('DOCS: without policies every request is allowed', () => {
    expect(verdict(meshedPair(), get())).toMatchObject({ allowed: true, reason: expect.stringContaining('no ALLOW AuthorizationPolicy applies to shop/api') });
  });

  test('DOCS allow-nothing: an ALLOW policy with spec {} denies everything in its namespace', () => {
    const result = verdict(meshedPair([authorizationPolicy('shop/allow-nothing', {})]), get());
    expect(result).toEqual({ allowed: false, layer: 'mesh', reason: expect.stringContaining('AuthorizationPolicy/shop/allow-nothing') });
  });

  test('DOCS allow-all: rules: [{}] matches every request', () => {
    const objects = meshedPair([authorizationPolicy('shop/allow-nothing', {}), authorizationPolicy('shop/allow-all', { rules: [{}] })]);
    expect(verdict(objects, get()).reason).toContain('allowed by AuthorizationPolicy/shop/allow-all');
  });

  test('ATTACH: a selector limits a policy to matching workloads of its namespace', () => {
    const objects = meshedPair([authorizationPolicy('shop/web-only', { selector: { matchLabels: { app: 'web' } } })]);
    expect(verdict(objects, get()).allowed).toBe(true);
  });

  test('ATTACH: a policy in the root namespace applies to every namespace', () => {
    const objects = meshedPair([namespace('istio-system'), authorizationPolicy('istio-system/deny', { action: 'DENY', rules: [{}] })]);
    expect(verdict(objects, get()).reason).toContain('denied by AuthorizationPolicy/istio-system/deny');
  });

  test('ATTACH: a policy of another (non-root) namespace has no effect', () => {
    const objects = meshedPair([authorizationPolicy('blog/allow-nothing', {})]);
    expect(verdict(objects, get()).allowed).toBe(true);
  });

  test('ATTACH ShouldAttachPolicy: policies with targetRefs are ignored by sidecars', () => {
    const objects = meshedPair([authorizationPolicy('shop/waypoint', { targetRefs: [{ kind: 'Service', group: '', name: 'api' }], action: 'DENY', rules: [{}] })]);
    expect(verdict(objects, get()).allowed).toBe(true);
  });

  test('BUILDER: a policy annotated istio.io/dry-run: "true" is not enforced, and the reason says so', () => {
    const objects = meshedPair([onApi('dry', { action: 'DENY', rules: [{}] }, { 'istio.io/dry-run': 'true' })]);
    expect(verdict(objects, get())).toMatchObject({ allowed: true, reason: expect.stringContaining('not enforced: DENY AuthorizationPolicy/shop/dry (dry-run)') });
  });

  test('BUILDER isDryRun (strconv.ParseBool): an unparsable dry-run value leaves the policy enforced', () => {
    const objects = meshedPair([onApi('dry', { action: 'DENY', rules: [{}] }, { 'istio.io/dry-run': 'yes' })]);
    expect(verdict(objects, get()).allowed).toBe(false);
  });

  test('a CUSTOM policy is not evaluated (external authorizer), and the reason says so', () => {
    const objects = meshedPair([onApi('ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{}] })]);
    expect(verdict(objects, get())).toMatchObject({ allowed: true, reason: expect.stringContaining('not enforced: CUSTOM AuthorizationPolicy/shop/ext (external authorizer)') });
  });

  // BUILDER istio/istio pilot/pkg/security/authz/builder/builder.go: getExtAuthz fails for a provider the
  // MeshConfig does not define ("will generate deny configs") and getBadCustomDenyRules makes its rules DENY.
  describe('BUILDER: a CUSTOM policy whose provider the mesh config does not define', () => {
    const meshConfig = (mesh: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh } });
    const admin = onApi('ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] });

    test('denies what its rules match, and only that', () => {
      const objects = meshedPair([meshConfig('trustDomain: cluster.local\n'), admin]);
      expect(verdict(objects, get('/admin/users'))).toEqual({
        allowed: false,
        layer: 'mesh',
        reason: 'denied by AuthorizationPolicy/shop/ext (CUSTOM rule 0: istiod cannot use provider "opa" (undefined or invalid in the mesh config, or one of several on the workload), so it denies what the rule matches)',
      });
      expect(verdict(objects, get('/home')).allowed).toBe(true);
    });

    test('a provider of another kind (tracing) does not count; a defined envoyExtAuthzGrpc provider leaves the policy to the authorizer', () => {
      const tracing = 'extensionProviders:\n- name: opa\n  zipkin: {service: zipkin.istio-system.svc.cluster.local, port: 9411}\n';
      expect(verdict(meshedPair([meshConfig(tracing), admin]), get('/admin')).allowed).toBe(false);
      const authz = 'extensionProviders:\n- name: opa\n  envoyExtAuthzGrpc: {service: opa.opa.svc.cluster.local, port: 9191}\n';
      expect(verdict(meshedPair([meshConfig(authz), admin]), get('/admin'))).toMatchObject({ allowed: true, reason: expect.stringContaining('(external authorizer)') });
    });

    test('without the istio ConfigMap in the manifests the providers are unknown: not enforced, as before', () => {
      expect(verdict(meshedPair([admin]), get('/admin')).allowed).toBe(true);
    });

    test('a provider istiod cannot build (no port, an uppercase name, a name given twice) is as good as none', () => {
      const provider = (name: string, settings: string) => `extensionProviders:\n- name: ${name}\n  envoyExtAuthzHttp: {${settings}}\n`;
      const policy = (name: string) => onApi('ext', { action: 'CUSTOM', provider: { name }, rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] });
      expect(verdict(meshedPair([meshConfig(provider('opa', 'service: opa.opa.svc.cluster.local')), admin]), get('/admin')).allowed).toBe(false);
      expect(verdict(meshedPair([meshConfig(provider('Opa', 'service: opa.opa.svc.cluster.local, port: 8181')), policy('Opa')]), get('/admin')).allowed).toBe(false);
      const twice = provider('opa', 'service: a.opa.svc.cluster.local, port: 8181') + provider('opa', 'service: b.opa.svc.cluster.local, port: 8181').replace('extensionProviders:\n', '');
      expect(verdict(meshedPair([meshConfig(twice), admin]), get('/admin')).allowed).toBe(false);
    });

    test('two CUSTOM providers on one workload need a feature flag that is off by default: istiod denies what both match', () => {
      const providers = 'extensionProviders:\n- name: a\n  envoyExtAuthzGrpc: {service: a.x.svc.cluster.local, port: 9000}\n- name: b\n  envoyExtAuthzGrpc: {service: b.x.svc.cluster.local, port: 9000}\n';
      const custom = (name: string, provider: string, path: string) => onApi(name, { action: 'CUSTOM', provider: { name: provider }, rules: [{ to: [{ operation: { paths: [path] } }] }] });
      const objects = meshedPair([meshConfig(providers), custom('ca', 'a', '/a/*'), custom('cb', 'b', '/b/*')]);
      expect([verdict(objects, get('/a/x')).allowed, verdict(objects, get('/b/x')).allowed, verdict(objects, get('/c')).allowed]).toEqual([false, false, true]);
      const one = meshedPair([meshConfig(providers), custom('ca', 'a', '/a/*')]);
      expect(verdict(one, get('/a/x')).allowed).toBe(true);
      // build() makes a rule set per provider for dry-run policies too, and buildHTTP counts the providers
      // of both: a dry-run policy's provider is a second provider. Its own (dry-run) rules deny nothing.
      const dryRunB = authorizationPolicy('shop/cb', { action: 'CUSTOM', provider: { name: 'b' }, rules: [{ to: [{ operation: { paths: ['/b/*'] } }] }] }, { 'istio.io/dry-run': 'true' });
      const withDryRun = meshedPair([meshConfig(providers), custom('ca', 'a', '/a/*'), dryRunB]);
      expect([verdict(withDryRun, get('/a/x')).allowed, verdict(withDryRun, get('/b/x')).allowed]).toEqual([false, true]);
    });
  });

  // BUILDER buildHTTP/buildTCP: with a usable provider, the rules of dry-run CUSTOM policies become the RBAC
  // filter's enforced `rules`, built with action DENY ("if providerShadowRules != nil ... rbac.Rules = providerShadowRules").
  describe('BUILDER: a dry-run CUSTOM policy whose provider istiod can use', () => {
    const meshConfig = (mesh: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh } });
    const dryRun = onApi('ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] }, { 'istio.io/dry-run': 'true' });

    test('denies the HTTP requests its rules match; an HTTP provider has no TCP filter', () => {
      const providers = meshConfig('extensionProviders:\n- name: opa\n  envoyExtAuthzHttp: {service: opa.opa.svc.cluster.local, port: 8181}\n');
      const objects = meshedPair([providers, dryRun]);
      expect(verdict(objects, get('/admin/users'))).toEqual({ allowed: false, layer: 'mesh', reason: expect.stringContaining('dry-run CUSTOM rule 0') });
      expect(verdict(objects, get('/home')).allowed).toBe(true);
      expect(verdict(meshedPair([providers, dryRun], 'tcp-db'), tcp).allowed).toBe(true);
    });

    test('a gRPC provider also filters TCP, where the rule loses its paths and matches every connection', () => {
      const objects = meshedPair([meshConfig('extensionProviders:\n- name: opa\n  envoyExtAuthzGrpc: {service: opa.opa.svc.cluster.local, port: 9191}\n'), dryRun], 'tcp-db');
      expect(verdict(objects, tcp).allowed).toBe(false);
    });

    test('without the istio ConfigMap the provider is unknown (istiod drops dry-run rules of a provider it cannot use): not enforced', () => {
      expect(verdict(meshedPair([dryRun]), get('/admin'))).toMatchObject({ allowed: true, reason: expect.stringContaining('provider is unknown') });
    });
  });

  test('an AUDIT policy only logs, and the reason says so', () => {
    const result = verdict(meshedPair([onApi('audit', { action: 'AUDIT', rules: [{}] })]), get());
    expect(result).toMatchObject({ allowed: true, reason: expect.stringContaining('not enforced: AUDIT AuthorizationPolicy/shop/audit (logging only)') });
  });

  test('the sidecar does not intercept UDP: no mesh policy applies', () => {
    const objects = [
      namespace('shop', { 'istio-injection': 'enabled' }), deployment('shop/web'),
      deployment('shop/dns', { ports: [{ port: 53, protocol: 'UDP' }] }), authorizationPolicy('shop/allow-nothing', {}),
    ];
    expect(verdict(objects, { from: 'shop/web', to: 'shop/dns', port: 53, protocol: 'UDP' }).allowed).toBe(true);
  });
});

describe('AuthorizationPolicy: actions', () => {
  test('DOCS: DENY is evaluated before ALLOW and wins', () => {
    const objects = meshedPair([onApi('allow', { rules: [{}] }), onApi('deny', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin'] } }] }] })]);
    expect(verdict(objects, get('/admin'))).toMatchObject({ allowed: false, reason: 'denied by AuthorizationPolicy/shop/deny (DENY rule 0)' });
    expect(verdict(objects, get('/home')).allowed).toBe(true);
  });

  test('DOCS: when ALLOW policies apply and none matches, the request is denied', () => {
    const result = verdict(meshedPair([onApi('only-admin', { rules: [{ to: [{ operation: { paths: ['/admin'] } }] }] })]), get('/home'));
    expect(result.reason).toBe('no rule of the ALLOW policies of shop/api matches (AuthorizationPolicy/shop/only-admin)');
  });
});

describe('AuthorizationPolicy: identities need mutual TLS', () => {
  test('DOCS Source.principals: matches the peer identity of a meshed client', () => {
    expect(verdict(meshedPair([onApi('p', fromPrincipals('cluster.local/ns/shop/sa/web'))]), get()).allowed).toBe(true);
  });

  test('DOCS Source.principals "requires mTLS": a plaintext client has no identity', () => {
    const objects = [...meshedPair([onApi('p', fromPrincipals('*'))]), ...legacy];
    expect(verdict(objects, { ...get(), from: 'legacy/client' }).allowed).toBe(false);
  });

  test('DOCS Source.namespaces: derived from the peer certificate', () => {
    const objects = [...meshedPair([onApi('p', { rules: [{ from: [{ source: { namespaces: ['shop'] } }] }] })]), ...legacy];
    expect(verdict(objects, get()).allowed).toBe(true);
    expect(verdict(objects, { ...get(), from: 'legacy/client' }).allowed).toBe(false);
  });

  test('DOCS Source.notPrincipals: DENY notPrincipals ["*"] rejects every plaintext request', () => {
    const objects = [...meshedPair([onApi('mtls-only', { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['*'] } }] }] })]), ...legacy];
    expect(verdict(objects, { ...tcp, from: 'legacy/client' }).allowed).toBe(false);
    expect(verdict(objects, tcp).allowed).toBe(true);
  });

  test('DOCS Source.serviceAccounts: "<namespace>/<name>", or a name in the policy namespace', () => {
    const objects = [...meshedPair([deployment('shop/worker'), onApi('sa', { rules: [{ from: [{ source: { serviceAccounts: ['web'] } }] }] })])];
    expect(verdict(objects, get()).allowed).toBe(true);
    expect(verdict(objects, { ...get(), from: 'shop/worker' }).allowed).toBe(false);
  });

  test('MATCHER StringMatcherWithPrefix: principal prefix "x*" and suffix "*x" wildcards', () => {
    const objects = meshedPair([deployment('shop/worker'), onApi('p', fromPrincipals('cluster.local/ns/shop/sa/w*', '*/sa/worker'))]);
    expect(verdict(objects, get()).allowed).toBe(true);
    expect(verdict(objects, { ...get(), from: 'shop/worker' }).allowed).toBe(true);
  });

  test('MATCHER: a "*" inside a principal is literal and never matches', () => {
    expect(verdict(meshedPair([onApi('p', fromPrincipals('cluster.local/ns/*/sa/web'))]), get()).allowed).toBe(false);
  });

  test('TRUSTDOMAIN: "cluster.local" principals stand for the mesh trust domain (--trust-domain)', () => {
    const objects = meshedPair([onApi('p', fromPrincipals('cluster.local/ns/shop/sa/web'))]);
    expect(verdict(objects, get(), { trustDomain: 'corp.example' }).allowed).toBe(true);
  });

  test('TRUSTDOMAIN: principals of a foreign trust domain match no local workload', () => {
    const objects = meshedPair([onApi('p', fromPrincipals('other.example/ns/shop/sa/web'))]);
    expect(verdict(objects, get(), { trustDomain: 'corp.example' }).allowed).toBe(false);
  });

  test('TRUSTDOMAIN: aliases from the istio ConfigMap MeshConfig are honoured', () => {
    const meshConfig = {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' },
      data: { mesh: 'trustDomain: corp.example\ntrustDomainAliases:\n- old.example\n' },
    };
    const objects = meshedPair([meshConfig, onApi('p', fromPrincipals('old.example/ns/shop/sa/web'))]);
    expect(verdict(objects, get()).allowed).toBe(true);
  });

  test('DOCS Source.ipBlocks: matches the address of a client outside the cluster', () => {
    const objects = meshedPair([onApi('ip', { rules: [{ from: [{ source: { ipBlocks: ['203.0.113.0/24'] } }] }] })]);
    expect(verdict(objects, { ...get(), from: 'ip:203.0.113.7' }).allowed).toBe(true);
    expect(verdict(objects, { ...get(), from: 'ip:198.51.100.7' }).allowed).toBe(false);
  });

  // DOCS Source.remoteIpBlocks "populated from X-Forwarded-For header"; the sidecar's inbound connection
  // manager trusts XFF with zero trusted hops (LISTENER listener_inbound.go useRemoteAddress false), so
  // Envoy's remote_ip is the header's rightmost address; ipBlocks/source.ip stay the connection's (direct_remote_ip).
  test('DOCS Source.remoteIpBlocks: the rightmost X-Forwarded-For address, else the connection\'s; ipBlocks ignore the header', () => {
    const remote = meshedPair([onApi('ip', { rules: [{ from: [{ source: { remoteIpBlocks: ['203.0.113.0/24'] } }] }] })]);
    const direct = meshedPair([onApi('ip', { rules: [{ from: [{ source: { ipBlocks: ['203.0.113.0/24'] } }] }] })]);
    const via = (from: string, xff?: string) => ({ ...get(), from, ...(xff ? { headers: { 'X-Forwarded-For': xff } } : {}) });
    expect(verdict(remote, via('ip:198.51.100.9', '10.0.0.1, 203.0.113.7')).allowed).toBe(true);
    expect(verdict(remote, via('ip:203.0.113.7', '203.0.113.8, 198.51.100.1')).allowed).toBe(false);
    expect(verdict(remote, via('ip:203.0.113.7')).allowed).toBe(true);
    expect(verdict(remote, via('ip:203.0.113.7', 'not-an-address')).allowed).toBe(true);
    expect(verdict(direct, via('ip:198.51.100.9', '203.0.113.7')).allowed).toBe(false);
    expect(verdict(direct, via('ip:203.0.113.7', '198.51.100.1')).allowed).toBe(true);
  });

  test('MODEL: the condition remote.ip follows X-Forwarded-For like remoteIpBlocks, source.ip does not', () => {
    const on = (key: string) => meshedPair([onApi('ip', { rules: [{ when: [{ key, values: ['203.0.113.0/24'] }] }] })]);
    const request = { ...get(), from: 'ip:198.51.100.9', headers: { 'x-forwarded-for': '203.0.113.7' } };
    expect([verdict(on('remote.ip'), request).allowed, verdict(on('source.ip'), request).allowed]).toEqual([true, false]);
  });
});

describe('AuthorizationPolicy: rule structure', () => {
  test('DOCS Rule: from, to and when are ANDed', () => {
    const objects = meshedPair([onApi('p', { rules: [{ from: [{ source: { namespaces: ['shop'] } }], to: [{ operation: { methods: ['GET'] } }] }] })]);
    expect(verdict(objects, get()).allowed).toBe(true);
    expect(verdict(objects, { ...get(), method: 'POST' }).allowed).toBe(false);
  });

  test('DOCS Rule: items of from (and of to) are ORed', () => {
    const objects = meshedPair([onApi('p', { rules: [{ to: [{ operation: { methods: ['POST'] } }, { operation: { paths: ['/health'] } }] }] })]);
    expect(verdict(objects, get('/health')).allowed).toBe(true);
    expect(verdict(objects, get('/other')).allowed).toBe(false);
  });

  test('DOCS Source: fields of one source are ANDed', () => {
    const objects = meshedPair([deployment('shop/worker'), onApi('p', { rules: [{ from: [{ source: { namespaces: ['shop'], principals: ['cluster.local/ns/shop/sa/web'] } }] }] })]);
    expect(verdict(objects, { ...get(), from: 'shop/worker' }).allowed).toBe(false);
  });

  test('DOCS Operation.ports: container ports as strings', () => {
    const objects = [
      namespace('shop', { 'istio-injection': 'enabled' }), deployment('shop/web'),
      deployment('shop/api', { ports: [{ port: 8080 }] }), service('shop/api', [['http', 80, 8080]]),
      onApi('p', { rules: [{ to: [{ operation: { ports: ['8080'] } }] }] }),
    ];
    expect(verdict(objects, tcp).allowed).toBe(true);
  });

  test('DOCS Operation.paths: exact, prefix "/x/*" and suffix "*.png"; the query string is not part of the path', () => {
    const objects = meshedPair([onApi('p', { rules: [{ to: [{ operation: { paths: ['/exact', '/prefix/*', '*.png'] } }] }] })]);
    expect([get('/exact?q=1'), get('/prefix/a'), get('/img/a.png'), get('/exact/'), get('/prefix')].map((r) => verdict(objects, r).allowed))
      .toEqual([true, true, true, false, false]);
  });

  // MESHCONFIG istio/api mesh/v1alpha1/config.proto pathNormalization: DEFAULT is BASE, "/a/../b" normalizes
  // to "/b" (Envoy normalize_path, RFC 3986), set on every sidecar listener (listener_builder.go).
  test('MESHCONFIG pathNormalization BASE: paths match after dot segments and encoded unreserved characters are resolved', () => {
    const objects = meshedPair([onApi('allow', { rules: [{}] }), onApi('deny', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin', '/secret/*'] } }] }] })]);
    const denied = ['/public/../admin', '/./admin', '/%61dmin', '/%2e%2e/secret/x', '/secret/a/../b', '\\admin', '/public\\..\\admin'];
    const allowed = ['/public/admin', '/admin/..x', '/a%2Fadmin', '//admin'];
    expect(denied.map((path) => verdict(objects, get(path)).allowed)).toEqual(denied.map(() => false));
    expect(allowed.map((path) => verdict(objects, get(path)).allowed)).toEqual(allowed.map(() => true));
  });

  // listener_builder.go "Setup normalization" + Envoy maybeNormalizePath: the connection manager rewrites :path
  // before the RBAC filter, so request.headers[:path] sees it normalized too; the mesh config picks the mode.
  test('MESHCONFIG pathNormalization: NONE matches paths as sent, MERGE_SLASHES merges, DECODE_AND_MERGE_SLASHES also decodes %2F/%5C', () => {
    const meshConfig = (mode: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: `pathNormalization:\n  normalization: ${mode}\n` } });
    const denyAdmin = onApi('deny', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] });
    const denied = (mode: string, paths: string[]) => paths.map((path) => !verdict(meshedPair([meshConfig(mode), denyAdmin]), get(path)).allowed);
    expect(denied('NONE', ['/public/../admin', '/%61dmin', '/admin?x=1'])).toEqual([false, false, true]);
    expect(denied('MERGE_SLASHES', ['//admin', '/a/..//admin', '/%2Fadmin'])).toEqual([true, true, false]);
    expect(denied('DECODE_AND_MERGE_SLASHES', ['/%2fadmin', '/%5Cadmin', '/files%2Fadmin'])).toEqual([true, true, false]);
    expect(denied('DEFAULT', ['/public/../admin', '//admin'])).toEqual([true, false]);
  });

  test('request.headers[:path] sees the normalized path (with its query)', () => {
    const objects = meshedPair([onApi('deny', { action: 'DENY', rules: [{ when: [{ key: 'request.headers[:path]', values: ['/admin?*', '/admin'] }] }] })]);
    expect(['/public/../admin', '/%61dmin?x=1', '/admin/x'].map((path) => verdict(objects, get(path)).allowed)).toEqual([false, false, true]);
  });

  test('Istio path templates: {*} matches one segment, {**} any number', () => {
    const objects = meshedPair([onApi('p', { rules: [{ to: [{ operation: { paths: ['/users/{*}/info', '/files/{**}'] } }] }] })]);
    expect([get('/users/7/info'), get('/users/7/8/info'), get('/files/a/b/c')].map((r) => verdict(objects, r).allowed)).toEqual([true, false, true]);
  });

  test('DOCS Operation.hosts: case-insensitive', () => {
    const objects = meshedPair([onApi('p', { rules: [{ to: [{ operation: { hosts: ['API.shop.svc.cluster.local'] } }] }] })]);
    expect(verdict(objects, { ...get(), host: 'api.shop.svc.cluster.local' }).allowed).toBe(true);
  });

  test('DOCS Operation.notMethods: negative match', () => {
    const objects = meshedPair([onApi('p', { rules: [{ to: [{ operation: { notMethods: ['DELETE'] } }] }] })]);
    expect(verdict(objects, get()).allowed).toBe(true);
    expect(verdict(objects, { ...get(), method: 'DELETE' }).allowed).toBe(false);
  });

  test('DOCS Condition request.headers: values match the header (names case-insensitive)', () => {
    const objects = meshedPair([onApi('p', { rules: [{ when: [{ key: 'request.headers[X-Tenant]', values: ['gold'] }] }] })]);
    expect(verdict(objects, { ...get(), headers: { 'x-tenant': 'gold' } }).allowed).toBe(true);
    expect(verdict(objects, { ...get(), headers: { 'x-tenant': 'tin' } }).allowed).toBe(false);
  });

  // GENERATOR istio/istio pilot/pkg/security/authz/model/generator.go: request.headers[...] uses the
  // HeaderMatcher that methods (":method") and hosts (":authority") use, so pseudo-headers work too.
  test('GENERATOR request.headers[:method], [:authority] and [:path] are the method, host and path', () => {
    const on = (key: string, values: string[]) => meshedPair([onApi('p', { rules: [{ when: [{ key, values }] }] })]);
    expect(verdict(on('request.headers[:method]', ['GET']), get()).allowed).toBe(true);
    expect(verdict(on('request.headers[:method]', ['POST']), get()).allowed).toBe(false);
    expect(verdict(on('request.headers[:authority]', ['api.shop*']), { ...get(), host: 'api.shop.svc.cluster.local:8080' }).allowed).toBe(true);
    expect(verdict(on('request.headers[:path]', ['/api/*']), get('/api/orders?page=2')).allowed).toBe(true);
  });

  // GENERATOR connSNIGenerator; the client's SNI is cluster_builder.go istioMtlsSni
  // (outbound_.<Service port>_._.<Service FQDN>), sent only with mTLS.
  test('GENERATOR connection.sni is the auto-mTLS server name of the dialed Service port; plaintext has none', () => {
    const on = (values: string[]) => [...meshedPair([onApi('p', { rules: [{ when: [{ key: 'connection.sni', values }] }] })]), ...legacy];
    expect(verdict(on(['outbound_.8080_._.api.shop.svc.cluster.local']), get()).allowed).toBe(true);
    expect(verdict(on(['*.api.shop.svc.cluster.local']), get()).allowed).toBe(true);
    expect(verdict(on(['outbound_.9090_*']), get()).allowed).toBe(false);
    expect(verdict(on(['*']), { ...get(), from: 'legacy/client' }).allowed).toBe(false);
  });

  test('DOCS Condition source.namespace: like Source.namespaces', () => {
    const objects = [...meshedPair([onApi('p', { rules: [{ when: [{ key: 'source.namespace', values: ['shop'] }] }] })]), ...legacy];
    expect(verdict(objects, get()).allowed).toBe(true);
    expect(verdict(objects, { ...get(), from: 'legacy/client' }).allowed).toBe(false);
  });

  test('MODEL New: a rule with an unknown condition key is skipped, for DENY as for ALLOW', () => {
    const objects = meshedPair([onApi('deny', { action: 'DENY', rules: [{ when: [{ key: 'request.colour', values: ['red'] }] }] })]);
    expect(verdict(objects, get()).allowed).toBe(true);
  });
});

describe('AuthorizationPolicy: HTTP-only fields on TCP (MODEL checkError, per rule)', () => {
  const tcpServer = (...extra: object[]) => meshedPair(extra, 'tcp-api');

  test('an ALLOW rule with an HTTP-only field never matches a TCP connection', () => {
    const result = verdict(tcpServer(onApi('p', { rules: [{ to: [{ operation: { methods: ['GET'], ports: ['8080'] } }] }] })), tcp);
    expect(result.allowed).toBe(false);
  });

  test('the skipping is per rule: another rule without HTTP fields still allows', () => {
    const objects = tcpServer(onApi('p', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }, { to: [{ operation: { ports: ['8080'] } }] }] }));
    expect(verdict(objects, tcp).reason).toContain('allowed by AuthorizationPolicy/shop/p (rule 1)');
  });

  test('an HTTP-only field in any from item voids the whole ALLOW rule', () => {
    const objects = tcpServer(onApi('p', { rules: [{ from: [{ source: { namespaces: ['shop'] } }, { source: { requestPrincipals: ['*'] } }] }] }));
    expect(verdict(objects, tcp).allowed).toBe(false);
  });

  test('a DENY rule is evaluated without its HTTP-only fields, so it denies more', () => {
    const objects = tcpServer(onApi('p', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin'] } }] }] }));
    expect(verdict(objects, tcp)).toMatchObject({ allowed: false, reason: 'denied by AuthorizationPolicy/shop/p (DENY rule 0)' });
  });

  // CONVERSION pkg/config/kube/conversion.go ConvertProtocol; LISTENER listener_inbound.go (a TCP port
  // gets a TCP filter chain, whose authorization is built with forTCP, whatever the client speaks).
  test('CONVERSION + LISTENER: an HTTP request to a port declared TCP is a connection to the sidecar: the ALLOW rule with methods does not match', () => {
    const objects = tcpServer(onApi('p', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }));
    expect(verdict(objects, get('/home'))).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('(Istio takes port 8080 for TCP from its Service port, and sees a connection, not HTTP requests)'),
    });
  });

  test('CONVERSION + LISTENER: and the DENY rule for one path denies every request on that port', () => {
    const objects = tcpServer(onApi('p', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin'] } }] }] }));
    expect(verdict(objects, get('/home')).allowed).toBe(false);
  });

  test.each([
    ['appProtocol wins over the port name', { name: 'http-api', port: 8080, targetPort: 8080, appProtocol: 'tcp' }, false],
    ['appProtocol http on a tcp- name', { name: 'tcp-api', port: 8080, targetPort: 8080, appProtocol: 'http' }, true],
    ['an unnamed well-known port (3306) is TCP', { port: 3306, targetPort: 8080 }, false],
    ['an unnamed port is sniffed, so an HTTP request is seen as one', { port: 9000, targetPort: 8080 }, true],
  ])('CONVERSION: %s', (_title, servicePort, allowed) => {
    const objects = [
      ...meshedPair([onApi('p', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })]).filter((o) => (o as { kind: string }).kind !== 'Service'),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop' }, spec: { selector: { app: 'api' }, ports: [servicePort] } },
    ];
    expect(verdict(objects, get('/home')).allowed).toBe(allowed);
  });

  test('a plaintext client to STRICT is rejected before authorization', () => {
    const objects = [...meshedPair([peerAuthentication('shop/default', { mtls: { mode: 'STRICT' } }), onApi('p', { rules: [{}] })]), ...legacy];
    expect(verdict(objects, { ...tcp, from: 'legacy/client' }).reason).toMatch(/^PeerAuthentication STRICT/);
  });
});
