import { Cidr, parseCidr } from './cidr';
import { ObjectReader } from './fields';
import { Interner } from './interning';
import { LabelSelector, SELECT_ALL, parseSelector } from './labels';
import { readProtocol } from './workloads';
import { NetworkPeer, NetworkPolicy, NetworkPolicyPort, NetworkPolicyRule } from './types';

/**
 * Reads a networking.k8s.io/v1 NetworkPolicy, applying the API server's defaulting
 * (kubernetes pkg/apis/networking/v1/defaults.go): without policyTypes, a policy is of type Ingress,
 * plus Egress when it has egress rules; port protocols default to TCP.
 */
export function readNetworkPolicy(reader: ObjectReader, interner: Interner): NetworkPolicy {
  const spec = reader.record(reader.object.spec, 'spec') ?? {};
  const ingressRules = reader.list(spec.ingress, 'spec.ingress') ?? [];
  const egressRules = reader.list(spec.egress, 'spec.egress') ?? [];
  const declaredTypes = reader.strings(spec.policyTypes, 'spec.policyTypes') ?? [];
  for (const type of declaredTypes) {
    if (type !== 'Ingress' && type !== 'Egress') reader.fail('spec.policyTypes', `unknown policy type ${type}`);
  }
  const types = declaredTypes.length > 0 ? declaredTypes : egressRules.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  return {
    ref: reader.ref,
    namespace: reader.namespace,
    name: reader.name,
    // A missing podSelector is the empty selector: every pod of the namespace.
    podSelector: interner.selector(parseSelector(spec.podSelector, 'spec.podSelector', reader.fail) ?? SELECT_ALL),
    // Both fields always present (undefined when the type is absent): one object shape for the hot loops.
    ingress: types.includes('Ingress') ? readRules(reader, interner, ingressRules, 'spec.ingress', 'from') : undefined,
    egress: types.includes('Egress') ? readRules(reader, interner, egressRules, 'spec.egress', 'to') : undefined,
  };
}

function readRules(
  reader: ObjectReader,
  interner: Interner,
  rules: readonly unknown[],
  path: string,
  peerField: 'from' | 'to',
): NetworkPolicyRule[] {
  return rules.map((raw, index) => {
    const rulePath = `${path}[${index}]`;
    const rule = reader.record(raw, rulePath) ?? {};
    const peers = reader.list(rule[peerField], `${rulePath}.${peerField}`) ?? [];
    const ports = reader.list(rule.ports, `${rulePath}.ports`) ?? [];
    // An empty or missing list means "all" (NetworkPolicyIngressRule / NetworkPolicyEgressRule API docs).
    return {
      peers: peers.length > 0 ? peers.map((peer, i) => interner.peer(readPeer(reader, peer, `${rulePath}.${peerField}[${i}]`))) : undefined,
      ports: ports.length > 0 ? ports.map((port, i) => readPort(reader, port, `${rulePath}.ports[${i}]`)) : undefined,
    };
  });
}

function readPeer(reader: ObjectReader, raw: unknown, path: string): NetworkPeer {
  const peer = reader.record(raw, path) ?? {};
  if (peer.ipBlock !== undefined && peer.ipBlock !== null) {
    if (peer.podSelector || peer.namespaceSelector) {
      reader.fail(path, 'ipBlock cannot be combined with podSelector or namespaceSelector');
    }
    const block = reader.record(peer.ipBlock, `${path}.ipBlock`) ?? {};
    const except = reader.strings(block.except, `${path}.ipBlock.except`) ?? [];
    return {
      kind: 'ipBlock',
      cidr: cidrOrFail(reader, block.cidr, `${path}.ipBlock.cidr`),
      except: except.map((text, i) => cidrOrFail(reader, text, `${path}.ipBlock.except[${i}]`)),
    };
  }
  const namespaceSelector = selectorField(reader, peer, 'namespaceSelector', path);
  const podSelector = selectorField(reader, peer, 'podSelector', path);
  if (!namespaceSelector && !podSelector) {
    reader.fail(path, 'a peer needs podSelector, namespaceSelector or ipBlock');
  }
  return { kind: 'pods', namespaceSelector, podSelector };
}

/** An optional selector of a peer; its path, for error messages, is built only when it is there. */
function selectorField(
  reader: ObjectReader,
  peer: Readonly<Record<string, unknown>>,
  field: 'namespaceSelector' | 'podSelector',
  path: string,
): LabelSelector | undefined {
  const raw = peer[field];
  return raw === undefined || raw === null ? undefined : parseSelector(raw, `${path}.${field}`, reader.fail);
}

function readPort(reader: ObjectReader, raw: unknown, path: string): NetworkPolicyPort {
  const entry = reader.record(raw, path) ?? {};
  const protocol = readProtocol(reader, entry.protocol, `${path}.protocol`);
  const port = entry.port;
  if (port === undefined || port === null) {
    if (entry.endPort !== undefined && entry.endPort !== null) reader.fail(`${path}.endPort`, 'endPort needs a numeric port');
    return { protocol };
  }
  if (typeof port === 'string') {
    if (entry.endPort !== undefined && entry.endPort !== null) reader.fail(`${path}.endPort`, 'endPort needs a numeric port');
    return { protocol, port };
  }
  const number = reader.port(port, `${path}.port`);
  if (entry.endPort === undefined || entry.endPort === null) return { protocol, port: number };
  const endPort = reader.port(entry.endPort, `${path}.endPort`);
  if (endPort < number) reader.fail(`${path}.endPort`, `endPort ${endPort} is below port ${number}`);
  return { protocol, port: number, endPort };
}

function cidrOrFail(reader: ObjectReader, value: unknown, path: string): Cidr {
  const text = reader.string(value, path) ?? reader.fail(path, 'missing CIDR');
  return parseCidr(text) ?? reader.fail(path, `invalid CIDR ${JSON.stringify(text)}`);
}
