import { cidrContains, parseCidr } from '../../analyzer/model/cidr';

// Address blocks as NetworkPolicy ipBlock (API reference IPBlock) and Istio ipBlocks use them.
describe('CIDR blocks', () => {
  test('IPv6 blocks contain IPv6 addresses, including compressed and IPv4-embedded forms', () => {
    const block = parseCidr('fd00:10::/32');
    expect(block && cidrContains(block, 'fd00:10:0:1::5')).toBe(true);
    expect(block && cidrContains(block, 'fd00:11::5')).toBe(false);
    const mapped = parseCidr('::ffff:10.0.0.0/104');
    expect(mapped && cidrContains(mapped, '::ffff:10.1.2.3')).toBe(true);
  });

  test('an IPv4 block never contains an IPv6 address', () => {
    const block = parseCidr('0.0.0.0/0');
    expect(block && cidrContains(block, '::1')).toBe(false);
  });

  test('host bits are ignored, as the API server does ("10.0.1.1/4" is 0.0.0.0/4)', () => {
    const block = parseCidr('10.0.1.1/4');
    expect(block && cidrContains(block, '10.0.3.3')).toBe(true);
  });

  test('malformed blocks are rejected', () => {
    expect(['10.0.0.0/33', '10.0.0/8', 'fd00::/129', 'a.b.c.d', '1.2.3.4/x'].map(parseCidr)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
