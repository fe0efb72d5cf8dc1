// RequestAuthentication admission, from istio/istio@1.30.3 pkg/config/validation/validation.go
// (ValidateRequestAuthentication, validateJwtRule; security.ParseJwksURI, ValidateStrictHTTPHeaderName,
// agent.ValidateDuration) and the CRD's CEL rules (istio/api v1.30.3, ../shared/istio/istio-crds.yaml:
// one key source per rule, http(s) jwksUri, timeout >= 1ms). Field limits (minLength, required,
// header pattern, maxItems) are in REQUEST_AUTHENTICATION_SCHEMA.

import { checkIstioAnnotations, validateAttachment } from './istio-common';
import { annotationsOf, arrayField, Findings, isObject, isSet, JsonObject, objectField, show, stringField, stringList } from './objects';

export function lintRequestAuthenticationAdmission(policy: JsonObject, findings: Findings): void {
  const spec = objectField(policy, 'spec');
  // Only AuthorizationPolicy takes istio.io/dry-run; internal annotations are rejected on every kind.
  checkIstioAnnotations(annotationsOf(policy), undefined, findings);
  validateAttachment(spec, findings);
  (arrayField(spec, 'jwtRules') ?? []).forEach((rule, i) => {
    if (isObject(rule)) checkJwtRule(rule, `spec.jwtRules[${i}]`, findings);
  });
}

function checkJwtRule(rule: JsonObject, path: string, findings: Findings): void {
  if (stringList(rule, 'audiences').includes('')) findings.error(`${path}.audiences has an empty entry: remove it`);
  // jsonpb reads the proto name jwks_uri into the same field as jwksUri.
  const jwksUri = stringField(rule, 'jwksUri') || stringField(rule, 'jwks_uri') || '';
  if (!stringField(rule, 'issuer') && jwksUri === '') {
    findings.error(`${path} has neither issuer nor jwksUri: set the issuer of the tokens (and jwksUri or jwks for their keys)`);
  }
  const keySources = ['jwksUri', 'jwks_uri', 'jwks'].filter((field) => isSet(rule, field));
  if (keySources.length > 1) findings.error(`${path} sets ${keySources.join(' and ')}; only one of jwks or jwksUri can be set`);
  for (const field of ['jwksUri', 'jwks_uri']) {
    const uri = stringField(rule, field);
    const problem = uri ? jwksUriProblem(uri) : undefined;
    if (problem) findings.error(`${path}.${field} ${show(uri)} ${problem}: use an http:// or https:// URL`);
  }
  const jwks = stringField(rule, 'jwks');
  if (jwks && !isJsonObject(jwks)) findings.error(`${path}.jwks is not a JSON Web Key Set (a JSON object with "keys"): paste the JSON of the key set`);
  (arrayField(rule, 'fromHeaders') ?? []).forEach((header, j) => {
    if (isObject(header) && stringField(header, 'name') === '') findings.error(`${path}.fromHeaders[${j}].name must not be empty`);
  });
  if (stringList(rule, 'fromParams').includes('')) findings.error(`${path}.fromParams has an empty query parameter name`);
  if (stringList(rule, 'fromCookies').includes('')) findings.error(`${path}.fromCookies has an empty cookie name`);
  (arrayField(rule, 'outputClaimToHeaders') ?? []).forEach((output, j) => {
    if (!isObject(output)) return;
    const header = stringField(output, 'header') ?? '';
    if (header === '' || !stringField(output, 'claim')) {
      findings.error(`${path}.outputClaimToHeaders[${j}] needs a non-empty claim and header`);
    } else if (!/^[-_A-Za-z0-9]+$/.test(header)) {
      findings.error(`${path}.outputClaimToHeaders[${j}].header ${show(header)} is not a valid header name: use letters, digits, '-' and '_'`);
    }
  });
  const timeout = stringField(rule, 'timeout');
  if (timeout !== undefined) {
    const problem = timeoutProblem(timeout);
    if (problem) findings.error(`${path}.timeout ${show(timeout)} ${problem}`);
  }
}

/**
 * Why a jwksUri is refused: ParseJwksURI (Go url.Parse, which lower-cases the scheme; http or https
 * only; a numeric port) and the CRD's url(self) (url.ParseRequestURI: absolute, no control characters).
 */
function jwksUriProblem(uri: string): string | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1].toLowerCase();
  if (scheme === undefined) return 'has no scheme';
  if (scheme !== 'http' && scheme !== 'https') return `has the scheme ${show(scheme)}, which is not supported`;
  if (/[\u0000-\u001f\u007f]/.test(uri)) return 'contains control characters';
  const authority = /^[^:]+:\/\/([^/?#]*)/.exec(uri)?.[1] ?? '';
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (/\s/.test(hostPort)) return 'has a space in its host';
  const port = /^(?:\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostPort)?.[1];
  if (port !== undefined && !/^[0-9]*$/.test(port)) return `has the invalid port ${show(port)}`;
  return undefined;
}

function isJsonObject(text: string): boolean {
  try {
    return isObject(JSON.parse(text));
  } catch {
    return false;
  }
}

const NANOSECONDS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/**
 * The CRD's `duration(self) >= duration('1ms')` and the webhook's ValidateDuration (at least 1ms, in
 * whole milliseconds); both read the text as Go's time.ParseDuration does ("1.5s", "300ms", "1h2m").
 */
function timeoutProblem(text: string): string | undefined {
  const nanoseconds = parseGoDuration(text);
  if (nanoseconds === undefined) return 'is not a duration: write it like "5s" or "500ms"';
  if (nanoseconds < 1e6) return 'must be at least 1ms';
  if (nanoseconds % 1e6 !== 0) return 'must be a whole number of milliseconds';
  return undefined;
}

/** Go's time.ParseDuration, in nanoseconds (undefined when Go would fail). */
export function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)(.*)$/.exec(text) as RegExpExecArray;
  const sign = match[1] === '-' ? -1 : 1;
  let rest = match[2];
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest !== '') {
    const part = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]+)/.exec(rest);
    if (!part || (part[1] === '' && (part[2] ?? '') === '')) return undefined;
    const unit = NANOSECONDS[part[3]];
    if (unit === undefined) return undefined;
    const whole = part[1] === '' ? 0 : Number(part[1]);
    const fraction = part[2] ? Math.trunc(Number(part[2]) * (unit / 10 ** part[2].length)) : 0;
    total += whole * unit + fraction;
    rest = rest.slice(part[0].length);
  }
  return sign * total;
}
