import { compareStrings } from '../load/files';
import { HttpRuleMatch } from '../mesh/authorization';
import { ApiGrantEntry } from '../rbac/grants';
import { ReachEdge, ReachReport } from '../reach/reach';
import { ApiAccess, diffApiAccess } from './api-access';
import { constraintCovers } from './constraint-cover';
import { describeHttpAccess } from './http-summary';

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
  before: Pick<ReachReport, 'allowed'>,
  after: Pick<ReachReport, 'allowed'>,
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
 * Whether the edge's HTTP restrictions loosened: the ALLOW restriction dropped, an allowed constraint
 * that no earlier one covers, or a denied constraint that no later one covers
 * (`constraintCovers`; what it cannot show to be narrower counts as wider, for a reviewer to look).
 */
function httpWidened(before: ReachEdge, after: ReachEdge): boolean {
  const constraints = (matches: readonly HttpRuleMatch[] | undefined) => matches?.map((m) => m.constraint);
  const allowedBefore = constraints(before.http?.allowedWhen);
  const allowedAfter = constraints(after.http?.allowedWhen);
  if (allowedBefore && !allowedAfter) return true;
  if (allowedBefore && allowedAfter && allowedAfter.some((now) => !allowedBefore.some((was) => constraintCovers(was, now)))) return true;
  const deniedAfter = constraints(after.http?.deniedWhen) ?? [];
  return (constraints(before.http?.deniedWhen) ?? []).some((was) => !deniedAfter.some((now) => constraintCovers(now, was)));
}

function edgeKey(edge: { readonly from: string; readonly to: string; readonly port: number; readonly protocol: string }): string {
  return `${edge.from}\u0000${edge.to}\u0000${String(edge.port).padStart(5, '0')}\u0000${edge.protocol}`;
}
