// AuthorizationPolicy risks (warnings). Sources: istio/istio@1.30.3 pilot/pkg/security/authz/model
// (model.go/generator.go: HTTP-only attributes on a TCP filter chain drop an ALLOW rule and are
// ignored in a DENY rule), pkg/config/kube/conversion.go ConvertProtocol (port protocol from name or
// appProtocol), pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication (mTLS mode),
// pilot/pkg/model/policyattachment.go (sidecars ignore targetRefs), pkg/kube/inject (injection),
// pilot/pkg/security/trustdomain/bundle.go (trust domain aliases), and the Istio authorization
// docs (root namespace policies apply mesh-wide; principal matching is exact/prefix/suffix/presence).
import { about, authorizationPolicy, deployment, lint, meshedShop, namespace, peerAuthentication, service, warnings } from './fixtures';

const fromWeb = { from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }] };

function warningsOf(objects: unknown[], name = 'policy'): string[] {
  return warnings(about(lint(objects), 'AuthorizationPolicy', name)).map((p) => p.message);
}

describe('scope of an AuthorizationPolicy', () => {
  it('warns that an ALLOW policy in the root namespace widens access mesh-wide', () => {
    const policy = authorizationPolicy('policy', { rules: [fromWeb] }, {}, 'istio-system');
    expect(warningsOf([...meshedShop(), policy])).toEqual([expect.stringContaining('in the root namespace istio-system, so it applies to every workload of every namespace')]);
  });

  it('does not warn about a root-namespace allow-nothing policy', () => {
    expect(warningsOf([...meshedShop(), authorizationPolicy('policy', {}, {}, 'istio-system')])).toEqual([]);
  });

  it('warns about a rule without from: any source, plaintext clients included', () => {
    expect(warningsOf([...meshedShop(), authorizationPolicy('policy', { rules: [{ to: [{ operation: { ports: ['8080'] } }] }] })]))
      .toEqual([expect.stringContaining('spec.rules[0] has no from, so it allows requests from any source')]);
  });

  it('warns about a selector that matches no workload of the namespace', () => {
    expect(warningsOf([...meshedShop(), authorizationPolicy('policy', { selector: { matchLabels: { app: 'api-v2' } }, rules: [fromWeb] })]))
      .toEqual([expect.stringContaining('matches no workload of namespace shop in the input')]);
  });

  it('warns that sidecars ignore targetRefs', () => {
    expect(warningsOf([...meshedShop(), authorizationPolicy('policy', { targetRefs: [{ kind: 'Service', name: 'api' }], action: 'DENY', rules: [{}] })]))
      .toEqual([expect.stringContaining('sidecar workloads ignore it entirely')]);
  });

  it('warns that a workload without sidecar does not enforce the policy', () => {
    const objects = [namespace('shop'), deployment('api'), authorizationPolicy('policy', { selector: { matchLabels: { app: 'api' } }, rules: [fromWeb] })];
    expect(warningsOf(objects)).toEqual([expect.stringContaining('workload(s) shop/api in scope have no Istio sidecar, so this policy is not enforced there')]);
  });

  it('honours the pod label sidecar.istio.io/inject=false in an injected namespace', () => {
    const objects = [namespace('shop', { 'istio-injection': 'enabled' }), deployment('api', { podLabels: { 'sidecar.istio.io/inject': 'false' } }), authorizationPolicy('policy', { rules: [fromWeb] })];
    expect(warningsOf(objects)).toEqual([expect.stringContaining('shop/api in scope have no Istio sidecar')]);
  });
});

describe('principals, namespaces and serviceAccounts without mTLS', () => {
  const policy = authorizationPolicy('policy', { selector: { matchLabels: { app: 'api' } }, rules: [fromWeb] });

  it('warns when the workload PeerAuthentication disables mTLS', () => {
    const pa = peerAuthentication('api', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'DISABLE' } });
    expect(warningsOf([...meshedShop(), pa, policy])).toEqual([expect.stringContaining('mTLS is off for shop/api:8080 (mTLS DISABLE by PeerAuthentication shop/api)')]);
  });

  it('warns for a port-level DISABLE only on that port', () => {
    const pa = peerAuthentication('api', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { '9090': { mode: 'DISABLE' } } });
    const objects = [namespace('shop', { 'istio-injection': 'enabled' }), deployment('api', { ports: [{ containerPort: 8080 }, { containerPort: 9090 }] }), pa, policy];
    expect(warningsOf(objects)).toEqual([expect.stringContaining('mTLS is off for shop/api:9090 (mTLS DISABLE by PeerAuthentication shop/api (portLevelMtls 9090))')]);
  });

  it('lets a workload STRICT override a namespace DISABLE', () => {
    const objects = [...meshedShop(), peerAuthentication('ns', { mtls: { mode: 'DISABLE' } }), peerAuthentication('api', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'STRICT' } }), policy];
    expect(warningsOf(objects)).toEqual([]);
  });

  it('lets UNSET inherit a mesh-wide DISABLE from the root namespace', () => {
    const objects = [...meshedShop(), peerAuthentication('mesh', { mtls: { mode: 'DISABLE' } }, {}, 'istio-system'), peerAuthentication('ns', { mtls: { mode: 'UNSET' } }), policy];
    expect(warningsOf(objects)).toEqual([expect.stringContaining('mTLS DISABLE by PeerAuthentication istio-system/mesh')]);
  });

  it('also covers when conditions on source.namespace', () => {
    const conditionPolicy = authorizationPolicy('policy', { rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }], when: [{ key: 'source.namespace', values: ['web'] }] }] });
    expect(warningsOf([...meshedShop(), peerAuthentication('ns', { mtls: { mode: 'DISABLE' } }), conditionPolicy])).toEqual([expect.stringContaining('mTLS is off for shop/api:8080')]);
  });
});

