import { LoadedObject, apiGrants, buildInventory } from '../../analyzer';
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

/**
 * Live grants against the intent's: the intent's Roles and bindings, with the live ClusterRoles they
 * may refer to (role definitions, not grants). Compared are grants to ServiceAccounts of the audited
 * namespaces and to those namespaces' ServiceAccount groups; cluster-wide groups
 * (`system:authenticated`, `system:serviceaccounts`) hold the cluster's bootstrap grants, which no mesh
 * declares, and are left out.
 */
export function compareApiAccess(live: readonly LoadedObject[], intent: readonly LoadedObject[], audited: ReadonlySet<string>): ApiAccessComparison {
  const rbac = (objects: readonly LoadedObject[]) => objects.filter(({ object }) => RBAC_KINDS.has(object.kind));
  const liveRoles = live.filter(({ object }) => object.kind === 'ClusterRole');
  const concerned = (objects: readonly LoadedObject[]) => apiGrants(buildInventory(objects)).filter((entry) =>
    (entry.subjectKind === 'ServiceAccount' && audited.has(entry.subject.split('/')[0]))
    || (entry.subjectKind === 'Group' && entry.subject.startsWith(NAMESPACE_GROUP) && audited.has(entry.subject.slice(NAMESPACE_GROUP.length))));
  const diff = diffApiAccess(concerned([...liveRoles, ...rbac(intent)]), concerned(rbac(live)));
  return { overPermissive: diff.added, missing: diff.removed };
}
