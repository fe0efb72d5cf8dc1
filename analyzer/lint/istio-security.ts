// Value checks of Istio's security API, transcribed from istio/istio@1.30.3
// pkg/config/security/security.go (CheckEmptyValues, CheckWildcardValues, CheckTrustDomainValues,
// CheckServiceAccount, CheckValidPathTemplate, ValidateAttribute, ValidateIPs, ValidatePorts).
// Each returns the reasons the webhook would give (empty = accepted); like the Go code, the
// "first problem" checks stop at the first bad value.

import { isValidAddressStrict, isValidPrefixStrict } from './ip';
import { show } from './objects';

export function checkEmptyValues(field: string, values: readonly string[]): string[] {
  return values.includes('') ? [`empty value not allowed in ${field}: remove the "" entry`] : [];
}

/** Exact, prefix `foo*`, suffix `*foo` or presence `*`: one wildcard, only at an end. */
export function checkWildcardValues(field: string, values: readonly string[]): string[] {
  const empty = checkEmptyValues(field, values);
  if (empty.length) return empty;
  for (const value of values) {
    const count = value.split('*').length - 1;
    if (count > 1) return [`at most one wildcard is allowed in ${field}, found ${show(value)}`];
    if (count === 1 && value !== '*' && !value.startsWith('*') && !value.endsWith('*')) {
      return [`a wildcard is only allowed at the start or end of ${field} values, found ${show(value)}`];
    }
  }
  return [];
}

export function checkTrustDomainValues(field: string, values: readonly string[]): string[] {
  const wildcard = checkWildcardValues(field, values);
  if (wildcard.length) return wildcard;
  const withSlash = values.find((v) => v.includes('/'));
  return withSlash !== undefined ? [`a trust domain must not contain '/', found ${show(withSlash)} in ${field} (use principals for full identities)`] : [];
}

/** security.go CheckServiceAccount's limits. */
const MAX_SERVICE_ACCOUNTS = 16;
const MAX_SERVICE_ACCOUNT_LENGTH = 320;

/**
 * `serviceAccounts` entries are `sa` or `namespace/sa`, without wildcards, at most 16 of at most 320
 * bytes (Go's len). For the `source.serviceAccounts` fields the CRD schema holds the same limits in
 * characters and the schema walker reports them, so here only values of more bytes than characters
 * are left; a `when` condition's values have no schema limit, so they are checked here in full.
 */
export function checkServiceAccount(field: string, values: readonly string[], checkLimits = false): string[] {
  if (checkLimits && values.length > MAX_SERVICE_ACCOUNTS) {
    return [`${field} may not have more than ${MAX_SERVICE_ACCOUNTS} values, found ${values.length}: split the rule`];
  }
  for (const value of values) {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > MAX_SERVICE_ACCOUNT_LENGTH && (checkLimits || [...value].length <= MAX_SERVICE_ACCOUNT_LENGTH)) {
      return [`${field} value cannot exceed ${MAX_SERVICE_ACCOUNT_LENGTH} bytes, found one of ${bytes}`];
    }
    if (value === '') return [`empty value not allowed in ${field}: remove the "" entry`];
    if (value.includes('*')) return [`wildcards are not allowed in ${field}, found ${show(value)}: list the service accounts, or use principals with a prefix/suffix match`];
    const slashes = value.split('/').length - 1;
    const [namespace, account] = value.split('/');
    if (slashes > 1 || (slashes === 1 && (namespace === '' || account === ''))) {
      return [`${field} expects 'serviceAccount' or 'namespace/serviceAccount', found ${show(value)}`];
    }
  }
  return [];
}

const MATCH_ONE_TEMPLATE = '{*}';
const MATCH_ANY_TEMPLATE = '{**}';
// RFC 3986 pchar, as Envoy requires for the literal segments of a path template.
const VALID_LITERAL = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;

