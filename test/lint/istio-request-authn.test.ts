// RequestAuthentication admission. Source: istio/istio@1.30.3 pkg/config/validation/validation.go
// (ValidateRequestAuthentication, validateJwtRule), its testdata/crds/reqauth-{valid,invalid}.yaml,
// and the CRD schema/CEL of istio/api v1.30.3 (requestauthentications.security.istio.io).
import { parseGoDuration } from '../../analyzer/lint/istio-request-authn';
import { errors, lint, requestAuthentication } from './fixtures';

function errorsOf(spec: unknown, metadata: Record<string, unknown> = {}): string[] {
  return errors(lint([requestAuthentication('ra', spec, metadata)])).map((p) => p.message);
}

const rule = (fields: Record<string, unknown>) => ({ jwtRules: [{ issuer: 'example', ...fields }] });

describe('RequestAuthentication admission', () => {
  it('accepts reqauth-valid.yaml "full"', () => {
    expect(errorsOf({
      targetRefs: [{ group: '', kind: 'Service', name: 'foo' }],
      jwtRules: [{
        issuer: 'example.com', jwksUri: 'https://example.com/.well-known/jwks.json', forwardOriginalToken: true, fromCookies: ['foo'],
        fromHeaders: [{ name: 'foo', prefix: 'baz' }], outputClaimToHeaders: [{ claim: 'abc', header: 'def' }], timeout: '5s',
        outputPayloadToHeader: 'header', spaceDelimitedClaims: ['custom_scope', 'provider.login.scope'],
      }],
    })).toEqual([]);
  });

  it.each([
    ['multi-refs', { targetRefs: [{ group: '', kind: 'Service', name: 'foo' }], targetRef: { group: '', kind: 'Service', name: 'foo' } }, 'only one of targetRefs or selector'],
    ['ref-and-selector', { selector: { matchLabels: { a: 'b' } }, targetRef: { group: '', kind: 'Service', name: 'foo' } }, 'only one of targetRefs or selector'],
    ['bad-target-name', { targetRef: { group: '', kind: 'Service' } }, 'spec.targetRef.name is required'],
    ['bad-target-namespace', { targetRef: { group: '', kind: 'Service', name: 'foo', namespace: 'bar' } }, 'cross-namespace references are not supported'],
    ['bad-target-group', { targetRef: { group: '__', kind: 'Service', name: 'foo' } }, 'spec.targetRef.group "__" does not match'],
    ['bad-target-kind', { targetRef: { group: '', kind: 'Serv_ice', name: 'foo' } }, 'spec.targetRef.kind "Serv_ice" does not match'],
    ['no-issuer (null rule)', { jwtRules: [null] }, 'spec.jwtRules[0] is null'],
    ['empty-aud', rule({ audiences: [''] }), 'audiences has an empty entry'],
    ['invalid-jwks', rule({ jwksUri: 'hTPp\\\blah' }), 'has no scheme'],
    ['invalid-from-headers-no-name', rule({ fromHeaders: [{ prefix: 'baz' }] }), 'fromHeaders[0].name is required'],
    ['invalid-from-headers-empty-name', rule({ fromHeaders: [{ name: '', prefix: 'baz' }] }), 'fromHeaders[0].name must not be empty'],
    ['invalid-from-params', rule({ fromParams: [''] }), 'fromParams has an empty'],
    ['invalid-from-cookies', rule({ fromCookies: [''] }), 'fromCookies has an empty'],
    ['invalid-claim-to-header-unset', rule({ outputClaimToHeaders: [null] }), 'outputClaimToHeaders[0] is null'],
    ['invalid-claim-to-header-claim-empty', rule({ outputClaimToHeaders: [{ claim: '', header: 'h' }] }), 'needs a non-empty claim and header'],
    ['invalid-claim-to-header-header-empty', rule({ outputClaimToHeaders: [{ claim: 'x', header: '' }] }), 'needs a non-empty claim and header'],
    ['invalid-claim-to-header-bad-header', rule({ outputClaimToHeaders: [{ claim: 'x', header: ':authority' }] }), 'is not a valid header name'],
    ['bad-timeout', rule({ timeout: 'apple' }), 'timeout "apple" is not a duration'],
    ['invalid-space-delimited-claims', rule({ spaceDelimitedClaims: [''] }), 'spaceDelimitedClaims[0] must not be empty'],
  ])('rejects reqauth-invalid.yaml "%s"', (_name, spec, message) => {
    expect(errorsOf(spec)).toContainEqual(expect.stringContaining(message));
  });

  it('needs an issuer or a jwksUri (validateJwtRule); either alone will do', () => {
    expect(errorsOf({ jwtRules: [{ audiences: ['a'] }] })).toEqual([expect.stringContaining('has neither issuer nor jwksUri')]);
    expect(errorsOf({ jwtRules: [{ jwksUri: 'https://example.com/jwks' }] })).toEqual([]);
    expect(errorsOf({ jwtRules: [{ jwks_uri: 'https://example.com/jwks' }] })).toEqual([]);
  });

  it('takes one key source per rule (CEL) and an http(s) jwksUri (ParseJwksURI lower-cases the scheme)', () => {
    expect(errorsOf(rule({ jwksUri: 'https://a/jwks', jwks: '{"keys":[]}' }))).toEqual([expect.stringContaining('only one of jwks or jwksUri')]);
    expect(errorsOf(rule({ jwksUri: 'ftp://a/jwks' }))).toEqual([expect.stringContaining('scheme "ftp"')]);
    expect(errorsOf(rule({ jwksUri: 'https://a:port/jwks' }))).toEqual([expect.stringContaining('invalid port')]);
    expect(errorsOf(rule({ jwksUri: 'https://keys example.com/jwks' }))).toEqual([expect.stringContaining('space in its host')]);
    expect(errorsOf(rule({ jwksUri: 'https://user@keys.example.com:/a b' }))).toEqual([]);
    expect(errorsOf(rule({ jwksUri: 'HTTPS://a:8443/jwks' }))).toEqual([]);
  });

  it('rejects a jwks that is no JSON object (jwk.Parse)', () => {
    expect(errorsOf(rule({ jwks: 'not json' }))).toEqual([expect.stringContaining('jwks is not a JSON Web Key Set')]);
    expect(errorsOf(rule({ jwks: '["a"]' }))).toEqual([expect.stringContaining('jwks is not a JSON Web Key Set')]);
  });

  it('wants a timeout of at least 1ms (CEL) in whole milliseconds (agent.ValidateDuration)', () => {
    expect(errorsOf(rule({ timeout: '0.5ms' }))).toEqual([expect.stringContaining('must be at least 1ms')]);
    expect(errorsOf(rule({ timeout: '1500us' }))).toEqual([expect.stringContaining('whole number of milliseconds')]);
    expect(errorsOf(rule({ timeout: '1ms' }))).toEqual([]);
    expect(errorsOf(rule({ timeout: '1m30.5s' }))).toEqual([]);
  });

  it('rejects the dry-run annotation, which only AuthorizationPolicy supports (checkDryRunAnnotation)', () => {
    expect(errorsOf(rule({}), { annotations: { 'istio.io/dry-run': 'false' } })).toEqual([expect.stringContaining('only supported on AuthorizationPolicy')]);
  });
});

describe('parseGoDuration (Go time.ParseDuration)', () => {
  it.each([
    ['0', 0], ['1ms', 1e6], ['1.5s', 1.5e9], ['-2m', -120e9], ['1h2m3s', 3723e9], ['1.s', 1e9], ['.5ms', 5e5], ['300µs', 3e5], ['+1ns', 1],
  ])('reads %s', (text, nanoseconds) => {
    expect(parseGoDuration(text)).toBe(nanoseconds);
  });

  it.each(['', '1', 's', '.s', '1.5.5s', '1d', '- 1s', '1s ', 'apple'])('refuses %j', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});
