import { compareStrings } from '../load/files';
import { describeResources, describeRule } from '../rbac/describe';
import { ApiGrantEntry, CLUSTER_WIDE } from '../rbac/grants';
import { markdownTable } from './markdown';

/**
 * A grant as access, whatever the binding and role that carry it are called (renaming them changes
 * nothing), except a role the manifests lack: its name is all that is known of the access.
 */
export type ApiAccess = Omit<ApiGrantEntry, 'binding' | 'role' | 'aggregatedFrom'>;

export interface ApiAccessDiff {
  readonly added: readonly ApiAccess[];
  readonly removed: readonly ApiAccess[];
}

/**
 * Grants present in only one of two inventories. An added grant counts as widening even when an
 * older, broader rule already covered it: a reviewer should look, and the gate errs on that side.
 */
export function diffApiAccess(before: readonly ApiGrantEntry[], after: readonly ApiGrantEntry[]): ApiAccessDiff {
  const old = new Map(before.map((entry) => [accessKey(entry), access(entry)]));
  const now = new Map(after.map((entry) => [accessKey(entry), access(entry)]));
  const only = (a: Map<string, ApiAccess>, b: Map<string, ApiAccess>) =>
    [...a].filter(([key]) => !b.has(key)).sort(([x], [y]) => compareStrings(x, y)).map(([, entry]) => entry);
  return { added: only(now, old), removed: only(old, now) };
}

/** "ServiceAccount shop/cartservice may get secrets named redis-cart-auth in data". */
export function describeApiAccess(entry: ApiAccess): string {
  const scope = entry.namespace === CLUSTER_WIDE ? 'in every namespace' : `in ${entry.namespace}`;
  const what = entry.unknownRole ? `do what ${entry.unknownRole} allows (not in the manifests: unknown here)` : describeRule(entry);
  return `${entry.subjectKind} ${entry.subject} may ${what} ${scope}`;
}

/** The Markdown section of `explain`: who may use which API objects where, and through which binding. */
export function apiAccessSection(entries: readonly ApiGrantEntry[]): string {
  const rows = entries.map((entry) => [
    `${entry.subjectKind} ${entry.subject}`,
    entry.namespace === CLUSTER_WIDE ? 'every namespace' : entry.namespace,
    entry.unknownRole ? 'unknown' : entry.verbs.join(', '),
    entry.unknownRole ? 'unknown' : describeResources(entry, ', '),
    entry.unknownRole ? 'unknown' : entry.resourceNames.join(', ') || 'any',
    `${entry.binding} → ${entry.role}${entry.aggregatedFrom ? ` (aggregated from ${entry.aggregatedFrom})` : ''}${entry.unknownRole ? ' (not in the manifests)' : ''}`,
  ]);
  return ['### Kubernetes API access (RBAC)', '', markdownTable(['Subject', 'Namespace', 'Verbs', 'Resources', 'Names', 'Via'], rows)].join('\n');
}

function access(entry: ApiGrantEntry): ApiAccess {
  const { subjectKind, subject, namespace, verbs, apiGroups, resources, resourceNames, unknownRole } = entry;
  return { subjectKind, subject, namespace, verbs, apiGroups, resources, resourceNames, ...(unknownRole ? { unknownRole } : {}) };
}

function accessKey(entry: ApiGrantEntry): string {
  const sorted = (values: readonly string[]) => [...values].sort(compareStrings).join(',');
  return [entry.subjectKind, entry.subject, entry.namespace, sorted(entry.verbs), sorted(entry.apiGroups), sorted(entry.resources), sorted(entry.resourceNames),
    entry.unknownRole ?? ''].join('\u0000');
}