export function checkValidPathTemplate(field: string, paths: readonly string[]): string[] {
  for (const original of paths) {
    const hasTemplate = original.includes(MATCH_ONE_TEMPLATE) || original.includes(MATCH_ANY_TEMPLATE);
    const trimmed = original.replace(/^\/+|\/+$/g, '');
    let sawMatchAny = false;
    for (const segment of trimmed.split('/')) {
      const isTemplate = segment === MATCH_ONE_TEMPLATE || segment === MATCH_ANY_TEMPLATE;
      if (isTemplate && sawMatchAny) {
        return [`invalid path ${show(original)} in ${field}: {**} must be the last operator of a path template`];
      }
      if (isTemplate) {
        sawMatchAny = segment === MATCH_ANY_TEMPLATE;
        continue;
      }
      if (/[{}]/.test(segment)) {
        return [`invalid path ${show(original)} in ${field}: '{' or '}' is only allowed in the templates {*} and {**}`];
      }
      if (hasTemplate && !VALID_LITERAL.test(segment)) {
        return [`invalid path ${show(original)} in ${field}: segment ${show(segment)} of a path template must be a non-empty RFC 3986 literal (no '*')`];
      }
    }
  }
  return [];
}

export function validateIPs(field: string, values: readonly string[]): string[] {
  return values
    .filter((v) => (v.includes('/') ? !isValidPrefixStrict(v) : !isValidAddressStrict(v)))
    .map((v) => `bad ${v.includes('/') ? 'CIDR range' : 'IP address'} ${show(v)} in ${field}: use an address like 10.1.2.3 or a CIDR like 10.1.0.0/16`);
}

/** Decimal 0..65535 (strconv.ParseUint base 10: no sign, no spaces; "0" is accepted). */
export function validatePorts(field: string, values: readonly string[]): string[] {
  return values
    .filter((v) => !/^[0-9]+$/.test(v) || Number(v) > 65535)
    .map((v) => `bad port ${show(v)} in ${field}: ports are decimal container port numbers as strings, e.g. "8080"`);
}

function isValidMapKey(key: string): boolean {
  const open = key.indexOf('[');
  return key.endsWith(']') && open > 0 && open < key.length - 2;
}

/** The `when` keys Istio knows (security.go ValidateAttribute), checked against their values. */
export function validateAttribute(key: string, values: readonly string[]): string[] {
  const empty = checkEmptyValues(`when[${key}]`, values);
  if (empty.length) return empty;
  const badMapKey = isValidMapKey(key) ? [] : [`bad key ${show(key)}: it must have the form name[entry], e.g. request.headers[x-user]`];
  if (key.startsWith('request.headers')) return badMapKey;
  switch (key) {
    case 'source.ip':
    case 'remote.ip':
    case 'destination.ip':
      return validateIPs(key, values);
    case 'source.serviceAccount':
      return checkServiceAccount(key, values, true);
    case 'source.trustDomain':
      return checkWildcardValues(key, values);
    case 'destination.port':
      return validatePorts(key, values);
    case 'source.namespace':
    case 'source.principal':
    case 'request.auth.principal':
    case 'request.auth.audiences':
    case 'request.auth.presenter':
    case 'connection.sni':
      return [];
    case 'destination.namespace':
      return [`attribute ${key} is replaced by the policy's metadata.namespace: move the policy to that namespace`];
    case 'destination.name':
    case 'destination.user':
      return [`deprecated attribute ${key} is only supported in v1alpha1: use the selector instead`];
  }
  if (key.startsWith('request.auth.claims') || key.startsWith('experimental.envoy.filters.')) return badMapKey;
  if (key.startsWith('destination.labels')) return [`attribute ${key} is replaced by the workload selector: use spec.selector.matchLabels`];
  return [`unknown attribute ${show(key)}: use one of source.ip, remote.ip, source.namespace, source.principal, source.serviceAccount, source.trustDomain, request.headers[...], request.auth.principal, request.auth.audiences, request.auth.presenter, request.auth.claims[...], destination.ip, destination.port, connection.sni`];
}
