import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { AccessRequest, buildInventory, check, inventoryForRequests, loadManifests, parseAccessRequest } from '../../analyzer';

// `check` loads only the documents its requests depend on; its verdicts must be those of the full inventory.
const CASES = path.resolve(__dirname, '../../../shared/conformance');

interface ConformanceCase {
  readonly id: string;
  readonly manifests: readonly object[];
  readonly requests?: readonly object[];
}

function casesOf(suite: string): ConformanceCase[] {
  const dir = path.join(CASES, suite, 'cases');
  return fs.readdirSync(dir).sort().map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as ConformanceCase)
    .filter((c) => c.requests !== undefined);
}

/** The case's manifests as multi-document YAML, the format the document filter works on. */
function writeYaml(c: ConformanceCase): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-loading-')), 'manifests.yaml');
  fs.writeFileSync(file, c.manifests.map((manifest) => stringify(manifest)).join('---\n'));
  return file;
}

describe('check loads only what a request depends on', () => {
  test.each([...casesOf('istio'), ...casesOf('netpol')].map((c) => [c.id, c] as const))('case %s: same verdicts as with every object', (_, c) => {
    const file = writeYaml(c);
    const full = buildInventory(loadManifests([file]));
    // Every fifth request keeps the netpol cases (72+ requests each) quick.
    const requests: AccessRequest[] = (c.requests ?? []).filter((_r, i) => i % 5 === 0).map((raw, i) => parseAccessRequest(raw, `request ${i}`));
    for (const request of requests) {
      expect(check(inventoryForRequests([file], [request]), request)).toEqual(check(full, request));
    }
  });

  test('an ip: end that is a pod\'s address loads that pod\'s namespace, found among all Pods', () => {
    const c = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../conformance-extra/netpol/101-pod-ip-address-is-the-pod.json'), 'utf8')) as ConformanceCase;
    const file = writeYaml(c);
    const full = buildInventory(loadManifests([file]));
    const requests = (c.requests ?? []).map((raw, i) => parseAccessRequest(raw, `request ${i}`));
    // Every request names its pods only by address in at least one end, and each is checked alone.
    for (const request of requests) {
      expect(check(inventoryForRequests([file], [request]), request)).toEqual(check(full, request));
    }
    expect(requests.map((request) => check(full, request).allowed)).toEqual((c as unknown as { expected: boolean[] }).expected);
  });

  test('a malformed object in an unrelated namespace does not stop a check', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-loading-')), 'm.yaml');
    fs.writeFileSync(file, [
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\nspec: {containers: [{name: c, ports: [{containerPort: 80}]}]}',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: x}\nspec: {containers: []}',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: broken\n  namespace: elsewhere\nspec:\n  podSelector: {matchExpressions: [{key: a, operator: Near}]}',
    ].join('\n---\n'));
    const request = { from: 'x/b', to: 'x/a', port: 80 };
    expect(check(inventoryForRequests([file], [request]), request).allowed).toBe(true);
    expect(() => buildInventory(loadManifests([file]))).toThrow(/operator must be In, NotIn, Exists or DoesNotExist/);
  });
});
