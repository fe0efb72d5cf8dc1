import { AccessRequest, buildInventory, check, CheckResult, LoadedObject } from '../../analyzer';
import type { DeclaredAccess } from '../../constructs';
import { Probe, probes } from './probes';
import { standInObjects } from './stand-ins';

/** Which objects a verification looks at: all of them, or one layer's alone. */
export type VerifiedLayer = 'both' | 'network' | 'mesh';

/** A request on which the manifests and the declaration disagree. */
export interface Mismatch {
  readonly layer: VerifiedLayer;
  readonly request: AccessRequest;
  readonly expected: boolean;
  readonly actual: CheckResult;
}

export interface VerifyReport {
  /** Requests asked, per layer. */
  readonly requests: number;
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
 * hole in the other: exactly the declared edges must be allowed, by each layer.
 */
export function verifyManifests(manifests: readonly LoadedObject[], declared: DeclaredAccess, options: { trustDomain?: string; rootNamespace?: string } = {}): VerifyReport {
  const objects = [...manifests, ...standInObjects(declared, manifests)];
  const questions = probes(declared);
  const mismatches: Mismatch[] = [];
  for (const layer of ['both', 'network', 'mesh'] as const) {
    const inventory = buildInventory(layerObjects(objects, layer), { trustDomain: declared.trustDomain, ...options });
    for (const probe of questions) {
      const actual = check(inventory, probe.request);
      const expected = expectation(probe, layer);
      if (actual.allowed !== expected) mismatches.push({ layer, request: probe.request, expected, actual });
    }
  }
  return { requests: questions.length, mismatches };
}

/** One line per mismatch, for people. */
export function describeMismatch(m: Mismatch): string {
  const r = m.request;
  const http = r.method ? ` ${r.method} ${r.path}` : '';
  return `[${m.layer}] ${r.from} -> ${r.to}:${r.port}/${r.protocol ?? 'TCP'}${http}: declared ${m.expected ? 'allowed' : 'denied'}, `
    + `manifests ${m.actual.allowed ? 'allow' : 'deny'} (${m.actual.reason})`;
}
