import * as fs from 'fs';
import * as path from 'path';
import { ApiRequest, LoadedObject, authorizeApi, buildInventory, check, parseAccessRequest } from '../analyzer';
import { lintManifests } from '../analyzer/lint';

// More conformance cases in the shape of ../shared/conformance, written for this project from the
// Kubernetes e2e suite and API docs (netpol/), from istio/istio 1.30.3 sources (istio/, lint/) and
// from the Kubernetes RBAC authorizer and aggregation controller sources (rbac/, `can-i` requests):
// each names in `source`/`notes` the test, document or function its verdicts come from. They ran
// against the analyzer only after their verdicts were written down. Run here in-process, with the
// same defaults as `mesh-policy check` and `lint`.
const DIR = path.join(__dirname, 'conformance-extra');

interface Case {
  readonly id: string;
  readonly title: string;
  readonly manifests: readonly Record<string, unknown>[];
  readonly requests?: readonly unknown[];
  readonly expected?: readonly boolean[];
  readonly lint?: { readonly expectErrors: ReadonlyArray<{ readonly kind: string; readonly namespace: string; readonly name: string }> };
}

function casesOf(suite: string): Array<[string, Case]> {
  return fs.readdirSync(path.join(DIR, suite)).filter((file) => file.endsWith('.json')).sort()
    .map((file) => [file.replace(/\.json$/, ''), JSON.parse(fs.readFileSync(path.join(DIR, suite, file), 'utf8')) as Case]);
}

function inventoryOf(c: Case) {
  return buildInventory(c.manifests.map((object, document): LoadedObject => ({ object: object as LoadedObject['object'], source: { file: c.id, document } })));
}

function verdicts(c: Case): boolean[] {
  const inventory = inventoryOf(c);
  return (c.requests ?? []).map((raw, index) => check(inventory, parseAccessRequest(raw, `${c.id} request ${index}`)).allowed);
}

/** A `can-i` request as the rbac cases write it: --as, --verb, --resource, --group, --namespace, --name. */
interface CanIRequest { as: string; verb: string; resource: string; group?: string; namespace?: string; name?: string }

function apiRequest({ as, verb, resource, group, namespace, name }: CanIRequest): ApiRequest {
  if (resource.startsWith('/')) return { serviceAccount: as, verb, nonResourceURL: resource };
  return { serviceAccount: as, verb, apiGroup: group ?? '', resource, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) };
}

describe.each(['netpol', 'istio'])('%s conformance, more cases', (suite) => {
  test.each(casesOf(suite))('%s', (_name, c) => {
    expect(verdicts(c)).toEqual(c.expected);
  });
});

describe('Istio admission (lint), more cases', () => {
  test.each(casesOf('lint'))('%s', (_name, c) => {
    const key = (p: { kind: string; namespace: string; name: string }) => `${p.kind}/${p.namespace}/${p.name}`;
    const errors = lintManifests(c.manifests, { trustDomain: 'cluster.local', rootNamespace: 'istio-system' })
      .filter((p) => p.severity === 'error').map(key);
    expect([...new Set(errors)].sort()).toEqual([...new Set((c.lint?.expectErrors ?? []).map(key))].sort());
  });
});

describe('RBAC (can-i), more cases', () => {
  test.each(casesOf('rbac'))('%s', (_name, c) => {
    const inventory = inventoryOf(c);
    expect((c.requests as CanIRequest[]).map((request) => authorizeApi(inventory, apiRequest(request)).allowed)).toEqual(c.expected);
  });
});
