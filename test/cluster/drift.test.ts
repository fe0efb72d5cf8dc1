import { LoadedObject } from '../../analyzer';
import { findDrift } from '../../cli/cluster/drift';

const loaded = (...objects: Array<Record<string, any>>): LoadedObject[] =>
  objects.map((object, document) => ({ object: object as LoadedObject['object'], source: { file: 'test', document } }));
const SHOP = new Set(['shop']);
const server = { uid: 'u-1', resourceVersion: '7', creationTimestamp: '2025-01-01T00:00:00Z', managedFields: [{ manager: 'kubectl' }] };

describe('drift normalizes what the API server adds', () => {
  test('NetworkPolicy: defaulted policyTypes and protocol, and empty lists, are no change', () => {
    // GIVEN an intent without policyTypes or protocol, with an empty `from`
    const intent = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'shop' }, spec: { podSelector: {}, ingress: [{ from: [], ports: [{ port: 80 }] }], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] } };
    // AND its live copy as the API server returns it
    const live = { ...intent, metadata: { ...intent.metadata, ...server }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 80, protocol: 'TCP' }] }], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }], policyTypes: ['Ingress', 'Egress'] } };
    // WHEN comparing THEN nothing differs
    expect(findDrift(loaded(intent), loaded(live), SHOP).findings).toEqual([]);
  });

  test('Service: allocated addresses, node ports and defaults are no change; a changed selector is', () => {
    const intent = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'shop' }, spec: { type: 'LoadBalancer', selector: { app: 's' }, ports: [{ name: 'http', port: 80 }] } };
    const live = {
      ...intent, metadata: { ...intent.metadata, ...server },
      spec: {
        type: 'LoadBalancer', selector: { app: 'other' }, clusterIP: '10.96.0.7', clusterIPs: ['10.96.0.7'], sessionAffinity: 'None', externalTrafficPolicy: 'Cluster',
        allocateLoadBalancerNodePorts: true, ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP', nodePort: 31234 }],
      },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } },
    };
    expect(findDrift(loaded(intent), loaded(live), SHOP).findings).toEqual([
      { status: 'changed', kind: 'Service', namespace: 'shop', name: 's', changes: [{ path: 'spec.selector.app', intent: 's', live: 'other' }] },
    ]);
  });

  test('RoleBinding: the defaulted apiGroup of User subjects and of the roleRef is no change', () => {
    const intent = {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b', namespace: 'shop' },
      roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'web', namespace: 'web' }],
    };
    const live = {
      ...intent, metadata: { ...intent.metadata, ...server },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'web', namespace: 'web' }],
    };
    expect(findDrift(loaded(intent), loaded(live), SHOP).findings).toEqual([]);
  });

  test('labels: extra live labels are no change; a different value of an intent label is', () => {
    const intent = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } };
    const live = { ...intent, metadata: { ...server, name: 'shop', labels: { 'istio-injection': 'disabled', 'kubernetes.io/metadata.name': 'shop' } }, spec: { finalizers: ['kubernetes'] } };
    expect(findDrift(loaded(intent), loaded(live), SHOP).findings).toEqual([
      { status: 'changed', kind: 'Namespace', name: 'shop', changes: [{ path: 'metadata.labels["istio-injection"]', intent: 'enabled', live: 'disabled' }] },
    ]);
  });

  test('lists are sets: reordered principals, rules or peers are no change; a different item is', () => {
    const intent = {
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'a', namespace: 'shop' },
      spec: { rules: [{ from: [{ source: { principals: ['cluster.local/ns/web/sa/a', 'cluster.local/ns/web/sa/b'] } }] }, { to: [{ operation: { methods: ['GET', 'HEAD'] } }] }] },
    };
    const reordered = {
      ...intent, metadata: { ...intent.metadata, ...server },
      spec: { action: 'ALLOW', rules: [{ to: [{ operation: { methods: ['HEAD', 'GET'] } }] }, { from: [{ source: { principals: ['cluster.local/ns/web/sa/b', 'cluster.local/ns/web/sa/a'] } }] }] },
    };
    expect(findDrift(loaded(intent), loaded(reordered), SHOP).findings).toEqual([]);
    const other = JSON.parse(JSON.stringify(reordered));
    other.spec.rules[1].from[0].source.principals[0] = 'cluster.local/ns/web/sa/c';
    expect(findDrift(loaded(intent), loaded(other), SHOP).findings).toEqual([expect.objectContaining({ status: 'changed', name: 'a' })]);
  });

  test('an Istio policy served as v1beta1 is the same object as the intent\'s v1', () => {
    const intent = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'a', namespace: 'shop' }, spec: { action: 'ALLOW', rules: [{}] } };
    const live = { ...intent, apiVersion: 'security.istio.io/v1beta1', metadata: { ...intent.metadata, ...server }, spec: { rules: [{}] } };
    expect(findDrift(loaded(intent), loaded(live), SHOP).findings).toEqual([]);
  });

  test('objects outside the audited namespaces and kinds that are not compared are left alone', () => {
    const intent = [
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'other' }, spec: { podSelector: {} } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'shop' }, spec: {} },
    ];
    const report = findDrift(loaded(...intent), [], SHOP);
    expect(report.findings).toEqual([]);
    expect(report.notCompared).toEqual(['Deployment shop/d']);
  });
});
