import type { ResourceApiRequest } from '../../analyzer';
import type { DeclaredAccess, DeclaredGrant } from '../../constructs';
import { OUTSIDER } from './stand-ins';

/** A Kubernetes API request and whether the declared grants allow it. */
export interface ApiProbe {
  readonly request: ResourceApiRequest;
  readonly allowed: boolean;
}

/** A resource no grant names, in the core group. */
const UNGRANTED_RESOURCE = 'mesh-policy-probes';
/** An object name no grant lists. */
const UNLISTED_NAME = 'mesh-policy-probe';
/** The API server's verbs for resources (plus two RBAC checks on its own), probed besides the declared ones. */
const STANDARD_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'escalate'];

const listed = (values: readonly string[], value: string) => values.includes('*') || values.includes(value);

/**
 * Whether a declared grant covers the request: the grant's namespace, the holder's ServiceAccount,
 * and the group, resource and verb it lists (or `*`); with `resourceNames`, only requests that name
 * one of them (a list or a create names no object).
 */
function covers(grant: DeclaredGrant, request: ResourceApiRequest): boolean {
  return request.serviceAccount === `${grant.holder.split('/')[0]}/${grant.serviceAccount}`
    && request.namespace === grant.namespace
    && listed(grant.apiGroups, request.apiGroup)
    && listed(grant.resources, request.resource)
    && listed(grant.verbs, request.verb)
    && (grant.resourceNames.length === 0 || (request.name !== undefined && grant.resourceNames.includes(request.name)));
}

/**
 * Every API question the declared grants answer: each declared service's ServiceAccount (and an
 * outsider's) asks, in every namespace of the declaration, for every granted resource and one
 * ungranted, with every standard and every granted verb, for no object, each listed object and one
 * unlisted. Exactly the declared grants must be allowed.
 */
export function apiProbes(declared: DeclaredAccess): ApiProbe[] {
  const { grants } = declared;
  if (grants.length === 0) return [];
  const accounts = unique([
    ...declared.services.map((service) => `${service.namespace}/${service.serviceAccount}`),
    `${OUTSIDER.namespace}/${OUTSIDER.name}`,
  ]);
  const namespaces = unique([...grants.map((g) => g.namespace), ...declared.services.map((s) => s.namespace)]);
  const resources = uniqueBy([
    ...grants.flatMap((g) => g.apiGroups.flatMap((apiGroup) => g.resources.map((resource) => ({ apiGroup, resource })))),
    { apiGroup: '', resource: UNGRANTED_RESOURCE },
  ], (r) => `${r.apiGroup}/${r.resource}`);
  const verbs = unique([...STANDARD_VERBS, ...grants.flatMap((g) => g.verbs).filter((verb) => verb !== '*')]);
  const names = [undefined, ...unique([...grants.flatMap((g) => g.resourceNames), UNLISTED_NAME])];
  const probes: ApiProbe[] = [];
  for (const serviceAccount of accounts) {
    for (const namespace of namespaces) {
      for (const { apiGroup, resource } of resources) {
        for (const verb of verbs) {
          for (const name of names) {
            const request: ResourceApiRequest = { serviceAccount, verb, apiGroup, resource, namespace, ...(name !== undefined ? { name } : {}) };
            probes.push({ request, allowed: grants.some((grant) => covers(grant, request)) });
          }
        }
      }
    }
  }
  return probes;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function uniqueBy<T>(values: readonly T[], key: (value: T) => string): T[] {
  return [...new Map(values.map((value) => [key(value), value])).values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
