// A layer compared alone (layer-diff.ts) often has no policies at all on one side: the pull request
// that adds NetworkPolicies to an Istio-only mesh, or Istio to a NetworkPolicy-only one. That side then
// allows nearly every pair of workloads; listing them is quadratic (25 million edges at 5,000 services,
// and `diff` ran out of memory). Without policies a verdict depends on the source only through its
// proxy, so the policy-free side is worked out per source group, in time linear in the workloads.

import { policyIndexOf } from '../check';
import { PolicyIndex } from '../engine/policy-index';
import { compareStrings } from '../load/files';
import { interceptionKey } from '../mesh/interception';
import { Inventory, Protocol, Workload } from '../model/types';
import { evaluatePair } from '../reach/evaluate';
import { ReachEdge } from '../reach/reach';

/** An inventory in which no policy of either layer can deny anything. */
export function isPolicyFree(inventory: Inventory): boolean {
  return inventory.networkPolicies.length === 0 && inventory.authorizationPolicies.length === 0 && inventory.peerAuthentications.length === 0;
}

/**
 * Sources that a policy-free mesh treats alike: with no policy naming anyone, a connection's verdict
 * depends on its source only through whether the source runs a sidecar, whether that proxy is a
 * gateway, and which ports and addresses its capture annotations leave out (plaintextCause in
 * engine/mesh-layer.ts); everything else comes from the destination.
 */
interface SourceGroup {
  readonly members: Workload[];
}

function groupKey(workload: Workload): string {
  return [workload.sidecar.injected, workload.sidecar.gateway, interceptionKey(workload.annotations)].join('\u0000');
}

/** The policy-free side's edges that a comparison needs, and how many others it allows. */
export interface PolicyFreeEdges {
  /**
   * Its edges that the other side allows too (their HTTP restrictions may differ), and, when there are
   * at most `listLimit` of them, those the other side does not allow.
   */
  readonly edges: readonly ReachEdge[];
  /** How many edges it allows beyond the other side's when they are not listed (0 when listed). */
  readonly unlisted: number;
  /** Whether an edge of the other side's is among the unlisted ones. */
  readonly isUnlisted: (edge: EdgeRef) => boolean;
}

type EdgeRef = Pick<ReachEdge, 'from' | 'to' | 'port' | 'protocol'>;

/** One destination port: whether each source group may connect to it. */
interface PortVerdicts {
  readonly port: number;
  readonly protocol: Protocol;
  readonly allowed: readonly boolean[];
}

/** Which workloads may connect to which destination ports of a policy-free inventory, by source group. */
export class PolicyFreeAccess {
  private readonly index: PolicyIndex;
  private readonly workloads: readonly Workload[];
  private readonly byId = new Map<string, Workload>();
  private readonly groups: SourceGroup[] = [];
  private readonly groupOf = new Map<Workload, number>();
  /** Per destination, by "port/protocol" of its own: whether each group may connect there. */
  private readonly verdicts = new Map<Workload, Map<string, PortVerdicts>>();

  constructor(inventory: Inventory) {
    if (!isPolicyFree(inventory)) throw new Error('PolicyFreeAccess needs an inventory without policies');
    this.index = policyIndexOf(inventory);
    // As `reach` lists them: workloads that stand for themselves, not those a listed workload owns.
    this.workloads = inventory.workloads.filter((workload) => !workload.ownedByListedWorkload);
    const groupIndex = new Map<string, number>();
    for (const workload of this.workloads) {
      this.byId.set(workload.id, workload);
      const key = groupKey(workload);
      let group = groupIndex.get(key);
      if (group === undefined) {
        group = this.groups.length;
        groupIndex.set(key, group);
        this.groups.push({ members: [] });
      }
      this.groups[group].members.push(workload);
      this.groupOf.set(workload, group);
    }
  }

