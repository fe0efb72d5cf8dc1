// How RBAC rules and requests read in reasons and reports, in kubectl's spelling: a resource of a
// named API group is "resource.group" ("deployments.apps/scale"), the core group adds nothing.

import { RbacRule } from '../model/types';
import { NonResourceAttributes, ResourceAttributes } from './rules';

/** "get secrets named redis-cart-auth", "get,list,watch deployments.apps,replicasets.apps", "get /healthz,/livez". */
export function describeRule(rule: Omit<RbacRule, 'nonResourceURLs'> & Partial<Pick<RbacRule, 'nonResourceURLs'>>): string {
  const verbs = rule.verbs.join(',') || '(no verbs)';
  if (rule.resources.length === 0 && rule.nonResourceURLs?.length) return `${verbs} ${rule.nonResourceURLs.join(',')}`;
  return `${verbs} ${describeResources(rule) || '(no resources)'}${named(rule.resourceNames)}`;
}

/** "deployments.apps,replicasets.apps": every resource of the rule in every group of it. */
export function describeResources(rule: Pick<RbacRule, 'apiGroups' | 'resources'>, separator = ','): string {
  return rule.resources.flatMap((resource) => rule.apiGroups.map((group) => qualify(resource, group))).join(separator);
}

/** "get secrets named redis-cart-auth in namespace data", "list nodes cluster-wide". */
export function describeRequest(request: ResourceAttributes | NonResourceAttributes, namespace: string): string {
  if ('path' in request) return `${request.verb} ${request.path}`;
  const resource = qualify(request.subresource ? `${request.resource}/${request.subresource}` : request.resource, request.apiGroup);
  const scope = namespace ? `in namespace ${namespace}` : 'cluster-wide';
  return `${request.verb} ${resource}${named(request.name ? [request.name] : [])} ${scope}`;
}

function qualify(resource: string, group: string): string {
  if (group === '') return resource;
  const slash = resource.indexOf('/');
  return slash < 0 ? `${resource}.${group}` : `${resource.slice(0, slash)}.${group}${resource.slice(slash)}`;
}

function named(names: readonly string[]): string {
  return names.length > 0 ? ` named ${names.join(',')}` : '';
}
