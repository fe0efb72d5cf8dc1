// The admission cases of the Istio conformance suite (../shared/conformance/istio/cases, those with
// `lint.expectErrors`), run directly against the engine: exactly the listed objects get an error.
// Source of each case: its `source` field (istio/istio@1.30.3 pkg/config/validation/validation.go,
// pkg/config/security/security.go and the istio/api v1.30.3 CRD schemas).
import * as fs from 'fs';
import * as path from 'path';
import { lintManifests } from '../../analyzer/lint';

const CASES_DIR = path.join(__dirname, '..', '..', '..', 'shared', 'conformance', 'istio', 'cases');

interface AdmissionCase {
  readonly id: string;
  readonly title: string;
  readonly manifests: unknown[];
  readonly lint: { readonly expectErrors: ReadonlyArray<{ kind: string; namespace: string; name: string }> };
}

function admissionCases(): AdmissionCase[] {
  return fs.readdirSync(CASES_DIR)
    .filter((file) => /^\d{3}-.*\.json$/.test(file))
    .sort()
    .map((file) => JSON.parse(fs.readFileSync(path.join(CASES_DIR, file), 'utf8')))
    .filter((c) => c.lint !== undefined);
}

describe('Istio admission conformance cases', () => {
  const cases = admissionCases();

  it('finds the admission cases in ../shared', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  it.each(cases.map((c) => [`${c.id} ${c.title}`, c] as const))('%s', (_title, admissionCase) => {
    // GIVEN the case's manifests, WHEN they are linted
    const problems = lintManifests(admissionCase.manifests, { trustDomain: 'cluster.local', rootNamespace: 'istio-system' });
    // THEN exactly the expected objects have errors
    const withErrors = [...new Set(problems.filter((p) => p.severity === 'error').map((p) => `${p.kind}/${p.namespace}/${p.name}`))].sort();
    const expected = admissionCase.lint.expectErrors.map((e) => `${e.kind}/${e.namespace}/${e.name}`).sort();
    expect(withErrors).toEqual(expected);
  });
});
