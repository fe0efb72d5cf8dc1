import { Layer } from '../engine/connection';
import { strictRejection } from '../engine/mesh-layer';
import { PolicyIndex, WorkloadFacts } from '../engine/policy-index';
import { noAllowRuleMatches } from '../mesh/authorization';
import { Protocol, Workload } from '../model/types';
import { egressAdmittedBy, ingressAdmittedBy, ingressDeniedReason } from '../network/network-policy';
import { CandidateIndex, ClassSet, SourceGroup } from './candidates';
import { WorkloadClass } from './classes';
import { evaluatePair, meshProtocol } from './evaluate';

/**
 * Above how many ingress candidates an isolated destination's are sorted with the egress tables (~45 ms
 * to build at 5,000 services) and counted by group, instead of one by one. Tests set it to 0, to check
 * that both ways count alike.
 */
export const GROUPING = { candidates: 64 };

/** Sources certainly denied at one layer, counted under one reason. */
export interface Exclusion {
  readonly layer: Layer;
  /** Source-independent, so that one line counts them all. */
  readonly reason: (destination: Workload) => string;
  /** Excluded sources per destination workload (a class's own member is not its source). */
  count: number;
}

/** The sources of one destination port: those to evaluate exactly, and those counted as denied. */
export interface Plan {
  readonly evaluate: readonly WorkloadClass[];
  readonly excluded: readonly Exclusion[];
  /** Source groups allowed as a whole (only when asked for: `SourceScan`'s `byGroup`). */
  readonly allowedGroups: readonly AllowedGroup[];
}

/**
 * A group of sources (EgressTables.groups) that may all connect, or (`namespace` set) its sources in
 * one namespace, and how many per destination workload.
 */
export interface AllowedGroup {
  readonly group: number;
  readonly namespace: string | undefined;
  readonly count: number;
}

/**
 * Sorts the sources of one destination port into "certainly denied at layer X" and "evaluate", visiting
 * only explicit candidate sets (the ingress candidates of an isolated destination, else the sources
 * whose egress names it and, among those whose egress may go anywhere, the mesh candidates) and counting
 * the sources outside them, by group. It visits every class only when no layer narrows the sources:
 * then every one of them is evaluated. Holds the id sets that each plan refills.
 */
export class SourceScan {
  private readonly ingress: Marks;
  private readonly egress: Marks;
  private readonly mesh: Marks;

  /**
   * `byGroup`: the sources of a destination that no ingress rule, no AuthorizationPolicy and nothing
   * but their own egress and proxy tell apart (every source of a cluster without policies) are decided
   * per group, and an allowed group is reported as such rather than evaluated member by member.
   */
  constructor(
    private readonly index: PolicyIndex,
    private readonly candidates: CandidateIndex,
    private readonly classes: readonly WorkloadClass[],
    private readonly byGroup = false,
  ) {
    this.ingress = new Marks(classes.length);
    this.egress = new Marks(classes.length);
    this.mesh = new Marks(classes.length);
  }

  plan(destination: WorkloadClass, port: number, protocol: Protocol): Plan {
    const { index, candidates } = this;
    const ingressSet = this.ingress.load(candidates.ingressCandidates(destination, port, protocol));
    const meshSet = protocol === 'TCP'
      ? this.mesh.load(candidates.meshCandidates(destination, port, meshProtocol(index, destination.representative, port) === 'tcp'))
      : 'all';
    const plan = new PortPlan(index, destination, port, protocol, (id) => meshSet === 'all' || this.mesh.has(id));
    if (ingressSet !== 'all') this.fromIngressCandidates(plan, ingressSet, meshSet);
    else this.fromAnySource(plan, meshSet);
    return plan.result();
  }

