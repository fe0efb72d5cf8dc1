import * as fc from 'fast-check';
import { LoadedObject, buildInventory, reach } from '../../analyzer';
import { declaredWorkloads } from '../../cli/verify/stand-ins';
import { DeclaredAccess, Severity } from '../../constructs';
import { declareMesh, meshSpecOf } from './random-mesh';

// A second witness for `reach`'s access outside the cluster (analyzer/reach/outside*.ts): for random
// meshes, what the analyzer reads out of the synthesized manifests must be what the declaration
// implies. The expectation is computed here from DeclaredAccess alone, with address arithmetic of
// its own, and the analyzer's `outside` entries are parsed back from their text: so the grouping
// and the wording (`10.0.0.0/8 except ...`, `any port except 25`) are checked too, not only verdicts.

/**
 * An inclusive range on one number line: ports, or addresses of both families, IPv4 ones as their
 * value and IPv6 ones after them (offset by 2^32), so that one range set holds `a; b` of both.
 */
type Range = readonly [bigint, bigint];

const IPV6_OFFSET = 1n << 32n;
const FAMILY = {
  4: { bits: 32n, offset: 0n, all: [0n, IPV6_OFFSET - 1n] as Range },
  6: { bits: 128n, offset: IPV6_OFFSET, all: [IPV6_OFFSET, IPV6_OFFSET + (1n << 128n) - 1n] as Range },
} as const;
const PORTS_ALL: Range = [1n, 65535n];

/** Sorted, disjoint, non-adjacent ranges. */
function normalized(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const joined: Array<[bigint, bigint]> = [];
  for (const [first, last] of sorted) {
    const previous = joined.at(-1);
    if (previous && first <= previous[1] + 1n) previous[1] = last > previous[1] ? last : previous[1];
    else joined.push([first, last]);
  }
  return joined;
}

function subtract(ranges: readonly Range[], holes: readonly Range[]): Range[] {
  let rest = normalized(ranges);
  for (const [holeFirst, holeLast] of holes) {
    rest = rest.flatMap(([first, last]): Range[] => {
      if (holeLast < first || holeFirst > last) return [[first, last]];
      return [...(first < holeFirst ? [[first, holeFirst - 1n] as Range] : []), ...(holeLast < last ? [[holeLast + 1n, last] as Range] : [])];
    });
  }
  return rest;
}

/** An address on the number line: dotted IPv4, or IPv6 with at most one `::` (no embedded IPv4; nothing here writes one). */
function parseAddress(text: string): { family: 4 | 6; value: bigint } {
  if (!text.includes(':')) {
    const octets = text.split('.');
    if (octets.length !== 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255)) throw new Error(`not an IPv4 address: '${text}'`);
    return { family: 4, value: octets.reduce((value, octet) => (value << 8n) + BigInt(octet), 0n) };
  }
  const halves = text.split('::');
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const [left, right = undefined] = halves.map(groups);
  const all = right === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  if (halves.length > 2 || all.length !== 8 || all.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) throw new Error(`not an IPv6 address: '${text}'`);
  return { family: 6, value: FAMILY[6].offset + all.reduce((value, group) => (value << 16n) + BigInt(`0x${group}`), 0n) };
}

/** An address of the number line as a reader wants it in a failure message (IPv6 uncompressed). */
function formatAddress(value: bigint): string {
  if (value < IPV6_OFFSET) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  const v6 = value - IPV6_OFFSET;
  return [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((v6 >> shift) & 0xffffn).toString(16)).join(':');
}

/** The addresses of a CIDR block; a host address with bits beyond the prefix is refused, as nothing here writes one. */
function cidrRange(text: string): Range {
  const [address, prefixText] = text.split('/');
  const { family, value } = parseAddress(address);
  const { bits, offset } = FAMILY[family];
  if (!/^\d+$/.test(prefixText ?? '') || BigInt(prefixText) > bits) throw new Error(`not a CIDR: '${text}'`);
  const size = 1n << (bits - BigInt(prefixText));
  if ((value - offset) % size !== 0n) throw new Error(`not a network address: '${text}'`);
  return [value, value + size - 1n];
}

const isIpv6 = (cidr: string) => cidr.includes(':');

/**
 * The addresses of an `addresses` text: per family (joined by `; `), `any IPv4 address` (or IPv6),
 * CIDR blocks (`a, b`), or either followed by `except` blocks.
 */
