import { Workload } from '../../analyzer';
import { authorizationPolicy, deployment, inventoryOf, meshedPair, namespace, pod, verdict } from './support';

// Sidecar injection as Istio decides it: the webhooks' selectors
// (istio/istio manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml, cited as WEBHOOK)
// then injectRequired (istio/istio pkg/kube/inject/inject.go, cited as INJECT);
// https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/ (DOCS).

function sidecarOf(namespaceLabels: Record<string, string>, podOptions: Parameters<typeof pod>[1] = {}, namespaceName = 'shop'): Workload['sidecar'] {
  const inventory = inventoryOf([namespace(namespaceName, namespaceLabels), pod(`${namespaceName}/app`, podOptions)]);
  return inventory.workloads[0].sidecar;
}

describe('sidecar injection', () => {
  test('WEBHOOK namespace.: namespace label istio-injection=enabled injects', () => {
    expect(sidecarOf({ 'istio-injection': 'enabled' })).toEqual({ injected: true, gateway: false, template: 'sidecar', because: 'namespace label istio-injection=enabled' });
  });

  test('a namespace without injection labels does not inject', () => {
    expect(sidecarOf({}).injected).toBe(false);
  });

  test('WEBHOOK: istio-injection=disabled wins over a pod label sidecar.istio.io/inject=true', () => {
    expect(sidecarOf({ 'istio-injection': 'disabled' }, { labels: { app: 'app', 'sidecar.istio.io/inject': 'true' } }).injected).toBe(false);
  });

  test('WEBHOOK object.: in an unlabeled namespace the pod label sidecar.istio.io/inject=true injects', () => {
    expect(sidecarOf({}, { labels: { app: 'app', 'sidecar.istio.io/inject': 'true' } }).injected).toBe(true);
  });

  test('DOCS: a pod annotation in an unlabeled namespace does not inject (webhooks select on labels)', () => {
    expect(sidecarOf({}, { annotations: { 'sidecar.istio.io/inject': 'true' } }).injected).toBe(false);
  });

  test('INJECT injectRequired: the deprecated annotation sidecar.istio.io/inject=false still opts out', () => {
    expect(sidecarOf({ 'istio-injection': 'enabled' }, { annotations: { 'sidecar.istio.io/inject': 'false' } }).injected).toBe(false);
  });

  test('INJECT injectRequired: the label wins over the annotation', () => {
    const options = { labels: { app: 'app', 'sidecar.istio.io/inject': 'true' }, annotations: { 'sidecar.istio.io/inject': 'false' } };
    expect(sidecarOf({ 'istio-injection': 'enabled' }, options).injected).toBe(true);
  });

  test('WEBHOOK rev.namespace.: a namespace istio.io/rev label injects (the revision is assumed installed)', () => {
    expect(sidecarOf({ 'istio.io/rev': 'canary' }).injected).toBe(true);
  });

  test('WEBHOOK: with both namespace labels, istio-injection takes precedence over istio.io/rev', () => {
    expect(sidecarOf({ 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }).injected).toBe(false);
  });

  test('WEBHOOK rev.object.: a pod label istio.io/rev in an unlabeled namespace injects', () => {
    expect(sidecarOf({}, { labels: { app: 'app', 'istio.io/rev': 'canary' } }).injected).toBe(true);
  });

  test('INJECT injectRequired: hostNetwork pods are never injected', () => {
    const hostNetworkPod = { ...(pod('shop/app') as { spec: object }) } as { spec: Record<string, unknown> };
    hostNetworkPod.spec = { ...hostNetworkPod.spec, hostNetwork: true };
    const inventory = inventoryOf([namespace('shop', { 'istio-injection': 'enabled' }), hostNetworkPod]);
    expect(inventory.workloads[0].sidecar.injected).toBe(false);
  });

  test('INJECT IgnoredNamespaces: kube-system is never injected', () => {
    expect(sidecarOf({ 'istio-injection': 'enabled' }, {}, 'kube-system').injected).toBe(false);
  });
});