  /**
   * Isolated for ingress: only its ingress candidates can pass, and they are exactly the sources its
   * rules admit on this port (peers selected exactly, ports checked rule by rule); the rest is denied
   * at the network. Many candidates (a rule that admits whole namespaces) are sorted with the egress
   * tables, as for an open destination: those whose egress rules name other destinations only are
   * denied there, counted rather than evaluated (evaluated, each would add a reason naming it); those
   * failing the mesh superset are counted by group. With `byGroup`, when the rules admit whole
   * namespaces (as "from the namespaces of team X") and no AuthorizationPolicy applies, a source
   * whose egress may go anywhere passes or fails like every source of its group in its namespace
   * (ingress admits them all; the mesh tells sources apart by their proxy only): `NamespaceCells`.
   */
  private fromIngressCandidates(plan: PortPlan, ingressSet: readonly number[], meshSet: ClassSet): void {
    const { classes } = this;
    const egress = ingressSet.length > GROUPING.candidates ? this.candidates.egress() : undefined;
    if (egress) this.egress.load(egress.admitters[plan.destination.id]);
    const cells = egress && meshSet === 'all' && this.byGroup && noAuthorizationApplies(plan.destinationFacts)
      && this.candidates.admitsWholeNamespaces(plan.destination, plan.port, plan.protocol) ? new NamespaceCells() : undefined;
    const outsideMesh: number[] = [];
    let admitted = 0;
    for (const id of ingressSet) {
      admitted += plan.weight(classes[id]);
      if (egress && egress.groupOf[id] < 0 && !this.egress.has(id)) plan.exclusions.egress.count += plan.weight(classes[id]);
      else if (cells && egress && egress.groupOf[id] >= 0) cells.add(egress.groupOf[id], classes[id], plan.weight(classes[id]));
      else if (plan.inMeshSuperset(id)) plan.evaluate.push(classes[id]);
      else outsideMesh.push(id);
    }
    plan.exclusions.ingress.count += this.candidates.memberCount - 1 - admitted;
    if (cells) {
      cells.decide(plan); // the mesh superset is every source: nothing is outside it
      return;
    }
    if (!egress) {
      for (const id of outsideMesh) plan.exclude(classes[id].representative, plan.weight(classes[id]));
      return;
    }
    const byGroup = new Map<number, { readonly first: WorkloadClass; count: number }>();
    for (const id of outsideMesh) {
      const source = classes[id];
      const group = egress.groupOf[id];
      if (group < 0) {
        plan.exclude(source.representative, plan.weight(source)); // its egress rules name the destination
        continue;
      }
      const entry = byGroup.get(group);
      if (entry) entry.count += plan.weight(source);
      else byGroup.set(group, { first: source, count: plan.weight(source) });
    }
    // The first candidate of a group, admitted by ingress like the others, fails like them.
    for (const { first, count } of byGroup.values()) if (count > 0) plan.exclude(first.representative, count);
  }

  /**
   * Ingress admits every workload: the destination is not isolated, or a rule admits every peer on this
   * port (no peers, or a namespaceSelector {} alone). Sources whose egress rules name the destination
   * are routed one by one; the other egress-restricted ones are denied by their egress. Of the sources
   * whose egress may go anywhere, those in the mesh superset are evaluated, and the rest of each group
   * fails like any one of them, so that no destination visits every source (in a mesh without
   * NetworkPolicies, all of them are here).
   */
  private fromAnySource(plan: PortPlan, meshSet: ClassSet): void {
    const { classes } = this;
    const { destination } = plan;
    const egress = this.candidates.egress();
    let admitted = 0;
    for (const id of this.egress.load(egress.admitters[destination.id]) as readonly number[]) {
      plan.route(classes[id]);
      admitted += plan.weight(classes[id]);
    }
    plan.exclusions.egress.count += egress.restrictedMembers - (egress.groupOf[destination.id] < 0 ? 1 : 0) - admitted;
    if (meshSet === 'all' && this.byGroup && noAuthorizationApplies(plan.destinationFacts)) {
      for (const group of egress.groups) plan.decideGroup(group, classes, egress.groupOf[destination.id] === group.index);
      return;
    }
    if (meshSet === 'all') {
      for (const group of egress.groups) for (const id of group.ids) plan.evaluate.push(classes[id]);
      return;
    }
    const outside = egress.groups.map((group) => group.members - (egress.groupOf[destination.id] === group.index ? 1 : 0));
    for (const id of meshSet) {
      const group = egress.groupOf[id];
      if (group < 0) continue;
      plan.evaluate.push(classes[id]);
      outside[group] -= plan.weight(classes[id]);
    }
    for (const group of egress.groups) {
      if (outside[group.index] > 0) plan.exclude(group.representative.representative, outside[group.index]);
    }
  }
}

/**
 * Admitted sources whose egress may go anywhere, by group and namespace: each such cell is decided
 * once, and an allowed one is reported as a whole, so that a destination does not list every workload
 * of the namespaces it admits.
 */
class NamespaceCells {
  private readonly cells = new Map<number, Map<string, { readonly first: WorkloadClass; count: number }>>();

  add(group: number, source: WorkloadClass, weight: number): void {
    if (weight === 0) return; // the destination alone
    let inGroup = this.cells.get(group);
    if (!inGroup) this.cells.set(group, inGroup = new Map());
    const { namespace } = source.representative;
    const cell = inGroup.get(namespace);
    if (cell) cell.count += weight;
    else inGroup.set(namespace, { first: source, count: weight });
  }

  decide(plan: PortPlan): void {
    for (const [group, inGroup] of this.cells) {
      for (const [namespace, { first, count }] of inGroup) plan.decide(plan.memberOtherThanDestination([first]), { group, namespace, count });
    }
  }
}

