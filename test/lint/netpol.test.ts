// NetworkPolicy admission. Source: kubernetes/kubernetes pkg/apis/networking/validation/validation.go
// (ValidateNetworkPolicySpec, ValidateNetworkPolicyPort, ValidateNetworkPolicyPeer, ValidateIPBlock),
// apimachinery meta/v1/validation ValidateLabelSelector, pkg/apis/core/validation/ips.go.
import { errors, lint, networkPolicy, warnings } from './fixtures';

function problemsOf(spec: unknown) {
  const problems = lint([networkPolicy('np', spec)]);
  for (const p of problems) expect([p.kind, p.namespace, p.name]).toEqual(['NetworkPolicy', 'shop', 'np']);
  return { errors: errors(problems).map((p) => p.message), warnings: warnings(problems).map((p) => p.message) };
}

const ingressPorts = (ports: unknown[]) => ({ podSelector: {}, ingress: [{ from: [{ podSelector: {} }], ports }] });
const ingressPeer = (peer: unknown) => ({ podSelector: {}, ingress: [{ from: [peer] }] });

describe('NetworkPolicy ports (ValidateNetworkPolicyPort)', () => {
  it.each([
    ['a numeric port with protocol', [{ port: 8080, protocol: 'UDP' }]],
    ['a range', [{ port: 8000, endPort: 9000 }]],
    ['a named port', [{ port: 'http-alt' }]],
    ['a protocol without port (all ports)', [{ protocol: 'SCTP' }]],
  ])('accepts %s', (_title, ports) => {
    expect(problemsOf(ingressPorts(ports)).errors).toEqual([]);
  });

  it.each([[0], [65536], [-1]])('rejects port %s', (port) => {
    expect(problemsOf(ingressPorts([{ port }])).errors).toEqual([expect.stringContaining(`ports[0].port ${port} is not a valid port`)]);
  });

  it('rejects endPort below port', () => {
    expect(problemsOf(ingressPorts([{ port: 9000, endPort: 8000 }])).errors).toEqual([expect.stringContaining('endPort 8000 must be greater than or equal to port 9000')]);
  });

  it('rejects endPort with a named port', () => {
    expect(problemsOf(ingressPorts([{ port: 'http', endPort: 90 }])).errors).toEqual([expect.stringContaining('endPort may not be set when port is the named port "http"')]);
  });

  it('rejects endPort without port', () => {
    expect(problemsOf(ingressPorts([{ endPort: 90 }])).errors).toEqual([expect.stringContaining('endPort may not be set without port')]);
  });

  it.each([['tcp'], ['ICMP'], ['']])('rejects protocol %j (only TCP, UDP, SCTP)', (protocol) => {
    expect(problemsOf(ingressPorts([{ port: 80, protocol }])).errors).toEqual([expect.stringContaining('is not supported: use TCP, UDP or SCTP')]);
  });

  it.each([['HTTP', 'alpha-numeric'], ['a--b', 'consecutive hyphens'], ['very-long-port-name', '15 characters'], ['-web', 'begin or end'], ['8080', 'must not be quoted']])('rejects named port %s (IsValidPortName)', (port, reason) => {
    expect(problemsOf(ingressPorts([{ port }])).errors).toEqual([expect.stringContaining(reason)]);
  });
});

