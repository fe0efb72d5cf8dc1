import { Cidr, cidrContains, unknownAddressInside } from '../model/cidr';
import { Labels, selectorMatches } from '../model/labels';
import { ContainerPort, Namespace, NetworkPeer, NetworkPolicy, NetworkPolicyPort, NetworkPolicyRule, Protocol } from '../model/types';

/** One side of a connection as NetworkPolicy sees it. */
export interface NetworkEndpoint {
  /** "ns/name", or "ip:A.B.C.D" outside the cluster. */
  readonly id: string;
  /** Undefined outside the cluster: pod and namespace selectors never match it. */
  readonly namespace?: Namespace;
  readonly labels: Labels;
  /** Undefined when unknown (controllers: their pods' IPs are not in manifests). */
  readonly ips?: readonly string[];
}

/**
 * The destination of a connection: a pod, with the container ports that named ports resolve against,
 * or an address outside the cluster (no namespace, no ports: only ipBlock peers and numbered ports match).
 */
export interface NetworkDestination extends NetworkEndpoint {
  readonly ports: readonly ContainerPort[];
}

export interface NetworkDecision {
  readonly allowed: boolean;
  readonly reason: string;
}

/**
 * Egress of the source (Kubernetes docs, "Network Policies": a pod is isolated for egress when a policy
 * of type Egress selects it; then only what some egress rule of those policies allows may leave it).
 * `policies` are the source's egress policies.
 */
export function decideEgress(
  policies: readonly NetworkPolicy[],
  source: NetworkEndpoint,
  destination: NetworkDestination,
  port: number,
  protocol: Protocol,
): NetworkDecision {
  if (!source.namespace) return { allowed: true, reason: `${source.id} is outside the cluster: no egress policy applies` };
  if (policies.length === 0) return { allowed: true, reason: `no NetworkPolicy selects ${source.id} for egress` };
  const admitting = egressAdmittedBy(policies, destination, port, protocol);
  if (admitting) return { allowed: true, reason: `egress allowed by ${admitting.ref}` };
  return {
    allowed: false,
    reason: `egress of ${source.id} is limited by ${refs(policies)} and no rule allows ${destination.id} on ${port}/${protocol}`,
  };
}

/** Ingress of the destination, symmetric to egress; `policies` are the destination's ingress policies. */
export function decideIngress(
  policies: readonly NetworkPolicy[],
  source: NetworkEndpoint,
  destination: NetworkDestination,
  port: number,
  protocol: Protocol,
): NetworkDecision {
  if (policies.length === 0) return { allowed: true, reason: `no NetworkPolicy selects ${destination.id} for ingress` };
  const admitting = ingressAdmittedBy(policies, source, destination, port, protocol);
  if (admitting) return { allowed: true, reason: `ingress allowed by ${admitting.ref}` };
  return { allowed: false, reason: ingressDeniedReason(policies, destination.id, port, protocol) };
}

/** The first of the source's egress policies with a rule allowing the destination, if any. */
export function egressAdmittedBy(
  policies: readonly NetworkPolicy[],
  destination: NetworkDestination,
  port: number,
  protocol: Protocol,
): NetworkPolicy | undefined {
  return admittedBy(policies, 'egress', destination, port, protocol, destination.ports);
}

/** The first of the destination's ingress policies with a rule admitting the source, if any. */
export function ingressAdmittedBy(
  policies: readonly NetworkPolicy[],
  source: NetworkEndpoint,
  destination: NetworkDestination,
  port: number,
  protocol: Protocol,
): NetworkPolicy | undefined {
  return admittedBy(policies, 'ingress', source, port, protocol, destination.ports);
}

/** The first policy with a rule of the direction admitting the peer (loops, not closures: this is hot). */
function admittedBy(
  policies: readonly NetworkPolicy[],
  direction: 'ingress' | 'egress',
  peer: NetworkEndpoint,
  port: number,
  protocol: Protocol,
  destinationPorts: readonly ContainerPort[],
): NetworkPolicy | undefined {
  for (let p = 0; p < policies.length; p++) {
    const rules = direction === 'egress' ? policies[p].egress : policies[p].ingress;
    if (!rules) continue;
    for (let r = 0; r < rules.length; r++) {
      if (ruleAdmits(rules[r], policies[p].namespace, peer, port, protocol, destinationPorts)) return policies[p];
    }
  }
  return undefined;
}

