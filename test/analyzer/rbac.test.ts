import * as path from 'path';
import { ApiDecision, ApiRequest, InputError, apiGrants, authorizeApi, inventoryForRbac } from '../../analyzer';
import { Rule, Subject, clusterRole, clusterRoleBinding, inventoryOf, role, roleBinding, sa } from './support';

// Kubernetes RBAC authorization, from kubernetes/kubernetes sources:
// RBAC_GO     plugin/pkg/auth/authorizer/rbac/rbac.go (Authorize, RuleAllows)
// HELPERS     pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, APIGroupMatches, ResourceMatches, ResourceNameMatches)
// RULE_GO     pkg/registry/rbac/validation/rule.go (VisitRulesFor, GetRoleReferenceRules, appliesToUser)
// SA_UTIL     staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/util.go (MakeUsername, MakeGroupNames)
// GROUP_ADDER staging/src/k8s.io/apiserver/pkg/authentication/group/authenticated_group_adder.go
// AGGREGATION pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go (syncClusterRole)
// BOOTSTRAP   plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (ClusterRoles: cluster-admin)

/** The usual case: Role data/reader bound in data to ServiceAccount shop/web. */
function readerIn(namespace: string, ruleList: readonly Rule[], subjects: readonly Subject[] = [sa('shop/web')]): object[] {
  return [role(`${namespace}/reader`, ruleList), roleBinding(`${namespace}/reader`, 'Role reader', subjects)];
}

const request = (fields: Partial<ApiRequest> = {}): ApiRequest =>
  ({ serviceAccount: 'shop/web', verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'data', ...fields });

function can(objects: readonly object[], fields: Partial<ApiRequest> = {}): ApiDecision {
  return authorizeApi(inventoryOf(objects), request(fields));
}

const allowed = (objects: readonly object[], fields: Partial<ApiRequest> = {}) => can(objects, fields).allowed;

