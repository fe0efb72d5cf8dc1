import { InputError } from '../../analyzer';
import { deployment, inventoryOf, namespace, networkPolicy, pod, service } from './support';

describe('inventory', () => {
  test('a namespace objects use without declaring exists with only kubernetes.io/metadata.name', () => {
    const inventory = inventoryOf([pod('ghost/a')]);
    expect(inventory.namespaces.get('ghost')).toEqual({ name: 'ghost', labels: new Map([['kubernetes.io/metadata.name', 'ghost']]), declared: false });
  });

  test('a declared namespace gets kubernetes.io/metadata.name added to its labels', () => {
    const labels = inventoryOf([namespace('shop', { team: 'x' })]).namespaces.get('shop')?.labels;
    expect(Object.fromEntries(labels ?? [])).toEqual({ team: 'x', 'kubernetes.io/metadata.name': 'shop' });
  });

  test('objects without a namespace are in "default", as kubectl apply would put them', () => {
    const bare = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [] } };
    expect(inventoryOf([bare]).workloads[0].id).toBe('default/a');
  });

  test('controllers contribute their pod template; a CronJob its job template', () => {
    const cronJob = {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'ops' },
      spec: { jobTemplate: { spec: { template: { metadata: { labels: { app: 'nightly' } }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 9000 }] }] } } } } },
    };
    const [workload] = inventoryOf([cronJob]).workloads;
    expect(workload).toMatchObject({ id: 'ops/nightly', kind: 'CronJob', serviceAccount: 'default', ports: [{ port: 9000, protocol: 'TCP' }] });
    expect(workload.labels.get('app')).toBe('nightly');
  });

  test('pods keep status.podIP for ipBlock matching', () => {
    expect(inventoryOf([pod('a/p', { ip: '10.1.2.3' })]).workloads[0].podIPs).toEqual(['10.1.2.3']);
  });

  test('a Service targetPort may name a container port; without targetPort it equals port', () => {
    const [svc] = inventoryOf([service('a/s', [['http', 80, 'web']]), { apiVersion: 'v1', kind: 'Service', metadata: { name: 't', namespace: 'a' }, spec: { ports: [{ port: 81 }] } }]).services;
    expect(svc.ports[0]).toEqual({ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' });
  });

  test('pods owned by a listed ReplicaSet are not workloads of their own in reports', () => {
    const replicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'a' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } } };
    const owned = { ...(pod('a/web-1-x') as { metadata: object }), metadata: { name: 'web-1-x', namespace: 'a', ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1' }] } };
    const ownership = Object.fromEntries(inventoryOf([replicaSet, owned]).workloads.map((w) => [w.id, w.ownedByListedWorkload]));
    expect(ownership).toEqual({ 'a/web-1': false, 'a/web-1-x': true });
  });

  test('same-named kinds of other API groups (Calico NetworkPolicy) are ignored', () => {
    const calico = { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'a' }, spec: {} };
    expect(inventoryOf([calico]).networkPolicies).toEqual([]);
  });

  test('a later object of the same kind, namespace and name replaces an earlier one', () => {
    const inventory = inventoryOf([deployment('a/web', { ports: [{ port: 1 }] }), deployment('a/web', { ports: [{ port: 2 }] })]);
    expect(inventory.workloads.map((w) => w.ports[0].port)).toEqual([2]);
  });

  test('a malformed known object is an error naming the object, the field and the document', () => {
    const bad = networkPolicy('a/p', { podSelector: { matchExpressions: [{ key: 'x', operator: 'Near', values: ['y'] }] } });
    expect(() => inventoryOf([namespace('a'), bad])).toThrow(InputError);
    expect(() => inventoryOf([namespace('a'), bad])).toThrow(
      'test.yaml: document 1: NetworkPolicy/a/p: spec.podSelector.matchExpressions[0]: operator must be In, NotIn, Exists or DoesNotExist, got "Near"');
  });

  test('mesh settings: explicit options win over the istio ConfigMap, which wins over defaults', () => {
    const meshConfig = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'trustDomain: corp.example\nrootNamespace: mesh-root\n' } };
    expect(inventoryOf([]).mesh).toEqual({ trustDomain: 'cluster.local', trustDomainAliases: [], rootNamespace: 'istio-system', autoMtls: true, gatewayTrustedProxies: 0, pathNormalization: 'BASE' });
    // A ConfigMap without extensionProviders is a mesh without ext authz providers; no ConfigMap, unknown providers.
    expect(inventoryOf([meshConfig]).mesh).toEqual({ trustDomain: 'corp.example', trustDomainAliases: [], rootNamespace: 'mesh-root', extAuthzProviders: [], autoMtls: true, gatewayTrustedProxies: 0, pathNormalization: 'BASE' });
    expect(inventoryOf([meshConfig], { trustDomain: 'cli.example' }).mesh.trustDomain).toBe('cli.example');
  });
});
