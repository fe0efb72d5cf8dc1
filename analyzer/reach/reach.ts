import { policyIndexOf } from '../check';
import { Layer, Verdict } from '../engine/connection';
import { PolicyIndex } from '../engine/policy-index';
import { HttpAccess } from '../mesh/authorization';
import { compareStrings } from '../load/files';
import { ContainerPort, Inventory, Protocol, Workload } from '../model/types';
import { Openness, openness } from '../network/network-policy';
import { CandidateIndex } from './candidates';
import { WorkloadClass, classify } from './classes';
import { evaluatePair } from './evaluate';
import { OutsideAccess, describeOutside, outsideCells } from './outside';
import { OutsidePartition, outsidePartition } from './outside-partition';
import { SourceScan } from './source-scan';

export interface ReachOptions {
  /** List every denied pair with its exact reason (materializes the whole matrix: small inputs only). */
  readonly listDenied?: boolean;
  /**
   * How to cut the addresses and ports outside the cluster; by default at the inventory's own blocks
   * and ports. `false` leaves `outside` empty: for callers that compare it run by run (`outsideChanges`).
   */
  readonly outside?: OutsidePartition | false;
  /**
   * Sources that only their own egress and proxy tell apart (no ingress rule, no AuthorizationPolicy
   * narrows them: every source of a cluster without policies) are reported per group, in `grouped`,
   * instead of edge by edge, which is quadratic there. For callers that compare access (layer-diff).
   */
  readonly byGroup?: boolean;
}

/** A group of sources (`grouped.groups`) allowed to a destination port as a whole. */
export interface GroupRow {
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly group: number;
  /** Set when only the group's workloads in this namespace are allowed (ingress admits whole namespaces). */
  readonly namespace: string | undefined;
  /** Its sources: the group's workloads (in `namespace`, when set) other than the destination. */
  readonly count: number;
}

/** Access reported per group of sources (`ReachOptions.byGroup`). */
export interface GroupedAccess {
  /** The workload ids of each group. */
  readonly groups: readonly (readonly string[])[];
  readonly rows: readonly GroupRow[];
}

export interface ReachEdge {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly reason: string;
  /** For HTTP ports: the requests AuthorizationPolicies limit the edge to (absent: any request). */
  readonly http?: HttpAccess;
}

export interface DeniedPair {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly layer: Layer;
  readonly reason: string;
}

export interface DeniedReason {
  readonly layer: Layer;
  readonly reason: string;
  readonly count: number;
}

/** The denied sources of one destination port, counted by reason. */
export interface DeniedSummary {
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly count: number;
  readonly reasons: readonly DeniedReason[];
}

export interface ReachWorkload {
  readonly id: string;
  readonly kind: string;
  readonly serviceAccount: string;
  /** Whether it runs an Istio proxy (a sidecar, or a gateway's own). */
  readonly sidecar: boolean;
  /** Set when its proxy is a gateway: no PeerAuthentication or capture on its listeners. */
  readonly gateway?: true;
  readonly ports: readonly ContainerPort[];
  /** NetworkPolicy openness: wide-open ingress or egress is what reviewers most need to see. */
  readonly ingress: Openness;
  readonly egress: Openness;
}

export interface ReachReport {
  readonly workloads: readonly ReachWorkload[];
  readonly summary: { readonly workloads: number; readonly pairs: number; readonly allowed: number; readonly denied: number };
  readonly allowed: readonly ReachEdge[];
  readonly denied: readonly DeniedSummary[];
  readonly deniedPairs?: readonly DeniedPair[];
  /** Access from and to addresses outside the cluster (`outsideCells`). */
  readonly outside: readonly OutsideAccess[];
  /** With `byGroup`: the allowed edges not in `allowed`, per group of sources. */
  readonly grouped?: GroupedAccess;
}

/**
 * Every ordered pair of distinct workloads x every container port of the destination (a plain
 * connection; on HTTP ports, any HTTP request, with the AuthorizationPolicy constraints summarized).
 *
 * Scaling: workloads are grouped into classes that policies cannot tell apart, and for each destination
 * port only the sources inside every candidate superset (CandidateIndex) are evaluated exactly. The
 * others are certainly denied and are only counted, under the layer that `check` would name. So the
 * report lists allowed edges and per-destination denied counts; `listDenied` evaluates every pair
 * exactly instead.
 */