describe('RBAC rule matching', () => {
  test('RBAC_GO RuleAllows: verb, API group and resource of a rule all match; the reason names binding, role and rule', () => {
    // GIVEN a Role in data granting get on secrets, bound to shop/web
    const objects = readerIn('data', [{ verbs: ['get'], resources: ['secrets'] }]);
    // WHEN shop/web gets a secret in data
    // THEN it is allowed by that binding
    expect(can(objects)).toEqual({ allowed: true, reason: 'RoleBinding data/reader grants Role data/reader: get secrets' });
  });

  test('HELPERS VerbMatches: a verb the rule does not list is denied', () => {
    expect(allowed(readerIn('data', [{ verbs: ['get'], resources: ['secrets'] }]), { verb: 'list' })).toBe(false);
  });

  test('HELPERS VerbMatches: "*" matches every verb, custom ones too', () => {
    const objects = readerIn('data', [{ verbs: ['*'], resources: ['secrets'] }]);
    expect(['get', 'deletecollection', 'escalate'].map((verb) => allowed(objects, { verb }))).toEqual([true, true, true]);
  });

  test('HELPERS: matching is exact, so case matters ("GET" is not "get")', () => {
    expect(allowed(readerIn('data', [{ verbs: ['get'], resources: ['secrets'] }]), { verb: 'GET' })).toBe(false);
  });

  test('HELPERS APIGroupMatches: a rule for the core group does not cover the same resource name in another group', () => {
    const objects = readerIn('data', [{ verbs: ['get'], resources: ['deployments'] }]);
    expect(allowed(objects, { resource: 'deployments', apiGroup: 'apps' })).toBe(false);
  });

  test('HELPERS APIGroupMatches: "*" matches every group, the core group included', () => {
    const objects = readerIn('data', [{ verbs: ['get'], resources: ['deployments'], apiGroups: ['*'] }]);
    expect([allowed(objects, { resource: 'deployments', apiGroup: 'apps' }), allowed(objects, { resource: 'deployments', apiGroup: '' })]).toEqual([true, true]);
  });

  test('HELPERS ResourceMatches: "*" matches every resource and every subresource', () => {
    const objects = readerIn('data', [{ verbs: ['get'], resources: ['*'] }]);
    expect([allowed(objects, { resource: 'configmaps' }), allowed(objects, { resource: 'pods/log' })]).toEqual([true, true]);
  });

  test('HELPERS ResourceMatches: a plain resource does not cover its subresources', () => {
    const objects = readerIn('data', [{ verbs: ['get'], resources: ['pods'] }]);
    expect([allowed(objects, { resource: 'pods' }), allowed(objects, { resource: 'pods/log' })]).toEqual([true, false]);
  });

  test('HELPERS ResourceMatches: "resource/subresource" covers that subresource only, not the resource', () => {
    const objects = readerIn('data', [{ verbs: ['get'], resources: ['pods/log'] }]);
    expect([allowed(objects, { resource: 'pods/log' }), allowed(objects, { resource: 'pods' }), allowed(objects, { resource: 'pods/exec' })])
      .toEqual([true, false, false]);
  });

  test('HELPERS ResourceMatches: "*/subresource" covers that subresource of every resource, and no resource itself', () => {
    const objects = readerIn('data', [{ verbs: ['update'], resources: ['*/scale'], apiGroups: ['apps'] }]);
    const scale = (resource: string) => allowed(objects, { verb: 'update', apiGroup: 'apps', resource });
    expect([scale('deployments/scale'), scale('statefulsets/scale'), scale('deployments'), scale('deployments/status')]).toEqual([true, true, false, false]);
  });

  test('HELPERS ResourceMatches: "pods/*" is not a wildcard', () => {
    expect(allowed(readerIn('data', [{ verbs: ['get'], resources: ['pods/*'] }]), { resource: 'pods/log' })).toBe(false);
  });

  test('HELPERS ResourceNameMatches: with resourceNames only requests for those names pass; list and create name no object', () => {
    // GIVEN get/list on secrets limited to resourceNames [redis-auth]
    const objects = readerIn('data', [{ verbs: ['get', 'list'], resources: ['secrets'], resourceNames: ['redis-auth'] }]);
    // THEN get redis-auth passes; another name and a list (no name) do not
    expect([allowed(objects, { name: 'redis-auth' }), allowed(objects, { name: 'other' }), allowed(objects, { verb: 'list' })]).toEqual([true, false, false]);
  });

  test('HELPERS ResourceNameMatches: without resourceNames any name and requests without a name pass', () => {
    const objects = readerIn('data', [{ verbs: ['get', 'list'], resources: ['secrets'] }]);
    expect([allowed(objects, { name: 'anything' }), allowed(objects, { verb: 'list' })]).toEqual([true, true]);
  });

  test('RBAC_GO Authorize: a rule of another binding of the same account may allow what the first does not (rules add up)', () => {
    const objects = [
      ...readerIn('data', [{ verbs: ['get'], resources: ['secrets'] }]),
      role('data/lister', [{ verbs: ['list'], resources: ['secrets'] }]), roleBinding('data/lister', 'Role lister', [sa('shop/web')]),
    ];
    expect(can(objects, { verb: 'list' })).toEqual({ allowed: true, reason: 'RoleBinding data/lister grants Role data/lister: list secrets' });
  });
});

