import { streamManifests } from '../load/documents';
import { buildInventory } from '../model/inventory';
import { Inventory } from '../model/types';

/** The kinds RBAC decisions depend on. */
export const RBAC_KINDS: ReadonlySet<string> = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/**
 * Loads what RBAC decisions depend on: Roles, ClusterRoles and their bindings, of every namespace (a
 * RoleBinding may name a ServiceAccount of any namespace, and ClusterRoleBindings apply everywhere).
 * Other documents are not even parsed, and so not validated either.
 */
export function inventoryForRbac(paths: readonly string[]): Inventory {
  return buildInventory(streamManifests(paths, (kind) => RBAC_KINDS.has(kind)));
}
