import { HttpAccess, HttpRuleMatch } from '../mesh/authorization';
import { HttpConstraint } from '../mesh/authorization-rules';

/**
 * One line for the HTTP requests an edge is limited to, e.g.
 * "only GET,POST /api/* (AuthorizationPolicy/shop/orders); except /admin* (AuthorizationPolicy/shop/deny)".
 * Empty when the edge carries no HTTP restriction.
 */
export function describeHttpAccess(access: HttpAccess | undefined): string {
  if (!access) return '';
  const parts: string[] = [];
  if (access.allowedWhen?.length) parts.push(`only ${describeMatches(access.allowedWhen)}`);
  if (access.deniedWhen?.length) parts.push(`except ${describeMatches(access.deniedWhen)}`);
  return parts.join('; ');
}

/** The requests alone, without policy names: for matrix cells and graph arrows. */
export function compactHttpAccess(access: HttpAccess | undefined): string {
  if (!access) return '';
  const unique = (matches: readonly HttpRuleMatch[]) => [...new Set(matches.map((m) => describeConstraint(m.constraint)))].join(' | ');
  const parts: string[] = [];
  if (access.allowedWhen?.length) parts.push(unique(access.allowedWhen));
  if (access.deniedWhen?.length) parts.push(`except ${unique(access.deniedWhen)}`);
  return parts.join('; ');
}

function describeMatches(matches: readonly HttpRuleMatch[]): string {
  const byPolicy = new Map<string, string[]>();
  for (const match of matches) {
    const constraints = byPolicy.get(match.policy) ?? [];
    const text = describeConstraint(match.constraint);
    if (!constraints.includes(text)) constraints.push(text);
    byPolicy.set(match.policy, constraints);
  }
  return [...byPolicy].map(([policy, constraints]) => `${constraints.join(' | ')} (${policy})`).join(' | ');
}

/** "GET,POST /api/* host=shop.example" style; negative fields read "not ...". */
export function describeConstraint(constraint: HttpConstraint): string {
  const parts: string[] = [];
  const list = (values: readonly string[] | undefined) => (values ?? []).join(',');
  if (constraint.methods) parts.push(list(constraint.methods));
  if (constraint.notMethods) parts.push(`not ${list(constraint.notMethods)}`);
  if (constraint.paths) parts.push(list(constraint.paths));
  if (constraint.notPaths) parts.push(`not ${list(constraint.notPaths)}`);
  if (constraint.hosts) parts.push(`host ${list(constraint.hosts)}`);
  if (constraint.notHosts) parts.push(`host not ${list(constraint.notHosts)}`);
  if (constraint.requestPrincipals) parts.push(`JWT ${list(constraint.requestPrincipals)}`);
  if (constraint.notRequestPrincipals) parts.push(`JWT not ${list(constraint.notRequestPrincipals)}`);
  if (constraint.conditions) parts.push(`when ${constraint.conditions.join(' and ')}`);
  return parts.length > 0 ? parts.join(' ') : 'any request';
}
