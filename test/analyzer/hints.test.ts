import { authorizationPolicy, meshedPair, service, verdict } from './support';

// A denial that comes from how the question was asked gets a note after its reason; the verdict
// itself does not change.

const allowGetFromWeb = authorizationPolicy('shop/api', {
  selector: { matchLabels: { app: 'api' } },
  rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { methods: ['GET'] } }] }],
});

describe('denial notes', () => {
  test('a Service port asked instead of the container port: the note names the Service and the container port', () => {
    const onlyContainerPort = authorizationPolicy('shop/api', { selector: { matchLabels: { app: 'api' } }, rules: [{ to: [{ operation: { ports: ['8080'] } }] }] });
    const objects = meshedPair([service('shop/api-front', [['http', 80, 8080]], { app: 'api' }), onlyContainerPort]);
    const result = verdict(objects, { from: 'shop/web', to: 'shop/api', port: 80 });
    expect(result.allowed).toBe(false);
    expect(result.reason).toContain('note: port 80 is a port of Service shop/api-front, which forwards it to container port 8080: --port takes the container port');
    expect(verdict(objects, { from: 'shop/web', to: 'shop/api', port: 8080 }).reason).not.toContain('note:');
  });

  test('a plain connection asked of ALLOW rules that match HTTP requests: the note says to ask with --method and --path', () => {
    const objects = meshedPair([allowGetFromWeb]);
    const plain = verdict(objects, { from: 'shop/web', to: 'shop/api', port: 8080 });
    expect(plain).toMatchObject({ allowed: false, layer: 'mesh' });
    expect(plain.reason).toContain('note: this was asked as a plain TCP connection; the ALLOW rules here match HTTP requests (methods, paths...): ask with --method and --path');
    expect(verdict(objects, { from: 'shop/web', to: 'shop/api', port: 8080, method: 'GET', path: '/' }).allowed).toBe(true);
  });

  test('no such note when no HTTP request would pass either (a plaintext client under STRICT)', () => {
    const strict = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'shop' }, spec: { mtls: { mode: 'STRICT' } } };
    const result = verdict(meshedPair([allowGetFromWeb, strict]), { from: 'ip:203.0.113.9', to: 'shop/api', port: 8080 });
    expect(result.allowed).toBe(false);
    expect(result.reason).not.toContain('note:');
  });

  test('no trust-domain note for a principal whose domain is a pattern (*local may match the mesh\'s)', () => {
    const pattern = authorizationPolicy('shop/api', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { principals: ['*local/ns/other/sa/x'] } }] }] });
    expect(verdict(meshedPair([pattern]), { from: 'shop/web', to: 'shop/api', port: 8080 }).reason).not.toContain('trust domain');
  });

  test('no such note when the rules match connections too', () => {
    const byPrincipal = authorizationPolicy('shop/api', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/other/sa/x'] } }] }] });
    expect(verdict(meshedPair([byPrincipal]), { from: 'shop/web', to: 'shop/api', port: 8080 }).reason).not.toContain('note:');
  });

  test('principals naming a trust domain other than the assumed one: the note says which, and how to give it', () => {
    const corp = authorizationPolicy('shop/api', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { principals: ['corp.example/ns/shop/sa/web'] } }] }] });
    const result = verdict(meshedPair([corp]), { from: 'shop/web', to: 'shop/api', port: 8080 });
    expect(result.allowed).toBe(false);
    expect(result.reason).toContain("note: principals here name trust domain corp.example, but the mesh's is taken to be cluster.local: give --trust-domain");
    expect(verdict(meshedPair([corp]), { from: 'shop/web', to: 'shop/api', port: 8080 }, { trustDomain: 'corp.example' }).allowed).toBe(true);
  });
});
