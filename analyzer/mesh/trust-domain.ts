import { MeshSettings } from '../model/types';

const CLUSTER_LOCAL = 'cluster.local';

/**
 * Istio's trust domain bundle (pilot/pkg/security/trustdomain/bundle.go): the local trust domain first,
 * then its aliases. Principals naming `cluster.local`, the local domain or an alias are rewritten to
 * every member, so a policy written for one domain keeps working during a migration.
 */
export function trustDomains(mesh: MeshSettings): readonly string[] {
  return [mesh.trustDomain, ...mesh.trustDomainAliases];
}

/** ReplaceTrustDomainAliases, for `principals` and `source.principal` values. */
export function replaceTrustDomainAliases(principals: readonly string[], bundle: readonly string[]): string[] {
  const result: string[] = [];
  for (const principal of principals) {
    // The common case, one trust domain and principals naming it: nothing to rewrite.
    if (bundle.length === 1 && principal.startsWith(`${bundle[0]}/`)) {
      result.push(principal);
      continue;
    }
    const parts = principal.split('/');
    // Only "<td>/ns/<ns>/sa/<sa>" names a trust domain; "*" as the domain means "any", left alone.
    if (parts.length !== 5 || parts[0] === '*') {
      result.push(principal);
      continue;
    }
    const domain = parts[0];
    if (!domainInList(domain, bundle) && domain !== CLUSTER_LOCAL) {
      result.push(principal);
      continue;
    }
    const rewrites = new Set(bundle.map((member) => (suffixMatch(member, domain) ? principal : [member, ...parts.slice(1)].join('/'))));
    result.push(...rewrites);
  }
  return result;
}

/** ExpandTrustDomainAliases, for `trustDomains` values: a member of the bundle stands for all of them. */
export function expandTrustDomainAliases(values: readonly string[], bundle: readonly string[]): string[] {
  const result: string[] = [];
  for (const value of values) {
    for (const expanded of bundle.includes(value) ? bundle : [value]) {
      if (!result.includes(expanded)) result.push(expanded);
    }
  }
  return result;
}

/** trustdomain/util.go stringMatch: exact, "*", prefix or suffix wildcards on either side. */
function domainInList(domain: string, list: readonly string[]): boolean {
  return list.some((entry) => domain === entry || entry === '*' || prefixMatch(domain, entry) || prefixMatch(entry, domain)
    || suffixMatch(domain, entry) || suffixMatch(entry, domain));
}

function prefixMatch(text: string, pattern: string): boolean {
  return pattern.endsWith('*') && text.startsWith(pattern.slice(0, -1));
}

function suffixMatch(text: string, pattern: string): boolean {
  return pattern.startsWith('*') && text.endsWith(pattern.slice(1));
}
