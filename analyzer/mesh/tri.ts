/**
 * Three-valued logic for AuthorizationPolicy matching. A concrete request gives YES or NO; when `reach`
 * asks about "any HTTP request" on an edge, HTTP-only conditions (methods, paths...) are MAYBE, and the
 * MAYBE parts are what the edge's HTTP constraints summarize.
 */
export type Tri = 0 | 1 | 2;
export const NO: Tri = 0;
export const YES: Tri = 1;
export const MAYBE: Tri = 2;

export function not(value: Tri): Tri {
  return value === MAYBE ? MAYBE : value === YES ? NO : YES;
}

export function fromBoolean(value: boolean): Tri {
  return value ? YES : NO;
}
