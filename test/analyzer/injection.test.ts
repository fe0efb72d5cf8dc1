import { Workload } from '../../analyzer';
import { inventoryOf, namespace, pod } from './support';

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
    expect(sidecarOf({ 'istio-injection': 'enabled' })).toEqual({ injected: true, because: 'namespace label istio-injection=enabled' });
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
