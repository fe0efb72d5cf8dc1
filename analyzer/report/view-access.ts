// A layer compared alone (layer-diff.ts) often leaves destinations that nothing narrows on one side:
// a pull request that adds NetworkPolicies to an Istio-only mesh, or to some of its namespaces only,
// compares NetworkPolicy alone with an old side where every pair of workloads is open. Clusters whose
// NetworkPolicies admit whole namespaces ("from the namespaces of team X") open most pairs too.
// Listing those pairs is quadratic (25 million at 5,000 services: `diff` ran out of memory). `reach`
// reports them per group of sources instead (`byGroup`), or per group within a namespace, and this
// module compares two such reports: edges listed on either side edge by edge, edges allowed by group
// on both sides not at all (nothing tells them apart: no HTTP restriction applies there), and those
// allowed by group on one side only counted, or listed when there are few.

import { policyIndexOf } from '../check';
import { PolicyIndex } from '../engine/policy-index';
import { compareStrings } from '../load/files';
import { Inventory, Protocol, Workload } from '../model/types';
import { evaluatePair } from '../reach/evaluate';
import { GroupRow, ReachEdge, ReachReport, allowedEdge, reach } from '../reach/reach';
import { ApiGrantEntry } from '../rbac/grants';
import { AccessDiff, diffReach } from './diff';

type EdgeRef = Pick<ReachEdge, 'from' | 'to' | 'port' | 'protocol'>;
/** A destination port. */
type PortRef = Pick<EdgeRef, 'to' | 'port' | 'protocol'>;

/** Pairs allowed by group on one side and not at all on the other, counted rather than listed. */
export interface UnlistedCounts {
  readonly added: number;
  readonly removed: number;
}

/**
 * Two inventories compared: the changes listed (and API grants when given), the ones counted, and
 * which edges the counts hold. `diff.widened` does not count the counted ones.
 */
export interface ViewComparison {
  readonly diff: AccessDiff;
  readonly unlisted?: UnlistedCounts & { readonly holds: (edge: EdgeRef, change: 'added' | 'removed') => boolean };
}

/**
 * Compares what two inventories allow between workloads, as `diffReach` over their `reach` reports
 * would, in time linear in the workloads and the listed edges. Pairs allowed by group on one side
 * only are listed when there are at most `listLimit` of them, else counted.
 */
export function compareViews(
  before: Inventory,
  after: Inventory,
  listLimit: number,
  apiGrants?: { readonly before: readonly ApiGrantEntry[]; readonly after: readonly ApiGrantEntry[] },
): ViewComparison {
  const [was, is] = [new SideAccess(before), new SideAccess(after)];
  const sparseBefore = [...was.report.allowed, ...counterparts(was, is.report.allowed)];
  const sparseAfter = [...is.report.allowed, ...counterparts(is, was.report.allowed)];
  const removed = beyond(was, is);
  const added = beyond(is, was);
  const listed = removed.count + added.count <= listLimit;
  if (listed) {
    sparseBefore.push(...removed.edges());
    sparseAfter.push(...added.edges());
  }
  const diff = diffReach({ allowed: sorted(sparseBefore) }, { allowed: sorted(sparseAfter) }, apiGrants);
  if (listed) return { diff };
  const holds = (edge: EdgeRef, change: 'added' | 'removed') => (change === 'added'
    ? is.allowsByGroup(edge) && !was.allows(edge)
    : was.allowsByGroup(edge) && !is.allows(edge));
  return { diff, unlisted: { added: added.count, removed: removed.count, holds } };
}

/**
 * The groups of sources a side allows at one destination port: whole groups, and groups whose sources
 * in one namespace only are allowed (GroupRow.namespace). Rows of one port never overlap.
 */
interface GroupsAt {
  readonly whole: Set<number>;
  readonly byNamespace: Map<string, Set<number>>;
}