function parseAddresses(text: string): Range[] {
  return normalized(text.split('; ').flatMap((family) => {
    const [head, holes] = family.split(' except ');
    const block = (part: string) => (part === 'any IPv4 address' ? FAMILY[4].all : part === 'any IPv6 address' ? FAMILY[6].all : cidrRange(part));
    const inside = head.split(', ').map(block);
    if (holes === undefined) return inside;
    if (inside.length !== 1) throw new Error(`'except' after a list of blocks: '${text}'`);
    return subtract(inside, holes.split(', ').map(cidrRange));
  }));
}

/** The ports of a `ports` text: `any port`, `443, 8000-8080`, or `any port except 25`. */
function parsePorts(text: string): Range[] {
  const list = (part: string) => part.split(', ').map((item): Range => {
    if (!/^\d+(-\d+)?$/.test(item)) throw new Error(`not a port range: '${item}' in '${text}'`);
    const [first, last = first] = item.split('-').map(BigInt);
    if (first < 1n || last > 65535n || first > last) throw new Error(`not a port range: '${item}' in '${text}'`);
    return [first, last];
  });
  if (text === 'any port') return [PORTS_ALL];
  if (text.startsWith('any port except ')) return subtract([PORTS_ALL], list(text.slice('any port except '.length)));
  return normalized(list(text));
}

const port = (value: number): Range => [BigInt(value), BigInt(value)];

/** A set of (address, port) pairs as the union of boxes: address ranges x port ranges. */
interface Box { readonly addresses: readonly Range[]; readonly ports: readonly Range[] }

/** Access of one workload in one direction over one protocol: `egress ns0/svc0x1 TCP`. */
type Access = Map<string, Box[]>;

function add(access: Access, key: string, box: Box): void {
  if (box.addresses.length === 0 || box.ports.length === 0) return;
  access.set(key, [...(access.get(key) ?? []), box]);
}

const transportOf = (protocol: string): 'TCP' | 'UDP' => (protocol === 'UDP' ? 'UDP' : 'TCP');
const blockMinus = (cidr: string, except: readonly string[]) => subtract([cidrRange(cidr)], except.map(cidrRange));

/**
 * What the declaration implies outside the cluster, from DeclaredAccess alone:
 * - into a declared service's container port: the IP-block peers of the edges on that port, minus
 *   their holes, as a plaintext client with no sidecar sees them. NetworkPolicy lets in every block
 *   of the port. Istio then needs the connection accepted in plaintext: UDP is not intercepted, a
 *   PERMISSIVE mesh accepts plaintext everywhere, and under STRICT only a port that a PLAINTEXT
 *   peer's edge names gets its port-level PERMISSIVE exception. That exception is per port, not per
 *   peer: an MTLS block allowed on such a port is let in in plaintext too (the AuthorizationPolicy
 *   matches it by `ipBlocks`, which say nothing of transport). HTTP restrictions do not count, as
 *   the analyzer reports a port open to an address when some request may pass.
 * - out of a declared service: only NetworkPolicy (sidecars pass outbound traffic through): its
 *   declared external egress on the declared ports, the DNS blocks on 53 over UDP and TCP, and the
 *   API server blocks on its port for the holders of grants. Egress to pods (the DNS pods, the
 *   control plane, `allowTo(Peer.namespace(...))`) names no address outside the cluster.
 * - every other workload (the gateways, the pods of namespaces outside the mesh) is in a namespace
 *   the mesh does not manage: no policy isolates it, so it reaches any address on any port; IPv6
 *   ones too once some policy names an IPv6 block (before, reach speaks of IPv4 alone).
 */
