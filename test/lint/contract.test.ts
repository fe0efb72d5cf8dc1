// The lint engine's contract with the CLI (issue 4, ../shared/DESIGN.md): problems carry
// severity/kind/namespace/name/message, come out in a deterministic order, and name the object the
// way kubectl places it (namespaced without namespace -> "default", cluster-scoped -> "").
import { authorizationPolicy, lint, networkPolicy } from './fixtures';

describe('lintManifests output', () => {
  it('places a namespaced object without namespace in "default"', () => {
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np' }, spec: { podSelector: {}, ingress: [{}] } };
    expect(lint([policy])).toEqual([expect.objectContaining({ kind: 'NetworkPolicy', namespace: 'default', name: 'np' })]);
  });

  it('gives cluster-scoped objects the namespace ""', () => {
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'crb', namespace: 'ignored' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [] };
    expect(lint([binding])).toEqual([expect.objectContaining({ severity: 'error', kind: 'ClusterRoleBinding', namespace: '', name: 'crb' })]);
  });

  it('sorts by severity, kind, namespace, name, message and is independent of input order', () => {
    const objects = [
      networkPolicy('b', { podSelector: {}, ingress: [{}] }),
      authorizationPolicy('z', { action: 'DENY' }),
      networkPolicy('a', { podSelector: {}, ingress: [{}] }, 'alpha'),
      authorizationPolicy('y', { rules: [{ from: [{}] }] }),
    ];
    const forward = lint(objects);
    expect(forward.map((p) => `${p.severity} ${p.kind} ${p.namespace}/${p.name}`)).toEqual([
      'error AuthorizationPolicy shop/y',
      'error AuthorizationPolicy shop/z',
      'warning NetworkPolicy alpha/a',
      'warning NetworkPolicy shop/b',
    ]);
    expect(lint([...objects].reverse())).toEqual(forward);
  });

  it('reports each problem once even when two rules (CEL and webhook) reject the same thing', () => {
    const policy = authorizationPolicy('p', { selector: { matchLabels: { app: 'a' } }, targetRefs: [{ kind: 'Service', name: 'a' }] });
    expect(lint([policy]).filter((p) => p.severity === 'error')).toHaveLength(1);
  });

  it('returns no problems for no input', () => {
    expect(lint([])).toEqual([]);
  });
});
