// Whether one PolicyRule allows one request, transcribed from kubernetes/kubernetes
// plugin/pkg/auth/authorizer/rbac/rbac.go (RuleAllows) and pkg/apis/rbac/v1/evaluation_helpers.go
// (VerbMatches, APIGroupMatches, ResourceMatches, ResourceNameMatches, NonResourceURLMatches).
// Matching is exact and case-sensitive; "*" is the only wildcard: as a whole entry, as
// "*/<subresource>", or at the end of a non-resource URL (a prefix).

import { RbacRule } from '../model/types';

/** A resource request as the authorizer sees it (RequestInfo), the subresource split off. */
export interface ResourceAttributes {
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  /** '' when the request is on the resource itself. */
  readonly subresource: string;
  /** '' for requests without one (list, watch, create, deletecollection). */
  readonly name: string;
}

/** A request for a path outside the resource API (/healthz, /metrics, /version): its verb is the HTTP method in lower case. */
export interface NonResourceAttributes {
  readonly verb: string;
  readonly path: string;
}

const ALL = '*';

export function ruleAllows(rule: RbacRule, request: ResourceAttributes | NonResourceAttributes): boolean {
  if ('path' in request) return verbMatches(rule, request.verb) && nonResourceURLMatches(rule, request.path);
  const combinedResource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  return verbMatches(rule, request.verb)
    && apiGroupMatches(rule, request.apiGroup)
    && resourceMatches(rule, combinedResource, request.subresource)
    && resourceNameMatches(rule, request.name);
}

function verbMatches(rule: RbacRule, verb: string): boolean {
  return rule.verbs.some((ruleVerb) => ruleVerb === ALL || ruleVerb === verb);
}

function apiGroupMatches(rule: RbacRule, apiGroup: string): boolean {
  return rule.apiGroups.some((ruleGroup) => ruleGroup === ALL || ruleGroup === apiGroup);
}

/**
 * "*" covers every resource and every subresource; "pods" does not cover "pods/log" (a subresource is
 * granted by its combined name, or by "*\/log" for the subresource of any resource).
 */
function resourceMatches(rule: RbacRule, combinedResource: string, subresource: string): boolean {
  return rule.resources.some((ruleResource) =>
    ruleResource === ALL
    || ruleResource === combinedResource
    || (subresource !== '' && ruleResource === `*/${subresource}`));
}

/** "*" matches every path; an entry ending in "*" matches the paths it prefixes (every trailing "*" trimmed, like Go's TrimRight). */
function nonResourceURLMatches(rule: RbacRule, path: string): boolean {
  return rule.nonResourceURLs.some((url) =>
    url === ALL || url === path || (url.endsWith(ALL) && path.startsWith(url.replace(/\*+$/, ''))));
}

/** No resourceNames: any name, and requests without a name. With them, only requests for those names. */
function resourceNameMatches(rule: RbacRule, name: string): boolean {
  return rule.resourceNames.length === 0 || rule.resourceNames.includes(name);
}
