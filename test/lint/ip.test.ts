// Go-compatible address parsing. Sources: Go net/netip ParseAddr/ParsePrefix (used by istio/istio
// pkg/config/security/security.go ValidateIPs) and k8s.io/utils/net ParseCIDRSloppy (Go 1.16
// net.ParseCIDR, used by kubernetes pkg/apis/core/validation/ips.go IsValidCIDRForLegacyField).
import { isStrictSubset, isValidAddressStrict, isValidPrefixStrict, parseCidrSloppy } from '../../analyzer/lint/ip';

describe('netip.ParseAddr (strict)', () => {
  it.each(['10.1.2.3', '0.0.0.0', '::', '::1', '2001:db8::ff00:42:8329', '::ffff:10.1.2.3', 'fe80::1%eth0', '1:2:3:4:5:6:7:8'])('accepts %s', (text) => {
    expect(isValidAddressStrict(text)).toBe(true);
  });

  it.each(['010.1.2.3', '10.1.2', '10.1.2.3.4', '256.1.2.3', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '12345::', 'fe80::1%', '', 'a.b.c.d', '1.2.3.4:80'])('rejects %s', (text) => {
    expect(isValidAddressStrict(text)).toBe(false);
  });
});

describe('netip.ParsePrefix (strict)', () => {
  it.each(['10.0.0.0/8', '10.0.0.1/8', '0.0.0.0/0', '2001:db8::/32', '::ffff:10.0.0.0/104'])('accepts %s', (text) => {
    expect(isValidPrefixStrict(text)).toBe(true);
  });

  it.each(['10.0.0.0/33', '10.0.0.0/08', '10.0.0.0/+8', '10.0.0.0/', '10.0.0.0', 'fe80::/129', 'fe80::1%eth0/64'])('rejects %s', (text) => {
    expect(isValidPrefixStrict(text)).toBe(false);
  });
});

describe('ParseCIDRSloppy and except containment', () => {
  it('accepts leading zeros in octets and prefix length', () => {
    expect(parseCidrSloppy('010.000.0.0/008')).toEqual({ network: [10, 0, 0, 0], prefixLength: 8, hostBitsSet: false });
  });

  it('masks host bits and remembers that they were set', () => {
    expect(parseCidrSloppy('10.1.2.3/16')).toEqual({ network: [10, 1, 0, 0], prefixLength: 16, hostBitsSet: true });
  });

  it('rejects zones', () => {
    expect(parseCidrSloppy('fe80::%eth0/64')).toBeUndefined();
  });

  it('treats an IPv4-mapped IPv6 network as IPv4 for containment, like net.IPNet.Contains', () => {
    expect(isStrictSubset(parseCidrSloppy('::ffff:10.0.0.0/104')!, parseCidrSloppy('::ffff:10.1.0.0/112')!)).toBe(true);
  });

  it('needs a strictly longer prefix', () => {
    expect(isStrictSubset(parseCidrSloppy('10.0.0.0/8')!, parseCidrSloppy('10.0.0.0/8')!)).toBe(false);
  });
});
