// What every ServiceAccount and Group subject may do through the API, one entry per (binding, rule),
// for reports and reviews. Same resolution as `authorizeApi` (role-refs.ts, aggregation.ts,
// subjects.ts), enumerated by subject instead of asked per request.

import { compareStrings } from '../load/files';
import { Inventory, RbacBinding, RbacRule, RbacSubject } from '../model/types';
import { describeObject, resolverFor } from './role-refs';
import { serviceAccountOfSubject } from './subjects';

export interface ApiGrantEntry {
  readonly subjectKind: 'ServiceAccount' | 'Group';
  /** "namespace/name" for a ServiceAccount, the group's name for a Group. */
  readonly subject: string;
  /** Where the grant holds: the RoleBinding's namespace, or '*' for a ClusterRoleBinding (every namespace and cluster-scoped objects). */
  readonly namespace: string;
  readonly verbs: readonly string[];
  /** '' is the core group. */
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  /** Empty: any name. */
  readonly resourceNames: readonly string[];
  /** e.g. "RoleBinding data/reader", "ClusterRoleBinding monitoring". */
  readonly binding: string;
  /** The bound role, e.g. "Role data/reader", "ClusterRole view". */
  readonly role: string;
  /** For a rule the bound ClusterRole has by aggregation: the ClusterRole that holds it. */
  readonly aggregatedFrom?: string;
  /**
   * Set when the bound role is not in the manifests (e.g. ClusterRole edit): the subject may do
   * whatever that role allows in a cluster, which the manifests do not tell; verbs, apiGroups,
   * resources and resourceNames are then empty.
   */
  readonly unknownRole?: string;
}

/** `namespace` of a grant by a ClusterRoleBinding. */
export const CLUSTER_WIDE = '*';

export function apiGrants(inventory: Inventory): ApiGrantEntry[] {
  const resolver = resolverFor(inventory.roles);
  const entries = new Map<string, ApiGrantEntry>();
  for (const binding of inventory.bindings) {
    const resolution = resolver.resolve(binding);
    // An invalid roleRef grants nothing; a role the manifests lack is unknown, not nothing.
    if (!resolution.found && !resolution.absent) continue;
    const role = resolution.found ? describeObject(resolution.role)
      : describeObject({ kind: binding.roleRef.kind, namespace: binding.roleRef.kind === 'Role' ? binding.namespace : '', name: binding.roleRef.name });
    for (const subject of binding.subjects) {
      const grantee = granteeOf(subject, binding);
      if (!grantee) continue;
      if (!resolution.found) {
        const entry = unknownGrant(grantee, binding, role);
        entries.set(`${grantee.subjectKind} ${grantee.subject} ${entry.binding}`, entry);
        continue;
      }
      resolution.rules.forEach(({ rule, heldBy }, index) => {
        if (!canAllowAnything(rule)) return;
        const entry: ApiGrantEntry = {
          ...grantee,
          namespace: binding.namespace || CLUSTER_WIDE,
          verbs: rule.verbs,
          apiGroups: rule.apiGroups,
          resources: rule.resources,
          resourceNames: rule.resourceNames,
          binding: describeObject(binding),
          role,
          ...(heldBy !== resolution.role ? { aggregatedFrom: describeObject(heldBy) } : {}),
        };
        // A subject listed twice (or as ServiceAccount and as its User name) is granted once.
        entries.set(`${grantee.subjectKind} ${grantee.subject} ${entry.binding} ${index}`, entry);
      });
    }
  }
  return [...entries.values()].sort(compareEntries);
}

function unknownGrant(grantee: Pick<ApiGrantEntry, 'subjectKind' | 'subject'>, binding: RbacBinding, role: string): ApiGrantEntry {
  return {
    ...grantee,
    namespace: binding.namespace || CLUSTER_WIDE,
    verbs: [],
    apiGroups: [],
    resources: [],
    resourceNames: [],
    binding: describeObject(binding),
    role,
    unknownRole: role,
  };
}

/** Users other than ServiceAccount usernames, and unknown kinds, are left out: the report is about workloads. */
function granteeOf(subject: RbacSubject, binding: RbacBinding): Pick<ApiGrantEntry, 'subjectKind' | 'subject'> | undefined {
  if (subject.kind === 'Group') return { subjectKind: 'Group', subject: subject.name };
  const account = serviceAccountOfSubject(subject, binding.namespace);
  return account ? { subjectKind: 'ServiceAccount', subject: account } : undefined;
}

/** A rule without verbs, API groups or resources (e.g. one for nonResourceURLs only) allows no resource request. */
function canAllowAnything(rule: RbacRule): boolean {
  return rule.verbs.length > 0 && rule.apiGroups.length > 0 && rule.resources.length > 0;
}

/** Subject, then scope, then binding; a binding's rules keep their order (Array.sort is stable). */
function compareEntries(a: ApiGrantEntry, b: ApiGrantEntry): number {
  return compareStrings(a.subjectKind, b.subjectKind)
    || compareStrings(a.subject, b.subject)
    || compareStrings(a.namespace, b.namespace)
    || compareStrings(a.binding, b.binding);
}