/** Independent of the source, so that `reach` can count denied sources under the same reason. */
export function ingressDeniedReason(policies: readonly NetworkPolicy[], destination: string, port: number, protocol: Protocol): string {
  return `ingress of ${destination} is limited by ${refs(policies)} and no rule admits the source on ${port}/${protocol}`;
}

/** Whether a pod's ingress or egress admits every peer on every port, and why. */
export interface Openness {
  readonly open: boolean;
  readonly reason: string;
}

/**
 * Wide open: not isolated for the direction, or isolated but with a rule without peers and without
 * ports (`ingress: [{}]`, `egress: [{}]`), which admits everything, inside the cluster or not.
 */
export function openness(policies: readonly NetworkPolicy[], direction: 'ingress' | 'egress'): Openness {
  if (policies.length === 0) return { open: true, reason: `no NetworkPolicy selects it for ${direction}` };
  const wide = policies.find((policy) =>
    (policy[direction] ?? []).some((rule) => rule.peers === undefined && rule.ports === undefined));
  if (wide) return { open: true, reason: `${wide.ref} allows all ${direction}` };
  return { open: false, reason: `limited by ${refs(policies)}` };
}

export function selectsPod(policy: NetworkPolicy, namespace: string, labels: Labels): boolean {
  return policy.namespace === namespace && selectorMatches(policy.podSelector, labels);
}

/** A rule admits a peer on a port when both its peer list and its port list do (absent = all). */
export function ruleAdmits(
  rule: NetworkPolicyRule,
  policyNamespace: string,
  peer: NetworkEndpoint,
  port: number,
  protocol: Protocol,
  destinationPorts: readonly ContainerPort[],
): boolean {
  if (!portsAdmit(rule.ports, port, protocol, destinationPorts)) return false;
  const { peers } = rule;
  if (peers === undefined) return true;
  for (let i = 0; i < peers.length; i++) {
    if (peerMatches(peers[i], policyNamespace, peer)) return true;
  }
  return false;
}

/**
 * NetworkPolicyPeer: namespaceSelector and podSelector in one peer are ANDed; podSelector alone means
 * the policy's own namespace; namespaceSelector alone means every pod there; ipBlock matches addresses.
 */
export function peerMatches(peer: NetworkPeer, policyNamespace: string, endpoint: NetworkEndpoint): boolean {
  if (peer.kind === 'ipBlock') return ipBlockAdmits(peer.cidr, peer.except, endpoint.ips);
  const namespace = endpoint.namespace;
  if (!namespace) return false;
  const namespaceOk = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, namespace.labels)
    : namespace.name === policyNamespace;
  return namespaceOk && (!peer.podSelector || selectorMatches(peer.podSelector, endpoint.labels));
}

/**
 * ipBlock with except. Pod IPs are matched like any address (the e2e suite checks pod IPs against
 * ipBlocks). A pod whose IP the manifests do not tell only matches a block that holds every address
 * and excepts nothing it might be in (`unknownAddressInside`: holes in documentation ranges do not
 * count): anything narrower might or might not contain it, and we do not claim access we cannot show.
 */
export function ipBlockAdmits(cidr: Cidr, except: readonly Cidr[], ips: readonly string[] | undefined): boolean {
  if (ips === undefined || ips.length === 0) {
    return unknownAddressInside(cidr) === 'yes' && except.every((hole) => unknownAddressInside(hole) === 'no');
  }
  return ips.some((ip) => cidrContains(cidr, ip) && !except.some((hole) => cidrContains(hole, ip)));
}

/**
 * NetworkPolicyPort: protocol (TCP by default) must match; no port means every port of the protocol;
 * `port..endPort` is inclusive; a named port matches the destination pod's container port of that name
 * and protocol.
 */
export function portsAdmit(
  ports: readonly NetworkPolicyPort[] | undefined,
  port: number,
  protocol: Protocol,
  destinationPorts: readonly ContainerPort[],
): boolean {
  if (ports === undefined) return true;
  return ports.some((entry) => {
    if (entry.protocol !== protocol) return false;
    if (entry.port === undefined) return true;
    if (typeof entry.port === 'string') {
      return destinationPorts.some((cp) => cp.name === entry.port && cp.protocol === protocol && cp.port === port);
    }
    return entry.endPort === undefined ? entry.port === port : port >= entry.port && port <= entry.endPort;
  });
}

function refs(policies: readonly NetworkPolicy[]): string {
  return policies.map((policy) => policy.ref).join(', ');
}
