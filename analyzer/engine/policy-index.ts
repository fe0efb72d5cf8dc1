import { ApplicablePolicies, CompiledPolicy, compilePolicy, selectApplicable } from '../mesh/authorization';
import { TLS_MODE_LABEL } from '../mesh/injected-labels';
import { gatewayTrustedProxies } from '../mesh/gateway-topology';
import { Interception, interceptionKey, interceptionOf } from '../mesh/interception';
import { MtlsSetting, mtlsSettingsFor, namespaceMtlsSetting } from '../mesh/peer-authentication';
import { DialedPort, MeshProtocol, declaredPorts, dialedPorts } from '../mesh/protocol';
import { SharedOperations } from '../mesh/shared-operations';
import { trustDomains } from '../mesh/trust-domain';
import { labelsSubsetOf } from '../model/labels';
import { Inventory, Namespace, NetworkPolicy, PeerAuthentication, Service, Workload } from '../model/types';
import { NetworkDestination, selectsPod } from '../network/network-policy';

/**
 * The inventory, indexed by namespace and with per-workload answers memoized: which policies select a
 * workload, its mTLS settings, its declared ports. `check` asks once; `reach` asks once per class of
 * identical workloads and then evaluates many connections against the same answers.
 */
export class PolicyIndex {
  private readonly networkPoliciesByNamespace = new Map<string, NetworkPolicy[]>();
  private readonly authorizationByNamespace = new Map<string, CompiledPolicy[]>();
  private readonly servicesByNamespace = new Map<string, Service[]>();
  private readonly peerAuthenticationsByNamespace = new Map<string, PeerAuthentication[]>();
  private readonly memo = new Map<Workload, WorkloadFacts>();
  private readonly recent: (Workload | undefined)[] = [undefined, undefined];
  private readonly recentFacts: (WorkloadFacts | undefined)[] = [undefined, undefined];
  /** By "namespace/name", which a Pod and a controller may share. */
  private readonly workloadsByName = new Map<string, Workload[]>();
  private readonly workloadsByNamespace = new Map<string, Workload[]>();
  /** Workloads with the same capture annotations (nearly all: none) share one Interception and its answers. */
  private readonly interceptions = new Map<string, Interception>();

  constructor(readonly inventory: Inventory) {
    const domains = trustDomains(inventory.mesh);
    const operations = new SharedOperations();
    for (const policy of inventory.networkPolicies) push(this.networkPoliciesByNamespace, policy.namespace, policy);
    for (const policy of inventory.authorizationPolicies) {
      push(this.authorizationByNamespace, policy.namespace, compilePolicy(policy, domains, operations));
    }
    for (const service of inventory.services) push(this.servicesByNamespace, service.namespace, service);
    for (const policy of inventory.peerAuthentications) push(this.peerAuthenticationsByNamespace, policy.namespace, policy);
    for (const workload of inventory.workloads) {
      push(this.workloadsByName, `${workload.namespace}/${workload.name}`, workload);
      push(this.workloadsByNamespace, workload.namespace, workload);
    }
  }

  /** Pods and controllers named "namespace/name" (a Pod and a controller may share a name). */
  workloadsNamed(id: string): readonly Workload[] {
    return this.workloadsByName.get(id) ?? [];
  }

  namespace(name: string): Namespace {
    return this.inventory.namespaces.get(name) as Namespace;
  }

  networkPoliciesIn(namespace: string): readonly NetworkPolicy[] {
    return this.networkPoliciesByNamespace.get(namespace) ?? [];
  }

  facts(workload: Workload): WorkloadFacts {
    // One evaluation asks for its source's and destination's facts a dozen times, alternately: the last
    // two answers are kept at hand, which spares most lookups in a map of every workload.
    if (workload === this.recent[0]) return this.recentFacts[0] as WorkloadFacts;
    if (workload === this.recent[1]) return this.recentFacts[1] as WorkloadFacts;
    let facts = this.memo.get(workload);
    if (!facts) {
      facts = this.computeFacts(workload);
      this.memo.set(workload, facts);
    }
    this.recent[1] = this.recent[0];
    this.recentFacts[1] = this.recentFacts[0];
    this.recent[0] = workload;
    this.recentFacts[0] = facts;
    return facts;
  }