function declaredOutside(declared: DeclaredAccess, workloads: readonly { id: string; ports: readonly unknown[] }[]): Access {
  const access: Access = new Map();
  const plaintextEverywhere = declared.mtlsMode === 'PERMISSIVE';
  const { dns, apiServer } = declared.platform;
  for (const service of declared.services) {
    const id = `${service.namespace}/${service.name}`;
    const blockEdges = declared.edges.filter((edge) => edge.to === id && edge.from.kind === 'ipBlock');
    for (const { containerPort, protocol } of service.ports) {
      const transport = transportOf(protocol);
      // An edge names container ports by number only: one served over both TCP and UDP is taken as
      // both, as `verify` takes it (an edge to only one of them would show up here as a difference).
      const edges = blockEdges.filter((edge) => edge.containerPorts.includes(containerPort));
      const plaintextAccepted = transport === 'UDP' || plaintextEverywhere
        || edges.some((edge) => edge.from.kind === 'ipBlock' && edge.from.transport === 'PLAINTEXT');
      if (!plaintextAccepted) continue;
      const addresses = normalized(edges.flatMap((edge) => (edge.from.kind === 'ipBlock' ? blockMinus(edge.from.cidr, edge.from.except) : [])));
      add(access, `ingress ${id} ${transport}`, { addresses, ports: [port(containerPort)] });
    }
    for (const egress of declared.externalEgress.filter((e) => e.from === id)) {
      for (const to of egress.ports) add(access, `egress ${id} ${to.protocol}`, { addresses: blockMinus(egress.cidr, egress.except), ports: [port(to.port)] });
    }
    // Pods query the DNS blocks on 53 whatever the DNS pods' own port (DeclaredPlatform.dns).
    for (const protocol of ['UDP', 'TCP']) add(access, `egress ${id} ${protocol}`, { addresses: dns.cidrs.map(cidrRange), ports: [port(53)] });
    if (declared.grants.some((grant) => grant.holder === id)) {
      add(access, `egress ${id} TCP`, { addresses: apiServer.cidrs.map(cidrRange), ports: [port(apiServer.port)] });
    }
  }
  const policyBlocks = [
    ...declared.edges.flatMap((edge) => (edge.from.kind === 'ipBlock' ? [edge.from.cidr] : [])),
    ...declared.externalEgress.map((egress) => egress.cidr),
    ...dns.cidrs,
    ...(declared.grants.length > 0 ? apiServer.cidrs : []),
  ];
  const anyAddress = policyBlocks.some(isIpv6) ? [FAMILY[4].all, FAMILY[6].all] : [FAMILY[4].all];
  const serviceIds = new Set(declared.services.map((s) => `${s.namespace}/${s.name}`));
  for (const workload of workloads.filter((w) => !serviceIds.has(w.id))) {
    // The stand-ins outside the mesh have no ports: nothing to ask of their ingress.
    expect(workload.ports).toEqual([]);
    for (const protocol of ['TCP', 'UDP']) add(access, `egress ${workload.id} ${protocol}`, { addresses: anyAddress, ports: [PORTS_ALL] });
  }
  return access;
}

/** The analyzer's `outside` entries as boxes, parsed back from their text. */
function reportedOutside(entries: ReturnType<typeof reach>['outside']): Access {
  const access: Access = new Map();
  for (const entry of entries) {
    const ports = entry.direction === 'ingress' ? [port(entry.port!)] : parsePorts(entry.ports!);
    add(access, `${entry.direction} ${entry.workload} ${entry.protocol}`, { addresses: parseAddresses(entry.addresses), ports });
  }
  return access;
}

/**
 * How the entries are grouped, which the union of their boxes does not show: ingress entries of a
 * workload, port and protocol (one per allowing rule) never share an address; egress entries of a
 * workload and protocol grouped by the ports allowed, so that no two name the same ports or share an
 * address.
 */
function groupingProblems(entries: ReturnType<typeof reach>['outside']): string[] {
  const problems: string[] = [];
  const seen = new Map<string, Range[]>();
  for (const entry of entries) {
    const key = entry.direction === 'ingress' ? `ingress ${entry.workload} ${entry.protocol} port ${entry.port}` : `egress ${entry.workload} ${entry.protocol} ports ${entry.ports}`;
    // Ingress: one entry per allowing rule (each with its reason and HTTP limits), never two for one address.
    if (entry.direction === 'egress' && seen.has(key)) problems.push(`${key}: more than one entry`);
    seen.set(key, parseAddresses(entry.addresses));
    for (const other of entries) {
      const sameGroup = other.direction === entry.direction && other.workload === entry.workload && other.protocol === entry.protocol
        && (entry.direction === 'egress' || other.port === entry.port);
      if (other === entry || !sameGroup) continue;
      const shared = subtract(parseAddresses(entry.addresses), subtract(parseAddresses(entry.addresses), parseAddresses(other.addresses)));
      if (shared.length > 0) problems.push(`${key} and ${other.ports ?? other.addresses}: both hold ${describeRange(shared[0], formatAddress)}`);
    }
  }
  return problems;
}

