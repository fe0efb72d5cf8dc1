import { findObject, synth, testMesh } from '../support/mesh';

function grantMesh() {
  const mesh = testMesh({ apiServer: { cidrs: ['10.0.0.1/32', '10.0.0.2/32'], port: 6443 } });
  const shop = mesh.addNamespace('shop');
  const data = mesh.addNamespace('data');
  const cart = shop.addService('cart', { serviceAccountName: 'cart-sa' });
  return { mesh, shop, data, cart };
}

describe('API grants', () => {
  test('a grant emits a Role in the target namespace with the requested rule', () => {
    const { mesh, data, cart } = grantMesh();
    cart.grantApi(data, { resources: ['secrets'], resourceNames: ['redis-auth'], verbs: ['get'] });
    const role = findObject(synth(mesh), 'Role', 'data', 'api-access.shop.cart');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['redis-auth'], verbs: ['get'] }]);
  });

  test('the RoleBinding subject is the consumer ServiceAccount with its own namespace', () => {
    const { mesh, data, cart } = grantMesh();
    cart.grantApi(data, { resources: ['configmaps'], verbs: ['list'] });
    const binding = findObject(synth(mesh), 'RoleBinding', 'data', 'api-access.shop.cart');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'cart-sa', namespace: 'shop' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'api-access.shop.cart' });
  });

  test('grants of one holder in one namespace merge into one Role; repeated grants are harmless', () => {
    const { mesh, data, cart } = grantMesh();
    cart.grantApi(data, { resources: ['secrets'], verbs: ['get'] });
    cart.grantApi(data, { resources: ['secrets'], verbs: ['get'] });
    cart.grantApi('data', { apiGroups: ['apps'], resources: ['deployments'], verbs: ['watch', 'list'] });
    const role = findObject(synth(mesh), 'Role', 'data', 'api-access.shop.cart');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list', 'watch'] },
    ]);
  });

  test('the holder gets egress to every API server endpoint on the API server port', () => {
    const { mesh, data, cart } = grantMesh();
    cart.grantApi(data, { resources: ['secrets'], verbs: ['get'] });
    expect(findObject(synth(mesh), 'NetworkPolicy', 'shop', 'cart-egress').spec.egress).toEqual([{
      to: [{ ipBlock: { cidr: '10.0.0.1/32' } }, { ipBlock: { cidr: '10.0.0.2/32' } }],
      ports: [{ port: 6443, protocol: 'TCP' }],
    }]);
  });

  test('grantApi returns the grant it recorded, and the same grant for a repeated call', () => {
    const { data, cart } = grantMesh();
    const first = cart.grantApi(data, { resources: ['secrets'], verbs: ['get'] });
    const second = cart.grantApi(data, { resources: ['secrets'], verbs: ['get'] });
    expect(first).toBe(second);
    expect(first.namespaceName).toBe('data');
    expect(first.holder).toBe(cart);
  });
});