// TEMPLATE istio/istio manifests/charts/istio-control/istio-discovery/files/injection-template.yaml
// metadata.labels: every injected pod gets security.istio.io/tlsMode and the canonical service labels.
describe('TEMPLATE: labels the injector adds to the pod', () => {
  const labelsOf = (objects: readonly object[]) => Object.fromEntries(inventoryOf(objects).workloads[0].labels);
  const injected = namespace('shop', { 'istio-injection': 'enabled' });

  test('tlsMode istio, canonical-name from app.kubernetes.io/name before app, canonical-revision from version, else latest', () => {
    expect(labelsOf([injected, deployment('shop/cart', { labels: { app: 'cart', 'app.kubernetes.io/name': 'cart-svc', version: 'v2' } })])).toEqual({
      app: 'cart', 'app.kubernetes.io/name': 'cart-svc', version: 'v2',
      'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': 'cart-svc', 'service.istio.io/canonical-revision': 'v2',
    });
    expect(labelsOf([injected, deployment('shop/cart', { labels: { tier: 'web' } })])).toMatchObject({
      'service.istio.io/canonical-name': 'cart', 'service.istio.io/canonical-revision': 'latest',
    });
  });

  // UTIL istio/istio pkg/kube/util.go GetDeployMetaFromPod.
  const ownedPod = (name: string, owner: { kind: string; name: string; controller?: boolean }, generateName?: string, labels: Record<string, string> = {}) => {
    const base = pod(`shop/${name}`, { labels }) as { metadata: object };
    return { ...base, metadata: { ...base.metadata, ...(generateName ? { generateName } : {}), ownerReferences: [{ apiVersion: 'v1', uid: 'u', controller: true, ...owner }] } };
  };

  test('UTIL: a pod of a ReplicaSet takes the Deployment name (the ReplicaSet name less its pod-template-hash); labels already set are kept', () => {
    const owned = ownedPod('cart-7d9f-x1', { kind: 'ReplicaSet', name: 'cart-7d9f' }, 'cart-7d9f-', { 'pod-template-hash': '7d9f', 'security.istio.io/tlsMode': 'disabled' });
    expect(labelsOf([injected, owned])).toMatchObject({ 'service.istio.io/canonical-name': 'cart', 'security.istio.io/tlsMode': 'disabled' });
  });

  test('UTIL: a CronJob\'s Job run loses its timestamp suffix; a pod without generateName or a controller owner keeps its own name', () => {
    expect(labelsOf([injected, ownedPod('nightly-29012346-x7k2p', { kind: 'Job', name: 'nightly-29012346' }, 'nightly-29012346-')]))
      .toMatchObject({ 'service.istio.io/canonical-name': 'nightly' });
    expect(labelsOf([injected, ownedPod('db-0', { kind: 'StatefulSet', name: 'db' })])).toMatchObject({ 'service.istio.io/canonical-name': 'db-0' });
    expect(labelsOf([injected, ownedPod('worker-1', { kind: 'Workflow', name: 'wf-1', controller: false }, 'worker-')]))
      .toMatchObject({ 'service.istio.io/canonical-name': 'worker-1' });
  });

  test('WEBHOOK: an empty istio.io/rev selects no webhook (rev webhooks need a revision, the others need the key absent)', () => {
    const sidecar = (namespaceLabels: Record<string, string>, labels: Record<string, string>) =>
      inventoryOf([namespace('shop', namespaceLabels), pod('shop/app', { labels })]).workloads[0].sidecar.injected;
    expect(sidecar({ 'istio.io/rev': '' }, { app: 'a' })).toBe(false);
    expect(sidecar({}, { app: 'a', 'istio.io/rev': '', 'sidecar.istio.io/inject': 'true' })).toBe(false);
    expect(sidecar({ 'istio.io/rev': 'default' }, { app: 'a' })).toBe(true);
  });

  test('a pod without a sidecar gets none of them', () => {
    expect(labelsOf([namespace('shop'), pod('shop/app')])).toEqual({ app: 'app' });
  });

  test('selectors see them: a policy selecting security.istio.io/tlsMode=istio applies to every injected workload', () => {
    const denyAll = authorizationPolicy('shop/deny-meshed', { action: 'DENY', selector: { matchLabels: { 'security.istio.io/tlsMode': 'istio' } }, rules: [{}] });
    expect(verdict(meshedPair([denyAll]), { from: 'shop/web', to: 'shop/api', port: 8080 }).reason).toBe('denied by AuthorizationPolicy/shop/deny-meshed (DENY rule 0)');
  });
});
