import { compareStrings } from '../load/files';
import { Cidr, cidrRange, cidrsOfRange, formatAddress, parseCidr } from '../model/cidr';
import { Inventory, NetworkPolicy, NetworkPolicyPort, NetworkPolicyRule, Protocol } from '../model/types';

// Addresses outside the cluster are not workloads: policies name them by CIDR blocks (NetworkPolicy
// ipBlock, Istio ipBlocks and remoteIpBlocks) and egress rules name their ports. Cut at every
// block's bounds, the address space falls into runs that every policy treats alike, and so does the
// port space at every rule's port bounds: one address and one port of each run stand for all of it.

/** A run of addresses that no policy of the inventories tells apart. */
export interface AddressRun {
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
  /** Its first address, which stands for the run. */
  readonly address: string;
}

/** A run of destination ports of one protocol that no egress rule tells apart. */
export interface PortRun {
  readonly protocol: Protocol;
  readonly first: number;
  readonly last: number;
}

export interface OutsidePartition {
  readonly addresses: readonly AddressRun[];
  readonly ports: readonly PortRun[];
  /** The blocks AuthorizationPolicies name: they may bear on any workload's ingress. */
  readonly meshBlocks: readonly Cidr[];
}

/**
 * The runs of the blocks and ports that the policies of all the inventories name (two versions
 * compared by `diff` share one partition, so that their verdicts are compared run by run). IPv6 is
 * cut only when some policy names an IPv6 block; TCP and UDP always, SCTP when some egress rule
 * names it.
 */
export function outsidePartition(inventories: readonly Inventory[]): OutsidePartition {
  const meshBlocks = inventories.flatMap(authorizationBlocks);
  // One walk over every rule of every NetworkPolicy (a big mesh has hundreds of thousands of peers)
  // collects both the blocks and the egress ports; port cuts are numbers while collecting, since
  // every egress rule of a big mesh names the same few ports.
  const blocks: Cidr[] = [];
  const portCuts = new Map<Protocol, Set<number>>([['TCP', new Set([1, 65536])], ['UDP', new Set([1, 65536])]]);
  for (const inventory of inventories) {
    for (const policy of inventory.networkPolicies) {
      for (const rule of policy.ingress ?? []) addIpBlocks(rule, blocks);
      for (const rule of policy.egress ?? []) {
        addIpBlocks(rule, blocks);
        for (const port of rule.ports ?? []) {
          const cuts = portCuts.get(port.protocol) ?? new Set([1, 65536]);
          portCuts.set(port.protocol, cuts);
          if (typeof port.port === 'number') cuts.add(port.port).add((port.endPort ?? port.port) + 1);
        }
      }
    }
  }
  const allBlocks = blocks.concat(meshBlocks);
  const families: (4 | 6)[] = allBlocks.some((block) => block.family === 6) ? [4, 6] : [4];
  const addresses = families.flatMap((family) => {
    const cuts = [0n, 1n << BigInt(family === 4 ? 32 : 128)];
    for (const block of allBlocks) {
      if (block.family === family) cuts.push(block.network, cidrRange(block).last + 1n);
    }
    return runs(cuts).map(([first, last]) => ({ family, first, last, address: formatAddress(family, first) }));
  });
  const ports = [...portCuts].sort(([a], [b]) => compareStrings(a, b))
    .flatMap(([protocol, cuts]) => runs([...cuts].map(BigInt)).map(([first, last]) => ({ protocol, first: Number(first), last: Number(last) })));
  return { addresses, ports, meshBlocks };
}

