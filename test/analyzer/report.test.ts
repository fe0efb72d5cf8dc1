import { apiGrants, reach } from '../../analyzer';
import { describeApiAccess } from '../../analyzer/report/api-access';
import { diffReach } from '../../analyzer/report/diff';
import { diffLayers, fingerprint } from '../../analyzer/report/layer-diff';
import { explainMarkdown } from '../../analyzer/report/explain';
import { authorizationPolicy, clusterRole, clusterRoleBinding, inventoryOf, meshedPair, namespace, networkPolicy, pod, role, roleBinding, sa } from './support';

const restrictToApi = (paths: string[]) => authorizationPolicy('shop/api', {
  selector: { matchLabels: { app: 'api' } },
  rules: [{ to: [{ operation: { methods: ['GET'], paths } }] }],
});

describe('explain', () => {
  const markdown = explainMarkdown(reach(inventoryOf(meshedPair([restrictToApi(['/api/*'])]))));

  test('has an access matrix per destination namespace with ports and HTTP constraints', () => {
    expect(markdown).toContain('### Namespace `shop`');
    expect(markdown).toContain(String.raw`| From \ To | api |`);
    expect(markdown).toContain('| shop/web | 8080/TCP GET /api/* |');
  });

  test('has a Mermaid graph of the allowed edges', () => {
    expect(markdown).toContain('```mermaid\nflowchart LR');
    expect(markdown).toMatch(/w1 -->\|"8080\/TCP GET \/api\/\*"\| w0/);
  });

  test('lists who may use which Kubernetes API objects, where, and through which binding', () => {
    const inventory = inventoryOf([
      ...meshedPair(),
      role('data/reader', [{ verbs: ['get'], resources: ['secrets'], resourceNames: ['db'] }]),
      roleBinding('data/reader', 'Role reader', [sa('shop/web')]),
      clusterRole('scaler', [{ verbs: ['patch'], apiGroups: ['apps'], resources: ['deployments/scale'] }]),
      clusterRoleBinding('scalers', 'ClusterRole scaler', [{ kind: 'Group', name: 'system:serviceaccounts:ops' }]),
    ]);
    const withApi = explainMarkdown(reach(inventory), apiGrants(inventory));
    expect(withApi).toContain('### Kubernetes API access (RBAC)\n\n| Subject | Namespace | Verbs | Resources | Names | Via |');
    expect(withApi).toContain('| Group system:serviceaccounts:ops | every namespace | patch | deployments.apps/scale | any | ClusterRoleBinding scalers → ClusterRole scaler |');
    expect(withApi).toContain('| ServiceAccount shop/web | data | get | secrets | db | RoleBinding data/reader → Role data/reader |');
    expect(markdown).toContain('### Kubernetes API access (RBAC)\n\n_none_');
  });

  test('escapes HTML in values, so a path like /<b>* shows as written', () => {
    const withHtml = explainMarkdown(reach(inventoryOf(meshedPair([restrictToApi(['/<b>*'])]))));
    expect(withHtml).toContain('/&lt;b&gt;*');
    expect(withHtml).not.toMatch(/\| [^|]*<b>/);
  });

  test('lists wide-open workloads', () => {
    expect(markdown).toContain('| shop/web | open: no NetworkPolicy selects it for ingress | open: no NetworkPolicy selects it for egress | yes |');
  });
});

