import {
  AuthorizationPolicy, AuthorizationPolicySpecAction, AuthorizationPolicySpecRules, AuthorizationPolicySpecRulesFrom,
  PeerAuthentication, PeerAuthenticationSpecMtlsMode, PeerAuthenticationSpecPortLevelMtls, PeerAuthenticationSpecPortLevelMtlsMode,
} from '../../imports/security.istio.io';
import type { MeshPlan, ResolvedEdge } from '../plan';
import { MtlsMode, resolveIngressGateway, ResolvedPlatform } from '../platform';
import { PeerTransport } from '../peer';
import type { MeshService } from '../service';
import { BASELINE_NAMES, Manifest, serviceObjectNames } from './manifest';
import { principal } from './peers';
import { sortedUnique } from '../order';
import { stableKey } from './stable-key';

type Labels = Readonly<Record<string, string>>;

/** The namespace-wide mTLS mode. */
export function namespacePeerAuthentication(plan: MeshPlan, namespace: string, labels: Labels): Manifest {
  const mode = plan.mesh.platform.mtlsMode === MtlsMode.STRICT ? PeerAuthenticationSpecMtlsMode.STRICT : PeerAuthenticationSpecMtlsMode.PERMISSIVE;
  return PeerAuthentication.manifest({ metadata: { name: BASELINE_NAMES.peerAuthentication, namespace, labels: { ...labels } }, spec: { mtls: { mode } } });
}

/**
 * Under STRICT mTLS, plaintext callers (IP blocks declared `PeerTransport.PLAINTEXT`) are
 * rejected before authorization; the container ports they may use get a PERMISSIVE exception
 * on this workload only. Identity rules still require mTLS on those ports.
 */
export function plaintextPortsPeerAuthentication(plan: MeshPlan, service: MeshService, labels: Labels): Manifest | undefined {
  if (plan.mesh.platform.mtlsMode !== MtlsMode.STRICT) return undefined;
  const ports = new Set<number>();
  for (const { edge, ports: edgePorts } of plan.ingressOf(service)) {
    if (edge.peer.kind !== 'ipBlock' || edge.peer.transport !== PeerTransport.PLAINTEXT) continue;
    for (const port of edgePorts) if (port.isMeshAuthorized) ports.add(port.containerPort);
  }
  if (ports.size === 0) return undefined;
  const portLevelMtls: Record<string, PeerAuthenticationSpecPortLevelMtls> = {};
  for (const port of [...ports].sort((a, b) => a - b)) portLevelMtls[String(port)] = { mode: PeerAuthenticationSpecPortLevelMtlsMode.PERMISSIVE };
  return PeerAuthentication.manifest({
    metadata: { name: serviceObjectNames(service.name).plaintextPorts, namespace: service.namespaceName, labels: { ...labels } },
    spec: { selector: { matchLabels: { ...service.selector } }, portLevelMtls },
  });
}

/** The namespace baseline: an ALLOW policy without rules matches nothing, so nothing is allowed. */
export function allowNothingPolicy(namespace: string, labels: Labels): Manifest {
  return AuthorizationPolicy.manifest({ metadata: { name: BASELINE_NAMES.allowNothing, namespace, labels: { ...labels } }, spec: {} });
}

/**
 * The callers allowed one operation, by kind of Istio source field. Each kind becomes one `from`
 * item (`principals: [a, b]` means the same as two items, since items are ORed, and reads better).
 */
class Sources {
  private readonly principals = new Set<string>();
  private readonly namespaces = new Set<string>();
  /** IP blocks grouped by their exceptions, which apply to the whole item. */
  private readonly ipBlocks = new Map<string, { cidrs: Set<string>; except: readonly string[] }>();

  constructor(private readonly platform: ResolvedPlatform) {}

  public add(edge: ResolvedEdge): void {
    const peer = edge.edge.peer;
    switch (peer.kind) {
      case 'service': this.principals.add(principal(this.platform, peer.service.namespaceName, peer.service.serviceAccountName)); break;
      case 'ingressGateway': {
        const gateway = resolveIngressGateway(this.platform, peer.gateway);
        this.principals.add(principal(this.platform, gateway.namespace, gateway.serviceAccount));
        break;
      }
      case 'namespace': this.namespaces.add(peer.namespace); break;
      case 'ipBlock': {
        const key = peer.except.join(',');
        const group = this.ipBlocks.get(key) ?? { cidrs: new Set<string>(), except: peer.except };
        group.cidrs.add(peer.cidr);
        this.ipBlocks.set(key, group);
      }
    }
  }

  public toFrom(): AuthorizationPolicySpecRulesFrom[] {
    const from: AuthorizationPolicySpecRulesFrom[] = [];
    if (this.principals.size) from.push({ source: { principals: sortedUnique(this.principals) } });
    if (this.namespaces.size) from.push({ source: { namespaces: sortedUnique(this.namespaces) } });
    for (const key of sortedUnique(this.ipBlocks.keys())) {
      const { cidrs, except } = this.ipBlocks.get(key)!;
      from.push({ source: { ipBlocks: sortedUnique(cidrs), notIpBlocks: except.length ? [...except] : undefined } });
    }
    return from;
  }
}

/**
 * ALLOW rules of one destination: one rule per distinct operation (ports, methods, paths), with
 * every source allowed that operation. UDP ports are left out: sidecars don't intercept UDP.
 */
export function serviceAuthorizationPolicy(plan: MeshPlan, service: MeshService, labels: Labels): Manifest | undefined {
  const platform = plan.mesh.platform;
  const operations = new Map<string, { ports: string[]; methods?: string[]; paths?: string[] }>();
  const sourcesByOperation = new Map<string, Sources>();
  for (const resolved of plan.ingressOf(service)) {
    const ports = resolved.ports.filter((p) => p.isMeshAuthorized).map((p) => p.containerPort);
    if (ports.length === 0) continue;
    const operation = {
      ports: [...new Set(ports)].sort((a, b) => a - b).map(String),
      methods: resolved.edge.methods.length ? [...resolved.edge.methods] : undefined,
      paths: resolved.edge.paths.length ? [...resolved.edge.paths] : undefined,
    };
    const key = stableKey(operation);
    operations.set(key, operation);
    const sources = sourcesByOperation.get(key) ?? new Sources(platform);
    sources.add(resolved);
    sourcesByOperation.set(key, sources);
  }
  if (operations.size === 0) return undefined;
  const rules: AuthorizationPolicySpecRules[] = [...operations.keys()].sort().map((key) => ({
    from: sourcesByOperation.get(key)!.toFrom(),
    to: [{ operation: operations.get(key)! }],
  }));
  return AuthorizationPolicy.manifest({
    metadata: { name: serviceObjectNames(service.name).authorization, namespace: service.namespaceName, labels: { ...labels } },
    spec: { selector: { matchLabels: { ...service.selector } }, action: AuthorizationPolicySpecAction.ALLOW, rules },
  });
}
