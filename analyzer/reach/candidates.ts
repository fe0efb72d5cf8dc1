import { IdentityHint } from '../mesh/authorization-rules';
import { PolicyIndex } from '../engine/policy-index';
import { LabelIndex } from '../model/label-index';
import { interceptionKey } from '../mesh/interception';
import { LabelSelector } from '../model/labels';
import { Namespace, NetworkPeer, NetworkPolicy, NetworkPolicyRule, Protocol } from '../model/types';
import { ipBlockAdmits, portsAdmit } from '../network/network-policy';
import { WorkloadClass } from './classes';

/** Class ids, or every class. */
export type ClassSet = 'all' | readonly number[];

/**
 * Above this many destinations, an egress rule counts as "anywhere" for candidate purposes: listing a
 * source under every destination would cost more than evaluating it.
 */
const WIDE_EGRESS = 256;

/**
 * Supersets of the sources that may reach a destination, computed from the policies rather than by
 * trying every source: the classes an ingress rule's peers select, the classes whose egress rules name
 * the destination, the classes whose identity an ALLOW rule names. A source outside a superset is
 * certainly denied at that layer; sources inside all of them are evaluated exactly.
 */
export class CandidateIndex {
  private readonly namespaces: LabelIndex<Namespace>;
  private readonly classesByNamespace = new Map<string, LabelIndex<WorkloadClass>>();
  /**
   * The same peer (one service named by many policies) recurs often; the inventory shares equal peers
   * (model/interning.ts), so they are memoized by identity. A peer without namespaceSelector selects in
   * its policy's namespace: those are memoized per namespace.
   */
  private readonly peerMemo = new Map<NetworkPeer, ClassSet>();
  private readonly localPeerMemo = new Map<string, Map<NetworkPeer, ClassSet>>();
  private readonly byPrincipal = new Map<string, number[]>();
  private readonly byNamespace = new Map<string, number[]>();
  private readonly byServiceAccount = new Map<string, number[]>();
  private egressMemo?: EgressTables;
  /** Workloads in all classes. */
  readonly memberCount: number;

  constructor(private readonly index: PolicyIndex, private readonly classes: readonly WorkloadClass[]) {
    this.namespaces = new LabelIndex([...index.inventory.namespaces.values()], (namespace) => namespace.labels);
    const grouped = new Map<string, WorkloadClass[]>();
    for (const workloadClass of classes) {
      const { representative } = workloadClass;
      push(grouped, representative.namespace, workloadClass);
      if (!representative.sidecar.injected) continue;
      push(this.byPrincipal, index.facts(representative).identity, workloadClass.id);
      push(this.byNamespace, representative.namespace, workloadClass.id);
      push(this.byServiceAccount, `${representative.namespace}/${representative.serviceAccount}`, workloadClass.id);
    }
    for (const [namespace, members] of grouped) {
      this.classesByNamespace.set(namespace, new LabelIndex(members, (member) => member.representative.labels));
    }
    this.memberCount = classes.reduce((sum, c) => sum + c.members.length, 0);
  }

  /**
   * Which sources' egress may reach each destination. Built on first use: destinations isolated for
   * ingress never need it (their few ingress candidates are checked exactly), and in a cluster with
   * default-deny namespaces no destination does.
   */
  egress(): EgressTables {
    this.egressMemo ??= this.egressTables();
    return this.egressMemo;
  }

  /** Sources that some ingress rule of the destination admits on this port, or all when not isolated. */
  ingressCandidates(destination: WorkloadClass, port: number, protocol: Protocol): ClassSet {
    const facts = this.index.facts(destination.representative);
    if (facts.ingressPolicies.length === 0) return 'all';
    const ids: number[] = [];
    for (const policy of facts.ingressPolicies) {
      for (const rule of policy.ingress ?? []) {
        if (!portsAdmit(rule.ports, port, protocol, facts.endpoint.ports)) continue;
        const peers = this.ruleClasses(rule, policy.namespace);
        if (peers === 'all') return 'all';
        ids.push(...peers);
      }
    }
    return ids;
  }

  /**
   * Whether the ingress rules admitting this port select whole namespaces only: every peer a namespace
   * selector alone, or with a pod selector that selects everything (no IP block, no pod picked).
   */
  admitsWholeNamespaces(destination: WorkloadClass, port: number, protocol: Protocol): boolean {
    const facts = this.index.facts(destination.representative);
    for (const policy of facts.ingressPolicies) {
      for (const rule of policy.ingress ?? []) {
        if (!portsAdmit(rule.ports, port, protocol, facts.endpoint.ports)) continue;
        for (const peer of rule.peers ?? []) {
          if (peer.kind !== 'pods' || (peer.podSelector && !selectsEverything(peer.podSelector))) return false;
        }
      }
    }
    return true;
  }

  /**
   * Sources whose identity some ALLOW rule of the destination names, when every rule that could match
   * names identities literally; 'all' otherwise (no ALLOW policy, wildcards, IP-based rules...).
   */
  meshCandidates(destination: WorkloadClass, port: number, tcp: boolean): ClassSet {
    const { representative } = destination;
    if (!representative.sidecar.injected) return 'all';
    const facts = this.index.facts(representative);
    if (!representative.sidecar.gateway && facts.interception.inboundBypass(port)) return 'all';
    const { allow } = facts.authorization;
    if (allow.length === 0) return 'all';
    const ids: number[] = [];
    for (const { rules } of allow) {
      for (const rule of rules) {
        if (rule.broken || (tcp && rule.hasHttpOnly)) continue;
        for (const alternative of rule.principals) {
          if (!alternative.hint) return 'all';
          this.lookup(alternative.hint, ids);
        }
      }
    }
    return ids;
  }

