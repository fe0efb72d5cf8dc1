// Addresses the probes use: inside a declared IP block (outside its exceptions), or outside every one.

import { Cidr, cidrContains, cidrRange, formatAddress, parseCidr } from '../../analyzer/model/cidr';

/** An inclusive range of addresses of one family, as numbers. */
interface AddressRange {
  readonly first: bigint;
  readonly last: bigint;
}

/**
 * The lowest address from `start` on that no hole covers, if it is still at most `last`. Holes are
 * walked in order of their first address, so that any number of them, overlapping or adjacent,
 * costs one pass: however large the block, the answer is computed, not searched for.
 */
function firstUncovered(start: bigint, last: bigint, holes: readonly AddressRange[]): bigint | undefined {
  let candidate = start;
  for (const hole of holes) {
    if (hole.first > candidate) break;
    if (hole.last >= candidate) candidate = hole.last + 1n;
  }
  return candidate <= last ? candidate : undefined;
}

/**
 * An address of the CIDR outside its exceptions (IPv4 or IPv6), or undefined when the exceptions
 * cover every address of it (`blockWithoutAddresses` says so). The network address itself is the
 * last choice: a real client seldom has it, and a probe from it would look odd in a report.
 */
export function addressInside(cidr: string, except: readonly string[]): string | undefined {
  const block = parseCidr(cidr);
  if (!block) return undefined;
  const { first, last } = cidrRange(block);
  const holes = except.map(parseCidr)
    .filter((hole): hole is Cidr => hole !== undefined && hole.family === block.family)
    .map(cidrRange)
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const preferred = last - first > 1n ? firstUncovered(first + 1n, last, holes) : undefined;
  const address = preferred ?? firstUncovered(first, last, holes);
  return address === undefined ? undefined : formatAddress(block.family, address);
}

/** Whether the exceptions of a (valid) CIDR cover all of it, so that no address is inside the block. */
export function blockWithoutAddresses(cidr: string, except: readonly string[]): boolean {
  return parseCidr(cidr) !== undefined && addressInside(cidr, except) === undefined;
}

/**
 * The addresses that probe an IP block: one inside it (outside its exceptions, when any address is),
 * and one inside each exception, which must stay out.
 */
export function blockProbeAddresses(cidr: string, except: readonly string[]): string[] {
  return [addressInside(cidr, except), ...except.map((hole) => addressInside(hole, []))].filter((address): address is string => address !== undefined);
}

/** Documentation addresses (RFC 5737), for clients and servers outside everything declared. */
export const OUTSIDE_ADDRESSES = ['192.0.2.123', '198.51.100.234', '203.0.113.45'];

/** Whether `address` is in `cidr` and in none of its `except` ranges. */
export function inBlock(cidr: string, except: readonly string[], address: string): boolean {
  const block = parseCidr(cidr);
  return block !== undefined && cidrContains(block, address) && !except.some((hole) => inBlock(hole, [], address));
}