describe('RBAC bindings: where rules apply', () => {
  test('RULE_GO VisitRulesFor: a RoleBinding grants only in its own namespace, and not cluster-scoped', () => {
    const objects = readerIn('data', [{ verbs: ['get'], resources: ['secrets'] }]);
    expect([allowed(objects, { namespace: 'shop' }), allowed(objects, { namespace: undefined })]).toEqual([false, false]);
  });

  test('RULE_GO VisitRulesFor: a RoleBinding to a ClusterRole grants its rules in the binding\'s namespace only', () => {
    // GIVEN ClusterRole secret-reader bound by a RoleBinding in data
    const objects = [clusterRole('secret-reader', [{ verbs: ['get'], resources: ['secrets'] }]), roleBinding('data/reader', 'ClusterRole secret-reader', [sa('shop/web')])];
    // THEN it holds in data, not in shop nor cluster-wide
    expect(can(objects)).toEqual({ allowed: true, reason: 'RoleBinding data/reader grants ClusterRole secret-reader: get secrets' });
    expect([allowed(objects, { namespace: 'shop' }), allowed(objects, { namespace: undefined })]).toEqual([false, false]);
  });

  test('RULE_GO VisitRulesFor: a ClusterRoleBinding grants in every namespace and for cluster-scoped resources', () => {
    const objects = [
      clusterRole('node-and-secret-reader', [{ verbs: ['get'], resources: ['secrets', 'nodes'] }]),
      clusterRoleBinding('readers', 'ClusterRole node-and-secret-reader', [sa('shop/web')]),
    ];
    expect([allowed(objects), allowed(objects, { namespace: 'kube-system' }), allowed(objects, { resource: 'nodes', namespace: undefined })]).toEqual([true, true, true]);
    expect(can(objects).reason).toBe('ClusterRoleBinding readers grants ClusterRole node-and-secret-reader: get secrets,nodes');
  });

  test('RULE_GO GetRoleReferenceRules: a RoleBinding\'s Role is the one of the binding\'s namespace, not a same-named Role elsewhere', () => {
    // GIVEN Role reader exists in shop only, and data/reader binds "Role reader"
    const objects = [role('shop/reader', [{ verbs: ['get'], resources: ['secrets'] }]), roleBinding('data/reader', 'Role reader', [sa('shop/web')])];
    // THEN nothing is granted in data, and the reason names the missing Role
    expect(can(objects)).toEqual({ allowed: false, reason: expect.stringContaining('RoleBinding data/reader refers to Role data/reader, which is not in the manifests') });
  });

  test('RULE_GO GetRoleReferenceRules: a binding to a missing role grants nothing, and the reason says so', () => {
    const objects = [roleBinding('data/reader', 'ClusterRole gone', [sa('shop/web')])];
    expect(can(objects)).toEqual({ allowed: false, reason: expect.stringContaining('RoleBinding data/reader refers to ClusterRole gone, which is not in the manifests') });
  });

  test('BOOTSTRAP ClusterRoles: cluster-admin exists in every cluster, so a binding to it grants every verb on every resource and path even when the manifests lack it', () => {
    const objects = [clusterRoleBinding('ci', 'ClusterRole cluster-admin', [sa('shop/web')])];
    expect(can(objects, { verb: 'delete' })).toEqual({ allowed: true, reason: expect.stringContaining('ClusterRoleBinding ci') });
    expect(allowed(objects, { verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: undefined })).toBe(true);
    expect(authorizeApi(inventoryOf(objects), { serviceAccount: 'shop/web', verb: 'get', nonResourceURL: '/metrics' }).allowed).toBe(true);
    // The manifests' own cluster-admin, when they hold one, is what counts.
    expect(allowed([...objects, clusterRole('cluster-admin', [{ verbs: ['get'], resources: ['pods'] }])], { verb: 'delete' })).toBe(false);
  });

  test('BOOTSTRAP ClusterRoles: other default roles (edit, view, system:*) are unknown; the reason says what they are', () => {
    expect(can([roleBinding('data/editors', 'ClusterRole edit', [sa('shop/web')])])).toEqual({
      allowed: false, reason: expect.stringContaining('refers to ClusterRole edit, which is not in the manifests (a role Kubernetes creates in every cluster, whose rules the analyzer does not know)'),
    });
  });

  test('RULE_GO GetRoleReferenceRules: a ClusterRoleBinding cannot grant a Role (it is looked up in no namespace)', () => {
    const objects = [role('data/reader', [{ verbs: ['get'], resources: ['secrets'] }]), clusterRoleBinding('reader', 'Role reader', [sa('shop/web')])];
    expect(can(objects)).toEqual({ allowed: false, reason: expect.stringContaining('ClusterRoleBinding reader refers to Role reader, but a ClusterRoleBinding can only grant a ClusterRole') });
  });

  test('RULE_GO GetRoleReferenceRules: a roleRef kind other than Role or ClusterRole grants nothing', () => {
    const objects = [role('data/reader', [{ verbs: ['get'], resources: ['secrets'] }]), roleBinding('data/reader', 'Group reader', [sa('shop/web')])];
    expect(can(objects)).toEqual({ allowed: false, reason: expect.stringContaining('refers to a Group, which is not a role kind') });
  });
});

