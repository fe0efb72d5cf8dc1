// Online Boutique (../shared/fixtures/online-boutique, GoogleCloudPlatform/microservices-demo):
// its hand-written NetworkPolicies are valid but leave every egress open (`egress: [{}]`,
// ../shared/PROVENANCE.md), which lint must report (issue 4, "Tests").
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { errors, lint, warnings } from './fixtures';

const FIXTURE = path.join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'online-boutique');

function load(file: string): unknown[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJSON()).filter((d) => d !== null);
}

describe('Online Boutique with its hand-written network policies', () => {
  const policyDir = path.join(FIXTURE, 'network-policies');
  const objects = [
    ...load(path.join(FIXTURE, 'kubernetes-manifests.yaml')),
    ...fs.readdirSync(policyDir).filter((f) => f.startsWith('network-policy-')).sort().flatMap((f) => load(path.join(policyDir, f))),
  ];
  const problems = lint(objects);

  it('has no admission errors', () => {
    expect(errors(problems)).toEqual([]);
  });

  it('reports the open egress of every per-service policy', () => {
    const openEgress = warnings(problems).filter((p) => p.message.includes('allows all egress traffic')).map((p) => `${p.namespace}/${p.name}`);
    expect(openEgress).toEqual([
      'default/adservice', 'default/cartservice', 'default/checkoutservice', 'default/currencyservice', 'default/emailservice',
      'default/frontend', 'default/loadgenerator', 'default/paymentservice', 'default/productcatalogservice',
      'default/recommendationservice', 'default/redis-cart', 'default/shippingservice',
    ]);
  });

  it('reports the frontend open to every source', () => {
    expect(warnings(problems).filter((p) => p.message.includes('allows all ingress traffic')).map((p) => p.name)).toEqual(['frontend']);
  });
});
