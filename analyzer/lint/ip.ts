// IP address and CIDR parsing with Go's exact acceptance rules, because the two validators this
// engine mirrors use two different Go parsers:
// - Istio (pkg/config/security/security.go ValidateIPs) uses net/netip: ParseAddr / ParsePrefix
//   ("strict": no leading zeros in IPv4 octets, at most 4 hex digits per IPv6 group, zones only
//   on plain addresses, no leading zeros in the prefix length).
// - Kubernetes NetworkPolicy (pkg/apis/networking/validation ValidateIPBlock ->
//   IsValidCIDRForLegacyField with the StrictIPCIDRValidation gate off by default) uses
//   k8s.io/utils/net ParseCIDRSloppy, a copy of Go 1.16 net.ParseCIDR ("sloppy": leading zeros
//   allowed, no zones).

type Strictness = 'strict' | 'sloppy';

/** A parsed address in Go's net.IP layout: 16 bytes, IPv4 as ::ffff:a.b.c.d. */
interface ParsedAddress {
  readonly bytes: number[];
  /** Written as dotted IPv4 (not as IPv6, even an IPv4-mapped one). */
  readonly textIsIPv4: boolean;
  readonly zone: string;
}

const V4_IN_V6_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function parseIPv4Octets(s: string, strictness: Strictness): number[] | undefined {
  const fields = s.split('.');
  if (fields.length !== 4) return undefined;
  const octets: number[] = [];
  for (const field of fields) {
    if (!/^[0-9]+$/.test(field)) return undefined;
    // netip rejects "010" (octal ambiguity); Go 1.16 net accepted and ignored the zeros.
    if (strictness === 'strict' && (field.length > 3 || (field.length > 1 && field[0] === '0'))) return undefined;
    const value = Number.parseInt(field, 10);
    if (value > 255) return undefined;
    octets.push(value);
  }
  return octets;
}

/** Go's parseIPv6 (netip and Go 1.16 net share the algorithm; they differ in hex group length). */
function parseIPv6Bytes(input: string, strictness: Strictness): number[] | undefined {
  const ip = new Array<number>(16).fill(0);
  let s = input;
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return ip;
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    while (off < s.length && /[0-9a-fA-F]/.test(s[off])) {
      acc = acc * 16 + Number.parseInt(s[off], 16);
      off++;
      if (strictness === 'strict' && off > 4) return undefined;
      if (acc > 0xffffff) return undefined;
    }
    if (off === 0 || acc > 0xffff) return undefined;
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && i !== 12) return undefined;
      if (i + 4 > 16) return undefined;
      const octets = parseIPv4Octets(s, strictness);
      if (octets === undefined) return undefined;
      ip.splice(i, 4, ...octets);
      s = '';
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    s = s.slice(off);
    if (s.length === 0) break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined;
    const gap = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + gap] = ip[j];
    for (let j = ellipsis; j < ellipsis + gap; j++) ip[j] = 0;
  } else if (ellipsis >= 0) {
    // "::" must stand for at least one group of zeros.
    return undefined;
  }
  return ip;
}

function parseAddress(text: string, strictness: Strictness): ParsedAddress | undefined {
  // Go decides the family by the first '.' or ':' it meets.
  const firstSeparator = text.search(/[.:%]/);
  if (firstSeparator < 0 || text[firstSeparator] === '%') return undefined;
  if (text[firstSeparator] === '.') {
    const octets = parseIPv4Octets(text, strictness);
    return octets && { bytes: [...V4_IN_V6_PREFIX, ...octets], textIsIPv4: true, zone: '' };
  }
  let address = text;
  let zone = '';
  const percent = text.indexOf('%');
  if (percent >= 0) {
    if (strictness === 'sloppy') return undefined;
    address = text.slice(0, percent);
    zone = text.slice(percent + 1);
    if (zone === '') return undefined;
  }
  const bytes = parseIPv6Bytes(address, strictness);
  return bytes && { bytes, textIsIPv4: false, zone };
}

/** netip.ParseAddr: accepts "10.1.2.3", "2001:db8::1", "fe80::1%eth0". */
export function isValidAddressStrict(text: string): boolean {
  return parseAddress(text, 'strict') !== undefined;
}

/** A CIDR as Go's net.IPNet sees it: network bytes (4 or 16) and mask length in that width. */
export interface Cidr {
  readonly network: number[];
  readonly prefixLength: number;
  /** The address part had bits set beyond the prefix ("10.0.0.1/24"). */
  readonly hostBitsSet: boolean;
}

function maskBytes(prefixLength: number, width: number): number[] {
  return Array.from({ length: width }, (_, i) => {
    const bits = Math.max(0, Math.min(8, prefixLength - i * 8));
    return (0xff << (8 - bits)) & 0xff;
  });
}

/** netip.ParsePrefix: last '/', no zone, prefix length without sign or leading zeros. */
export function isValidPrefixStrict(text: string): boolean {
  const slash = text.lastIndexOf('/');
  if (slash < 0) return false;
  const address = parseAddress(text.slice(0, slash), 'strict');
  if (address === undefined || address.zone !== '') return false;
  const bits = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(bits)) return false;
  return Number(bits) <= (address.textIsIPv4 ? 32 : 128);
}

/** k8s.io/utils/net ParseCIDRSloppy (Go 1.16 net.ParseCIDR). */
export function parseCidrSloppy(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseAddress(text.slice(0, slash), 'sloppy');
  const bits = text.slice(slash + 1);
  if (address === undefined || !/^[0-9]+$/.test(bits)) return undefined;
  const width = address.textIsIPv4 ? 4 : 16;
  const prefixLength = Number.parseInt(bits, 10);
  if (prefixLength > width * 8) return undefined;
  const ip = address.textIsIPv4 ? address.bytes.slice(12) : address.bytes;
  const mask = maskBytes(prefixLength, width);
  const network = ip.map((b, i) => b & mask[i]);
  return { network, prefixLength, hostBitsSet: network.some((b, i) => b !== ip[i]) };
}

/** Go's net.IP.To4: the 4-byte form of an IPv4 or IPv4-mapped address. */
function to4(ip: readonly number[]): number[] | undefined {
  if (ip.length === 4) return [...ip];
  return V4_IN_V6_PREFIX.every((b, i) => ip[i] === b) ? ip.slice(12) : undefined;
}

/** net.IPNet.Contains with Go's IPv4/IPv6 width reconciliation (networkNumberAndMask). */
function cidrContains(outer: Cidr, ip: readonly number[]): boolean {
  const network = to4(outer.network) ?? outer.network;
  let mask = maskBytes(outer.prefixLength, outer.network.length);
  if (mask.length === 16 && network.length === 4) mask = mask.slice(12);
  const candidate = to4(ip) ?? [...ip];
  if (candidate.length !== network.length) return false;
  return candidate.every((b, i) => (b & mask[i]) === network[i]);
}

/**
 * ValidateIPBlock's test for an `except` entry: inside `cidr` and with a longer prefix
 * (`!cidrIPNet.Contains(exceptCIDR.IP) || cidrMaskLen >= exceptMaskLen` is rejected).
 */
export function isStrictSubset(outer: Cidr, inner: Cidr): boolean {
  return cidrContains(outer, inner.network) && outer.prefixLength < inner.prefixLength;
}

/** 0.0.0.0/0 or ::/0: every address of the family. */
export function isWholeAddressSpace(cidr: Cidr): boolean {
  return cidr.prefixLength === 0;
}
