// PeerAuthentication admission. Source: istio/istio@1.30.3 pkg/config/validation/validation.go
// (ValidatePeerAuthentication, validateWorkloadSelector, checkDryRunAnnotation), its
// testdata/crds/peerauth-{valid,invalid}.yaml, and the CRD schema/CEL of istio/api v1.30.3.
import { errors, lint, peerAuthentication, warnings } from './fixtures';

function problemsOf(spec: unknown, metadata: Record<string, unknown> = {}) {
  const problems = lint([peerAuthentication('pa', spec, metadata)]);
  return { errors: errors(problems).map((p) => p.message), warnings: warnings(problems).map((p) => p.message) };
}

describe('PeerAuthentication admission', () => {
  it.each([
    ['an empty spec', {}],
    ['mode UNSET', { mtls: { mode: 'UNSET' } }],
    ['a full workload policy (peerauth-valid.yaml "full")', { selector: { matchLabels: { foo: 'bar' } }, mtls: { mode: 'PERMISSIVE' }, portLevelMtls: { '80': { mode: 'STRICT' } } }],
  ])('accepts %s', (_title, spec) => {
    expect(problemsOf(spec).errors).toEqual([]);
  });

  it('rejects a mode outside UNSET/DISABLE/PERMISSIVE/STRICT ("bad-mode")', () => {
    expect(problemsOf({ mtls: { mode: 'BLAH' } }).errors).toEqual([expect.stringContaining('spec.mtls.mode is "BLAH", not one of the supported values')]);
  });

  it('rejects portLevelMtls without a selector ("port-level-global", CEL "portLevelMtls requires selector")', () => {
    expect(problemsOf({ portLevelMtls: { '80': { mode: 'STRICT' } } }).errors).toEqual([expect.stringContaining('spec.portLevelMtls requires a selector')]);
  });

  it('rejects portLevelMtls with a selector without labels', () => {
    expect(problemsOf({ selector: { matchLabels: {} }, portLevelMtls: { '80': { mode: 'DISABLE' } } }).errors).toEqual([expect.stringContaining('requires a selector')]);
  });

  it('rejects an empty portLevelMtls ("empty-port-level", CRD minProperties 1)', () => {
    expect(problemsOf({ selector: { matchLabels: { foo: 'bar' } }, portLevelMtls: {} }).errors).toEqual([expect.stringContaining('spec.portLevelMtls must have at least 1 entry')]);
  });

  it.each([['0'], ['65536'], ['42949672']])('rejects port %s ("zero-port", "high-port")', (port) => {
    expect(problemsOf({ selector: { matchLabels: { foo: 'bar' } }, portLevelMtls: { [port]: { mode: 'STRICT' } } }).errors).toEqual([expect.stringContaining('outside 1-65535')]);
  });

  it('rejects a non-numeric port key ("bad-port": type conversion error)', () => {
    expect(problemsOf({ selector: { matchLabels: { foo: 'bar' } }, portLevelMtls: { acd: { mode: 'STRICT' } } }).errors).toEqual([expect.stringContaining('"acd" is not a port number')]);
  });

  it.each([['08080'], ['-80'], ['8e3']])('rejects port key %s, which the webhook cannot read as a JSON uint32 (jsonpb map key)', (port) => {
    expect(problemsOf({ selector: { matchLabels: { foo: 'bar' } }, portLevelMtls: { [port]: { mode: 'STRICT' } } }).errors).toEqual([expect.stringContaining(`"${port}" is not a port number`)]);
  });

  it('rejects the dry-run annotation, which only AuthorizationPolicy supports (checkDryRunAnnotation)', () => {
    expect(problemsOf({}, { annotations: { 'istio.io/dry-run': 'true' } }).errors).toEqual([expect.stringContaining('only supported on AuthorizationPolicy')]);
  });

  it('warns about a selector without labels (validateWorkloadSelector warning)', () => {
    const result = problemsOf({ selector: {} });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([expect.stringContaining('workload selector specified without labels')]);
  });
});
