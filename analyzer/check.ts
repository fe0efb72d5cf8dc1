import { workloadWithAddress } from './engine/addresses';
import { Connection, Origin, Verdict, evaluateConnection } from './engine/connection';
import { denialHints } from './engine/hints';
import { evaluateOutbound } from './engine/outbound';
import { PolicyIndex } from './engine/policy-index';
import { InputError } from './errors';
import { Inventory, Workload } from './model/types';
import { AccessRequest, httpFactsOf } from './request';

/** The verdict of `check`: exactly the JSON contract of `mesh-policy check`. */
export interface CheckResult {
  readonly allowed: boolean;
  readonly layer: 'network' | 'mesh' | null;
  readonly reason: string;
}

const indexes = new WeakMap<Inventory, PolicyIndex>();

/** The shared index of an inventory, built on first use, so that many checks compile policies once. */
export function policyIndexOf(inventory: Inventory): PolicyIndex {
  let index = indexes.get(inventory);
  if (!index) {
    index = new PolicyIndex(inventory);
    indexes.set(inventory, index);
  }
  return index;
}

export interface CheckOptions {
  /**
   * What an `ip:` end that is the IP of a pod in the inventory stands for: that pod, as the network
   * plugin sees it, or a host outside the cluster at that address (verify probes a plaintext host and
   * a meshed stand-in pod at one address on purpose).
   * @default 'pod'
   */
  readonly podAddress?: 'pod' | 'outside';
}

/**
 * May `request.from` reach `request.to` on the given port (a container port, or any port of an
 * `ip:` address outside the cluster)? Throws InputError for unknown names.
 */
export function check(inventory: Inventory, question: AccessRequest, options: CheckOptions = {}): CheckResult {
  const index = policyIndexOf(inventory);
  const { request, notes } = options.podAddress === 'outside' ? { request: question, notes: [] } : withPodAddressesResolved(inventory, question);
  if (request.to.startsWith('ip:')) {
    const verdict = evaluateOutbound(index, findWorkload(inventory, request.from), request.to.slice(3), request.port, request.protocol ?? 'TCP');
    return { allowed: verdict.allowed, layer: verdict.layer, reason: [verdict.reason, ...notes].join('; ') };
  }
  const connection = toConnection(inventory, request);
  const verdict: Verdict = evaluateConnection(index, connection);
  const hints = verdict.allowed ? [] : denialHints(index, connection, verdict.layer);
  return { allowed: verdict.allowed, layer: verdict.layer, reason: [verdict.reason, ...notes, ...hints.map((hint) => `note: ${hint}`)].join('; ') };
}

/**
 * The request with each `ip:` end that is a pod's address written as that workload, and a note for
 * each, since the reason then names the pod rather than the address asked about.
 */
function withPodAddressesResolved(inventory: Inventory, request: AccessRequest): { request: AccessRequest; notes: string[] } {
  const notes: string[] = [];
  const resolve = (end: string): string => {
    const workload = end.startsWith('ip:') ? workloadWithAddress(inventory, end.slice(3)) : undefined;
    if (!workload) return end;
    notes.push(`note: ${end} is the IP of ${workload.id}`);
    return workloadName(workload);
  };
  const from = resolve(request.from);
  const to = resolve(request.to);
  return { request: notes.length === 0 ? request : { ...request, from, to }, notes };
}

/** A name `findWorkload` finds exactly this workload by. */
function workloadName(workload: Workload): string {
  return `${workload.namespace}/${workload.kind}/${workload.name}`;
}

function toConnection(inventory: Inventory, request: AccessRequest): Connection {
  const origin: Origin = request.from.startsWith('ip:')
    ? { kind: 'external', ip: request.from.slice(3) }
    : { kind: 'workload', workload: findWorkload(inventory, request.from) };
  const http = httpFactsOf(request);
  return {
    origin,
    destination: findWorkload(inventory, request.to),
    port: request.port,
    protocol: request.protocol ?? 'TCP',
    ...(http ? { http } : {}),
  };
}

/**
 * Finds a Pod or controller by "namespace/name"; "namespace/Kind/name" picks one when a Pod and a
 * controller share a name.
 */
export function findWorkload(inventory: Inventory, name: string): Workload {
  const parts = name.split('/');
  const [namespace, kind, workloadName] = parts.length === 3 ? parts : [parts[0], undefined, parts[1]];
  if (parts.length < 2 || parts.length > 3 || !namespace || !workloadName) {
    throw new InputError(`invalid workload name ${JSON.stringify(name)}: expected namespace/name`);
  }
  const named = policyIndexOf(inventory).workloadsNamed(`${namespace}/${workloadName}`);
  const matches = kind === undefined ? named : named.filter((workload) => workload.kind.toLowerCase() === kind.toLowerCase());
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new InputError(`unknown workload ${name}: no Pod or workload controller of that name in the manifests`);
  const kinds = matches.map((workload) => workload.kind).join(', ');
  throw new InputError(`ambiguous workload ${name} (${kinds}): write ${namespace}/<Kind>/${workloadName}`);
}