describe('RBAC subjects: whom a binding names', () => {
  const secrets = [{ verbs: ['get'], resources: ['secrets'] }];

  test('RULE_GO appliesToUser: a ServiceAccount subject names that account in that namespace only', () => {
    const objects = readerIn('data', secrets, [sa('shop/web')]);
    expect([allowed(objects), allowed(objects, { serviceAccount: 'blog/web' }), allowed(objects, { serviceAccount: 'shop/api' })]).toEqual([true, false, false]);
  });

  test('RULE_GO appliesToUser: in a RoleBinding, a ServiceAccount subject without namespace is the account of the binding\'s namespace', () => {
    // GIVEN a RoleBinding in data naming ServiceAccount "web" without a namespace
    const objects = readerIn('data', secrets, [{ kind: 'ServiceAccount', name: 'web' }]);
    // THEN data/web may, shop/web (the account the author probably meant) may not
    expect([allowed(objects, { serviceAccount: 'data/web' }), allowed(objects, { serviceAccount: 'shop/web' })]).toEqual([true, false]);
  });

  test('RULE_GO appliesToUser: in a ClusterRoleBinding, a ServiceAccount subject without namespace names nobody', () => {
    const objects = [clusterRole('secret-reader', secrets), clusterRoleBinding('reader', 'ClusterRole secret-reader', [{ kind: 'ServiceAccount', name: 'web' }])];
    expect([allowed(objects, { serviceAccount: 'shop/web' }), allowed(objects, { serviceAccount: 'default/web' })]).toEqual([false, false]);
  });

  test('SA_UTIL MakeUsername: a User subject "system:serviceaccount:<ns>:<name>" is that ServiceAccount, and the reason names the User', () => {
    const objects = readerIn('data', secrets, [{ kind: 'User', name: 'system:serviceaccount:shop:web' }]);
    expect(can(objects)).toEqual({ allowed: true, reason: 'RoleBinding data/reader grants Role data/reader to User system:serviceaccount:shop:web: get secrets' });
    expect(allowed(objects, { serviceAccount: 'shop/api' })).toBe(false);
  });

  test('SA_UTIL MakeGroupNames: group system:serviceaccounts holds every ServiceAccount', () => {
    const objects = readerIn('data', secrets, [{ kind: 'Group', name: 'system:serviceaccounts' }]);
    expect([allowed(objects), allowed(objects, { serviceAccount: 'blog/anyone' })]).toEqual([true, true]);
    expect(can(objects).reason).toBe('RoleBinding data/reader grants Role data/reader to Group system:serviceaccounts: get secrets');
  });

  test('SA_UTIL MakeNamespaceGroupName: group system:serviceaccounts:<ns> holds the ServiceAccounts of that namespace only', () => {
    const objects = readerIn('data', secrets, [{ kind: 'Group', name: 'system:serviceaccounts:shop' }]);
    expect([allowed(objects, { serviceAccount: 'shop/api' }), allowed(objects, { serviceAccount: 'blog/web' })]).toEqual([true, false]);
  });

  test('GROUP_ADDER: every ServiceAccount is in system:authenticated', () => {
    const objects = [clusterRole('secret-reader', secrets), clusterRoleBinding('everyone', 'ClusterRole secret-reader', [{ kind: 'Group', name: 'system:authenticated' }])];
    expect(allowed(objects, { serviceAccount: 'blog/anyone', namespace: 'kube-system' })).toBe(true);
  });

  test('RULE_GO appliesToUser: other groups, other users and unknown subject kinds name no ServiceAccount', () => {
    const objects = readerIn('data', secrets, [
      { kind: 'Group', name: 'system:masters' }, { kind: 'Group', name: 'system:unauthenticated' },
      { kind: 'User', name: 'web' }, { kind: 'Robot', name: 'web', namespace: 'shop' },
    ]);
    expect(can(objects)).toEqual({ allowed: false, reason: expect.stringContaining('no RoleBinding of data and no ClusterRoleBinding applies to it') });
  });
});