describe('diff', () => {
  const base = [namespace('a'), pod('a/x', { ports: [{ port: 80 }] }), pod('a/y'), networkPolicy('a/deny', { podSelector: {}, policyTypes: ['Ingress'] })];
  const open = base.slice(0, 3);

  test('an edge that appears widens access', () => {
    const diff = diffReach(reach(inventoryOf(base)), reach(inventoryOf(open)));
    expect(diff.added.map((e) => `${e.from}->${e.to}`)).toEqual(['a/y->a/x']);
    expect(diff.widened).toBe(true);
  });

  test('an edge that disappears narrows access', () => {
    const diff = diffReach(reach(inventoryOf(open)), reach(inventoryOf(base)));
    expect(diff.removed).toHaveLength(1);
    expect(diff.widened).toBe(false);
  });

  test('a looser HTTP restriction on an existing edge widens access', () => {
    const before = reach(inventoryOf(meshedPair([restrictToApi(['/api/orders'])])));
    const after = reach(inventoryOf(meshedPair([restrictToApi(['/api/*'])])));
    const diff = diffReach(before, after);
    expect(diff.changed).toEqual([expect.objectContaining({ from: 'shop/web', to: 'shop/api', widened: true })]);
    expect(diff.widened).toBe(true);
  });

  describe('narrowed HTTP restrictions do not widen (the CI gate must not fail on a tightening)', () => {
    const allowing = (operation: object) => authorizationPolicy('shop/api', { selector: { matchLabels: { app: 'api' } }, rules: [{ to: [{ operation }] }] });
    const denying = (operation: object) => authorizationPolicy('shop/no', { action: 'DENY', rules: [{ to: [{ operation }] }] });
    const widened = (before: object[], after: object[]) => diffReach(reach(inventoryOf(meshedPair(before))), reach(inventoryOf(meshedPair(after)))).widened;

    test.each([
      ['fewer methods', { methods: ['GET', 'HEAD'] }, { methods: ['GET'] }],
      ['a narrower path prefix', { paths: ['/api/*'] }, { paths: ['/api/v1/*', '/api/v2/*'] }],
      ['an exact path under the prefix', { paths: ['/api/*'] }, { paths: ['/api/x'] }],
      ['a host added', { paths: ['/api/*'] }, { paths: ['/api/*'], hosts: ['a.example'] }],
      ['an exclusion added', { paths: ['/api/*'] }, { paths: ['/api/*'], notPaths: ['/api/secret'] }],
      ['a suffix under a wider suffix', { paths: ['*.json'] }, { paths: ['*/data.json'] }],
    ])('%s', (_title, before, after) => {
      expect(widened([allowing(before)], [allowing(after)])).toBe(false);
      expect(widened([allowing(after)], [allowing(before)])).toBe(true);
    });

    test('a deny that covers more does not widen; one that covers less does', () => {
      const everyAdmin = denying({ paths: ['/admin*'] });
      const oneAdmin = denying({ paths: ['/admin/users'] });
      expect(widened([oneAdmin], [everyAdmin])).toBe(false);
      expect(widened([everyAdmin], [oneAdmin])).toBe(true);
    });

    test('templates are compared as written: a different one counts as wider, for a reviewer to look', () => {
      expect(widened([allowing({ paths: ['/users/{*}/info'] })], [allowing({ paths: ['/users/{*}/name'] })])).toBe(true);
    });
  });

  test('identical inputs make an empty diff', () => {
    const report = reach(inventoryOf(base));
    expect(diffReach(report, report)).toEqual({ added: [], removed: [], changed: [], apiAdded: [], apiRemoved: [], widened: false });
  });

  describe('Kubernetes API grants', () => {
    const reader = (verbs: string[], bindingName = 'reader') => [
      role(`data/${bindingName}`, [{ verbs, resources: ['secrets'] }]), roleBinding(`data/${bindingName}`, `Role ${bindingName}`, [sa('shop/web')]),
    ];
    const diffOf = (before: object[], after: object[]) => {
      const [old, now] = [inventoryOf([...base, ...before]), inventoryOf([...base, ...after])];
      return diffReach(reach(old), reach(now), { before: apiGrants(old), after: apiGrants(now) });
    };

    test('a grant that appears widens access', () => {
      const diff = diffOf(reader(['get']), reader(['get', 'list']));
      expect(diff.apiAdded).toEqual([expect.objectContaining({ subject: 'shop/web', namespace: 'data', verbs: ['get', 'list'] })]);
      expect(diff.apiRemoved).toEqual([expect.objectContaining({ verbs: ['get'] })]);
      expect(diff.widened).toBe(true);
    });

    test('a grant that disappears narrows access', () => {
      const diff = diffOf(reader(['get']), []);
      expect(diff.apiRemoved).toHaveLength(1);
      expect(diff.widened).toBe(false);
    });

    test('renaming the Role and RoleBinding changes no access', () => {
      const diff = diffOf(reader(['get']), reader(['get'], 'secret-reader'));
      expect(diff).toMatchObject({ apiAdded: [], apiRemoved: [], widened: false });
    });

    test('a binding to cluster-admin, which the manifests need not hold (every cluster has it), widens access to everything', () => {
      const diff = diffOf([], [clusterRoleBinding('web-admin', 'ClusterRole cluster-admin', [sa('shop/web')])]);
      expect(diff.apiAdded).toEqual([expect.objectContaining({ subject: 'shop/web', namespace: '*', verbs: ['*'], resources: ['*'] })]);
      expect(diff.widened).toBe(true);
      expect(describeApiAccess(diff.apiAdded[0])).toBe('ServiceAccount shop/web may * *.* in every namespace');
    });

    test('a binding to a role the manifests do not hold (ClusterRole edit) widens access: what it allows is unknown, not nothing', () => {
      const diff = diffOf([], [roleBinding('data/editors', 'ClusterRole edit', [sa('shop/web')])]);
      expect(diff.apiAdded).toEqual([expect.objectContaining({ subject: 'shop/web', namespace: 'data', unknownRole: 'ClusterRole edit' })]);
      expect(diff.widened).toBe(true);
      expect(describeApiAccess(diff.apiAdded[0])).toBe('ServiceAccount shop/web may do what ClusterRole edit allows (not in the manifests: unknown here) in data');
      // Binding the same account to another unknown role is another grant.
      const swapped = diffOf([roleBinding('data/editors', 'ClusterRole edit', [sa('shop/web')])], [roleBinding('data/editors', 'ClusterRole admin', [sa('shop/web')])]);
      expect(swapped.apiAdded).toEqual([expect.objectContaining({ unknownRole: 'ClusterRole admin' })]);
      expect(swapped.apiRemoved).toEqual([expect.objectContaining({ unknownRole: 'ClusterRole edit' })]);
    });

    test('explain lists a binding to an unknown role as unknown access', () => {
      const inventory = inventoryOf([...base, roleBinding('data/editors', 'ClusterRole edit', [sa('shop/web')])]);
      expect(explainMarkdown(reach(inventory), apiGrants(inventory)))
        .toContain('| ServiceAccount shop/web | data | unknown | unknown | unknown | RoleBinding data/editors → ClusterRole edit (not in the manifests) |');
    });
  });
});

