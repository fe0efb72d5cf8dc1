import * as path from 'path';
import { Inventory, buildInventory, check, loadManifests, reach } from '../../analyzer';

// Online Boutique (GoogleCloudPlatform/microservices-demo, see ../shared/PROVENANCE.md) with its
// hand-written NetworkPolicies: deny-all plus one policy per service, every one with `egress: [{}]`.
const FIXTURE = path.resolve(__dirname, '../../../shared/fixtures/online-boutique');
const withPolicies = (): Inventory =>
  buildInventory(loadManifests([path.join(FIXTURE, 'kubernetes-manifests.yaml'), path.join(FIXTURE, 'network-policies')]));

const SERVICES = ['adservice', 'cartservice', 'checkoutservice', 'currencyservice', 'emailservice', 'frontend',
  'loadgenerator', 'paymentservice', 'productcatalogservice', 'recommendationservice', 'redis-cart', 'shippingservice'];

describe('Online Boutique with its published NetworkPolicies', () => {
  const report = reach(withPolicies(), { listDenied: true });

  test('reach sees the 12 Deployments of the default namespace', () => {
    expect(report.workloads.map((w) => w.id)).toEqual(SERVICES.map((name) => `default/${name}`));
  });

  test('egress is wide open for every workload', () => {
    expect(report.workloads.filter((w) => !w.egress.open)).toEqual([]);
    expect(report.workloads.find((w) => w.id === 'default/frontend')?.egress)
      .toEqual({ open: true, reason: 'NetworkPolicy/default/frontend allows all egress' });
  });

  test('no denied pair is denied at egress: only ingress rules restrict anything', () => {
    expect(report.deniedPairs?.filter((pair) => pair.reason.startsWith('egress'))).toEqual([]);
    expect(new Set(report.deniedPairs?.map((pair) => pair.layer))).toEqual(new Set(['network']));
  });

  test('only the frontend accepts ingress from everyone', () => {
    expect(report.workloads.filter((w) => w.ingress.open).map((w) => w.id)).toEqual(['default/frontend']);
  });

  test('the allowed edges are exactly the callers each policy names, plus everyone to the frontend', () => {
    const declared = [
      'checkoutservice -> cartservice 7070', 'checkoutservice -> currencyservice 7000', 'checkoutservice -> emailservice 8080',
      'checkoutservice -> paymentservice 50051', 'checkoutservice -> productcatalogservice 3550', 'checkoutservice -> shippingservice 50051',
      'cartservice -> redis-cart 6379',
      'frontend -> adservice 9555', 'frontend -> cartservice 7070', 'frontend -> checkoutservice 5050', 'frontend -> currencyservice 7000',
      'frontend -> productcatalogservice 3550', 'frontend -> recommendationservice 8080', 'frontend -> shippingservice 50051',
      'recommendationservice -> productcatalogservice 3550',
      ...SERVICES.filter((name) => name !== 'frontend').map((name) => `${name} -> frontend 8080`),
    ];
    const allowed = report.allowed.map((e) => `${e.from.slice(8)} -> ${e.to.slice(8)} ${e.port}`);
    expect([...allowed].sort()).toEqual([...declared].sort());
    expect(report.summary).toEqual({ workloads: 12, pairs: 121, allowed: 26, denied: 95 });
  });

  test('check names the policies that isolate a destination', () => {
    expect(check(withPolicies(), { from: 'default/frontend', to: 'default/redis-cart', port: 6379 })).toEqual({
      allowed: false,
      layer: 'network',
      reason: 'ingress of default/redis-cart is limited by NetworkPolicy/default/deny-all, NetworkPolicy/default/redis-cart and no rule admits the source on 6379/TCP',
    });
  });

  test('without the policies, every pair is allowed', () => {
    const open = reach(buildInventory(loadManifests([path.join(FIXTURE, 'kubernetes-manifests.yaml')])));
    expect(open.summary).toEqual({ workloads: 12, pairs: 121, allowed: 121, denied: 0 });
  });
});
