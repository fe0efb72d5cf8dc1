import { policyIndexOf } from '../check';
import { Layer } from '../engine/connection';
import { strictRejection } from '../engine/mesh-layer';
import { PolicyIndex, WorkloadFacts } from '../engine/policy-index';
import { HttpAccess, noAllowRuleMatches } from '../mesh/authorization';
import { compareStrings } from '../load/files';
import { ContainerPort, Inventory, Protocol, Workload } from '../model/types';
import { Openness, egressAdmittedBy, ingressAdmittedBy, ingressDeniedReason, openness } from '../network/network-policy';
import { ClassSet, CandidateIndex } from './candidates';
import { WorkloadClass, classify } from './classes';
import { evaluatePair, meshProtocol } from './evaluate';
import { OutsideAccess, describeOutside, outsideCells } from './outside';
import { OutsidePartition, outsidePartition } from './outside-partition';

export interface ReachOptions {
  /** List every denied pair with its exact reason (materializes the whole matrix: small inputs only). */
  readonly listDenied?: boolean;
  /**
   * How to cut the addresses and ports outside the cluster; by default at the inventory's own blocks
   * and ports. `false` leaves `outside` empty: for callers that compare it run by run (`outsideChanges`).
   */
  readonly outside?: OutsidePartition | false;
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
  const scan = new SourceScan(classes.length);
  for (const destination of classes) {
    for (const { port, protocol } of distinctPorts(destination.representative.ports)) {
      const plan = candidates
        ? scan.plan(index, candidates, classes, destination, port, protocol)
        : { evaluate: classes, excluded: [] };
      for (const target of destination.members) {
        const tally = new Tally();
        for (const { layer, reason, count } of plan.excluded) {
          if (count > 0) tally.add(layer, reason(target), count);
        }
        for (const source of plan.evaluate) {
          for (const member of source.members) {
            if (member === target) continue;
            const verdict = evaluatePair(index, { kind: 'workload', workload: member }, target, port, protocol);
            // Literals, not `{ ...pair, reason }`: each spread object would get a hidden class of its own,
            // which makes tens of thousands of edges slow to sort and to serialize.
            if (verdict.allowed) {
              allowed.push(verdict.http
                ? { from: member.id, to: target.id, port, protocol, reason: verdict.reason, http: verdict.http }
                : { from: member.id, to: target.id, port, protocol, reason: verdict.reason });
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
  const listed = classes.flatMap((workloadClass) => workloadClass.members);
  const workloads = listed.map((workload) => describeWorkload(index, workload)).sort((a, b) => compareStrings(a.id, b.id));
  const order = new PairOrder(workloads);
  return {
    workloads,
    summary: { workloads: listed.length, pairs: allowed.length + deniedCount, allowed: allowed.length, denied: deniedCount },
    allowed: order.sort(allowed),
    denied: order.sort(denied),
    ...(options.listDenied ? { deniedPairs: order.sort(deniedPairs) } : {}),
    outside: options.outside === false ? [] : outsideOf(index, listed, options.outside ?? outsidePartition([inventory])),
  };
}

function outsideOf(index: PolicyIndex, workloads: readonly Workload[], partition: OutsidePartition): OutsideAccess[] {
  return describeOutside(outsideCells(index, workloads, partition), partition);
}

/**
 * Above how many ingress candidates an isolated destination's are sorted with the egress tables (~45 ms
 * to build at 5,000 services) and counted by group, instead of one by one. Tests set it to 0, to check
 * that both ways count alike.
 */
export const GROUPING = { candidates: 64 };

interface Exclusion {
  readonly layer: Layer;
  /** Source-independent, so that one line counts them all. */
  readonly reason: (destination: Workload) => string;
  /** Excluded sources per destination workload (a class's own member is not its source). */
  count: number;
}

interface Plan {
  readonly evaluate: readonly WorkloadClass[];
  readonly excluded: readonly Exclusion[];
}

/**
 * Sorts the sources of one destination port into "certainly denied at layer X" and "evaluate", visiting
 * only explicit candidate sets (the ingress candidates of an isolated destination, else the sources
 * whose egress names it and, among those whose egress may go anywhere, the mesh candidates) and counting
 * the sources outside them, by group. It visits every class only when no layer narrows the sources:
 * then every one of them is evaluated.
 */
class SourceScan {
  private readonly ingress: Marks;
  private readonly egress: Marks;
  private readonly mesh: Marks;

  constructor(size: number) {
    this.ingress = new Marks(size);
    this.egress = new Marks(size);
    this.mesh = new Marks(size);
  }

  plan(
    index: PolicyIndex,
    candidates: CandidateIndex,
    classes: readonly WorkloadClass[],
    destination: WorkloadClass,
    port: number,
    protocol: Protocol,
  ): Plan {
    const facts = index.facts(destination.representative);
    const ingressSet = this.ingress.load(candidates.ingressCandidates(destination, port, protocol));
    const meshSet = protocol === 'TCP' ? this.mesh.load(candidates.meshCandidates(destination, port, meshProtocol(index, destination.representative, port) === 'tcp')) : 'all';
    const exclusions = {
      egress: exclusion('network', (target) =>
        `egress of the source is limited by its NetworkPolicies and no rule allows ${target.id} on ${port}/${protocol}`),
      ingress: exclusion('network', (target) => ingressDeniedReason(facts.ingressPolicies, target.id, port, protocol)),
      mesh: exclusion('mesh', (target) => noAllowRuleMatches(facts.authorization, target.id)),
    };
    // STRICT rejections, one line per way of failing (no sidecar, outbound not captured...).
    const strictExclusions = new Map<string, Exclusion>();
    const strictFor = (reason: string, source: Workload) => {
      let found = strictExclusions.get(reason);
      if (!found) {
        found = exclusion('mesh', (target) => strictRejection(index, source, target, port) ?? '');
        strictExclusions.set(reason, found);
      }
      return found;
    };
    const weight = (source: WorkloadClass) => source.members.length - (source === destination ? 1 : 0);
    const evaluate: WorkloadClass[] = [];
    /** A source that passed the network supersets: the mesh superset, then exact evaluation. */
    const route = (source: WorkloadClass) => {
      if (meshSet === 'all' || this.mesh.has(source.id)) evaluate.push(source);
      else exclude(source.representative, weight(source));
    };
    /**
     * Counts `count` sources that fail like `source` outside the mesh superset. The candidate sets are
     * supersets: the network and mTLS are checked exactly, so that the reason counted is the one
     * `check` would give first.
     */
    const exclude = (source: Workload, count: number) => {
      const from = index.facts(source);
      if (!egressAdmits(from, facts, port, protocol)) exclusions.egress.count += count;
      else if (!ingressAdmits(from, facts, port, protocol)) exclusions.ingress.count += count;
      else {
        const strict = strictRejection(index, source, destination.representative, port);
        if (strict) strictFor(strict, source).count += count;
        else exclusions.mesh.count += count;
      }
    };
    /** Routes the given sources; returns how many workloads they hold. */
    const routeAll = (ids: readonly number[]) => ids.reduce((admitted, id) => {
      route(classes[id]);
      return admitted + weight(classes[id]);
    }, 0);
    const total = candidates.memberCount - 1;
    if (ingressSet !== 'all') {
      // Isolated for ingress: only its ingress candidates can pass, and they are exactly the sources its
      // rules admit on this port (peers selected exactly, ports checked rule by rule); the rest is
      // denied at the network. Many candidates (a rule that admits whole namespaces) are sorted with
      // the egress tables, as for an open destination: those whose egress rules name other
      // destinations only are denied there, counted rather than evaluated (evaluated, each would add a
      // reason naming it); those failing the mesh superset are counted by group.
      const egress = ingressSet.length > GROUPING.candidates ? candidates.egress() : undefined;
      if (egress) this.egress.load(egress.admitters[destination.id]);
      const outsideMesh: number[] = [];
      let admitted = 0;
      for (const id of ingressSet) {
        admitted += weight(classes[id]);
        if (egress && egress.groupOf[id] < 0 && !this.egress.has(id)) exclusions.egress.count += weight(classes[id]);
        else if (meshSet === 'all' || this.mesh.has(id)) evaluate.push(classes[id]);
        else outsideMesh.push(id);
      }
      exclusions.ingress.count += total - admitted;
      if (!egress) {
        for (const id of outsideMesh) exclude(classes[id].representative, weight(classes[id]));
      } else {
        const byGroup = new Map<number, { readonly first: WorkloadClass; count: number }>();
        for (const id of outsideMesh) {
          const source = classes[id];
          const group = egress.groupOf[id];
          const entry = group < 0 ? undefined : byGroup.get(group);
          if (entry) entry.count += weight(source);
          else if (group >= 0) byGroup.set(group, { first: source, count: weight(source) });
          else exclude(source.representative, weight(source)); // its egress rules name the destination
        }
        // The first candidate of a group, admitted by ingress like the others, fails like them.
        for (const { first, count } of byGroup.values()) if (count > 0) exclude(first.representative, count);
      }
    } else {
      // Ingress admits every workload: the destination is not isolated, or a rule admits every peer on
      // this port (no peers, or a namespaceSelector {} alone). Sources whose egress rules name the
      // destination are routed one by one; the other egress-restricted ones are denied by their egress.
      const egress = candidates.egress();
      const admitted = routeAll(this.egress.load(egress.admitters[destination.id]) as readonly number[]);
      exclusions.egress.count += egress.restrictedMembers - (egress.groupOf[destination.id] < 0 ? 1 : 0) - admitted;
      // Sources whose egress may go anywhere: those in the mesh superset are evaluated, and the rest of
      // each group fails like any one of them, so that no destination visits every source (in a mesh
      // without NetworkPolicies, all of them are here).
      if (meshSet === 'all') {
        for (const group of egress.groups) for (const id of group.ids) evaluate.push(classes[id]);
      } else {
        const outside = egress.groups.map((group) => group.members - (egress.groupOf[destination.id] === group.index ? 1 : 0));
        for (const id of meshSet) {
          const group = egress.groupOf[id];
          if (group < 0) continue;
          evaluate.push(classes[id]);
          outside[group] -= weight(classes[id]);
        }
        for (const group of egress.groups) {
          if (outside[group.index] > 0) exclude(group.representative.representative, outside[group.index]);
        }
      }
    }
    return { evaluate, excluded: [exclusions.egress, exclusions.ingress, ...strictExclusions.values(), exclusions.mesh] };
  }
}

function exclusion(layer: Layer, reason: (destination: Workload) => string): Exclusion {
  return { layer, reason, count: 0 };
}

function egressAdmits(from: WorkloadFacts, to: WorkloadFacts, port: number, protocol: Protocol): boolean {
  return from.egressPolicies.length === 0 || egressAdmittedBy(from.egressPolicies, to.endpoint, port, protocol) !== undefined;
}

function ingressAdmits(from: WorkloadFacts, to: WorkloadFacts, port: number, protocol: Protocol): boolean {
  return to.ingressPolicies.length === 0
    || ingressAdmittedBy(to.ingressPolicies, from.endpoint, to.endpoint, port, protocol) !== undefined;
}

/** A set of class ids that can be refilled in O(size of the new set). */
class Marks {
  private readonly stamps: Uint32Array;
  private epoch = 0;

  constructor(size: number) {
    this.stamps = new Uint32Array(size);
  }

  /** Replaces the set; returns its ids without duplicates. */
  load(set: ClassSet): ClassSet {
    this.epoch++;
    if (set === 'all') return set;
    const unique: number[] = [];
    for (const id of set) {
      if (this.stamps[id] === this.epoch) continue;
      this.stamps[id] = this.epoch;
      unique.push(id);
    }
    return unique;
  }

  has(id: number): boolean {
    return this.stamps[id] === this.epoch;
  }
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
