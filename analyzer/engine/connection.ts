import { HttpAccess } from '../mesh/authorization';
import { HttpFacts } from '../mesh/authorization-rules';
import { Protocol, Workload } from '../model/types';
import { NetworkEndpoint, decideEgress, decideIngress } from '../network/network-policy';
import { decideMesh } from './mesh-layer';
import { PolicyIndex } from './policy-index';

export type Layer = 'network' | 'mesh';

/** Where a connection comes from: a workload, or an address outside the cluster. */
export type Origin =
  | { readonly kind: 'workload'; readonly workload: Workload }
  | { readonly kind: 'external'; readonly ip: string };

export interface Connection {
  readonly origin: Origin;
  readonly destination: Workload;
  /** Destination container port. */
  readonly port: number;
  readonly protocol: Protocol;
  /** Undefined: a plain connection; 'any': every HTTP request (reach); else one HTTP request. */
  readonly http?: HttpFacts | 'any';
}

/**
 * `layer` is the layer that denied (null when allowed); `reason` names the deciding policies
 * (Kind/namespace/name) or the default that applied; `http`, for 'any' HTTP evaluations, the requests
 * an allowed verdict is limited to.
 */
export type Verdict =
  | { readonly allowed: true; readonly layer: null; readonly reason: string; readonly http?: HttpAccess }
  | { readonly allowed: false; readonly layer: Layer; readonly reason: string };

/**
 * A connection passes when the source's egress, the destination's ingress (NetworkPolicy) and the
 * destination's sidecar (PeerAuthentication, AuthorizationPolicy) all let it through. Layers are checked
 * in the order packets meet them, so a denial names the first layer that drops it.
 */
export function evaluateConnection(index: PolicyIndex, connection: Connection): Verdict {
  const destination = index.facts(connection.destination);
  const { origin, port, protocol } = connection;
  const source = originEndpoint(index, origin);
  const egressPolicies = origin.kind === 'workload' ? index.facts(origin.workload).egressPolicies : [];
  const egress = decideEgress(egressPolicies, source, destination.endpoint, port, protocol);
  if (!egress.allowed) return { allowed: false, layer: 'network', reason: egress.reason };
  const ingress = decideIngress(destination.ingressPolicies, source, destination.endpoint, port, protocol);
  if (!ingress.allowed) return { allowed: false, layer: 'network', reason: ingress.reason };
  const mesh = decideMesh(index, connection);
  if (!mesh.allowed) return { allowed: false, layer: 'mesh', reason: mesh.reason };
  return {
    allowed: true,
    layer: null,
    // join() writes one flat string; a template would keep a tree of a dozen string pieces alive per
    // allowed edge, which `reach` holds by the ten thousand.
    reason: [egress.reason, ingress.reason, mesh.reason].join('; '),
    ...(mesh.http ? { http: mesh.http } : {}),
  };
}

export function originEndpoint(index: PolicyIndex, origin: Origin): NetworkEndpoint {
  if (origin.kind === 'workload') return index.facts(origin.workload).endpoint;
  return { id: `ip:${origin.ip}`, labels: new Map(), ips: [origin.ip] };
}