/** [first, last] between consecutive distinct cuts (the last cut is one past the end). */
function runs(cuts: bigint[]): [bigint, bigint][] {
  const sorted = [...new Set(cuts)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.slice(1).map((end, i) => [sorted[i], end - 1n]);
}

/** The IP blocks (and their holes) that the policies' rules of a direction name. */
export function ipBlocksOf(policies: readonly NetworkPolicy[], direction: 'ingress' | 'egress'): Cidr[] {
  const blocks: Cidr[] = [];
  for (const policy of policies) {
    for (const rule of policy[direction] ?? []) addIpBlocks(rule, blocks);
  }
  return blocks;
}

function addIpBlocks(rule: NetworkPolicyRule, blocks: Cidr[]): void {
  for (const peer of rule.peers ?? []) if (peer.kind === 'ipBlock') blocks.push(peer.cidr, ...peer.except);
}

/** Runs never straddle a block the partition was cut at: inside it or outside it as a whole. */
export function runInside(run: AddressRun, block: Cidr): boolean {
  if (run.family !== block.family) return false;
  const { first, last } = cidrRange(block);
  return run.first >= first && run.last <= last;
}

/** Whether a port run lies inside a rule's numbered port or range (named ports never hold an outside port). */
export function portRunInside(run: PortRun, port: NetworkPolicyPort): boolean {
  return typeof port.port === 'number' && run.first >= port.port && run.last <= (port.endPort ?? port.port);
}

/** Every block an AuthorizationPolicy names in an address field or condition (unparsable ones name nothing). */
function authorizationBlocks(inventory: Inventory): Cidr[] {
  const texts: string[] = [];
  for (const policy of inventory.authorizationPolicies) {
    for (const rule of policy.rules) {
      for (const source of rule.from) {
        texts.push(...source.ipBlocks ?? [], ...source.notIpBlocks ?? [], ...source.remoteIpBlocks ?? [], ...source.notRemoteIpBlocks ?? []);
      }
      for (const condition of rule.when) {
        if (condition.key === 'source.ip' || condition.key === 'remote.ip') texts.push(...condition.values, ...condition.notValues);
      }
    }
  }
  return texts.flatMap((text) => parseCidr(text) ?? []);
}

/**
 * The addresses of some runs, as a reviewer reads them, per family: the fewest CIDR blocks, or the
 * smallest block that holds them all with the blocks it holds that are not theirs (`10.0.0.0/8
 * except 10.1.0.0/16`), whichever is shorter; the whole family is `any IPv4 address`.
 */
export function describeAddresses(chosen: readonly AddressRun[], partition: OutsidePartition): string {
  const families = [...new Set(partition.addresses.map((run) => run.family))];
  return families.flatMap((family) => {
    const all = partition.addresses.filter((run) => run.family === family);
    const picked = new Set(chosen.filter((run) => run.family === family));
    if (picked.size === 0) return [];
    const inside = all.filter((run) => picked.has(run));
    const blocks = (runsOf: readonly AddressRun[]) => merged(runsOf).flatMap(([first, last]) => cidrsOfRange(family, first, last));
    const listed = blocks(inside);
    const [low, high] = coveringBlock(inside[0].first, inside[inside.length - 1].last);
    const [cover] = cidrsOfRange(family, low, high);
    // What the covering block holds besides the runs: the other runs, cut to the block.
    const holes = blocks(all.filter((run) => !picked.has(run) && run.last >= low && run.first <= high)
      .map((run) => ({ ...run, first: run.first > low ? run.first : low, last: run.last < high ? run.last : high })));
    const name = cover.endsWith('/0') ? `any IPv${family} address` : cover;
    if (holes.length === 0) return [name];
    return [listed.length <= holes.length + 1 ? listed.join(', ') : `${name} except ${holes.join(', ')}`];
  }).join('; ');
}

/** The first and last address of the smallest CIDR block holding both addresses. */
function coveringBlock(first: bigint, last: bigint): [bigint, bigint] {
  let hostBits = 0n;
  while ((first >> hostBits) !== (last >> hostBits)) hostBits++;
  const low = (first >> hostBits) << hostBits;
  return [low, low + (1n << hostBits) - 1n];
}

/** The ports of some runs of one protocol: `any port`, `443, 8000-8080`, or `any port except 25`. */
export function describePorts(chosen: readonly PortRun[], partition: OutsidePartition, protocol: Protocol): string {
  const all = partition.ports.filter((run) => run.protocol === protocol);
  const picked = new Set(chosen);
  if (all.every((run) => picked.has(run))) return 'any port';
  const ranges = (runsOf: readonly PortRun[]) => merged(runsOf.map((run) => ({ first: BigInt(run.first), last: BigInt(run.last) })))
    .map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`));
  const inside = ranges(all.filter((run) => picked.has(run)));
  const outside = ranges(all.filter((run) => !picked.has(run)));
  return outside.length < inside.length ? `any port except ${outside.join(', ')}` : inside.join(', ');
}

/** Adjacent runs (in order) joined. */
function merged(sorted: readonly { readonly first: bigint; readonly last: bigint }[]): [bigint, bigint][] {
  const joined: [bigint, bigint][] = [];
  for (const { first, last } of sorted) {
    const previous = joined.at(-1);
    if (previous && previous[1] + 1n === first) previous[1] = last;
    else joined.push([first, last]);
  }
  return joined;
}