describe('diff of each layer alone (defence in depth)', () => {
  const denyIngress = networkPolicy('shop/deny', { podSelector: {}, policyTypes: ['Ingress'] });
  const getOnly = authorizationPolicy('shop/api', { selector: { matchLabels: { app: 'api' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] });
  const anything = authorizationPolicy('shop/api', { selector: { matchLabels: { app: 'api' } }, rules: [{}] });

  test('GIVEN the Istio rule opened behind a NetworkPolicy that still denies THEN end to end nothing changes, but Istio alone widened', () => {
    const [before, after] = [inventoryOf(meshedPair([denyIngress, getOnly])), inventoryOf(meshedPair([denyIngress, anything]))];
    expect(diffReach(reach(before), reach(after)).widened).toBe(false);
    const layers = diffLayers(before, after);
    expect(layers.map((l) => l.layer)).toEqual(['mesh']);
    expect(layers[0].diff.widened).toBe(true);
    expect(layers[0].diff.changed).toEqual([expect.objectContaining({ from: 'shop/web', to: 'shop/api', widened: true })]);
  });

  test('GIVEN the NetworkPolicy removed behind an Istio policy that still restricts THEN NetworkPolicy alone widened', () => {
    const [before, after] = [inventoryOf(meshedPair([denyIngress, authorizationPolicy('shop/none', { selector: { matchLabels: { app: 'api' } } })])), inventoryOf(meshedPair([authorizationPolicy('shop/none', { selector: { matchLabels: { app: 'api' } } })]))];
    expect(diffReach(reach(before), reach(after)).widened).toBe(false);
    const layers = diffLayers(before, after);
    expect(layers.map((l) => [l.layer, l.diff.widened])).toEqual([['network', true]]);
    expect(layers[0].diff.added.map((e) => `${e.from}->${e.to}:${e.port}`)).toEqual(['shop/web->shop/api:8080']);
  });

  test('GIVEN one change that closes NetworkPolicy and opens Istio THEN the edge is removed end to end, and Istio alone still shows it widened', () => {
    const allowWeb = networkPolicy('shop/allow-web', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] });
    const [before, after] = [inventoryOf(meshedPair([denyIngress, allowWeb, getOnly])), inventoryOf(meshedPair([denyIngress, anything]))];
    const endToEnd = diffReach(reach(before), reach(after));
    expect(endToEnd.removed.map((e) => `${e.from}->${e.to}`)).toEqual(['shop/web->shop/api']);
    const mesh = diffLayers(before, after, endToEnd).find((l) => l.layer === 'mesh');
    expect(mesh?.diff.widened).toBe(true);
    expect(mesh?.diff.changed).toEqual([expect.objectContaining({ from: 'shop/web', to: 'shop/api', widened: true })]);
  });

  test('GIVEN the same policies with their selector keys and list items in another order THEN no layer differs', () => {
    const ordered = networkPolicy('shop/p', { podSelector: { matchLabels: { app: 'api', tier: 'be' } }, policyTypes: ['Ingress', 'Egress'], ingress: [{ ports: [{ port: 80 }, { port: 81 }] }] });
    const reordered = networkPolicy('shop/p', { podSelector: { matchLabels: { tier: 'be', app: 'api' } }, policyTypes: ['Egress', 'Ingress'], ingress: [{ ports: [{ port: 81 }, { port: 80 }] }] });
    const [a, b] = [inventoryOf(meshedPair([ordered])), inventoryOf(meshedPair([reordered]))];
    expect(fingerprint(a.networkPolicies)).toBe(fingerprint(b.networkPolicies));
    expect(fingerprint(a.networkPolicies)).not.toBe(fingerprint(inventoryOf(meshedPair([networkPolicy('shop/p', { podSelector: { matchLabels: { app: 'api' } } })])).networkPolicies));
  });

  test('GIVEN unchanged policies THEN no layer is compared', () => {
    const inventory = inventoryOf(meshedPair([denyIngress, getOnly]));
    expect(diffLayers(inventory, inventoryOf(meshedPair([denyIngress, getOnly])))).toEqual([]);
  });
});
