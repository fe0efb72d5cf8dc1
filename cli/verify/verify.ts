import { AccessRequest, ApiDecision, ApiRequest, authorizeApi, buildInventory, check, CheckResult, Inventory, LoadedObject } from '../../analyzer';
import type { DeclaredAccess } from '../../constructs';
import { apiProbes } from './api-probes';
import { egressProbes } from './egress-probes';
import { Probe, probes } from './probes';
import { standInObjects } from './stand-ins';

/** Which objects a verification looks at: all of them, or one layer's alone. */
export type VerifiedLayer = 'both' | 'network' | 'mesh';

/** A question on which the manifests and the declaration disagree: a connection, or a Kubernetes API request. */
export type Mismatch =
  | { readonly layer: VerifiedLayer; readonly request: AccessRequest; readonly expected: boolean; readonly actual: CheckResult }
  | { readonly layer: 'api'; readonly request: ApiRequest; readonly expected: boolean; readonly actual: ApiDecision };

export interface VerifyReport {
  /** Connection requests asked, per layer. */
  readonly requests: number;
  /** Kubernetes API requests asked (of RBAC). */
  readonly apiRequests: number;
  readonly mismatches: readonly Mismatch[];
}

const MESH_KINDS = new Set(['AuthorizationPolicy', 'PeerAuthentication']);

/** The objects one layer consists of: NetworkPolicy alone, or Istio alone. */
function layerObjects(objects: readonly LoadedObject[], layer: VerifiedLayer): LoadedObject[] {
  if (layer === 'network') return objects.filter((o) => !MESH_KINDS.has(o.object.kind));
  if (layer === 'mesh') return objects.filter((o) => o.object.kind !== 'NetworkPolicy');
  return [...objects];
}

const expectation = (probe: Probe, layer: VerifiedLayer) =>
  layer === 'network' ? probe.network : layer === 'mesh' ? probe.mesh : probe.network && probe.mesh;

/**
 * Asks the independent analyzer every question the declaration answers, against the manifests
 * as a whole and against each layer alone, so that neither NetworkPolicy nor Istio can hide a
 * hole in the other: exactly the declared edges must be allowed, by each layer; and of RBAC,
 * exactly the declared API grants.
 */
export function verifyManifests(manifests: readonly LoadedObject[], declared: DeclaredAccess, options: { trustDomain?: string; rootNamespace?: string } = {}): VerifyReport {
  const objects = [...manifests, ...standInObjects(declared, manifests)];
  const questions = [...probes(declared), ...egressProbes(declared)];
  const mismatches: Mismatch[] = [];
  let whole: Inventory | undefined;
  for (const layer of ['both', 'network', 'mesh'] as const) {
    const inventory = buildInventory(layerObjects(objects, layer), { trustDomain: declared.trustDomain, ...options });
    whole ??= inventory;
    for (const probe of questions) {
      const actual = check(inventory, probe.request);
      const expected = expectation(probe, layer);
      if (actual.allowed !== expected) mismatches.push({ layer, request: probe.request, expected, actual });
    }
  }
  const apiQuestions = apiProbes(declared);
  for (const probe of apiQuestions) {
    const actual = authorizeApi(whole as Inventory, probe.request);
    if (actual.allowed !== probe.allowed) mismatches.push({ layer: 'api', request: probe.request, expected: probe.allowed, actual });
  }
  return { requests: questions.length, apiRequests: apiQuestions.length, mismatches };
}

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