/** The bounds that cut a dimension of some boxes into runs that each box holds entirely or not at all. */
function cuts(boxes: readonly Box[], dimension: 'addresses' | 'ports'): bigint[] {
  const points = new Set<bigint>();
  for (const box of boxes) for (const [first, last] of box[dimension]) points.add(first).add(last + 1n);
  return [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const inside = (ranges: readonly Range[], value: bigint) => ranges.some(([first, last]) => first <= value && value <= last);
const holds = (boxes: readonly Box[], address: bigint, to: bigint) => boxes.some((box) => inside(box.addresses, address) && inside(box.ports, to));

const describeRange = ([first, last]: Range, format: (n: bigint) => string) => (first === last ? format(first) : `${format(first)}-${format(last)}`);

/**
 * Where two accesses differ, one line per key, port run and side: the boxes of both sides cut at
 * all their bounds into cells that each side holds wholly or not at all (what lies beyond every
 * bound is held by neither).
 */
function differences(expected: Access, actual: Access): string[] {
  const lines: string[] = [];
  for (const key of [...new Set([...expected.keys(), ...actual.keys()])].sort()) {
    const want = expected.get(key) ?? [];
    const got = actual.get(key) ?? [];
    const addressCuts = cuts([...want, ...got], 'addresses');
    const portCuts = cuts([...want, ...got], 'ports');
    for (let p = 0; p + 1 < portCuts.length; p++) {
      const missing: Range[] = [];
      const extra: Range[] = [];
      for (let a = 0; a + 1 < addressCuts.length; a++) {
        const run: Range = [addressCuts[a], addressCuts[a + 1] - 1n];
        const [declaredHere, reportedHere] = [holds(want, run[0], portCuts[p]), holds(got, run[0], portCuts[p])];
        if (declaredHere && !reportedHere) missing.push(run);
        if (reportedHere && !declaredHere) extra.push(run);
      }
      const ports = describeRange([portCuts[p], portCuts[p + 1] - 1n], String);
      const list = (runs: Range[]) => normalized(runs).map((run) => describeRange(run, formatAddress)).join(', ');
      if (missing.length) lines.push(`${key} port ${ports}: declared but not reported: ${list(missing)}`);
      if (extra.length) lines.push(`${key} port ${ports}: reported but not declared: ${list(extra)}`);
    }
  }
  return lines;
}

const loaded = (objects: readonly object[]): LoadedObject[] =>
  objects.map((object, document) => ({ object: object as LoadedObject['object'], source: { file: 'synth', document } }));

describe('parsing the outside entries back (the witness must itself be right)', () => {
  const range = (first: string, last: string): Range => [parseAddress(first).value, parseAddress(last).value];

  test('GIVEN the wordings reach writes THEN they parse to the addresses and ports they name', () => {
    expect(parseAddresses('any IPv4 address')).toEqual([FAMILY[4].all]);
    expect(parseAddresses('203.0.113.0/24, 203.0.115.0/24')).toEqual([range('203.0.113.0', '203.0.113.255'), range('203.0.115.0', '203.0.115.255')]);
    expect(parseAddresses('203.0.113.0/24 except 203.0.113.0/28')).toEqual([range('203.0.113.16', '203.0.113.255')]);
    expect(parseAddresses('any IPv4 address except 0.0.0.0/1')).toEqual([range('128.0.0.0', '255.255.255.255')]);
    expect(parseAddresses('10.0.0.0/8; 2001:db8::/32 except 2001:db8::/48')).toEqual([range('10.0.0.0', '10.255.255.255'), range('2001:db8:1::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')]);
    expect(parseAddresses('any IPv4 address; any IPv6 address')).toEqual([[0n, (1n << 32n) + (1n << 128n) - 1n]]);
    expect(parsePorts('any port')).toEqual([PORTS_ALL]);
    expect(parsePorts('443, 5432-5440')).toEqual([port(443), [5432n, 5440n]]);
    expect(parsePorts('any port except 25, 30-40')).toEqual([[1n, 24n], [26n, 29n], [41n, 65535n]]);
    expect(() => parseAddresses('10.0.0.1/8')).toThrow(/network address/);
    expect(() => parseAddresses('any address')).toThrow(/IPv4 address/);
    expect(() => parsePorts('443-80')).toThrow(/port range/);
  });

  test('GIVEN two accesses that differ in one address run THEN the difference names the run and the side', () => {
    const box = (cidr: string, to: number): Box => ({ addresses: [cidrRange(cidr)], ports: [port(to)] });
    const expected: Access = new Map([['egress a/b TCP', [box('198.51.100.0/24', 443)]]]);
    const actual: Access = new Map([['egress a/b TCP', [box('198.51.100.16/28', 443), box('198.51.100.32/27', 443), box('198.51.100.64/26', 443), box('198.51.100.128/25', 443), box('2001:db8::/127', 80)]]]);
    expect(differences(expected, actual)).toEqual([
      'egress a/b TCP port 80: reported but not declared: 2001:db8:0:0:0:0:0:0-2001:db8:0:0:0:0:0:1',
      'egress a/b TCP port 443: declared but not reported: 198.51.100.0-198.51.100.15',
    ]);
    expect(differences(expected, new Map([['egress a/b TCP', [box('198.51.100.0/25', 443), box('198.51.100.128/25', 443)]]]))).toEqual([]);
  });
});

describe('reach(synth(mesh)) outside the cluster is what the declaration implies', () => {
  test('GIVEN random meshes with IP-block peers, egress blocks, DNS blocks and API grants WHEN synthesized, stood in and reached THEN the outside entries hold exactly the declared addresses and ports', () => {
    const seen = { ingress: 0, egress: 0, ipv6: 0, mtlsKeptOut: 0, mtlsLetIn: 0, mtlsLetInByException: 0 };
    fc.assert(fc.property(meshSpecOf({ ipBlockWeight: 6 }), (spec) => {
      const mesh = declareMesh(spec);
      expect(mesh.problems().filter((p) => p.severity === Severity.ERROR)).toEqual([]);
      const declared = mesh.declaredAccess();
      // As the CLI's `--stand-ins` does: the declared workloads first, so that the manifests' own
      // Namespaces and Services win over the stand-ins'.
      const inventory = buildInventory([...declaredWorkloads(declared), ...loaded(mesh.toManifests())]);
      const report = reach(inventory);
      expect(differences(declaredOutside(declared, inventory.workloads), reportedOutside(report.outside))).toEqual([]);
      expect(groupingProblems(report.outside)).toEqual([]);

      // What the runs covered, so that the property is known to have met each case.
      seen.ingress += report.outside.filter((e) => e.direction === 'ingress').length;
      seen.egress += report.outside.filter((e) => e.direction === 'egress').length;
      seen.ipv6 += report.outside.filter((e) => e.addresses.includes(':')).length;
      for (const edge of declared.edges) {
        if (edge.from.kind !== 'ipBlock' || edge.from.transport !== 'MTLS') continue;
        const [[address]] = blockMinus(edge.from.cidr, edge.from.except);
        const destination = declared.services.find((s) => `${s.namespace}/${s.name}` === edge.to)!;
        // TCP ports only: UDP lets every block in, sidecars not intercepting it.
        const tcpPorts = edge.containerPorts.filter((p) => destination.ports.some((d) => d.containerPort === p && transportOf(d.protocol) === 'TCP'));
        for (const containerPort of tcpPorts) {
          const entry = report.outside.find((e) => e.direction === 'ingress' && e.workload === edge.to && e.port === containerPort && e.protocol === 'TCP');
          if (!entry || !inside(parseAddresses(entry.addresses), address)) seen.mtlsKeptOut++;
          else if (declared.mtlsMode === 'PERMISSIVE') seen.mtlsLetIn++;
          else seen.mtlsLetInByException++;
        }
      }
    }), { numRuns: 300, seed: 20261203 });
    // The property held over many entries of both directions and both families, and over MTLS
    // blocks kept out (STRICT), let in (PERMISSIVE) and let in by a PLAINTEXT peer's exception.
    expect(seen.ingress).toBeGreaterThan(100);
    expect(seen.egress).toBeGreaterThan(1000);
    expect(seen.ipv6).toBeGreaterThan(20);
    expect(seen.mtlsKeptOut).toBeGreaterThan(10);
    expect(seen.mtlsLetIn).toBeGreaterThan(10);
    expect(seen.mtlsLetInByException).toBeGreaterThan(0);
  });
});