  /**
   * The edges a comparison with `other` (the other side's allowed edges) needs: see PolicyFreeEdges.
   * Listed edges are evaluated one by one, so that each carries its own reason, as `reach` gives it.
   */
  edgesAgainst(other: readonly ReachEdge[], listLimit: number): PolicyFreeEdges {
    const othersSources = new Map<string, Set<string>>();
    const edges: ReachEdge[] = [];
    for (const edge of other) {
      const port = portKey(edge.to, edge.port, edge.protocol);
      let sources = othersSources.get(port);
      if (!sources) othersSources.set(port, sources = new Set());
      sources.add(edge.from);
      if (this.allows(edge)) edges.push(this.edge(this.byId.get(edge.from) as Workload, this.byId.get(edge.to) as Workload, edge.port, edge.protocol));
    }
    const sharedSources = (to: string, port: number, protocol: Protocol) => othersSources.get(portKey(to, port, protocol));
    const isUnlisted = (edge: EdgeRef) => this.allows(edge) && !sharedSources(edge.to, edge.port, edge.protocol as Protocol)?.has(edge.from);
    let beyond = 0;
    const destinationsBeyond: { to: Workload; verdicts: PortVerdicts; count: number }[] = [];
    for (const to of this.workloads) {
      for (const verdicts of this.verdictsFor(to).values()) {
        const { port, protocol } = verdicts;
        const shared = [...sharedSources(to.id, port, protocol) ?? []].filter((from) => this.allows({ from, to: to.id, port, protocol })).length;
        const count = this.allowedSources(to, verdicts) - shared;
        if (count === 0) continue;
        beyond += count;
        destinationsBeyond.push({ to, verdicts, count });
      }
    }
    if (beyond > listLimit) return { edges, unlisted: beyond, isUnlisted };
    for (const { to, verdicts: { port, protocol, allowed }, count } of destinationsBeyond) {
      const known = sharedSources(to.id, port, protocol);
      let found = 0;
      for (const from of this.sources(to, allowed)) {
        if (known?.has(from.id)) continue;
        edges.push(this.edge(from, to, port, protocol));
        if (++found === count) break;
      }
    }
    // reach's order: by source, destination, port and protocol.
    edges.sort((a, b) => compareStrings(a.from, b.from) || compareStrings(a.to, b.to) || a.port - b.port || compareStrings(a.protocol, b.protocol));
    return { edges, unlisted: 0, isUnlisted };
  }

  /** Whether the edge's source may connect to its destination port here. */
  allows(edge: EdgeRef): boolean {
    const from = this.byId.get(edge.from);
    const to = this.byId.get(edge.to);
    if (!from || !to || from === to) return false;
    return this.verdictsFor(to).get(`${edge.port}/${edge.protocol}`)?.allowed[this.groupOf.get(from) as number] ?? false;
  }

  /** How many workloads may connect to the destination port. */
  private allowedSources(to: Workload, { allowed }: PortVerdicts): number {
    let count = 0;
    this.groups.forEach((group, index) => {
      if (allowed[index]) count += group.members.length - (this.groupOf.get(to) === index ? 1 : 0);
    });
    return count;
  }

  /** The workloads of the groups allowed, other than the destination itself. */
  private *sources(to: Workload, allowed: readonly boolean[]): Generator<Workload> {
    for (let index = 0; index < this.groups.length; index++) {
      if (!allowed[index]) continue;
      for (const member of this.groups[index].members) if (member !== to) yield member;
    }
  }

  /**
   * The destination's distinct container ports, as `reach` evaluates them, each with one verdict per
   * group: that of the group's first member other than the destination itself.
   */
  private verdictsFor(to: Workload): Map<string, PortVerdicts> {
    let byPort = this.verdicts.get(to);
    if (byPort) return byPort;
    byPort = new Map();
    for (const { port, protocol } of to.ports) {
      const key = `${port}/${protocol}`;
      if (byPort.has(key)) continue;
      byPort.set(key, {
        port,
        protocol,
        allowed: this.groups.map((group) => {
          const source = group.members.find((member) => member !== to);
          return source !== undefined && this.verdict(source, to, port, protocol).allowed;
        }),
      });
    }
    this.verdicts.set(to, byPort);
    return byPort;
  }

  private verdict(from: Workload, to: Workload, port: number, protocol: Protocol) {
    return evaluatePair(this.index, { kind: 'workload', workload: from }, to, port, protocol);
  }

  /** An allowed edge, evaluated on its own; a verdict that differs from its group's is a bug here. */
  private edge(from: Workload, to: Workload, port: number, protocol: Protocol): ReachEdge {
    const verdict = this.verdict(from, to, port, protocol);
    if (!verdict.allowed) throw new Error(`internal error: ${from.id} -> ${to.id} ${port}/${protocol} is denied (${verdict.reason}), unlike its source group`);
    return verdict.http
      ? { from: from.id, to: to.id, port, protocol, reason: verdict.reason, http: verdict.http }
      : { from: from.id, to: to.id, port, protocol, reason: verdict.reason };
  }
}

function portKey(to: string, port: number, protocol: string): string {
  return `${to}\u0000${port}\u0000${protocol}`;
}