describe('RBAC ClusterRole aggregation', () => {
  const aggregate = (selectors: object[]) => ({ aggregationRule: { clusterRoleSelectors: selectors } });
  const bindMonitoring = clusterRoleBinding('monitoring', 'ClusterRole monitoring', [sa('shop/web')]);

  test('AGGREGATION syncClusterRole: an aggregated ClusterRole has the rules of the ClusterRoles its selector matches; the reason names the holder', () => {
    // GIVEN ClusterRole monitoring aggregating every ClusterRole labelled aggregate-to-monitoring=true
    const objects = [
      clusterRole('monitoring', [], aggregate([{ matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } }])),
      clusterRole('pod-reader', [{ verbs: ['get'], resources: ['pods'] }], { labels: { 'example.com/aggregate-to-monitoring': 'true' } }),
      clusterRole('secret-reader', [{ verbs: ['get'], resources: ['secrets'] }]),
      bindMonitoring,
    ];
    // THEN the labelled role's rules are granted through monitoring; the unlabelled role's are not
    expect(can(objects, { resource: 'pods' })).toEqual({
      allowed: true, reason: 'ClusterRoleBinding monitoring grants ClusterRole monitoring: get pods (aggregated from ClusterRole pod-reader)',
    });
    expect(allowed(objects)).toBe(false);
  });

  test('AGGREGATION syncClusterRole: the controller replaces the aggregated ClusterRole\'s own rules', () => {
    const objects = [clusterRole('monitoring', [{ verbs: ['get'], resources: ['secrets'] }], aggregate([{ matchLabels: { none: 'match' } }])), bindMonitoring];
    expect(allowed(objects)).toBe(false);
  });

  test('AGGREGATION syncClusterRole: selectors are ORed, matchExpressions count, and only ClusterRoles are aggregated', () => {
    const objects = [
      clusterRole('monitoring', [], aggregate([{ matchLabels: { a: 'yes' } }, { matchExpressions: [{ key: 'b', operator: 'Exists' }] }])),
      clusterRole('pod-reader', [{ verbs: ['get'], resources: ['pods'] }], { labels: { a: 'yes' } }),
      clusterRole('secret-reader', [{ verbs: ['get'], resources: ['secrets'] }], { labels: { b: 'anything' } }),
      { ...(role('data/configmap-reader', [{ verbs: ['get'], resources: ['configmaps'] }]) as Record<string, unknown>), metadata: { name: 'configmap-reader', namespace: 'data', labels: { a: 'yes' } } },
      bindMonitoring,
    ];
    expect([allowed(objects, { resource: 'pods' }), allowed(objects), allowed(objects, { resource: 'configmaps' })]).toEqual([true, true, false]);
  });

  test('AGGREGATION syncClusterRole: an aggregated role selected by another passes its aggregated rules on; cycles end', () => {
    // GIVEN monitoring -> viewers -> pod-reader, and viewers also selects monitoring back
    const objects = [
      clusterRole('monitoring', [], { labels: { tier: 'top' }, ...aggregate([{ matchLabels: { tier: 'middle' } }]) }),
      clusterRole('viewers', [], { labels: { tier: 'middle' }, ...aggregate([{ matchLabels: { tier: 'bottom' } }, { matchLabels: { tier: 'top' } }]) }),
      clusterRole('pod-reader', [{ verbs: ['get'], resources: ['pods'] }], { labels: { tier: 'bottom' } }),
      bindMonitoring,
    ];
    expect(can(objects, { resource: 'pods' }).reason).toBe('ClusterRoleBinding monitoring grants ClusterRole monitoring: get pods (aggregated from ClusterRole pod-reader)');
  });

  test('AGGREGATION syncClusterRole: an aggregationRule without selectors leaves the ClusterRole without rules', () => {
    expect(allowed([clusterRole('monitoring', [{ verbs: ['get'], resources: ['secrets'] }], { aggregationRule: {} }), bindMonitoring])).toBe(false);
  });

  test('AGGREGATION: LabelSelectorAsSelector turns an empty selector into "everything": every other ClusterRole is aggregated', () => {
    const objects = [clusterRole('monitoring', [], aggregate([{}])), clusterRole('secret-reader', [{ verbs: ['get'], resources: ['secrets'] }]), bindMonitoring];
    expect(allowed(objects)).toBe(true);
  });
});