/** One side: its `reach` report by group, indexed for "is this pair allowed, and how". */
class SideAccess {
  readonly report: ReachReport;
  private readonly index: PolicyIndex;
  private readonly byId = new Map<string, Workload>();
  /** Listed sources per destination port. */
  private readonly listed = new Map<string, Set<string>>();
  /** Groups allowed per destination port. */
  private readonly allowedGroups = new Map<string, GroupsAt>();
  readonly groups: readonly (readonly string[])[];
  readonly groupOf = new Map<string, number>();

  constructor(inventory: Inventory) {
    this.report = reach(inventory, { outside: false, byGroup: true });
    this.index = policyIndexOf(inventory);
    for (const workload of inventory.workloads) if (!workload.ownedByListedWorkload) this.byId.set(workload.id, workload);
    for (const edge of this.report.allowed) setOf(this.listed, portKey(edge)).add(edge.from);
    this.groups = this.report.grouped?.groups ?? [];
    this.groups.forEach((members, group) => { for (const id of members) this.groupOf.set(id, group); });
    for (const row of this.rows) {
      const key = portKey(row);
      let at = this.allowedGroups.get(key);
      if (!at) this.allowedGroups.set(key, at = { whole: new Set(), byNamespace: new Map() });
      if (row.namespace === undefined) at.whole.add(row.group);
      else setOf(at.byNamespace, row.namespace).add(row.group);
    }
  }

  get rows(): readonly GroupRow[] {
    return this.report.grouped?.rows ?? [];
  }

  allows(edge: EdgeRef): boolean {
    return this.listed.get(portKey(edge))?.has(edge.from) === true || this.allowsByGroup(edge);
  }

  allowsByGroup(edge: EdgeRef): boolean {
    return edge.from !== edge.to && this.groupRowHolds(this.groupsAt(edge), edge.from);
  }

  /** Whether a row of `at` holds the workload `id` as a source (the destination itself aside). */
  groupRowHolds(at: GroupsAt | undefined, id: string): boolean {
    const group = this.groupOf.get(id);
    if (group === undefined || at === undefined) return false;
    return at.whole.has(group) || at.byNamespace.get(namespaceOf(id))?.has(group) === true;
  }

  /** Whether the row's sources (the destination itself aside) hold the workload `id`. */
  rowHolds(row: GroupRow, id: string): boolean {
    return this.groupOf.get(id) === row.group && (row.namespace === undefined || namespaceOf(id) === row.namespace);
  }

  listedAt(to: PortRef): ReadonlySet<string> | undefined {
    return this.listed.get(portKey(to));
  }

  groupsAt(to: PortRef): GroupsAt | undefined {
    return this.allowedGroups.get(portKey(to));
  }

  /** The edge as this side allows it, evaluated on its own for its reason (as `reach` lists it). */
  edge(ref: EdgeRef): ReachEdge {
    const from = this.byId.get(ref.from) as Workload;
    const to = this.byId.get(ref.to) as Workload;
    const verdict = evaluatePair(this.index, { kind: 'workload', workload: from }, to, ref.port, ref.protocol as Protocol);
    if (!verdict.allowed) throw new Error(`internal error: ${ref.from} -> ${ref.to} ${ref.port}/${ref.protocol} is denied (${verdict.reason}), unlike its group`);
    return allowedEdge(ref.from, ref.to, ref.port, ref.protocol as Protocol, verdict);
  }
}

/** The other side's listed edges that this side allows by group, as this side allows them. */
function counterparts(side: SideAccess, otherListed: readonly ReachEdge[]): ReachEdge[] {
  return otherListed.filter((edge) => side.allowsByGroup(edge)).map((edge) => side.edge(edge));
}

/**
 * The pairs `side` allows by group and `other` does not allow: counted per row from how many of
 * the row's sources the other side lists or allows by its own groups (the sources of two sides'
 * groups, crossed, are counted once), and written out on demand.
 */
