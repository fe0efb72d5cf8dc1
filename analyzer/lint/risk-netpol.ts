// Risky NetworkPolicies: valid objects that open more than their author probably meant, or that
// silently do nothing. Semantics from the Kubernetes NetworkPolicy reference
// (https://kubernetes.io/docs/concepts/services-networking/network-policies/): an empty peer list
// means every source/destination, an empty port list every port, policyTypes defaults to Ingress
// plus Egress when egress rules exist, and a pod selected for Egress loses everything not allowed —
// including DNS, and the Istio control plane (istiod 15012) for meshed pods (../shared/DESIGN.md).

import { Inventory, Workload, workloadId, workloadsIn } from './inventory';
import { parseCidrSloppy, isWholeAddressSpace } from './ip';
import { hasSidecar } from './mesh';
import { arrayField, Findings, isObject, JsonObject, LintProblem, objectField, refOf, show, stringField, stringList } from './objects';
import { describeSelector, selectorMatches, selectsEveryNamespace, selectsEverything } from './selectors';

type Direction = 'Ingress' | 'Egress';
const RULES_FIELD = { Ingress: 'ingress', Egress: 'egress' } as const;
const PEERS_FIELD = { Ingress: 'from', Egress: 'to' } as const;

/** policyTypes as the API server defaults them. */
export function effectivePolicyTypes(spec: unknown): Direction[] {
  const declared = stringList(spec, 'policyTypes').filter((t): t is Direction => t === 'Ingress' || t === 'Egress');
  if (declared.length > 0) return [...new Set(declared)];
  return (arrayField(spec, 'egress') ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

export function lintNetworkPolicyRisks(policy: JsonObject, inventory: Inventory, findings: Findings): void {
  const spec = objectField(policy, 'spec');
  const types = effectivePolicyTypes(spec);
  for (const direction of ['Ingress', 'Egress'] as const) {
    const rules = arrayField(spec, RULES_FIELD[direction]) ?? [];
    if (!types.includes(direction)) {
      if (rules.length > 0) {
        findings.warning(`spec.${RULES_FIELD[direction]} has ${rules.length} rule(s) but spec.policyTypes ${show(stringList(spec, 'policyTypes'))} lacks ${direction}, so they are ignored: add ${direction} to policyTypes or remove the rules`);
      }
      continue;
    }
    rules.forEach((rule, i) => lintRule(rule, direction, `spec.${RULES_FIELD[direction]}[${i}]`, findings));
  }
  lintUnmatchedPodSelector(spec, refOf(policy).namespace, inventory, findings);
}

function lintRule(rule: unknown, direction: Direction, path: string, findings: Findings): void {
  const peers = arrayField(rule, PEERS_FIELD[direction]) ?? [];
  const ports = arrayField(rule, 'ports') ?? [];
  const everyone = direction === 'Ingress' ? 'every source (all pods of all namespaces and any external address)' : 'every destination (all pods and any external address)';
  if (peers.length === 0) {
    if (ports.length === 0) {
      findings.warning(`${path} is ${show(rule ?? {})}: it allows all ${direction.toLowerCase()} traffic, ${direction === 'Ingress' ? 'from' : 'to'} ${everyone} on every port; list the peers and ports that are needed`);
    } else {
      findings.warning(`${path} opens ${describePorts(ports)} to ${everyone} because it has no ${PEERS_FIELD[direction]}: list the allowed peers`);
    }
    return;
  }
  peers.forEach((peer, j) => {
    const at = `${path}.${PEERS_FIELD[direction]}[${j}]`;
    const ipBlock = objectField(peer, 'ipBlock');
    const cidr = parseCidrSloppy(stringField(ipBlock, 'cidr') ?? '');
    if (cidr && isWholeAddressSpace(cidr) && stringList(ipBlock, 'except').length === 0) {
      findings.warning(`${at}.ipBlock ${show(stringField(ipBlock, 'cidr'))} matches every address of its family (including all pods), on ${ports.length ? describePorts(ports) : 'every port'}: narrow the CIDR or add except`);
    }
    const namespaceSelector = objectField(peer, 'namespaceSelector');
    const podSelector = objectField(peer, 'podSelector');
    // DNS to "any namespace" is the usual, harmless way to reach kube-dns without knowing its labels.
    const onlyDns = ports.length > 0 && ports.every((p) => isObject(p) && p.port === 53 && (p.endPort === undefined || p.endPort === null || p.endPort === 53));
    if (namespaceSelector && selectsEveryNamespace(namespaceSelector) && (!podSelector || selectsEverything(podSelector)) && !onlyDns) {
      findings.warning(`${at} selects every pod in every namespace (namespaceSelector {}), on ${ports.length ? describePorts(ports) : 'every port'}: select the namespaces by kubernetes.io/metadata.name`);
    }
  });
}

function describePorts(ports: readonly unknown[]): string {
  return 'ports ' + ports.map((p) => {
    if (!isObject(p)) return '?';
    const protocol = stringField(p, 'protocol') ?? 'TCP';
    if (p.port === undefined || p.port === null) return `all/${protocol}`;
    return `${String(p.port)}${typeof p.endPort === 'number' ? `-${p.endPort}` : ''}/${protocol}`;
  }).join(', ');
}

function lintUnmatchedPodSelector(spec: JsonObject | undefined, namespace: string, inventory: Inventory, findings: Findings): void {
  const candidates = workloadsIn(inventory, namespace);
  if (candidates.length === 0) return; // nothing to compare against: the pods may live elsewhere
  const podSelector = objectField(spec, 'podSelector') ?? {};
  if (candidates.some((w) => selectorMatches(podSelector, w.labels))) return;
  findings.warning(`spec.podSelector ${describeSelector(podSelector)} matches none of the ${candidates.length} workload(s) of namespace ${namespace} in the input (${candidates.map((w) => w.name).join(', ')}); likely a typo in the labels`);
}

/** Whether a NetworkPolicyPort list lets a connection to `port`/`protocol` (or a named port) out. */
function portsAllow(ports: readonly unknown[], protocol: string, port: number, portNames: readonly string[]): boolean {
  if (ports.length === 0) return true;
  return ports.some((p) => {
    if (!isObject(p) || (stringField(p, 'protocol') ?? 'TCP') !== protocol) return false;
    if (p.port === undefined || p.port === null) return true;
    if (typeof p.port === 'string') return portNames.includes(p.port);
    if (typeof p.port !== 'number') return false;
    const end = typeof p.endPort === 'number' ? p.endPort : p.port;
    return p.port <= port && port <= end;
  });
}

const DNS_NAMESPACE = 'kube-system';

/**
 * Whether some peer could be the platform service: no peers, an ipBlock (node-local DNS, a
 * cluster IP range), or a namespace selector that selects its namespace. A podSelector-only peer
 * stays in the policy's own namespace, a common way to block DNS by accident.
 */
function peersMayReachPlatform(peers: readonly unknown[], policyNamespace: string, platformNamespace: string, inventory: Inventory): boolean {
  if (peers.length === 0) return true;
  return peers.some((peer) => {
    if (objectField(peer, 'ipBlock')) return true;
    const namespaceSelector = objectField(peer, 'namespaceSelector');
    if (!namespaceSelector) return policyNamespace === platformNamespace;
    const labels = inventory.namespaceLabels.get(platformNamespace) ?? { 'kubernetes.io/metadata.name': platformNamespace };
    return selectorMatches(namespaceSelector, labels);
  });
}

interface EgressNeed {
  readonly what: string;
  readonly protocol: string;
  readonly port: number;
  /** Container port names of the usual targets (kube-dns names its ports dns / dns-tcp). */
  readonly names: readonly string[];
}

const DNS_NEEDS: readonly EgressNeed[] = [
  { what: 'DNS over UDP 53', protocol: 'UDP', port: 53, names: ['dns'] },
  { what: 'DNS over TCP 53', protocol: 'TCP', port: 53, names: ['dns-tcp'] },
];
const ISTIOD_NEED: EgressNeed = { what: 'the Istio control plane (istiod TCP 15012)', protocol: 'TCP', port: 15012, names: [] };

/**
 * Egress lock-down without the platform's basics: a pod selected by an Egress policy may only send
 * what some Egress policy selecting it allows, so DNS (and, with a sidecar, istiod) must be among it.
 * Reported on the workload, because the allowance may come from any of the policies selecting it.
 */
export function lintEgressLockdown(inventory: Inventory, networkPolicies: readonly JsonObject[], controlPlaneNamespace: string): LintProblem[] {
  const problems: LintProblem[] = [];
  const egressPolicies = new Map<string, JsonObject[]>();
  for (const policy of networkPolicies) {
    if (!effectivePolicyTypes(objectField(policy, 'spec')).includes('Egress')) continue;
    const namespace = refOf(policy).namespace;
    const inNamespace = egressPolicies.get(namespace);
    if (inNamespace) inNamespace.push(policy);
    else egressPolicies.set(namespace, [policy]);
  }
  for (const workload of inventory.workloads) {
    const selecting = (egressPolicies.get(workload.namespace) ?? [])
      .filter((p) => selectorMatches(objectField(objectField(p, 'spec'), 'podSelector') ?? {}, workload.labels));
    if (selecting.length === 0) continue;
    const rules = selecting.flatMap((p) => (arrayField(objectField(p, 'spec'), 'egress') ?? []).map((rule) => ({ rule, namespace: refOf(p).namespace })));
    const needs = hasSidecar(workload, inventory) ? [...DNS_NEEDS, ISTIOD_NEED] : DNS_NEEDS;
    const missing = needs.filter((need) => !rules.some(({ rule, namespace }) =>
      portsAllow(arrayField(rule, 'ports') ?? [], need.protocol, need.port, need.names)
      && peersMayReachPlatform(arrayField(rule, 'to') ?? [], namespace, need === ISTIOD_NEED ? controlPlaneNamespace : DNS_NAMESPACE, inventory)));
    if (missing.length === 0) continue;
    problems.push(egressProblem(workload, selecting, missing, controlPlaneNamespace));
  }
  return problems;
}

function egressProblem(workload: Workload, selecting: readonly JsonObject[], missing: readonly EgressNeed[], controlPlaneNamespace: string): LintProblem {
  const policies = selecting.map((p) => refOf(p).name).join(', ');
  const consequences: string[] = [];
  const fixes: string[] = [];
  if (missing.some((m) => m.port === 53)) {
    consequences.push('name resolution fails');
    fixes.push('an egress rule to kube-dns (namespace kube-system, UDP and TCP 53)');
  }
  if (missing.includes(ISTIOD_NEED)) {
    consequences.push('the sidecar cannot fetch its configuration');
    fixes.push(`an egress rule to istiod (TCP 15012 in namespace ${controlPlaneNamespace})`);
  }
  return {
    severity: 'warning',
    kind: workload.kind,
    namespace: workload.namespace,
    name: workload.name,
    message: `${workloadId(workload)} is locked down for egress by NetworkPolicy ${policies}, but no egress rule allows ${missing.map((m) => m.what).join(' or ')}: `
      + `${consequences.join(' and ')}; add ${fixes.join(' and ')}`,
  };
}
