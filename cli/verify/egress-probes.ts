import type { Protocol } from '../../analyzer';
import { compareStrings } from '../../analyzer/load/files';
import type { DeclaredAccess } from '../../constructs';
import { OUTSIDE_ADDRESSES, addressInside, inBlock } from './addresses';
import { Probe } from './probes';
import { CONTROL_PLANE_WORKLOAD, DNS_WORKLOAD, NAMESPACE_PROBE } from './stand-ins';

/** A port no declaration opens, probed so that egress left open on every port is caught. */
const SPARE_PORT = 65001;
/**
 * Where pods send DNS queries: resolv.conf names no port. A DNS CIDR (a node-local cache) answers
 * there untranslated; the DNS pods' own port (`dns.port`) is what the `kube-dns` Service translates to.
 */
const RESOLVER_PORT = 53;

type PortAndProtocol = { readonly port: number; readonly protocol: 'TCP' | 'UDP' };

/**
 * Egress beyond the mesh's own services, by the declaration alone: every service reaches DNS and the
 * control plane (the platform pods, stood in for, and DNS's CIDRs); grant holders, and only they,
 * reach the API server; each service reaches the IP blocks it declared with `allowTo`, on their ports
 * only, never their `except` ranges, and the pods of the namespaces outside the mesh it declared, on
 * their ports only; nobody reaches an address nothing declares, or a declared
 * address on a port nothing declares. Istio enforces nothing at a destination outside the mesh
 * (`mesh: true`): NetworkPolicy alone must hold these lines.
 */
export function egressProbes(declared: DeclaredAccess): Probe[] {
  const { dns, controlPlane, apiServer } = declared.platform;
  const probes: Probe[] = [];
  const holders = new Set(declared.grants.map((grant) => grant.holder));
  const addresses = probedAddresses(declared);
  const ports = probedPorts(declared);
  for (const service of declared.services) {
    const from = `${service.namespace}/${service.name}`;
    for (const protocol of ['UDP', 'TCP'] as const) {
      probes.push(open({ from, to: `${dns.namespace}/${DNS_WORKLOAD}`, port: dns.port, protocol }));
    }
    probes.push(open({ from, to: `${controlPlane.namespace}/${CONTROL_PLANE_WORKLOAD}`, port: controlPlane.port, protocol: 'TCP' }));
    for (const address of addresses) {
      for (const { port, protocol } of ports) {
        const declaredEgress = declared.externalEgress.some((edge) => edge.from === from && inBlock(edge.cidr, edge.except, address)
          && edge.ports.some((p) => p.port === port && p.protocol === protocol));
        const toApiServer = holders.has(from) && port === apiServer.port && protocol === 'TCP'
          && apiServer.cidrs.some((cidr) => inBlock(cidr, [], address));
        const toDns = port === RESOLVER_PORT && dns.cidrs.some((cidr) => inBlock(cidr, [], address));
        probes.push({ request: { from, to: `ip:${address}`, port, protocol }, network: declaredEgress || toApiServer || toDns, mesh: true });
      }
    }
    probes.push(...namespaceEgressProbes(declared, from));
  }
  return probes;
}

/**
 * Egress of one service to the pods of namespaces outside the mesh (the stand-in pod of each that
 * `allowTo(Peer.namespace(...))` names): open on the declared ports, closed on the others declared
 * there and on a spare one. The mesh writes no policy in those namespaces, so Istio lets all in.
 */
function namespaceEgressProbes(declared: DeclaredAccess, from: string): Probe[] {
  const edges = declared.namespaceEgress ?? [];
  const namespaces = [...new Set(edges.map((edge) => edge.namespace))].sort();
  const ports = uniquePorts([...edges.flatMap((edge) => edge.ports), { port: SPARE_PORT, protocol: 'TCP' }]);
  return namespaces.flatMap((namespace) => ports.map(({ port, protocol }): Probe => ({
    request: { from, to: `${namespace}/${NAMESPACE_PROBE}`, port, protocol },
    network: edges.some((edge) => edge.from === from && edge.namespace === namespace && edge.ports.some((p) => p.port === port && p.protocol === protocol)),
    mesh: true,
  })));
}

const open = (request: { from: string; to: string; port: number; protocol: Protocol }): Probe => ({ request, network: true, mesh: true });

/** An address inside each declared block (and inside each of its holes), the API server's and DNS's, and one outside them all. */
function probedAddresses(declared: DeclaredAccess): string[] {
  const { dns, apiServer } = declared.platform;
  const blocks = [
    ...declared.externalEgress.map((edge) => ({ cidr: edge.cidr, except: edge.except })),
    ...declared.externalEgress.flatMap((edge) => edge.except.map((hole) => ({ cidr: hole, except: [] }))),
    ...[...apiServer.cidrs, ...dns.cidrs].map((cidr) => ({ cidr, except: [] })),
  ];
  const addresses = new Set<string>();
  for (const { cidr, except } of blocks) {
    const address = addressInside(cidr, except);
    if (address) addresses.add(address);
  }
  const outside = OUTSIDE_ADDRESSES.find((address) => !blocks.some((block) => inBlock(block.cidr, [], address)));
  if (outside) addresses.add(outside);
  return [...addresses].sort();
}

/** Every port an egress declaration names, the API server's, DNS's (the pods' and the resolver's), and a spare one. */
function probedPorts(declared: DeclaredAccess): PortAndProtocol[] {
  const { dns, apiServer } = declared.platform;
  const ports: PortAndProtocol[] = [
    ...declared.externalEgress.flatMap((edge) => edge.ports),
    { port: apiServer.port, protocol: 'TCP' },
    { port: dns.port, protocol: 'UDP' },
    { port: dns.port, protocol: 'TCP' },
    { port: RESOLVER_PORT, protocol: 'UDP' },
    { port: RESOLVER_PORT, protocol: 'TCP' },
    { port: SPARE_PORT, protocol: 'TCP' },
  ];
  return uniquePorts(ports);
}

function uniquePorts(ports: readonly PortAndProtocol[]): PortAndProtocol[] {
  const unique = new Map(ports.map((p) => [`${p.port}/${p.protocol}`, p]));
  return [...unique.values()].sort((a, b) => a.port - b.port || compareStrings(a.protocol, b.protocol));
}