/** One destination port's plan as it is filled: the sources to evaluate and the exclusion counts. */
class PortPlan {
  readonly evaluate: WorkloadClass[] = [];
  readonly allowedGroups: AllowedGroup[] = [];
  readonly exclusions: { readonly egress: Exclusion; readonly ingress: Exclusion; readonly mesh: Exclusion };
  /** STRICT rejections, one line per way of failing (no sidecar, outbound not captured...). */
  private readonly strictExclusions = new Map<string, Exclusion>();
  readonly destinationFacts: WorkloadFacts;

  constructor(
    private readonly index: PolicyIndex,
    readonly destination: WorkloadClass,
    readonly port: number,
    readonly protocol: Protocol,
    readonly inMeshSuperset: (id: number) => boolean,
  ) {
    const facts = index.facts(destination.representative);
    this.destinationFacts = facts;
    this.exclusions = {
      egress: exclusion('network', (target) =>
        `egress of the source is limited by its NetworkPolicies and no rule allows ${target.id} on ${port}/${protocol}`),
      ingress: exclusion('network', (target) => ingressDeniedReason(facts.ingressPolicies, target.id, port, protocol)),
      mesh: exclusion('mesh', (target) => noAllowRuleMatches(facts.authorization, target.id)),
    };
  }

  /** Its workloads that are sources of the destination (a class's own member is not its source). */
  weight(source: WorkloadClass): number {
    return source.members.length - (source === this.destination ? 1 : 0);
  }

  /** A source that passed the network supersets: the mesh superset, then exact evaluation. */
  route(source: WorkloadClass): void {
    if (this.inMeshSuperset(source.id)) this.evaluate.push(source);
    else this.exclude(source.representative, this.weight(source));
  }

  /**
   * Counts `count` sources that fail like `source` outside the mesh superset. The candidate sets are
   * supersets: the network and mTLS are checked exactly, so that the reason counted is the one
   * `check` would give first.
   */
  exclude(source: Workload, count: number): void {
    const { index, destinationFacts: facts, port, protocol } = this;
    const from = index.facts(source);
    if (!egressAdmits(from, facts, port, protocol)) this.exclusions.egress.count += count;
    else if (!ingressAdmits(from, facts, port, protocol)) this.exclusions.ingress.count += count;
    else {
      const strict = strictRejection(index, source, this.destination.representative, port);
      if (strict) this.strictFor(strict, source).count += count;
      else this.exclusions.mesh.count += count;
    }
  }

  /**
   * A group of sources that ingress and the mesh cannot tell apart here: one of them (not the
   * destination itself) decides for all, allowed as a group or counted as denied.
   */
  decideGroup(group: SourceGroup, classes: readonly WorkloadClass[], holdsDestination: boolean): void {
    const count = group.members - (holdsDestination ? 1 : 0);
    if (count === 0) return;
    const firstClasses = group.ids.slice(0, 2).map((id) => classes[id]);
    this.decide(this.memberOtherThanDestination(firstClasses), { group: group.index, namespace: undefined, count });
  }

  /** `source` decides for the sources `allowed` stands for: allowed as a whole, or counted as denied. */
  decide(source: Workload, sources: AllowedGroup): void {
    const verdict = evaluatePair(this.index, { kind: 'workload', workload: source }, this.destination.representative, this.port, this.protocol);
    if (verdict.allowed) this.allowedGroups.push(sources);
    else this.exclude(source, sources.count);
  }

  /**
   * A source that is not the destination: in the first class, or the second when the first is the
   * destination alone. Given the first two classes of a group, never a scan of it (all workloads of a
   * cluster without policies, for every destination).
   */
  memberOtherThanDestination(firstClasses: readonly WorkloadClass[]): Workload {
    const target = this.destination.representative;
    for (const { members } of firstClasses) {
      const member = members[0] === target ? members[1] : members[0];
      if (member) return member;
    }
    throw new Error(`internal error: no source besides ${target.id} among ${firstClasses.length} classes`);
  }

  result(): Plan {
    const { egress, ingress, mesh } = this.exclusions;
    return { evaluate: this.evaluate, excluded: [egress, ingress, ...this.strictExclusions.values(), mesh], allowedGroups: this.allowedGroups };
  }

  private strictFor(reason: string, source: Workload): Exclusion {
    let found = this.strictExclusions.get(reason);
    if (!found) {
      const { index, port } = this;
      found = exclusion('mesh', (target) => strictRejection(index, source, target, port) ?? '');
      this.strictExclusions.set(reason, found);
    }
    return found;
  }
}

/** No AuthorizationPolicy of any action applies: the mesh decides by the source's proxy alone. */
function noAuthorizationApplies(facts: WorkloadFacts): boolean {
  const { allow, deny, httpDeny } = facts.authorization;
  return allow.length === 0 && deny.length === 0 && httpDeny.length === 0;
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
