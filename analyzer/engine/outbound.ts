import { Protocol, Workload } from '../model/types';
import { decideEgress } from '../network/network-policy';
import { Verdict } from './connection';
import { PolicyIndex } from './policy-index';

/**
 * A connection from a workload to an address outside the cluster (the API server's endpoints, a
 * database, the internet). Only the source's egress policies can stop it: no NetworkPolicy selects
 * the far end, and no destination sidecar enforces Istio policy there. The source's sidecar passes it
 * through under Istio's default `outboundTrafficPolicy: ALLOW_ANY` (REGISTRY_ONLY is not modeled).
 * Named ports in egress rules resolve against the destination pod's container ports, so they never
 * match an address outside the cluster.
 */
export function evaluateOutbound(index: PolicyIndex, source: Workload, ip: string, port: number, protocol: Protocol): Verdict {
  const from = index.facts(source);
  const destination = { id: `ip:${ip}`, labels: new Map<string, string>(), ips: [ip], ports: [] };
  const egress = decideEgress(from.egressPolicies, from.endpoint, destination, port, protocol);
  if (!egress.allowed) return { allowed: false, layer: 'network', reason: egress.reason };
  return { allowed: true, layer: null, reason: `${egress.reason}; ip:${ip} is outside the cluster: no ingress policy or destination sidecar applies` };
}
