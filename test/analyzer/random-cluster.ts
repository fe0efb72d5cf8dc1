/**
 * Random small clusters for property tests: three namespaces, a few pods with Services, and random
 * NetworkPolicies, AuthorizationPolicies and PeerAuthentications, drawn to exercise what the
 * analyzer's grouping must tell apart (proxies, capture annotations, headless Services, mTLS modes).
 */
import * as fc from 'fast-check';
import { authorizationPolicy, namespace, networkPolicy, peerAuthentication, pod, service } from './support';

export const app = fc.constantFrom('a', 'b', 'c');
export const ns = fc.constantFrom('x', 'y', 'z');
const selector = fc.oneof(fc.constant({}), app.map((value) => ({ matchLabels: { app: value } })),
  fc.constant({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }));
const peer = fc.oneof(
  selector.map((podSelector) => ({ podSelector })),
  fc.tuple(ns, selector).map(([name, podSelector]) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } }, podSelector })),
  fc.constant({ namespaceSelector: {} }),
  fc.constant({ ipBlock: { cidr: '10.0.0.0/24' } }),
);
const ports = fc.oneof(fc.constant(undefined), fc.constant([{ port: 80 }]), fc.constant([{ port: 'http' }]), fc.constant([{ protocol: 'UDP' }]));
const rule = (field: 'from' | 'to') => fc.record({ peers: fc.option(fc.array(peer, { maxLength: 2 }), { nil: undefined }), ports })
  .map(({ peers, ports: list }) => ({ ...(peers ? { [field]: peers } : {}), ...(list ? { ports: list } : {}) }));
const netpol = fc.record({
  namespace: ns, podSelector: selector, types: fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress']),
  ingress: fc.array(rule('from'), { maxLength: 2 }), egress: fc.array(rule('to'), { maxLength: 2 }),
});
const source = fc.oneof(
  fc.constant({}),
  fc.tuple(ns, app).map(([n, a]) => ({ principals: [`cluster.local/ns/${n}/sa/${a}`] })),
  ns.map((n) => ({ namespaces: [n] })),
  fc.constant({ principals: ['*'] }),
);
const authz = fc.record({
  namespace: ns, action: fc.constantFrom('ALLOW', 'DENY'), selector: fc.option(app, { nil: undefined }),
  rules: fc.array(fc.record({ source, paths: fc.boolean() }), { maxLength: 2 }),
});
// How its proxy sends: a plain sidecar, outbound capture cut down, or the gateway template; sources
// that fail alike are counted by group (reach/candidates.ts SourceGroup), so these must be told apart.
export const proxy = fc.constantFrom<Record<string, string>>({}, { 'traffic.sidecar.istio.io/excludeOutboundPorts': '80' },
  { 'inject.istio.io/templates': 'gateway' }, { 'inject.istio.io/templates': 'gateway', 'traffic.sidecar.istio.io/excludeOutboundPorts': '80' });
const workload = fc.record({
  namespace: ns, app, tier: fc.constantFrom('db', 'web'), ports: fc.subarray([80, 53, 8080]), ip: fc.boolean(), proxy,
  // A headless Service: a sidecar's auto mTLS decides for all its endpoints at once, a gateway's endpoint by endpoint.
  headless: fc.boolean(),
  // Labelled for auto mTLS without running a sidecar (in a namespace without injection): meshed clients
  // send it mTLS, which it cannot read, with or without policies.
  labelledIstio: fc.boolean(),
});
export const cluster = fc.record({
  workloads: fc.array(workload, { minLength: 2, maxLength: 6 }),
  injected: fc.subarray(['x', 'y', 'z']),
  // None at all too: an Istio-only cluster, where every source reaches every destination's sidecar.
  netpols: fc.array(netpol, { maxLength: 4 }),
  authz: fc.array(authz, { maxLength: 2 }),
  strict: fc.subarray(['x', 'y', 'z']),
  // PeerAuthentication DISABLE in those of these namespaces that are not STRICT.
  disabled: fc.subarray(['x', 'y', 'z']),
});

export type Cluster = typeof cluster extends fc.Arbitrary<infer T> ? T : never;

export function manifests(spec: Cluster): object[] {
  const objects: object[] = ['x', 'y', 'z'].map((name) => namespace(name, spec.injected.includes(name) ? { 'istio-injection': 'enabled' } : {}));
  spec.workloads.forEach((w, i) => {
    const portSpecs = w.ports.map((port) => ({ port, protocol: port === 53 ? 'UDP' as const : 'TCP' as const, name: port === 80 ? 'http' : `p${port}` }));
    objects.push(pod(`${w.namespace}/w${i}`, {
      labels: { app: w.app, tier: w.tier, ...(w.labelledIstio ? { 'security.istio.io/tlsMode': 'istio' } : {}) }, annotations: w.proxy, serviceAccount: w.app, ports: portSpecs, ...(w.ip ? { ip: `10.0.0.${i + 1}` } : {}),
    }));
    if (w.ports.includes(80)) {
      const front = service(`${w.namespace}/w${i}`, [['http', 80]], { app: w.app, tier: w.tier }) as { spec: object };
      objects.push(w.headless ? { ...front, spec: { ...front.spec, clusterIP: 'None' } } : front);
    }
  });
  spec.netpols.forEach((p, i) => objects.push(networkPolicy(`${p.namespace}/np${i}`, { podSelector: p.podSelector, policyTypes: p.types, ingress: p.ingress, egress: p.egress })));
  spec.authz.forEach((p, i) => objects.push(authorizationPolicy(`${p.namespace}/ap${i}`, {
    action: p.action, ...(p.selector ? { selector: { matchLabels: { app: p.selector } } } : {}),
    rules: p.rules.map((r) => ({ from: [{ source: r.source }], ...(r.paths ? { to: [{ operation: { paths: ['/api/*'] } }] } : {}) })),
  })));
  spec.strict.forEach((name) => objects.push(peerAuthentication(`${name}/default`, { mtls: { mode: 'STRICT' } })));
  (spec.disabled ?? []).filter((name) => !spec.strict.includes(name))
    .forEach((name) => objects.push(peerAuthentication(`${name}/default`, { mtls: { mode: 'DISABLE' } })));
  return objects;
}
