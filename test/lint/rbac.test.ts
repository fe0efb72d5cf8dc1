// RBAC admission. Source: kubernetes/kubernetes pkg/apis/rbac/validation/validation.go
// (validatePolicyRule, ValidateRoleBinding, ValidateClusterRoleBinding, validateRoleBindingSubject)
// after pkg/apis/rbac/v1/defaults.go; the namespace-less subject risk from
// pkg/registry/rbac/validation/rule.go appliesToUser.
import { errors, lint, warnings } from './fixtures';

const RBAC = 'rbac.authorization.k8s.io/v1';
const roleBinding = (roleRef: unknown, subjects: unknown[]) => ({ apiVersion: RBAC, kind: 'RoleBinding', metadata: { name: 'rb', namespace: 'data' }, roleRef, subjects });
const clusterRoleBinding = (roleRef: unknown, subjects: unknown[]) => ({ apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name: 'crb' }, roleRef, subjects });
const role = (rules: unknown[]) => ({ apiVersion: RBAC, kind: 'Role', metadata: { name: 'reader', namespace: 'data' }, rules });
const reader = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' };
const apiAccount = { kind: 'ServiceAccount', name: 'api', namespace: 'shop' };

describe('RoleBinding and ClusterRoleBinding', () => {
  it('accepts a cross-namespace ServiceAccount subject with an explicit namespace', () => {
    expect(lint([roleBinding(reader, [apiAccount])])).toEqual([]);
  });

  it('accepts an empty roleRef.apiGroup (defaulted to rbac.authorization.k8s.io)', () => {
    expect(errors(lint([roleBinding({ kind: 'Role', name: 'reader' }, [apiAccount])]))).toEqual([]);
  });

  it('rejects a roleRef.apiGroup other than rbac.authorization.k8s.io', () => {
    expect(errors(lint([roleBinding({ ...reader, apiGroup: 'rbac' }, [apiAccount])])).map((p) => p.message)).toEqual([expect.stringContaining('roleRef.apiGroup "rbac" is not supported')]);
  });

  it('rejects a roleRef.kind other than Role/ClusterRole', () => {
    const problems = errors(lint([roleBinding({ ...reader, kind: 'ServiceAccount' }, [apiAccount])]));
    expect(problems).toEqual([expect.objectContaining({ kind: 'RoleBinding', namespace: 'data', name: 'rb', message: expect.stringContaining('roleRef.kind "ServiceAccount" is not supported here: use Role or ClusterRole') })]);
  });

  it('rejects a ClusterRoleBinding to a Role', () => {
    expect(errors(lint([clusterRoleBinding(reader, [apiAccount])])).map((p) => p.message)).toEqual([expect.stringContaining('use ClusterRole')]);
  });

  it('rejects a roleRef without name', () => {
    expect(errors(lint([roleBinding({ kind: 'Role' }, [apiAccount])])).map((p) => p.message)).toEqual([expect.stringContaining('roleRef.name is required')]);
  });

  it('rejects a ServiceAccount subject without namespace in a ClusterRoleBinding', () => {
    const crb = clusterRoleBinding({ ...reader, kind: 'ClusterRole' }, [{ kind: 'ServiceAccount', name: 'api' }]);
    expect(errors(lint([crb])).map((p) => p.message)).toEqual([expect.stringContaining('subjects[0].namespace is required')]);
  });

  it('warns (does not reject) a namespace-less ServiceAccount subject in a RoleBinding: it means the binding namespace', () => {
    const problems = lint([roleBinding(reader, [{ kind: 'ServiceAccount', name: 'api' }])]);
    expect(errors(problems)).toEqual([]);
    expect(warnings(problems)).toEqual([expect.objectContaining({ kind: 'RoleBinding', name: 'rb', message: expect.stringContaining('has no namespace, so it means the account of that name in this binding\'s namespace') })]);
  });

  it('rejects a ServiceAccount subject with an apiGroup', () => {
    expect(errors(lint([roleBinding(reader, [{ ...apiAccount, apiGroup: 'rbac.authorization.k8s.io' }])])).map((p) => p.message)).toEqual([expect.stringContaining('is not supported for a ServiceAccount')]);
  });

  it('rejects an unknown subject kind', () => {
    expect(errors(lint([roleBinding(reader, [{ kind: 'Pod', name: 'x' }])])).map((p) => p.message)).toEqual([expect.stringContaining('subjects[0].kind "Pod" is not supported')]);
  });

  it('rejects an invalid ServiceAccount name', () => {
    expect(errors(lint([roleBinding(reader, [{ ...apiAccount, name: 'API_Server' }])])).map((p) => p.message)).toEqual([expect.stringContaining('is not a valid ServiceAccount name')]);
  });
});

