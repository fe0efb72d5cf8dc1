/**
 * IPv4/IPv6 addresses and CIDR blocks, enough for NetworkPolicy ipBlock and Istio ipBlocks.
 * Addresses are held as bigint so that both families share one comparison.
 */
export interface Cidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
  readonly text: string;
}

/** Parses "a.b.c.d/n", "x:y::z/n", or a bare address (Istio allows one; it means /32 or /128). */
export function parseCidr(text: string): Cidr | undefined {
  const [addressText, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const address = parseAddress(addressText);
  if (!address) return undefined;
  const bits = address.family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? '0') || prefix > bits) return undefined;
  // Host bits are ignored, as the API server does for NetworkPolicy ("10.0.1.1/4" is 0.0.0.0/4).
  return { family: address.family, network: address.value & mask(prefix, bits), prefix, text };
}

export function parseAddress(text: string): { family: 4 | 6; value: bigint } | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

export function cidrContains(cidr: Cidr, addressText: string): boolean {
  const address = parseAddress(addressText);
  if (!address || address.family !== cidr.family) return false;
  const bits = cidr.family === 4 ? 32 : 128;
  return (address.value & mask(cidr.prefix, bits)) === cidr.network;
}

/** The first and last address of a block, as numbers. */
export function cidrRange(cidr: Cidr): { readonly first: bigint; readonly last: bigint } {
  const size = 1n << BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefix);
  return { first: cidr.network, last: cidr.network + size - 1n };
}

/** True when the block holds every address of its family (0.0.0.0/0, ::/0). */
export function cidrCoversEverything(cidr: Cidr): boolean {
  return cidr.prefix === 0;
}

function mask(prefix: number, bits: number): bigint {
  if (prefix === 0) return 0n;
  return ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
  const lastGroup = (tail.length > 0 ? tail : head).at(-1);
  // An embedded IPv4 tail ("::ffff:10.0.0.1") counts as two groups.
  const embedded = lastGroup !== undefined && lastGroup.includes('.') ? parseIpv4(lastGroup) : undefined;
  if (lastGroup !== undefined && lastGroup.includes('.') && embedded === undefined) return undefined;
  const groups = [...head, ...tail].filter((group) => !group.includes('.'));
  const groupCount = groups.length + (embedded === undefined ? 0 : 2);
  if (halves.length === 1 ? groupCount !== 8 : groupCount > 7) return undefined;
  const expanded = [
    ...head.filter((group) => !group.includes('.')),
    ...new Array(8 - groupCount).fill('0'),
    ...tail.filter((group) => !group.includes('.')),
  ];
  let value = 0n;
  for (const group of expanded) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return embedded === undefined ? value : (value << 32n) | embedded;
}

/**
 * The text of an address: dotted IPv4, or IPv6 in its canonical text (RFC 5952: lowercase, the longest
 * run of two or more zero groups written `::`, the first of equally long runs).
 */
export function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => Number((value >> shift) & 0xffffn));
  let best = { at: -1, length: 1 };
  for (let at = 0; at < 8;) {
    let end = at;
    while (end < 8 && groups[end] === 0) end++;
    if (end - at > best.length) best = { at, length: end - at };
    at = Math.max(end, at + 1);
  }
  const hex = (part: number[]) => part.map((group) => group.toString(16)).join(':');
  if (best.at < 0) return hex(groups);
  return `${hex(groups.slice(0, best.at))}::${hex(groups.slice(best.at + best.length))}`;
}

/** The fewest CIDR blocks that cover exactly the addresses first..last of the family. */
export function cidrsOfRange(family: 4 | 6, first: bigint, last: bigint): string[] {
  const bits = family === 4 ? 32 : 128;
  const blocks: string[] = [];
  for (let start = first; start <= last;) {
    // The largest block aligned at `start` that does not pass `last`.
    let size = 0;
    while (size < bits && (start & ((1n << BigInt(size + 1)) - 1n)) === 0n && start + (1n << BigInt(size + 1)) - 1n <= last) size++;
    blocks.push(`${formatAddress(family, start)}/${bits - size}`);
    start += 1n << BigInt(size);
  }
  return blocks;
}

/** RFC 5737 (IPv4) and RFC 3849 (IPv6) documentation ranges: no cluster gives its pods these. */
const DOCUMENTATION_RANGES = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'].map((text) => parseCidr(text) as Cidr);

/**
 * Whether an address the manifests do not tell (a pod of a controller: its IP is given at run time)
 * is inside a block: surely when the block holds every address, surely not when the block lies in a
 * documentation range, else it may or may not be, and an answer must not depend on it.
 */
export function unknownAddressInside(block: Cidr): 'yes' | 'no' | 'unknown' {
  if (cidrCoversEverything(block)) return 'yes';
  // Compared as numbers: this is asked for every ipBlock of every rule evaluated against such a pod.
  const bits = block.family === 4 ? 32 : 128;
  const inDocumentation = DOCUMENTATION_RANGES.some((range) =>
    range.family === block.family && block.prefix >= range.prefix && (block.network & mask(range.prefix, bits)) === range.network);
  return inDocumentation ? 'no' : 'unknown';
}
