// Whether one HTTP constraint admits every request another admits, so that `diff` can tell a
// narrowed restriction (GET,HEAD -> GET; /api/* -> /api/v1/*; a notPaths added) from a widened one.
// Conservative: when coverage cannot be shown from the values alone, it is not claimed, and the
// change counts as widening (a reviewer looks).

import { HttpConstraint, HttpField } from '../mesh/authorization-rules';

const POSITIVE: readonly HttpField[] = ['methods', 'paths', 'hosts', 'requestPrincipals'];
const NEGATIVE: readonly HttpField[] = ['notMethods', 'notPaths', 'notHosts', 'notRequestPrincipals', 'conditions'];

/** Every request `inner` admits, `outer` admits too. */
export function constraintCovers(outer: HttpConstraint, inner: HttpConstraint): boolean {
  for (const field of POSITIVE) {
    const outerValues = outer[field];
    if (outerValues === undefined) continue; // outer does not restrict this field
    const innerValues = inner[field];
    if (innerValues === undefined) return false; // inner admits any value, outer only some
    const fold = field === 'hosts' ? (v: string) => v.toLowerCase() : (v: string) => v;
    if (!innerValues.every((value) => outerValues.some((pattern) => patternCovers(fold(pattern), fold(value))))) return false;
  }
  // Exclusions and conditions narrow: inner must keep every one outer has.
  for (const field of NEGATIVE) {
    const innerValues = new Set(inner[field] ?? []);
    if (!(outer[field] ?? []).every((value) => innerValues.has(value))) return false;
  }
  return true;
}

/**
 * Istio's string match: exact, "prefix*", "*suffix" or "*". Path templates ({*}, {**}) are only
 * compared for equality.
 */
function patternCovers(pattern: string, value: string): boolean {
  if (pattern === '*' || pattern === value) return true;
  if (value === '*' || pattern.includes('{') || value.includes('{')) return false;
  // The value may itself be a pattern: "x*" stands for everything starting with x, "*x" ending with x.
  const valuePrefix = value.endsWith('*') ? value.slice(0, -1) : undefined;
  const valueSuffix = value.startsWith('*') ? value.slice(1) : undefined;
  if (pattern.endsWith('*')) return valueSuffix === undefined && (valuePrefix ?? value).startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return valuePrefix === undefined && (valueSuffix ?? value).endsWith(pattern.slice(1));
  return false;
}