  private computeFacts(workload: Workload): WorkloadFacts {
    const { rootNamespace } = this.inventory.mesh;
    const policies = this.networkPoliciesIn(workload.namespace).filter((policy) =>
      selectsPod(policy, workload.namespace, workload.labels));
    const selecting = (this.servicesByNamespace.get(workload.namespace) ?? []).filter((service) =>
      service.selector !== undefined && labelsSubsetOf(service.selector, workload.labels));
    const relevant = <T>(byNamespace: Map<string, T[]>): T[] => [
      ...(byNamespace.get(rootNamespace) ?? []),
      ...(workload.namespace === rootNamespace ? [] : byNamespace.get(workload.namespace) ?? []),
    ];
    const dialed = dialedPorts(selecting, workload.ports);
    return {
      endpoint: {
        id: workload.id,
        namespace: this.namespace(workload.namespace),
        labels: workload.labels,
        ...(workload.podIPs.length > 0 ? { ips: workload.podIPs } : {}),
        ports: workload.ports,
      },
      ingressPolicies: policies.filter((policy) => policy.ingress !== undefined),
      egressPolicies: policies.filter((policy) => policy.egress !== undefined),
      authorization: selectApplicable(workload, relevant(this.authorizationByNamespace), rootNamespace, {
        usable: this.inventory.mesh.extAuthzProviders, servingTcp: this.inventory.mesh.extAuthzTcpProviders,
      }),
      mtls: mtlsSettingsFor(workload, relevant(this.peerAuthenticationsByNamespace), rootNamespace),
      clientMtls: namespaceMtlsSetting(workload.namespace, relevant(this.peerAuthenticationsByNamespace), rootNamespace),
      declaredPorts: declaredPorts(selecting, workload.ports),
      dialedPorts: dialed,
      plaintextEndpoints: this.plaintextEndpoints(dialed),
      interception: this.interceptionOf(workload),
      // join() makes a flat string; a template makes a tree of pieces, slow to hash and compare as the
      // key `reach` looks candidates up by.
      identity: ['spiffe://', this.inventory.mesh.trustDomain, '/ns/', workload.namespace, '/sa/', workload.serviceAccount].join(''),
      ...(workload.sidecar.gateway ? { xffTrustedHops: gatewayTrustedProxies(workload.annotations, this.inventory.mesh.gatewayTrustedProxies) } : {}),
    };
  }

  private interceptionOf(workload: Workload): Interception {
    const key = interceptionKey(workload.annotations);
    let interception = this.interceptions.get(key);
    if (!interception) {
      interception = interceptionOf(workload.annotations);
      this.interceptions.set(key, interception);
    }
    return interception;
  }

  /**
   * For a headless Service (Passthrough) auto mTLS looks at all its endpoints: if any has no sidecar
   * or is labelled tlsMode "disabled", clients send plaintext to every one of them; otherwise mTLS to
   * all, whatever other tlsMode values say (pilot/pkg/model/push_context.go
   * BestEffortInferServiceMTLSMode; kube/conversion.go PodTLSMode: no label is "disabled").
   */
  private plaintextEndpoints(dialed: ReadonlyMap<number, readonly DialedPort[]>): Map<number, string> {
    const plaintext = new Map<number, string>();
    for (const [containerPort, services] of dialed) {
      for (const { service } of services) {
        const reason = this.endpointWithoutMtls(service);
        if (reason) {
          plaintext.set(containerPort, reason);
          break;
        }
      }
    }
    return plaintext;
  }

  private endpointWithoutMtls(service: Service): string | undefined {
    const selector = service.selector;
    if (!service.headless || !selector) return undefined;
    const odd = (this.workloadsByNamespace.get(service.namespace) ?? []).find((endpoint) =>
      labelsSubsetOf(selector, endpoint.labels) && (!endpoint.sidecar.injected || (endpoint.labels.get(TLS_MODE_LABEL) ?? 'disabled') === 'disabled'));
    return odd && `headless ${service.ref} has ${odd.id} as endpoint, which does no mTLS, so auto mTLS sends plaintext to all its endpoints`;
  }
}

export interface WorkloadFacts {
  readonly endpoint: NetworkDestination;
  readonly ingressPolicies: readonly NetworkPolicy[];
  readonly egressPolicies: readonly NetworkPolicy[];
  readonly authorization: ApplicablePolicies;
  readonly mtls: (port: number) => MtlsSetting;
  /** What client sidecars take for its mode when they choose between mTLS and plaintext (namespace and mesh policies only). */
  readonly clientMtls: MtlsSetting;
  /** Container ports some Service forwards to, with Istio's protocol. */
  readonly declaredPorts: ReadonlyMap<number, MeshProtocol>;
  /** The Service ports clients dial to reach each container port. */
  readonly dialedPorts: ReadonlyMap<number, readonly DialedPort[]>;
  /** Container ports behind a headless Service with an endpoint that cannot do mTLS, and why. */
  readonly plaintextEndpoints: ReadonlyMap<number, string>;
  /** Which traffic its sidecar captures (meaningful only with a sidecar). */
  readonly interception: Interception;
  /** The SPIFFE identity its sidecar presents. */
  readonly identity: string;
  /** For a gateway: the X-Forwarded-For hops it trusts. */
  readonly xffTrustedHops?: number;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
