// Identity and PeerAuthentication risks. Sources: ../shared/DESIGN.md ("two services sharing a
// ServiceAccount (identities would merge)"), Istio identity = ServiceAccount
// (<trust-domain>/ns/<ns>/sa/<sa>), istio/istio@1.30.3 pilot/pkg/security/authn/policy_applier.go
// ComposePeerAuthentication (selector policies in the root namespace are ignored).
import { about, deployment, lint, meshedShop, peerAuthentication, service, warnings } from './fixtures';

describe('shared ServiceAccounts', () => {
  it('warns when two workloads share one ServiceAccount', () => {
    const problems = lint([deployment('web', { serviceAccount: 'shared' }), deployment('worker', { serviceAccount: 'shared' })]);
    expect(about(problems, 'ServiceAccount', 'shared')).toEqual([expect.objectContaining({
      severity: 'warning', namespace: 'shop',
      message: expect.stringContaining('shared by 2 workloads (Deployment shop/web, Deployment shop/worker)'),
    })]);
  });

  it('counts a workload without serviceAccountName as using "default"', () => {
    const noAccount = (name: string) => { const d = deployment(name); delete (d.spec.template.spec as { serviceAccountName?: string }).serviceAccountName; return d; };
    expect(about(lint([noAccount('a'), noAccount('b')]), 'ServiceAccount', 'default')).toHaveLength(1);
  });

  it('does not count the Pods of a Deployment that is also in the input', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-abc', namespace: 'shop', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] }, spec: { serviceAccountName: 'web', containers: [] } };
    expect(about(lint([deployment('web'), pod]), 'ServiceAccount', 'web')).toEqual([]);
  });

  it('counts the same manifest given twice (a folder and a file in it) once', () => {
    expect(about(lint([deployment('solo'), deployment('solo')]), 'ServiceAccount', 'solo')).toEqual([]);
  });

  it('does not warn about versions of one service (reviews-v1 and -v2 behind the Service reviews), Istio\'s own pattern', () => {
    const version = (v: string) => deployment(`reviews-${v}`, { labels: { app: 'reviews', version: v }, serviceAccount: 'reviews' });
    expect(about(lint([version('v1'), version('v2'), service('reviews', [{ port: 9080, name: 'http' }])]), 'ServiceAccount', 'reviews')).toEqual([]);
    // Without a Service in the input nothing says they are one service.
    expect(about(lint([version('v1'), version('v2')]), 'ServiceAccount', 'reviews')).toHaveLength(1);
  });

  it('does not mix namespaces', () => {
    expect(warnings(lint([deployment('web', { serviceAccount: 'app' }), deployment('web', { ns: 'blog', serviceAccount: 'app' })]))).toEqual([]);
  });
});

describe('PeerAuthentication risks', () => {
  it('warns that a selector policy in the root namespace is ignored', () => {
    const problems = lint([peerAuthentication('strict-api', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'STRICT' } }, {}, 'istio-system')]);
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', kind: 'PeerAuthentication', namespace: 'istio-system', name: 'strict-api', message: expect.stringContaining('is ignored by Istio') })]);
  });

  it('warns about a selector that matches no workload of the namespace', () => {
    const problems = lint([...meshedShop(), peerAuthentication('pa', { selector: { matchLabels: { app: 'apo' } }, mtls: { mode: 'STRICT' } })]);
    expect(about(problems, 'PeerAuthentication', 'pa').map((p) => p.message)).toEqual([expect.stringContaining('matches no workload of namespace shop in the input (api)')]);
  });
});