  /** Adds the classes a hint names to `ids` (a loop, not flatMap: this runs for every destination port). */
  private lookup(hint: IdentityHint, ids: number[]): void {
    const table = hint.kind === 'principal' ? this.byPrincipal : hint.kind === 'namespace' ? this.byNamespace : this.byServiceAccount;
    for (const value of hint.values) {
      const classes = table.get(value);
      if (classes) for (const id of classes) ids.push(id);
    }
  }

  private egressTables(): EgressTables {
    const admitters: number[][] = this.classes.map(() => []);
    const groupOf = new Int32Array(this.classes.length).fill(-1);
    const groups: SourceGroup[] = [];
    const groupsByKey = new Map<string, SourceGroup>();
    let restrictedMembers = 0;
    for (const source of this.classes) {
      const { egressPolicies } = this.index.facts(source.representative);
      const named = new Set<number>();
      let anywhere = egressPolicies.length === 0;
      for (const policy of egressPolicies) {
        for (const rule of policy.egress ?? []) {
          const peers = this.ruleClasses(rule, policy.namespace);
          if (peers === 'all' || peers.length > WIDE_EGRESS) anywhere = true;
          else for (const id of peers) named.add(id);
        }
      }
      if (!anywhere) {
        restrictedMembers += source.members.length;
        for (const id of named) admitters[id].push(source.id);
        continue;
      }
      const key = sourceGroupKey(source, egressPolicies);
      let group = groupsByKey.get(key);
      if (!group) {
        group = { index: groups.length, representative: source, ids: [], members: 0 };
        groupsByKey.set(key, group);
        groups.push(group);
      }
      group.ids.push(source.id);
      group.members += source.members.length;
      groupOf[source.id] = group.index;
    }
    return { admitters, restrictedMembers, groups, groupOf };
  }

  private ruleClasses(rule: NetworkPolicyRule, policyNamespace: string): ClassSet {
    if (rule.peers === undefined) return 'all';
    const ids: number[] = [];
    for (const peer of rule.peers) {
      const classes = this.peerClasses(peer, policyNamespace);
      if (classes === 'all') return 'all';
      ids.push(...classes);
    }
    return ids;
  }

  private peerClasses(peer: NetworkPeer, policyNamespace: string): ClassSet {
    const memo = peer.kind === 'pods' && !peer.namespaceSelector ? this.localMemo(policyNamespace) : this.peerMemo;
    let classes = memo.get(peer);
    if (!classes) {
      classes = this.computePeerClasses(peer, policyNamespace);
      memo.set(peer, classes);
    }
    return classes;
  }

  private localMemo(namespace: string): Map<NetworkPeer, ClassSet> {
    let memo = this.localPeerMemo.get(namespace);
    if (!memo) {
      memo = new Map();
      this.localPeerMemo.set(namespace, memo);
    }
    return memo;
  }

  private computePeerClasses(peer: NetworkPeer, policyNamespace: string): ClassSet {
    if (peer.kind === 'ipBlock') {
      return this.classes.filter((c) => ipBlockAdmits(peer.cidr, peer.except, c.representative.podIPs)).map((c) => c.id);
    }
    if (!peer.podSelector && peer.namespaceSelector && selectsEverything(peer.namespaceSelector)) return 'all';
    const namespaces = peer.namespaceSelector
      ? this.namespaces.select(peer.namespaceSelector).map((namespace) => namespace.name)
      : [policyNamespace];
    const ids: number[] = [];
    for (const namespace of namespaces) {
      const classes = this.classesByNamespace.get(namespace);
      if (!classes) continue;
      const selected = peer.podSelector ? classes.select(peer.podSelector) : classes.all();
      for (const workloadClass of selected) ids.push(workloadClass.id);
    }
    return ids;
  }
}

export interface EgressTables {
  /** Per destination class: the egress-restricted classes whose rules name it. */
  readonly admitters: readonly (readonly number[])[];
  /** Workloads in the egress-restricted classes. */
  readonly restrictedMembers: number;
  /**
   * The unrestricted classes, whose egress may go anywhere (no egress policy, or a rule too wide to
   * list), grouped so that a source outside a destination's candidates fails like its group.
   */
  readonly groups: readonly SourceGroup[];
  /** Per class: the index of its group, or -1 when its egress is restricted. */
  readonly groupOf: Int32Array;
}

/**
 * Unrestricted classes that no layer tells apart as sources, short of naming them: the same egress
 * policies (so the same egress verdict towards any destination) and the same proxy behaviour
 * (sidecar or not, gateway, capture annotations: whether STRICT mTLS rejects them, and why). Ingress
 * is not in the key: a group stands for sources that a destination's ingress admits alike (all of
 * them when it admits every workload; else those among its ingress candidates, represented by one of
 * them, reach/source-scan.ts).
 */
export interface SourceGroup {
  readonly index: number;
  readonly representative: WorkloadClass;
  readonly ids: number[];
  members: number;
}

function sourceGroupKey(source: WorkloadClass, egressPolicies: readonly NetworkPolicy[]): string {
  const { sidecar, annotations } = source.representative;
  return [egressPolicies.map((policy) => policy.ref).join(','), sidecar.injected, sidecar.gateway, interceptionKey(annotations)].join('\u0000');
}

function selectsEverything(selector: LabelSelector): boolean {
  return selector.matchLabels.length === 0 && selector.requirements.length === 0;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