describe('Role rules (validatePolicyRule)', () => {
  it('accepts a resource rule', () => {
    expect(lint([role([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }])])).toEqual([]);
  });

  it('rejects a rule without verbs', () => {
    expect(errors(lint([role([{ apiGroups: [''], resources: ['configmaps'] }])])).map((p) => p.message)).toEqual([expect.stringContaining('verbs must contain at least one verb')]);
  });

  it('rejects a resource rule without apiGroups', () => {
    expect(errors(lint([role([{ resources: ['configmaps'], verbs: ['get'] }])])).map((p) => p.message)).toEqual([expect.stringContaining('apiGroups must list at least one API group')]);
  });

  it('rejects nonResourceURLs in a namespaced Role', () => {
    expect(errors(lint([role([{ nonResourceURLs: ['/healthz'], verbs: ['get'] }])])).map((p) => p.message)).toEqual([expect.stringContaining('a namespaced Role cannot grant non-resource URLs')]);
  });

  it('accepts resourceNames over several resources (ValidatePolicyRule has no rule against it)', () => {
    expect(errors(lint([role([{ apiGroups: [''], resources: ['configmaps', 'secrets'], resourceNames: ['a'], verbs: ['get'] }])]))).toEqual([]);
  });

  it('reads a null list item as the API server decodes it, the zero value "" (Go encoding/json)', () => {
    // verbs: [null] is the verb "": one verb, so no "at least one" error.
    expect(errors(lint([role([{ apiGroups: [null], resources: [null], verbs: [null] }])]))).toEqual([]);
    const nullRule = errors(lint([role([null])])).map((p) => p.message);
    expect(nullRule).toEqual([expect.stringContaining('rules[0].apiGroups must list'), expect.stringContaining('rules[0].resources must list'), expect.stringContaining('rules[0].verbs must contain')]);
  });

  it('rejects a generateName that is no valid name prefix (ValidateObjectMeta, nameFn with prefix)', () => {
    const generated = (generateName: string) => ({ apiVersion: RBAC, kind: 'Role', metadata: { generateName, namespace: 'data' }, rules: [] });
    expect(errors(lint([generated('reader-')]))).toEqual([]);
    expect(errors(lint([generated('a/b-')])).map((p) => p.message)).toEqual([expect.stringContaining('metadata.generateName "a/b-" is invalid')]);
  });
});

describe('ClusterRole aggregationRule (ValidateClusterRole)', () => {
  const aggregated = (aggregationRule: unknown) => ({ apiVersion: RBAC, kind: 'ClusterRole', metadata: { name: 'monitoring' }, aggregationRule, rules: [] });

  it('accepts selectors that are valid label selectors', () => {
    expect(errors(lint([aggregated({ clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] })]))).toEqual([]);
  });

  it('rejects an aggregationRule without selectors', () => {
    expect(errors(lint([aggregated({})])).map((p) => p.message)).toEqual([expect.stringContaining('aggregationRule.clusterRoleSelectors needs at least one selector')]);
  });

  it('validates each selector like any label selector', () => {
    const messages = errors(lint([aggregated({ clusterRoleSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'In' }] }, { matchLabels: { 'bad key': 'x' } }] })])).map((p) => p.message);
    expect(messages).toEqual([
      expect.stringContaining('aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values must be specified'),
      expect.stringContaining('aggregationRule.clusterRoleSelectors[1].matchLabels key "bad key" is invalid'),
    ]);
  });
});

describe('risky bindings', () => {
  const clusterAdmin = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' };

  it('warns when a ClusterRoleBinding gives a ServiceAccount cluster-admin (bootstrappolicy: every verb on every resource)', () => {
    expect(warnings(lint([clusterRoleBinding(clusterAdmin, [apiAccount])])).map((p) => p.message)).toEqual([
      'binds ServiceAccount shop/api to ClusterRole cluster-admin: every resource of the cluster, with every verb; bind a Role that lists the resources and verbs the workload uses',
    ]);
  });

  it('warns for a RoleBinding to cluster-admin too, scoped to its namespace', () => {
    expect(warnings(lint([roleBinding(clusterAdmin, [apiAccount])])).map((p) => p.message)).toEqual([expect.stringContaining('every resource of its namespace, with every verb')]);
  });

  it('says nothing of the bootstrap binding of Group system:masters, nor of bindings to other roles', () => {
    expect(warnings(lint([clusterRoleBinding(clusterAdmin, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }])]))).toEqual([]);
    expect(warnings(lint([clusterRoleBinding({ ...clusterAdmin, name: 'view' }, [apiAccount])]))).toEqual([]);
  });
});