function beyond(side: SideAccess, other: SideAccess): { count: number; edges: () => ReachEdge[] } {
  const crossed = new CrossCounts(side, other);
  const rows: { row: GroupRow; count: number }[] = [];
  let total = 0;
  for (const row of side.rows) {
    let allowed = 0;
    // Listed on the other side: a source its egress names, or a destination its policies narrow.
    for (const from of other.listedAt(row) ?? []) if (from !== row.to && side.rowHolds(row, from)) allowed++;
    // Allowed by the other side's groups (never listed there too: a listed source there has no group).
    const theirs = other.groupsAt(row);
    if (theirs) allowed += crossed.overlap(row, theirs);
    // The destination is not its own source: the crossed counts hold it when both sides group it.
    if (side.rowHolds(row, row.to) && other.groupRowHolds(theirs, row.to)) allowed--;
    const count = row.count - allowed;
    if (count < 0) throw new Error(`internal error: ${row.count} sources of group ${row.group} counted ${allowed} allowed on the other side at ${row.to}`);
    if (count > 0) {
      rows.push({ row, count });
      total += count;
    }
  }
  const edges = () => rows.flatMap(({ row }) => side.groups[row.group]
    .filter((from) => from !== row.to && side.rowHolds(row, from) && !other.allows({ from, to: row.to, port: row.port, protocol: row.protocol }))
    .map((from) => side.edge({ from, to: row.to, port: row.port, protocol: row.protocol })));
  return { count: total, edges };
}

/**
 * How many workloads are in each pair of groups, one of each side (side group, then other group), in
 * all and per namespace: the overlap of two rows, each a group or a group's sources in one namespace.
 */
class CrossCounts {
  private readonly all = new Map<number, Map<number, number>>();
  private readonly perNamespace = new Map<number, Map<number, Map<string, number>>>();

  constructor(side: SideAccess, other: SideAccess) {
    side.groups.forEach((members, group) => {
      const all = new Map<number, number>();
      const perNamespace = new Map<number, Map<string, number>>();
      for (const id of members) {
        const theirs = other.groupOf.get(id);
        if (theirs === undefined) continue;
        all.set(theirs, (all.get(theirs) ?? 0) + 1);
        let counts = perNamespace.get(theirs);
        if (!counts) perNamespace.set(theirs, counts = new Map());
        counts.set(namespaceOf(id), (counts.get(namespaceOf(id)) ?? 0) + 1);
      }
      this.all.set(group, all);
      this.perNamespace.set(group, perNamespace);
    });
  }

  /** How many of the row's sources (the destination itself included) the other side's rows `theirs` hold. */
  overlap(row: GroupRow, theirs: GroupsAt): number {
    const { group, namespace } = row;
    let sum = 0;
    for (const other of theirs.whole) sum += namespace === undefined ? this.in(group, other) : this.in(group, other, namespace);
    if (namespace !== undefined) {
      for (const other of theirs.byNamespace.get(namespace) ?? []) sum += this.in(group, other, namespace);
    } else {
      for (const [otherNamespace, others] of theirs.byNamespace) for (const other of others) sum += this.in(group, other, otherNamespace);
    }
    return sum;
  }

  private in(group: number, other: number, namespace?: string): number {
    return (namespace === undefined ? this.all.get(group)?.get(other) : this.perNamespace.get(group)?.get(other)?.get(namespace)) ?? 0;
  }
}

/** A workload id's namespace: ids are "namespace/name" or "namespace/Kind/name". */
function namespaceOf(id: string): string {
  return id.slice(0, id.indexOf('/'));
}

/** In `reach`'s order: source, destination, port, protocol. */
function sorted(edges: ReachEdge[]): ReachEdge[] {
  return edges.sort((a, b) => compareStrings(a.from, b.from) || compareStrings(a.to, b.to) || a.port - b.port || compareStrings(a.protocol, b.protocol));
}

function portKey(edge: PortRef): string {
  return `${edge.to}\u0000${edge.port}\u0000${edge.protocol}`;
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) map.set(key, set = new Set());
  return set;
}
