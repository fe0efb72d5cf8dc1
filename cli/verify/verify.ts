import { AccessRequest, ApiDecision, ResourceApiRequest, authorizeApi, buildInventory, check, CheckResult, Inventory, LoadedObject, reach } from '../../analyzer';
import { NetworkPolicy } from '../../analyzer/model/types';
import { layerAlone } from '../../analyzer/report/layer-diff';
import type { DeclaredAccess } from '../../constructs';
import { blockWithoutAddresses } from './addresses';
import { apiProbes } from './api-probes';
import { egressProbes } from './egress-probes';
import { PortExpectation, Probe, portExpectations, probes, workloadActors } from './probes';
import { scraperProbes } from './scraper-probes';
import { standInObjects } from './stand-ins';

/**
 * Which objects a verification looks at: all of them, or one layer's alone; for NetworkPolicy also
 * each direction alone (ingress rules of the destinations, egress rules of the sources), since the
 * generator writes both sides of every edge and a side wider than declared would hide behind the other.
 */
export type VerifiedLayer = 'both' | 'network' | 'mesh' | 'ingress' | 'egress';

/** A question on which the manifests and the declaration disagree: a connection, or a Kubernetes API request. */
export type Mismatch =
  | { readonly layer: VerifiedLayer; readonly request: AccessRequest; readonly expected: boolean; readonly actual: CheckResult }
  | { readonly layer: 'api'; readonly request: ResourceApiRequest; readonly expected: boolean; readonly actual: ApiDecision };

export interface VerifyReport {
  /** Connection requests asked, per layer. */
  readonly requests: number;
  /** Kubernetes API requests asked (of RBAC). */
  readonly apiRequests: number;
  readonly mismatches: readonly Mismatch[];
  /** What the probes could not ask, and why (an IP block whose except ranges cover all of it); not a mismatch. */
  readonly notes: readonly string[];
}

/**
 * The inventory as one layer sees it: NetworkPolicy alone, Istio alone (as `diff` takes them), or one
 * NetworkPolicy direction alone: each policy with only its rules of that direction, dropped when it is
 * not of that type (policyTypes as the API server defaults them, model/network-policy.ts).
 */
function layerInventory(inventory: Inventory, layer: VerifiedLayer): Inventory {
  if (layer === 'both') return inventory;
  if (layer === 'network' || layer === 'mesh') return layerAlone(inventory, layer);
  const network = layerAlone(inventory, 'network');
  const networkPolicies = network.networkPolicies.flatMap((policy): NetworkPolicy[] => {
    const { ref, namespace, name, podSelector } = policy;
    if (policy[layer] === undefined) return [];
    return [{ ref, namespace, name, podSelector, ingress: layer === 'ingress' ? policy.ingress : undefined, egress: layer === 'egress' ? policy.egress : undefined }];
  });
  return { ...network, networkPolicies };
}

const expectation = (probe: Probe, layer: VerifiedLayer) =>
  layer === 'network' ? probe.network : layer === 'mesh' ? probe.mesh : probe.network && probe.mesh;

/**
 * Asks the independent analyzer every question the declaration answers, against the manifests
 * as a whole and against each layer alone, so that neither NetworkPolicy nor Istio can hide a
 * hole in the other: exactly the declared edges must be allowed, by each layer; and of RBAC,
 * exactly the declared API grants.
 */
export function verifyManifests(manifests: Iterable<LoadedObject>, declared: DeclaredAccess, options: { trustDomain?: string; rootNamespace?: string } = {}): VerifyReport {
  // Read once, each object into the inventory as it comes; the layers are views of it.
  const whole = buildInventory(standInsFirst(declared, manifests), { trustDomain: declared.trustDomain, ...options });
  const questions = [...probes(declared), ...egressProbes(declared), ...scraperProbes(declared)];
  const pairs = new PairLevel(declared);
  const mismatches: Mismatch[] = [];
  for (const layer of ['both', 'network', 'mesh'] as const) {
    const inventory = layerInventory(whole, layer);
    mismatches.push(...pairs.compare(inventory, layer));
    for (const probe of questions) {
      // Its `ip:` probes are plaintext hosts, also where an MTLS block's meshed stand-in pod has the address.
      const actual = check(inventory, probe.request, { podAddress: 'outside' });
      const expected = expectation(probe, layer);
      if (actual.allowed !== expected) mismatches.push({ layer, request: probe.request, expected, actual });
    }
  }
  for (const layer of ['ingress', 'egress'] as const) {
    mismatches.push(...pairs.compare(layerInventory(whole, layer), layer));
  }
  const apiQuestions = apiProbes(declared);
  for (const probe of apiQuestions) {
    const actual = authorizeApi(whole, probe.request);
    if (actual.allowed !== probe.allowed) mismatches.push({ layer: 'api', request: probe.request, expected: probe.allowed, actual });
  }
  return { requests: pairs.questions + questions.length, apiRequests: apiQuestions.length, mismatches, notes: emptyBlockNotes(declared) };
}

/** Stand-ins first: a Namespace or Service the manifests hold wins over the one assumed from the declaration. */
function* standInsFirst(declared: DeclaredAccess, manifests: Iterable<LoadedObject>): Generator<LoadedObject> {
  yield* standInObjects(declared);
  yield* manifests;
}

