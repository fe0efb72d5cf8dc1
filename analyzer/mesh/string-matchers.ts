import { urlPath } from './path-normalization';

/**
 * The string matchers Istio generates for AuthorizationPolicy values
 * (pilot/pkg/security/authz/matcher/{string,header}.go, model/generator.go). Each returns a predicate
 * over the attribute's value; an absent attribute never matches.
 */
export type Matcher = (value: string) => boolean;

/**
 * StringMatcherWithPrefix: "*" is presence (regex `.+`), "*x" a suffix, "x*" a prefix, else exact;
 * the prefix (e.g. "spiffe://" for principals) is prepended to the literal part.
 */
export function prefixedMatcher(value: string, prefix: string, ignoreCase = false): Matcher {
  const fold = ignoreCase ? (text: string) => text.toLowerCase() : (text: string) => text;
  if (value === '*') return (text) => text.length > 0;
  if (value.startsWith('*')) {
    const suffix = fold(value.slice(1));
    return (text) => fold(text).startsWith(fold(prefix)) && fold(text).endsWith(suffix)
      && text.length >= prefix.length + suffix.length;
  }
  if (value.endsWith('*')) {
    const start = fold(prefix + value.slice(0, -1));
    return (text) => fold(text).startsWith(start);
  }
  const exact = fold(prefix + value);
  return (text) => fold(text) === exact;
}

/**
 * `principals` / `source.principal` values, matched against the peer's SPIFFE URI; the field matches when
 * any value does. Exact values (nearly all of them) are looked up in a set and only wildcards are tried
 * one by one: `reach` tests every candidate edge this way, and one set per field instead of a matcher
 * per value keeps compiled policies small.
 */
export function principalsMatcher(values: readonly string[]): Matcher {
  const exact = new Set<string>();
  const wildcards: Matcher[] = [];
  for (const value of values) {
    if (value.startsWith('*') || value.endsWith('*')) wildcards.push(prefixedMatcher(value, 'spiffe://'));
    else exact.add(`spiffe://${value}`);
  }
  if (wildcards.length === 0) return (text) => exact.has(text);
  const wildcard = anyMatcher(wildcards);
  return (text) => exact.has(text) || wildcard(text);
}

/** A field with several values matches when any of them does. */
export function anyMatcher(matchers: readonly Matcher[]): Matcher {
  if (matchers.length === 1) return matchers[0];
  return (text) => {
    for (const matches of matchers) if (matches(text)) return true;
    return false;
  };
}

/** `namespaces` / `source.namespace`: regex `.*\/ns/<value with * as .*>/.*` on the peer identity. */
export function namespaceMatcher(value: string): Matcher {
  const pattern = value.split('*').map(escapeRegex).join('.*');
  return regexMatcher(`.*/ns/${pattern}/.*`);
}

/** `serviceAccounts`: "<ns>/<sa>", or "<sa>" in the policy's namespace (generator.go serviceAccountRegex). */
export function serviceAccountMatcher(value: string, policyNamespace: string): Matcher {
  const slash = value.indexOf('/');
  const namespace = slash < 0 ? policyNamespace : value.slice(0, slash);
  const account = slash < 0 ? value : value.slice(slash + 1);
  return regexMatcher(`spiffe://.+/ns/${escapeRegex(namespace)}/(.+/|)sa/${escapeRegex(account)}(/.+)?`);
}

/** `trustDomains`: "*" any, exact domain, or one "*" wildcard inside the domain label. */
export function trustDomainMatcher(value: string): Matcher {
  if (value === '*') return (text) => text.startsWith('spiffe://');
  if (!value.includes('*')) return (text) => text.startsWith(`spiffe://${value}/`);
  const star = value.indexOf('*');
  return regexMatcher(`spiffe://${escapeRegex(value.slice(0, star))}[^/]*${escapeRegex(value.slice(star + 1))}/.*`);
}

/** `methods` and request headers (HeaderMatcher): presence, prefix, suffix or exact, case-sensitive. */
export function headerMatcher(value: string): Matcher {
  // "*" is Envoy's present_match: any value, even an empty one, of a header that is there.
  return value === '*' ? () => true : prefixedMatcher(value, '');
}

/** `hosts` (HostMatcher): like headers but case-insensitive. */
export function hostMatcher(value: string): Matcher {
  return prefixedMatcher(value, '', true);
}

/**
 * `paths`: matched against the path without query or fragment (Envoy url_path) of the request, whose
 * path the connection manager has normalized already (`normalizeRequestPath`); Istio's path templates
 * `{*}` (one segment) and `{**}` (any number of segments) become regexes.
 */
export function pathMatcher(value: string): Matcher {
  if (value.includes('{*}') || value.includes('{**}')) {
    const pattern = value.split(/(\{\*\*\}|\{\*\})/).map((part) =>
      part === '{**}' ? '.*' : part === '{*}' ? '[^/]+' : escapeRegex(part)).join('');
    const matches = regexMatcher(pattern);
    return (path) => matches(urlPath(path));
  }
  const matches = prefixedMatcher(value, '');
  return (path) => matches(urlPath(path));
}

/** Envoy safe_regex matches the whole string. */
function regexMatcher(pattern: string): Matcher {
  const regex = new RegExp(`^(?:${pattern})$`, 's');
  return (text) => regex.test(text);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