describe('RBAC non-resource requests (/healthz, /metrics)', () => {
  // RBAC_GO RuleAllows: a non-resource request matches on VerbMatches and NonResourceURLMatches only.
  const urlRole = (name: string, urls: readonly string[], verbs: readonly string[] = ['get']) =>
    ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [{ nonResourceURLs: urls, verbs }] });
  const boundCluster = (urls: readonly string[], verbs?: readonly string[]) =>
    [urlRole('probe', urls, verbs), clusterRoleBinding('probe', 'ClusterRole probe', [sa('shop/web')])];
  const asks = (objects: readonly object[], nonResourceURL: string, verb = 'get') =>
    authorizeApi(inventoryOf(objects), { serviceAccount: 'shop/web', verb, nonResourceURL });

  test('HELPERS NonResourceURLMatches: an exact path is granted by a ClusterRoleBinding; the reason names the rule', () => {
    expect(asks(boundCluster(['/healthz', '/livez']), '/livez'))
      .toEqual({ allowed: true, reason: 'ClusterRoleBinding probe grants ClusterRole probe: get /healthz,/livez' });
    expect(asks(boundCluster(['/healthz']), '/healthz/etcd').allowed).toBe(false);
  });

  test('HELPERS NonResourceURLMatches: "*" matches every path; a trailing "*" matches the paths it prefixes', () => {
    expect(asks(boundCluster(['*']), '/version').allowed).toBe(true);
    const metrics = boundCluster(['/metrics*']);
    expect(['/metrics', '/metrics/cadvisor', '/metricsx', '/healthz'].map((url) => asks(metrics, url).allowed)).toEqual([true, true, true, false]);
    const apis = boundCluster(['/apis/*']);
    expect(['/apis/apps', '/apis'].map((url) => asks(apis, url).allowed)).toEqual([true, false]);
  });

  test('HELPERS VerbMatches: the verb is the HTTP method; a get grant does not allow post', () => {
    expect(asks(boundCluster(['/healthz']), '/healthz', 'post').allowed).toBe(false);
    expect(asks(boundCluster(['/healthz'], ['*']), '/healthz', 'post').allowed).toBe(true);
  });

  test('RULE_GO VisitRulesFor: a RoleBinding to the same ClusterRole grants no non-resource URL (the request has no namespace)', () => {
    const objects = [urlRole('probe', ['*']), roleBinding('data/probe', 'ClusterRole probe', [sa('shop/web')])];
    expect(asks(objects, '/healthz')).toEqual({
      allowed: false,
      reason: 'no RBAC rule lets ServiceAccount shop/web get /healthz; no ClusterRoleBinding applies to it',
    });
  });

  test('RBAC_GO RuleAllows: resource rules allow no path, and path rules allow no resource', () => {
    const resources = [clusterRole('all', [{ verbs: ['*'], resources: ['*'], apiGroups: ['*'] }]), clusterRoleBinding('all', 'ClusterRole all', [sa('shop/web')])];
    expect(asks(resources, '/healthz').allowed).toBe(false);
    expect(allowed(boundCluster(['*'], ['*']), { namespace: undefined, resource: 'nodes' })).toBe(false);
  });

  test('AGGREGATION: rules that differ only in their paths stay two rules', () => {
    const parts = [['/healthz'], ['/metrics']].map((urls, index) => ({ ...urlRole(`part-${index}`, urls), metadata: { name: `part-${index}`, labels: { probe: 'true' } } }));
    const aggregate = { ...urlRole('probe', []), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { probe: 'true' } }] } };
    const objects = [...parts, aggregate, clusterRoleBinding('probe', 'ClusterRole probe', [sa('shop/web')])];
    expect(['/healthz', '/metrics'].map((url) => asks(objects, url).allowed)).toEqual([true, true]);
  });

  test('a non-resource URL that is not a path is an InputError', () => {
    expect(() => asks([], 'healthz')).toThrow('a non-resource URL is a path starting with "/", got "healthz"');
  });
});

