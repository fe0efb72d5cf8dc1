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

  it('rejects resourceNames over several resources', () => {
    expect(errors(lint([role([{ apiGroups: [''], resources: ['configmaps', 'secrets'], resourceNames: ['a'], verbs: ['get'] }])])).map((p) => p.message)).toEqual([expect.stringContaining('resourceNames cannot apply to several resources')]);
  });
});
