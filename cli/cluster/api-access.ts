import { LoadedObject, apiGrants, buildInventory } from '../../analyzer';
import { ApiGrantEntry, CLUSTER_WIDE } from '../../analyzer/rbac/grants';
import { RBAC_KINDS } from '../../analyzer/rbac/loading';
import { ApiAccess, diffApiAccess } from '../../analyzer/report/api-access';

/** Kubernetes API access of the audited namespaces' ServiceAccounts, live against the intent. */
export interface ApiAccessComparison {
  /** Granted live, not by the intent. */
  readonly overPermissive: readonly ApiAccess[];
  /** Granted by the intent, not live. */
  readonly missing: readonly ApiAccess[];
}

const NAMESPACE_GROUP = 'system:serviceaccounts:';
/** Groups every ServiceAccount is in (serviceaccount/util.go MakeGroupNames, authenticated_group_adder.go). */
const EVERY_ACCOUNT_GROUPS = new Set(['system:serviceaccounts', 'system:authenticated']);
/** The API server's bootstrap roles (bootstrappolicy/policy.go), which it binds to those groups itself. */
const BOOTSTRAP_ROLE = /^ClusterRole system:/;

/**
 * Live grants against the intent's: the intent's Roles and bindings, with the live ClusterRoles they
 * may refer to (role definitions, not grants). Compared are grants to ServiceAccounts of the audited
 * namespaces, to those namespaces' ServiceAccount groups, and to the groups every ServiceAccount is
 * in (`system:serviceaccounts`, `system:authenticated`) except through the bootstrap `system:` roles
 * the API server gives them (discovery, basic user, public info), which no mesh declares. With
 * `readNamespaces` (audit --namespace), grants held in other namespaces were not read and are left out.
 */
export function compareApiAccess(
  live: readonly LoadedObject[],
  intent: readonly LoadedObject[],
  audited: ReadonlySet<string>,
  readNamespaces?: ReadonlySet<string>,
): ApiAccessComparison {
  const rbac = (objects: readonly LoadedObject[]) => objects.filter(({ object }) => RBAC_KINDS.has(object.kind));
  const liveRoles = live.filter(({ object }) => object.kind === 'ClusterRole');
  const holds = (entry: ApiGrantEntry) => (entry.subjectKind === 'ServiceAccount' && audited.has(entry.subject.split('/')[0]))
    || (entry.subjectKind === 'Group' && entry.subject.startsWith(NAMESPACE_GROUP) && audited.has(entry.subject.slice(NAMESPACE_GROUP.length)))
    || (entry.subjectKind === 'Group' && EVERY_ACCOUNT_GROUPS.has(entry.subject) && !BOOTSTRAP_ROLE.test(entry.role));
  const wasRead = (entry: ApiGrantEntry) => !readNamespaces || entry.namespace === CLUSTER_WIDE || readNamespaces.has(entry.namespace);
  const concerned = (objects: readonly LoadedObject[]) => apiGrants(buildInventory(objects)).filter((entry) => holds(entry) && wasRead(entry));
  const diff = diffApiAccess(concerned([...liveRoles, ...rbac(intent)]), concerned(rbac(live)));
  return { overPermissive: diff.added, missing: diff.removed };
}
