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

/**
 * May `request.from` reach `request.to` on the given port (a container port, or any port of an
 * `ip:` address outside the cluster)? Throws InputError for unknown names.
 */
export function check(inventory: Inventory, request: AccessRequest): CheckResult {
  const index = policyIndexOf(inventory);
  if (request.to.startsWith('ip:')) {
    const verdict = evaluateOutbound(index, findWorkload(inventory, request.from), request.to.slice(3), request.port, request.protocol ?? 'TCP');
    return { allowed: verdict.allowed, layer: verdict.layer, reason: verdict.reason };
  }
  const connection = toConnection(inventory, request);
  const verdict: Verdict = evaluateConnection(index, connection);
  const hints = verdict.allowed ? [] : denialHints(index, connection, verdict.layer);
  return { allowed: verdict.allowed, layer: verdict.layer, reason: [verdict.reason, ...hints.map((hint) => `note: ${hint}`)].join('; ') };
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
  const matches = policyIndexOf(inventory).workloadsNamed(`${namespace}/${workloadName}`)
    .filter((workload) => kind === undefined || workload.kind.toLowerCase() === kind.toLowerCase());
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new InputError(`unknown workload ${name}: no Pod or workload controller of that name in the manifests`);
  const kinds = matches.map((workload) => workload.kind).join(', ');
  throw new InputError(`ambiguous workload ${name} (${kinds}): write ${namespace}/<Kind>/${workloadName}`);
}