describe('RBAC decisions: reasons and input', () => {
  test('a denial names the request and the bindings that apply but grant something else', () => {
    const objects = readerIn('data', [{ verbs: ['get'], resources: ['configmaps'] }]);
    expect(can(objects)).toEqual({
      allowed: false,
      reason: 'no RBAC rule lets ServiceAccount shop/web get secrets in namespace data; bindings that apply grant other access: RoleBinding data/reader (Role data/reader)',
    });
  });

  test('a cluster-scoped denial with a name and a group reads like kubectl', () => {
    expect(can([], { namespace: undefined, verb: 'update', apiGroup: 'apps', resource: 'deployments/scale', name: 'web' }).reason)
      .toBe('no RBAC rule lets ServiceAccount shop/web update deployments.apps/scale named web cluster-wide; no ClusterRoleBinding applies to it');
  });

  test.each([
    ['a ServiceAccount without namespace', { serviceAccount: 'web' }, /serviceAccount must be a ServiceAccount as NAMESPACE\/NAME, got "web"/],
    ['an empty verb', { verb: '' }, /needs a verb/],
    ['a resource nested twice', { resource: 'a/b/c' }, /resource must be RESOURCE or RESOURCE\/SUBRESOURCE, got "a\/b\/c"/],
  ])('%s is an InputError', (_, fields, message) => {
    expect(() => can([], fields)).toThrow(InputError);
    expect(() => can([], fields)).toThrow(message);
  });
});