describe('NetworkPolicy peers (ValidateNetworkPolicyPeer, ValidateIPBlock)', () => {
  it('rejects an empty peer', () => {
    expect(problemsOf(ingressPeer({})).errors).toEqual([expect.stringContaining('from[0] must specify a peer')]);
  });

  it('rejects ipBlock combined with a selector', () => {
    expect(problemsOf(ingressPeer({ ipBlock: { cidr: '10.0.0.0/8' }, namespaceSelector: {} })).errors).toEqual([expect.stringContaining('may not combine ipBlock with namespaceSelector')]);
  });

  it('accepts podSelector and namespaceSelector in one peer', () => {
    expect(problemsOf(ingressPeer({ podSelector: { matchLabels: { app: 'a' } }, namespaceSelector: { matchLabels: { team: 'x' } } })).errors).toEqual([]);
  });

  it('rejects an ipBlock without cidr', () => {
    expect(problemsOf(ingressPeer({ ipBlock: { except: ['10.0.0.0/24'] } })).errors).toEqual([expect.stringContaining('ipBlock.cidr is required')]);
  });

  it.each([['10.0.0.0'], ['10.0.0.0/33'], ['300.0.0.0/8'], ['fe80::/129'], ['10.0.0.0/-1']])('rejects cidr %s', (cidr) => {
    expect(problemsOf(ingressPeer({ ipBlock: { cidr } })).errors).toEqual([expect.stringContaining('is not a valid CIDR')]);
  });

  it('accepts a cidr with leading zeros but warns (ParseCIDRSloppy; StrictIPCIDRValidation is off by default)', () => {
    const result = problemsOf(ingressPeer({ ipBlock: { cidr: '010.0.0.0/8' } }));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual(expect.arrayContaining([expect.stringContaining('will be invalid in a future Kubernetes release')]));
  });

  it('warns about host bits beyond the prefix (GetWarningsForCIDR)', () => {
    const result = problemsOf(ingressPeer({ ipBlock: { cidr: '10.0.0.1/8' } }));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual(expect.arrayContaining([expect.stringContaining('"10.0.0.1/8" has bits set beyond its prefix length')]));
  });

  it.each([
    ['outside the cidr', '10.0.0.0/8', '192.168.0.0/16'],
    ['equal to the cidr', '10.0.0.0/8', '10.0.0.0/8'],
    ['wider than the cidr', '10.1.0.0/16', '10.0.0.0/8'],
    ['of the other IP family', '::/0', '10.0.0.0/8'],
  ])('rejects an except %s', (_title, cidr, except) => {
    expect(problemsOf(ingressPeer({ ipBlock: { cidr, except: [except] } })).errors).toEqual([expect.stringContaining('must be a strict subset of cidr')]);
  });

  it('accepts an except strictly inside the cidr', () => {
    expect(problemsOf(ingressPeer({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.3.4/32'] } })).errors).toEqual([]);
  });
});

describe('NetworkPolicy null list items (decoded as zero values by the API server)', () => {
  it('judges [null] as [""] or [{}]: an empty policy type, except, peer and requirement are errors', () => {
    expect(problemsOf({ podSelector: {}, policyTypes: [null] }).errors).toEqual([expect.stringContaining('spec.policyTypes')]);
    expect(problemsOf(ingressPeer({ ipBlock: { cidr: '10.0.0.0/8', except: [null] } })).errors).toEqual([expect.stringContaining('except[0]')]);
    expect(problemsOf({ podSelector: {}, ingress: [{ from: [null] }] }).errors).toEqual([expect.stringContaining('spec.ingress[0].from[0] must specify a peer')]);
    expect(problemsOf({ podSelector: { matchExpressions: [null] } }).errors).toEqual([
      expect.stringContaining('matchExpressions[0].key "" is invalid'), expect.stringContaining('matchExpressions[0].operator "" is not a valid selector operator'),
    ]);
  });

  it('accepts In [null], which is In [""] (an empty label value is valid)', () => {
    expect(problemsOf({ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: [null] }] } }).errors).toEqual([]);
  });
});

describe('NetworkPolicy selectors and policyTypes', () => {
  it('rejects In without values (ValidateLabelSelectorRequirement)', () => {
    expect(problemsOf({ podSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] } }).errors).toEqual([expect.stringContaining('values must be specified when operator is In')]);
  });

  it('rejects Exists with values', () => {
    expect(problemsOf({ podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['a'] }] } }).errors).toEqual([expect.stringContaining('may not be specified when operator is Exists')]);
  });

  it('rejects an unknown operator', () => {
    expect(problemsOf({ podSelector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['a'] }] } }).errors).toEqual([expect.stringContaining('"Equals" is not a valid selector operator')]);
  });

  it('rejects an invalid label value in matchLabels (ValidateLabels)', () => {
    expect(problemsOf({ podSelector: { matchLabels: { app: 'web server' } } }).errors).toEqual([expect.stringContaining('value "web server" is invalid')]);
  });

  it('rejects an invalid label key in a namespaceSelector', () => {
    expect(problemsOf(ingressPeer({ namespaceSelector: { matchLabels: { 'bad key': 'x' } } })).errors).toEqual([expect.stringContaining('key "bad key" is invalid')]);
  });

  it('rejects an invalid value of a matchExpressions requirement (AllowInvalidLabelValueInSelector is off on create)', () => {
    expect(problemsOf({ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a b'] }] } }).errors).toEqual([expect.stringContaining('values[0] "a b" is invalid')]);
  });

  it('rejects a policy type other than Ingress/Egress', () => {
    expect(problemsOf({ podSelector: {}, policyTypes: ['ingress'] }).errors).toEqual([expect.stringContaining('policyTypes[0] "ingress" is not supported')]);
  });

  it('rejects more than two policy types', () => {
    expect(problemsOf({ podSelector: {}, policyTypes: ['Ingress', 'Egress', 'Ingress'] }).errors).toEqual([expect.stringContaining('may not list more than two policy types')]);
  });
});