export function reach(inventory: Inventory, options: ReachOptions = {}): ReachReport {
  const index = policyIndexOf(inventory);
  const classes = classify(inventory.workloads);
  const allowed: ReachEdge[] = [];
  const denied: DeniedSummary[] = [];
  const deniedPairs: DeniedPair[] = [];
  const candidates = options.listDenied ? undefined : new CandidateIndex(index, classes);
  const scan = candidates && new SourceScan(index, candidates, classes, options.byGroup);
  const rows: GroupRow[] = [];
  for (const destination of classes) {
    for (const { port, protocol } of distinctPorts(destination.representative.ports)) {
      const plan = scan ? scan.plan(destination, port, protocol) : { evaluate: classes, excluded: [], allowedGroups: [] };
      for (const target of destination.members) {
        for (const { group, namespace, count } of plan.allowedGroups) rows.push({ to: target.id, port, protocol, group, namespace, count });
        const tally = new Tally();
        for (const { layer, reason, count } of plan.excluded) {
          if (count > 0) tally.add(layer, reason(target), count);
        }
        for (const source of plan.evaluate) {
          for (const member of source.members) {
            if (member === target) continue;
            const verdict = evaluatePair(index, { kind: 'workload', workload: member }, target, port, protocol);
            if (verdict.allowed) {
              allowed.push(allowedEdge(member.id, target.id, port, protocol, verdict));
            } else {
              tally.add(verdict.layer, verdict.reason, 1);
              if (options.listDenied) {
                deniedPairs.push({ from: member.id, to: target.id, port, protocol, layer: verdict.layer, reason: verdict.reason });
              }
            }
          }
        }
        if (tally.count > 0) denied.push({ to: target.id, port, protocol, count: tally.count, reasons: tally.sorted() });
      }
    }
  }
  const deniedCount = denied.reduce((sum, summary) => sum + summary.count, 0);
  const groupedCount = rows.reduce((sum, row) => sum + row.count, 0);
  const listed = classes.flatMap((workloadClass) => workloadClass.members);
  const workloads = listed.map((workload) => describeWorkload(index, workload)).sort((a, b) => compareStrings(a.id, b.id));
  const order = new PairOrder(workloads);
  return {
    workloads,
    summary: { workloads: listed.length, pairs: allowed.length + groupedCount + deniedCount, allowed: allowed.length + groupedCount, denied: deniedCount },
    allowed: order.sort(allowed),
    denied: order.sort(denied),
    ...(options.listDenied ? { deniedPairs: order.sort(deniedPairs) } : {}),
    outside: options.outside === false ? [] : outsideOf(index, listed, options.outside ?? outsidePartition([inventory])),
    ...(candidates && rows.length > 0 ? { grouped: { groups: groupMembers(candidates, classes), rows } } : {}),
  };
}

/**
 * An allowed edge as `reach` lists it. Literals, not `{ ...pair, reason }`: each spread object would
 * get a hidden class of its own, which makes tens of thousands of edges slow to sort and to serialize.
 */
export function allowedEdge(from: string, to: string, port: number, protocol: Protocol, verdict: Extract<Verdict, { allowed: true }>): ReachEdge {
  return verdict.http
    ? { from, to, port, protocol, reason: verdict.reason, http: verdict.http }
    : { from, to, port, protocol, reason: verdict.reason };
}

function groupMembers(candidates: CandidateIndex, classes: readonly WorkloadClass[]): string[][] {
  return candidates.egress().groups.map((group) => group.ids.flatMap((id) => classes[id].members.map((member) => member.id)));
}

function outsideOf(index: PolicyIndex, workloads: readonly Workload[], partition: OutsidePartition): OutsideAccess[] {
  return describeOutside(outsideCells(index, workloads, partition), partition);
}

class Tally {
  count = 0;
  private readonly byReason = new Map<string, { layer: Layer; count: number }>();

  add(layer: Layer, reason: string, count: number): void {
    this.count += count;
    const entry = this.byReason.get(reason);
    if (entry) entry.count += count;
    else this.byReason.set(reason, { layer, count });
  }

  sorted(): DeniedReason[] {
    return [...this.byReason].map(([reason, { layer, count }]) => ({ layer, reason, count }))
      .sort((a, b) => b.count - a.count || compareStrings(a.reason, b.reason));
  }
}

function distinctPorts(ports: readonly ContainerPort[]): { port: number; protocol: Protocol }[] {
  const seen = new Map<string, { port: number; protocol: Protocol }>();
  for (const { port, protocol } of ports) seen.set(`${port}/${protocol}`, { port, protocol });
  return [...seen.values()].sort((a, b) => a.port - b.port || compareStrings(a.protocol, b.protocol));
}

function describeWorkload(index: PolicyIndex, workload: Workload): ReachWorkload {
  const facts = index.facts(workload);
  return {
    id: workload.id,
    kind: workload.kind,
    serviceAccount: workload.serviceAccount,
    sidecar: workload.sidecar.injected,
    ...(workload.sidecar.gateway ? { gateway: true as const } : {}),
    ports: workload.ports,
    ingress: openness(facts.ingressPolicies, 'ingress'),
    egress: openness(facts.egressPolicies, 'egress'),
  };
}

/**
 * Sorts by source, destination, port, protocol. Workload ids compare as their rank in the sorted
 * workload list: numbers, so that sorting tens of thousands of edges builds no key strings.
 */
class PairOrder {
  private readonly ranks = new Map<string, number>();

  constructor(sorted: readonly { readonly id: string }[]) {
    for (const { id } of sorted) if (!this.ranks.has(id)) this.ranks.set(id, this.ranks.size);
  }

  sort<T extends { readonly from?: string; readonly to: string; readonly port: number; readonly protocol: string }>(items: T[]): T[] {
    const rank = (id: string | undefined) => (id === undefined ? -1 : this.ranks.get(id) as number);
    const keyed = items.map((item) => ({ item, from: rank(item.from), to: rank(item.to) }));
    keyed.sort((a, b) => a.from - b.from || a.to - b.to || a.item.port - b.item.port || compareStrings(a.item.protocol, b.item.protocol));
    return keyed.map(({ item }) => item);
  }
}