describe('apiGrants', () => {
  const objects = [
    clusterRole('monitoring', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: 'true' } }] } }),
    clusterRole('pod-reader', [{ verbs: ['get', 'list'], resources: ['pods'] }], { labels: { agg: 'true' } }),
    clusterRoleBinding('monitoring', 'ClusterRole monitoring', [sa('ops/prometheus'), { kind: 'ServiceAccount', name: 'nobody' }]),
    role('data/reader', [{ verbs: ['get'], resources: ['secrets'], resourceNames: ['redis-auth'] }, { verbs: ['list'], resources: ['configmaps'] }]),
    roleBinding('data/reader', 'Role reader', [sa('shop/web'), { kind: 'User', name: 'system:serviceaccount:shop:web' }, { kind: 'Group', name: 'system:serviceaccounts:shop' }, { kind: 'User', name: 'alice' }]),
    roleBinding('data/ghost', 'Role gone', [sa('shop/web')]),
  ];

  test('GIVEN bindings THEN one entry per (subject, binding, rule), sorted by subject, scope, binding, rules in role order', () => {
    expect(apiGrants(inventoryOf(objects))).toEqual([
      { subjectKind: 'Group', subject: 'system:serviceaccounts:shop', namespace: 'data', verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['redis-auth'], binding: 'RoleBinding data/reader', role: 'Role data/reader' },
      { subjectKind: 'Group', subject: 'system:serviceaccounts:shop', namespace: 'data', verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: [], binding: 'RoleBinding data/reader', role: 'Role data/reader' },
      {
        subjectKind: 'ServiceAccount', subject: 'ops/prometheus', namespace: '*', verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: [],
        binding: 'ClusterRoleBinding monitoring', role: 'ClusterRole monitoring', aggregatedFrom: 'ClusterRole pod-reader',
      },
      // A role the manifests lack: the subject may do whatever it allows in the cluster, which is unknown here.
      {
        subjectKind: 'ServiceAccount', subject: 'shop/web', namespace: 'data', verbs: [], apiGroups: [], resources: [], resourceNames: [],
        binding: 'RoleBinding data/ghost', role: 'Role data/gone', unknownRole: 'Role data/gone',
      },
      { subjectKind: 'ServiceAccount', subject: 'shop/web', namespace: 'data', verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['redis-auth'], binding: 'RoleBinding data/reader', role: 'Role data/reader' },
      { subjectKind: 'ServiceAccount', subject: 'shop/web', namespace: 'data', verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: [], binding: 'RoleBinding data/reader', role: 'Role data/reader' },
    ]);
  });

  test('BOOTSTRAP: a binding to cluster-admin grants everything even when the manifests do not hold the role; an invalid roleRef grants nothing', () => {
    const entries = apiGrants(inventoryOf([
      clusterRoleBinding('ci', 'ClusterRole cluster-admin', [sa('ci/deployer')]),
      clusterRoleBinding('bad', 'Role reader', [sa('ci/other')]),
    ]));
    expect(entries).toEqual([
      expect.objectContaining({ subject: 'ci/deployer', namespace: '*', verbs: ['*'], apiGroups: ['*'], resources: ['*'], role: 'ClusterRole cluster-admin' }),
    ]);
  });

  test('GIVEN the same manifests in another order THEN the same entries', () => {
    expect(apiGrants(inventoryOf([...objects].reverse()))).toEqual(apiGrants(inventoryOf(objects)));
  });
});

describe('RBAC of the embedded example (dist/online-boutique.k8s.yaml)', () => {
  // main.ts: cart.grantApi(data, { resources: ['secrets'], resourceNames: ['redis-cart-auth'], verbs: ['get'] })
  const inventory = inventoryForRbac([path.resolve(__dirname, '../../dist/online-boutique.k8s.yaml')]);
  const cart = (fields: Partial<ApiRequest> = {}) =>
    authorizeApi(inventory, { serviceAccount: 'shop/cartservice', verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'data', name: 'redis-cart-auth', ...fields });

  test('GIVEN dist/ THEN only the RBAC objects are loaded', () => {
    expect(inventory.workloads).toEqual([]);
    expect(inventory.roles.map((r) => r.ref)).toEqual(['Role/data/api-access.shop.cartservice']);
    expect(inventory.bindings.map((b) => b.ref)).toEqual(['RoleBinding/data/api-access.shop.cartservice']);
  });

  test('the cartservice may get the redis-cart-auth Secret in data', () => {
    expect(cart()).toEqual({
      allowed: true,
      reason: 'RoleBinding data/api-access.shop.cartservice grants Role data/api-access.shop.cartservice: get secrets named redis-cart-auth',
    });
  });

  test('but not list secrets, nor get another Secret, nor update it', () => {
    expect([cart({ verb: 'list', name: undefined }), cart({ name: 'other' }), cart({ verb: 'update' })].map((d) => d.allowed)).toEqual([false, false, false]);
  });

  test('nor in another namespace, and no other ServiceAccount may', () => {
    expect([cart({ namespace: 'shop' }), cart({ serviceAccount: 'shop/frontend' }), cart({ serviceAccount: 'data/cartservice' })].map((d) => d.allowed))
      .toEqual([false, false, false]);
  });
});