/**
 * The declared IP blocks whose except ranges cover every address of them. The library takes each
 * exception strictly inside its block, as the API server does, but several together can still
 * cover it: the declaration then lets nothing through the block, and no probe can come from (or go
 * to) an address inside it; only the exceptions are probed. Said, so that the silence is not read as
 * a verified edge.
 */
function emptyBlockNotes(declared: DeclaredAccess): string[] {
  const blocks = [
    ...declared.edges.flatMap((edge) => (edge.from.kind === 'ipBlock' ? [{ ...edge.from, edge: `from it to ${edge.to}` }] : [])),
    ...declared.externalEgress.map((egress) => ({ cidr: egress.cidr, except: egress.except, edge: `from ${egress.from} to it` })),
  ];
  const notes = blocks.filter((block) => blockWithoutAddresses(block.cidr, block.except)).map((block) => `ipBlock ${block.cidr} except ${block.except.join(', ')} `
    + `(${block.edge}) has no address outside its except ranges: the declaration lets nothing through it, so only its except ranges were probed`);
  return [...new Set(notes)].sort();
}

/**
 * Workload to service, port by port: the analyzer's `reach` (workload classes, not pairs one by one)
 * must allow exactly the pairs the declaration lets in, so that checking a mesh of thousands of
 * services stays close to linear. Only mismatches are asked again with `check`, for their reasons.
 */
class PairLevel {
  private readonly expectations: readonly PortExpectation[];
  private readonly actors: ReadonlySet<string>;
  private readonly ports: ReadonlySet<string>;
  /** Workload x destination port questions this answers, per layer. */
  readonly questions: number;

  /** Workload actors that are not declared services: no egress policy holds them back. */
  private readonly unrestricted: readonly string[];

  constructor(declared: DeclaredAccess) {
    this.expectations = portExpectations(declared);
    this.actors = new Set(workloadActors(declared));
    const services = new Set(declared.services.map((service) => `${service.namespace}/${service.name}`));
    this.unrestricted = [...this.actors].filter((actor) => !services.has(actor));
    this.ports = new Set(this.expectations.map((e) => portKey(e.to, e.port, e.protocol)));
    this.questions = this.expectations.length * this.actors.size - this.expectations.filter((e) => this.actors.has(e.to)).length;
  }

  compare(inventory: Inventory, layer: VerifiedLayer): Mismatch[] {
    const allowed = new Map<string, { request: AccessRequest; actual: CheckResult }>();
    for (const { from, to, port, protocol, reason } of reach(inventory).allowed) {
      if (this.actors.has(from) && this.ports.has(portKey(to, port, protocol))) {
        allowed.set(pairKey(from, to, port, protocol), { request: { from, to, port, protocol }, actual: { allowed: true, layer: null, reason } });
      }
    }
    const mismatches: Mismatch[] = [];
    for (const expectation of this.expectations) {
      const { to, port, protocol } = expectation;
      for (const from of this.expected(expectation, layer)) {
        const key = pairKey(from, to, port, protocol);
        if (allowed.delete(key)) continue;
        const request: AccessRequest = { from, to, port, protocol };
        mismatches.push({ layer, request, expected: true, actual: check(inventory, request) });
      }
    }
    for (const { request, actual } of allowed.values()) mismatches.push({ layer, request, expected: false, actual });
    return mismatches;
  }

  /**
   * The workloads the layer must let in on the port. Egress rules alone hold back only the declared
   * services (the gateway and the outsider have no egress policies): the others get through.
   */
  private expected(expectation: PortExpectation, layer: VerifiedLayer): Iterable<string> {
    const everyone = () => new Set([...this.actors].filter((actor) => actor !== expectation.to));
    const mesh = expectation.mesh === 'all' ? everyone() : expectation.mesh;
    if (layer === 'network' || layer === 'ingress') return expectation.network;
    if (layer === 'egress') return new Set([...expectation.network, ...this.unrestricted].filter((actor) => actor !== expectation.to));
    if (layer === 'mesh') return mesh;
    return [...expectation.network].filter((actor) => mesh.has(actor));
  }
}

const portKey = (to: string, port: number, protocol: string) => `${to}\u0000${port}\u0000${protocol}`;
const pairKey = (from: string, to: string, port: number, protocol: string) => `${from}\u0000${portKey(to, port, protocol)}`;

/** What a mismatch is about: the destination workload or address, or the API objects' namespace and resource. */
export function mismatchSubject(m: Mismatch): string {
  return m.layer === 'api' ? `${m.request.namespace ?? '(cluster)'}/${m.request.resource}` : m.request.to;
}

/** One line per mismatch, for people. */
export function describeMismatch(m: Mismatch): string {
  const verdict = `declared ${m.expected ? 'allowed' : 'denied'}, manifests ${m.actual.allowed ? 'allow' : 'deny'} (${m.actual.reason})`;
  if (m.layer === 'api') {
    const r = m.request;
    const group = r.apiGroup ? `${r.apiGroup}/` : '';
    return `[api] ${r.serviceAccount} ${r.verb} ${group}${r.resource}${r.name ? ` ${r.name}` : ''} in ${r.namespace ?? '(cluster)'}: ${verdict}`;
  }
  const r = m.request;
  const http = r.method ? ` ${r.method} ${r.path}` : '';
  return `[${m.layer}] ${r.from} -> ${r.to}:${r.port}/${r.protocol ?? 'TCP'}${http}: ${verdict}`;
}
