import { compareStrings } from '../load/files';
import { ApiGrantEntry } from '../rbac/grants';
import { ReachEdge, ReachReport } from '../reach/reach';
import { ApiAccess, diffApiAccess } from './api-access';
import { describeConstraint, describeHttpAccess } from './http-summary';

/** An edge allowed before and after whose HTTP restrictions changed. */
export interface ChangedEdge {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: string;
  readonly before: string;
  readonly after: string;
  /** True when some request allowed after was not allowed before. */
  readonly widened: boolean;
}

export interface AccessDiff {
  readonly added: readonly ReachEdge[];
  readonly removed: readonly ReachEdge[];
  readonly changed: readonly ChangedEdge[];
  /** Kubernetes API grants (RBAC) present only after, or only before. */
  readonly apiAdded: readonly ApiAccess[];
  readonly apiRemoved: readonly ApiAccess[];
  /** Access widened: an edge or an API grant appeared, or an edge's HTTP restrictions loosened. CI gates on this. */
  readonly widened: boolean;
}

/** Compares the allowed edges of two reach reports, and their API grants when given. */
export function diffReach(
  before: ReachReport,
  after: ReachReport,
  apiGrants: { readonly before: readonly ApiGrantEntry[]; readonly after: readonly ApiGrantEntry[] } = { before: [], after: [] },
): AccessDiff {
  const old = new Map(before.allowed.map((edge) => [edgeKey(edge), edge]));
  const now = new Map(after.allowed.map((edge) => [edgeKey(edge), edge]));
  const added = after.allowed.filter((edge) => !old.has(edgeKey(edge)));
  const removed = before.allowed.filter((edge) => !now.has(edgeKey(edge)));
  const changed: ChangedEdge[] = [];
  for (const [key, edge] of now) {
    const previous = old.get(key);
    if (!previous) continue;
    const was = describeHttpAccess(previous.http);
    const is = describeHttpAccess(edge.http);
    if (was === is) continue;
    changed.push({
      from: edge.from, to: edge.to, port: edge.port, protocol: edge.protocol,
      before: was || 'any request', after: is || 'any request', widened: httpWidened(previous, edge),
    });
  }
  changed.sort((a, b) => compareStrings(edgeKey(a), edgeKey(b)));
  const api = diffApiAccess(apiGrants.before, apiGrants.after);
  return {
    added,
    removed,
    changed,
    apiAdded: api.added,
    apiRemoved: api.removed,
    widened: added.length > 0 || api.added.length > 0 || changed.some((change) => change.widened),
  };
}

/**
 * Compares restrictions as sets of described constraints: losing the ALLOW restriction, gaining an
 * allowed constraint, or losing a denied one widens. Rewording a constraint counts as widening too:
 * a reviewer should look.
 */
function httpWidened(before: ReachEdge, after: ReachEdge): boolean {
  const allowed = (edge: ReachEdge) => edge.http?.allowedWhen?.map((m) => describeConstraint(m.constraint));
  const denied = (edge: ReachEdge) => new Set(edge.http?.deniedWhen?.map((m) => describeConstraint(m.constraint)) ?? []);
  const allowedBefore = allowed(before);
  const allowedAfter = allowed(after);
  if (allowedBefore && !allowedAfter) return true;
  if (allowedBefore && allowedAfter && allowedAfter.some((constraint) => !allowedBefore.includes(constraint))) return true;
  const deniedAfter = denied(after);
  return [...denied(before)].some((constraint) => !deniedAfter.has(constraint));
}

function edgeKey(edge: { readonly from: string; readonly to: string; readonly port: number; readonly protocol: string }): string {
  return `${edge.from}\u0000${edge.to}\u0000${String(edge.port).padStart(5, '0')}\u0000${edge.protocol}`;
}
