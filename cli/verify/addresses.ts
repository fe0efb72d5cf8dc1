// Addresses the probes use: inside a declared IP block (outside its exceptions), or outside every one.

import { cidrContains, parseCidr } from '../../analyzer/model/cidr';

/** The first few addresses of a CIDR outside its exceptions (IPv4 only; undefined otherwise). */
export function addressInside(cidr: string, except: readonly string[]): string | undefined {
  const block = parseCidr(cidr);
  if (!block || block.family !== 4) return undefined;
  const excluded = except.map(parseCidr).filter((c): c is NonNullable<typeof c> => c !== undefined);
  const size = 2n ** BigInt(32 - block.prefix);
  for (let offset = size > 2n ? 1n : 0n; offset < size && offset < 64n; offset++) {
    const value = block.network + offset;
    const address = [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
    if (!excluded.some((c) => cidrContains(c, address))) return address;
  }
  return undefined;
}

/**
 * The addresses that probe an IP block: one inside it (outside its exceptions), and one inside each
 * exception, which must stay out.
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
