// The RBAC authorizer's decision for one request of a ServiceAccount, after
// kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go (Authorize) and
// pkg/registry/rbac/validation/rule.go (VisitRulesFor): ClusterRoleBindings apply in every namespace
// and to cluster-scoped requests; RoleBindings only to requests in their own namespace, including
// those that bind a ClusterRole. Non-resource requests (/healthz, /metrics) are cluster-scoped, so
// only ClusterRoleBindings grant them. The first rule that allows decides; nothing allowing means
// denied (RBAC has no deny rules).

import { InputError } from '../errors';
import { Inventory, RbacBinding, RbacRole, RbacSubject } from '../model/types';
import { SourcedRule } from './aggregation';
import { describeRequest, describeRule } from './describe';
import { describeObject, resolverFor } from './role-refs';
import { NonResourceAttributes, ResourceAttributes, ruleAllows } from './rules';
import { ServiceAccountUser, describeSubject, serviceAccountUser, subjectApplies } from './subjects';

export type ApiRequest = ResourceApiRequest | NonResourceApiRequest;

export interface ResourceApiRequest {
  /** The ServiceAccount making the request, "namespace/name". */
  readonly serviceAccount: string;
  /** get, list, watch, create, update, patch, delete, deletecollection, ... or a custom verb. */
  readonly verb: string;
  /** '' for the core group. */
  readonly apiGroup: string;
  /** e.g. 'secrets', or with a subresource 'deployments/scale'. */
  readonly resource: string;
  /** The namespace of the objects; undefined for a cluster-scoped request. */
  readonly namespace?: string;
  /** The object's name (resourceNames); undefined for requests without one (list, watch, create...). */
  readonly name?: string;
}

/** A request for a path outside the resource API, as `kubectl auth can-i get /healthz` asks it. */
export interface NonResourceApiRequest {
  readonly serviceAccount: string;
  /** The HTTP method in lower case: get, post, put, delete... */
  readonly verb: string;
  /** e.g. "/healthz", "/metrics", "/version". */
  readonly nonResourceURL: string;
}

export interface ApiDecision {
  readonly allowed: boolean;
  /** The deciding binding and role, e.g. "RoleBinding data/x grants Role data/x: get secrets", or why nothing does. */
  readonly reason: string;
}

export function authorizeApi(inventory: Inventory, request: ApiRequest): ApiDecision {
  const user = serviceAccountUser(request.serviceAccount, 'serviceAccount');
  const attributes = 'nonResourceURL' in request ? nonResourceAttributes(request) : resourceAttributes(request);
  const namespace = 'nonResourceURL' in request ? '' : request.namespace ?? '';
  const resolver = resolverFor(inventory.roles);
  const applying: string[] = [];
  const problems: string[] = [];
  for (const { binding, subject } of bindingsFor(inventory.bindings, user, namespace)) {
    const resolution = resolver.resolve(binding);
    if (!resolution.found) {
      problems.push(resolution.problem);
      continue;
    }
    const allowing = resolution.rules.find(({ rule }) => ruleAllows(rule, attributes));
    if (allowing) return { allowed: true, reason: grantReason(binding, subject, resolution.role, allowing) };
    applying.push(`${describeObject(binding)} (${describeObject(resolution.role)})`);
  }
  const denied = `no RBAC rule lets ServiceAccount ${user.id} ${describeRequest(attributes, namespace)}`;
  const scope = namespace ? `no RoleBinding of ${namespace} and no ClusterRoleBinding` : 'no ClusterRoleBinding';
  const bindings = applying.length > 0 ? `bindings that apply grant other access: ${applying.join(', ')}` : `${scope} applies to it`;
  return { allowed: false, reason: [denied, bindings, ...problems].join('; ') };
}

/** The bindings VisitRulesFor visits for the user, each with the first subject that names it. */
function* bindingsFor(bindings: readonly RbacBinding[], user: ServiceAccountUser, namespace: string)
  : Generator<{ readonly binding: RbacBinding; readonly subject: RbacSubject }> {
  const visited = [
    ...bindings.filter((binding) => binding.kind === 'ClusterRoleBinding'),
    ...(namespace ? bindings.filter((binding) => binding.kind === 'RoleBinding' && binding.namespace === namespace) : []),
  ];
  for (const binding of visited) {
    const subject = binding.subjects.find((candidate) => subjectApplies(user, candidate, binding.namespace));
    if (subject) yield { binding, subject };
  }
}

/** RequestInfo splits "resource/subresource"; Kubernetes has no deeper nesting. */
function resourceAttributes(request: ResourceApiRequest): ResourceAttributes {
  requireVerb(request);
  const parts = request.resource.split('/');
  if (parts.length > 2 || parts.some((part) => part === '')) {
    throw new InputError(`resource must be RESOURCE or RESOURCE/SUBRESOURCE, got ${JSON.stringify(request.resource)}`);
  }
  return { verb: request.verb, apiGroup: request.apiGroup, resource: parts[0], subresource: parts[1] ?? '', name: request.name ?? '' };
}

function nonResourceAttributes(request: NonResourceApiRequest): NonResourceAttributes {
  requireVerb(request);
  if (!request.nonResourceURL.startsWith('/')) {
    throw new InputError(`a non-resource URL is a path starting with "/", got ${JSON.stringify(request.nonResourceURL)}`);
  }
  return { verb: request.verb, path: request.nonResourceURL };
}

function requireVerb(request: ApiRequest): void {
  if (!request.verb) throw new InputError('an API request needs a verb, e.g. get');
}

function grantReason(binding: RbacBinding, subject: RbacSubject, role: RbacRole, allowing: SourcedRule): string {
  // The ServiceAccount itself goes without saying; a group or user subject is worth naming.
  const to = subject.kind === 'ServiceAccount' ? '' : ` to ${describeSubject(subject, binding.namespace)}`;
  const aggregated = allowing.heldBy === role ? '' : ` (aggregated from ${describeObject(allowing.heldBy)})`;
  return `${describeObject(binding)} grants ${describeObject(role)}${to}: ${describeRule(allowing.rule)}${aggregated}`;
}
