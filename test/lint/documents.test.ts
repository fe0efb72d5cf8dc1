// What every object goes through before its kind's rules: API group/version dispatch, the structural
// schema (types, unknown fields) and ObjectMeta. Sources: the CRD schemas of istio/api v1.30.3
// (../shared/istio/istio-crds.yaml: served versions v1, v1beta1), kubernetes/kubernetes
// staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go (ValidateObjectMeta) and
// .../util/validation/validation.go (IsDNS1123Subdomain, IsDNS1123Label, IsQualifiedName).
import { authorizationPolicy, errors, lint, networkPolicy, warnings } from './fixtures';

describe('API group and version dispatch', () => {
  it('accepts security.istio.io/v1beta1', () => {
    expect(lint([{ ...authorizationPolicy('p', {}), apiVersion: 'security.istio.io/v1beta1' }])).toEqual([]);
  });

  it('rejects an Istio version the CRD does not serve', () => {
    const problems = lint([{ ...authorizationPolicy('p', {}), apiVersion: 'security.istio.io/v1alpha1' }]);
    expect(problems).toEqual([expect.objectContaining({ severity: 'error', kind: 'AuthorizationPolicy', name: 'p', message: expect.stringContaining('apiVersion security.istio.io/v1alpha1 is not served') })]);
  });

  it('rejects a NetworkPolicy under the removed extensions/v1beta1', () => {
    expect(errors(lint([{ ...networkPolicy('np', {}), apiVersion: 'extensions/v1beta1' }])).map((p) => p.message)).toEqual([expect.stringContaining('use networking.k8s.io/v1')]);
  });

  it('rejects a known kind without apiVersion', () => {
    const { apiVersion: _omitted, ...withoutVersion } = networkPolicy('np', {});
    expect(errors(lint([withoutVersion])).map((p) => p.message)).toEqual([expect.stringContaining('apiVersion is missing')]);
  });

  it('leaves a same-named kind of another API group alone (Linkerd AuthorizationPolicy)', () => {
    const linkerd = { apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'AuthorizationPolicy', metadata: { name: 'p', namespace: 'shop' }, spec: { targetRef: {}, requiredAuthenticationRefs: [] } };
    expect(lint([linkerd])).toEqual([]);
  });

  it('ignores unknown kinds and non-object documents', () => {
    expect(lint([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'BAD NAME' } }, null, 'text', 42])).toEqual([]);
  });
});

describe('structural schema', () => {
  it('rejects a value of the wrong type (a string where the CRD wants an array)', () => {
    expect(errors(lint([authorizationPolicy('p', { rules: [{ from: [{ source: { principals: 'cluster.local/ns/a/sa/b' } }] }] })])).map((p) => p.message))
      .toEqual([expect.stringContaining('spec.rules[0].from[0].source.principals must be of type array, got string')]);
  });

  it('warns about an unknown field and suggests the known one', () => {
    const problems = lint([networkPolicy('np', { podSelecter: { matchLabels: { app: 'a' } } })]);
    expect(errors(problems)).toEqual([]);
    expect(warnings(problems).map((p) => p.message)).toEqual([expect.stringContaining('unknown field spec.podSelecter: the API server drops it (or rejects the object under kubectl\'s default --validate=strict), so it has no effect; did you mean "podSelector"?')]);
  });

  it('rejects a NetworkPolicy port that is neither integer nor string', () => {
    expect(errors(lint([networkPolicy('np', { podSelector: {}, ingress: [{ ports: [{ port: 80.5 }] }] })])).map((p) => p.message))
      .toEqual([expect.stringContaining('spec.ingress[0].ports[0].port must be of type integer or string')]);
  });

  it('treats null fields as absent (the API server prunes them)', () => {
    expect(errors(lint([authorizationPolicy('p', { selector: null, targetRefs: [{ kind: 'Service', name: 'api' }], provider: null })]))).toEqual([]);
  });
});

describe('ObjectMeta (ValidateObjectMeta)', () => {
  it('rejects an object without name or generateName', () => {
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'shop' }, spec: {} };
    expect(errors(lint([policy])).map((p) => p.message)).toEqual([expect.stringContaining('metadata.name is required')]);
  });

  it('rejects a custom resource name that is not a DNS-1123 subdomain', () => {
    expect(errors(lint([authorizationPolicy('Allow_Web', {})])).map((p) => p.message)).toEqual([expect.stringContaining('metadata.name "Allow_Web" is invalid')]);
  });

  it('rejects a namespace name that is not a DNS-1123 label', () => {
    expect(errors(lint([authorizationPolicy('p', {}, {}, 'Shop.Prod')])).map((p) => p.message)).toEqual([expect.stringContaining('metadata.namespace "Shop.Prod" is invalid')]);
  });

  it('rejects an invalid label key', () => {
    expect(errors(lint([authorizationPolicy('p', {}, { labels: { '-app': 'x' } })])).map((p) => p.message)).toEqual([expect.stringContaining('metadata.labels key "-app" is invalid')]);
  });

  it('rejects an annotation key with more than one slash', () => {
    expect(errors(lint([authorizationPolicy('p', {}, { annotations: { 'a/b/c': 'x' } })])).map((p) => p.message)).toEqual([expect.stringContaining('metadata.annotations key "a/b/c" is invalid')]);
  });

  it('accepts RBAC names that are only path segments (colons allowed)', () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:mesh-reader' }, rules: [] };
    expect(lint([role])).toEqual([]);
  });
});

describe('YAML scalars where the API wants strings', () => {
  it('rejects an unquoted boolean annotation value (ObjectMeta annotations are map[string]string)', () => {
    const policy = authorizationPolicy('p', { action: 'DENY', rules: [{}] }, { annotations: { 'istio.io/dry-run': true } });
    expect(errors(lint([policy])).map((p) => p.message)).toEqual([expect.stringContaining('metadata.annotations.istio.io/dry-run must be of type string, got boolean true (quote it: "true")')]);
  });
});

describe('one object defined twice', () => {
  const policy = (ingress: unknown[]) => networkPolicy('db-ingress', { podSelector: { matchLabels: { app: 'db' } }, ingress });

  it('warns when the definitions differ: the last one given wins, so file order decides', () => {
    const problems = warnings(lint([policy([]), policy([{ from: [{ podSelector: { matchLabels: { app: 'api' } } }] }])]));
    expect(problems).toEqual([expect.objectContaining({
      kind: 'NetworkPolicy', namespace: 'shop', name: 'db-ingress',
      message: expect.stringContaining('is defined 2 times with different content; the one given last wins, as with kubectl apply'),
    })]);
  });

  it('stays silent for the same definition given twice, whatever the key order', () => {
    const same = policy([]);
    const reordered = Object.fromEntries(Object.entries(same).reverse());
    expect(warnings(lint([same, reordered]))).toEqual([]);
  });
});