describe('HTTP-only fields on ports Istio treats as TCP', () => {
  const tcpShop = () => [namespace('shop', { 'istio-injection': 'enabled' }), deployment('db', { ports: [{ containerPort: 5432 }] }), service('db', [{ name: 'tcp-postgres', port: 5432 }])];
  const httpRule = { from: [{ source: { namespaces: ['shop'] } }], to: [{ operation: { methods: ['GET'] } }] };

  it('warns that an ALLOW rule with methods never matches on a tcp- port', () => {
    expect(warningsOf([...tcpShop(), authorizationPolicy('policy', { selector: { matchLabels: { app: 'db' } }, rules: [httpRule] })]))
      .toEqual([expect.stringContaining('on ports declared non-HTTP: shop/db:5432 (tcp, Service shop/db port 5432 (port name "tcp-postgres")). Istio drops the whole ALLOW rule')]);
  });

  it('reads appProtocol before the port name', () => {
    const objects = [namespace('shop', { 'istio-injection': 'enabled' }), deployment('db', { ports: [{ containerPort: 5432 }] }), service('db', [{ name: 'http-db', appProtocol: 'tls', port: 5432 }]),
      authorizationPolicy('policy', { rules: [httpRule] })];
    expect(warningsOf(objects)).toEqual([expect.stringContaining('(tls, Service shop/db port 5432 (appProtocol "tls"))')]);
  });

  it('warns that a DENY rule with HTTP fields denies all traffic on a TCP port', () => {
    const deny = authorizationPolicy('policy', { action: 'DENY', rules: [{ to: [{ operation: { ports: ['5432'], paths: ['/admin'] } }] }] });
    expect(warningsOf([...tcpShop(), deny])).toEqual([expect.stringContaining('Istio ignores the HTTP conditions of this DENY rule on these TCP ports, so it denies all traffic there')]);
  });

  it('does not warn on an HTTP port', () => {
    expect(warningsOf([...meshedShop(), authorizationPolicy('policy', { rules: [httpRule] })])).toEqual([]);
  });

  it('reports Istio\'s own warning for a DENY rule with only HTTP attributes and no ports (validation.go)', () => {
    expect(warningsOf([authorizationPolicy('policy', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['DELETE'] } }] }] })]))
      .toEqual([expect.stringContaining('uses only HTTP attributes, so on TCP ports it denies all traffic in scope')]);
  });
});

describe('principal values that can never match', () => {
  const withPrincipal = (principal: string) => authorizationPolicy('policy', { rules: [{ from: [{ source: { principals: [principal] } }] }] });

  it('warns about a wildcard in the middle (compared literally)', () => {
    expect(warningsOf([withPrincipal('cluster.local/ns/*/sa/web')])).toEqual([expect.stringContaining("has a '*' in the middle")]);
  });

  it('warns about the spiffe:// prefix', () => {
    expect(warningsOf([withPrincipal('spiffe://cluster.local/ns/shop/sa/web')])).toEqual([expect.stringContaining('write "cluster.local/ns/shop/sa/web"')]);
  });

  it('warns about a foreign trust domain', () => {
    expect(warningsOf([withPrincipal('corp.example/ns/shop/sa/web')])).toEqual([expect.stringContaining('uses trust domain "corp.example", which is not the mesh\'s (cluster.local)')]);
  });

  it('accepts the configured trust domain and the aliases of the mesh config', () => {
    const meshConfig = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'trustDomain: corp.example\ntrustDomainAliases: [old.example]\n' } };
    const objects = [meshConfig, withPrincipal('old.example/ns/shop/sa/web'), authorizationPolicy('other', { rules: [{ from: [{ source: { principals: ['prod.example/ns/a/sa/b'] } }] }] })];
    const problems = lint(objects, { trustDomain: 'prod.example', rootNamespace: 'istio-system' });
    expect(warnings(problems)).toEqual([]);
  });

  it('warns about a principal that is not <trust-domain>/ns/<ns>/sa/<sa>', () => {
    expect(warningsOf([withPrincipal('shop/web')])).toEqual([expect.stringContaining('is not of the form <trust-domain>/ns/<namespace>/sa/<service-account>')]);
  });
});

describe('UDP ports in authorization rules', () => {
  it('warns that Istio authorization does not govern a UDP port (../shared/DESIGN.md "UDP over Istio authorization")', () => {
    const objects = [namespace('shop', { 'istio-injection': 'enabled' }), deployment('dns', { ports: [{ containerPort: 5353, protocol: 'UDP' }] }),
      authorizationPolicy('policy', { rules: [{ from: [{ source: { namespaces: ['shop'] } }], to: [{ operation: { ports: ['5353'] } }] }] })];
    expect(warningsOf(objects)).toEqual([expect.stringContaining('names UDP port(s) shop/dns:5353, but Istio authorization only applies to TCP traffic')]);
  });
});
