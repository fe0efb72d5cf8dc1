// NetworkPolicy risks (warnings). Semantics from the Kubernetes NetworkPolicy reference
// (kubernetes.io/docs/concepts/services-networking/network-policies: empty peer list = all peers,
// empty ports = all ports, policyTypes defaulting) and ../shared/DESIGN.md (egress lock-down must
// keep DNS and istiod reachable; allow-all rules and empty peers that mean "everyone").
import { about, deployment, errors, lint, namespace, networkPolicy, warnings } from './fixtures';

const dnsEgress = { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] };

describe('NetworkPolicy rules that open to everyone', () => {
  it('warns about an allow-all ingress rule [{}]', () => {
    const problems = lint([networkPolicy('open', { podSelector: {}, ingress: [{}] })]);
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', kind: 'NetworkPolicy', namespace: 'shop', name: 'open', message: expect.stringContaining('spec.ingress[0] is {}: it allows all ingress traffic, from every source') })]);
  });

  it('warns about an allow-all egress rule [{}] (Online Boutique\'s hand-written policies)', () => {
    const problems = lint([networkPolicy('open', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] })]);
    expect(warnings(problems).map((p) => p.message)).toEqual([expect.stringContaining('spec.egress[0] is {}: it allows all egress traffic, to every destination')]);
  });

  it('warns about ports opened to every source (no from)', () => {
    const problems = lint([networkPolicy('web', { podSelector: {}, ingress: [{ ports: [{ port: 8080 }, { port: 9000, endPort: 9100, protocol: 'UDP' }] }] })]);
    expect(warnings(problems).map((p) => p.message)).toEqual([expect.stringContaining('opens ports 8080/TCP, 9000-9100/UDP to every source')]);
  });

  it('warns about an ipBlock covering every address', () => {
    const problems = lint([networkPolicy('world', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }] })]);
    expect(warnings(problems).map((p) => p.message)).toEqual([expect.stringContaining('ipBlock "0.0.0.0/0" matches every address')]);
  });

  it('does not warn about 0.0.0.0/0 with except (the usual "internet but not the cluster")', () => {
    expect(lint([networkPolicy('world', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] })])).toEqual([]);
  });

  it('warns about namespaceSelector {} (every pod of every namespace)', () => {
    const problems = lint([networkPolicy('all-ns', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] })]);
    expect(warnings(problems).map((p) => p.message)).toEqual([expect.stringContaining('selects every pod in every namespace')]);
  });

  it('warns about a namespaceSelector every namespace matches (kubernetes.io/metadata.name Exists)', () => {
    const everyNamespace = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists' }] };
    const problems = lint([networkPolicy('all-ns', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: everyNamespace }] }] })]);
    expect(warnings(problems).map((p) => p.message)).toEqual([expect.stringContaining('selects every pod in every namespace')]);
  });

  it('warns about rules that policyTypes makes ineffective', () => {
    const problems = lint([networkPolicy('np', { podSelector: {}, policyTypes: ['Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [dnsEgress] })]);
    expect(warnings(problems).map((p) => p.message)).toEqual([expect.stringContaining('spec.ingress has 1 rule(s) but spec.policyTypes ["Egress"] lacks Ingress, so they are ignored')]);
  });
});

describe('NetworkPolicy podSelector that matches nothing', () => {
  it('warns when the namespace has workloads but none matches (likely a typo)', () => {
    const problems = lint([deployment('frontend'), networkPolicy('np', { podSelector: { matchLabels: { app: 'fronted' } }, ingress: [{ from: [{ podSelector: {} }] }] })]);
    expect(about(problems, 'NetworkPolicy', 'np')).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('spec.podSelector app=fronted matches none of the 1 workload(s) of namespace shop in the input (frontend)') })]);
  });

  it('stays silent when the input has no workloads in the namespace', () => {
    expect(lint([networkPolicy('np', { podSelector: { matchLabels: { app: 'x' } }, ingress: [{ from: [{ podSelector: {} }] }] })])).toEqual([]);
  });

  it('matches with matchExpressions', () => {
    const problems = lint([deployment('web', { labels: { app: 'web', tier: 'front' } }), networkPolicy('np', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] }, ingress: [{ from: [{ podSelector: {} }] }] })]);
    expect(about(problems, 'NetworkPolicy', 'np')).toEqual([]);
  });
});

describe('egress lock-down without DNS (and istiod for meshed pods)', () => {
  it('warns on the workload when an Egress policy selects it and nothing allows port 53', () => {
    const problems = lint([deployment('web'), networkPolicy('deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })]);
    expect(about(problems, 'Deployment', 'web')).toEqual([expect.objectContaining({ severity: 'warning', namespace: 'shop', message: expect.stringContaining('locked down for egress by NetworkPolicy deny-all, but no egress rule allows DNS over UDP 53 or DNS over TCP 53') })]);
  });

  it('is satisfied by a DNS rule in another policy selecting the same pod', () => {
    const problems = lint([deployment('web'), networkPolicy('deny-all', { podSelector: {}, policyTypes: ['Egress'] }), networkPolicy('dns', { podSelector: {}, policyTypes: ['Egress'], egress: [dnsEgress] })]);
    expect(about(problems, 'Deployment', 'web')).toEqual([]);
  });

  it('does not count a port-53 rule whose only peer is a podSelector of the own namespace', () => {
    const localOnly = { to: [{ podSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] };
    const problems = lint([deployment('web'), networkPolicy('dns', { podSelector: {}, policyTypes: ['Egress'], egress: [localOnly] })]);
    expect(about(problems, 'Deployment', 'web')).toEqual([expect.objectContaining({ message: expect.stringContaining('DNS over UDP 53') })]);
  });

  it('names the missing protocol when only UDP 53 is allowed', () => {
    const udpOnly = { ...dnsEgress, ports: [{ port: 53, protocol: 'UDP' }] };
    const problems = lint([deployment('web'), networkPolicy('dns', { podSelector: {}, policyTypes: ['Egress'], egress: [udpOnly] })]);
    expect(about(problems, 'Deployment', 'web').map((p) => p.message)).toEqual([expect.stringMatching(/no egress rule allows DNS over TCP 53: name resolution fails/)]);
  });

  it('asks for istiod 15012 when the pod has a sidecar', () => {
    const problems = lint([namespace('shop', { 'istio-injection': 'enabled' }), deployment('web'), networkPolicy('dns', { podSelector: {}, policyTypes: ['Egress'], egress: [dnsEgress] })]);
    expect(about(problems, 'Deployment', 'web').map((p) => p.message)).toEqual([expect.stringContaining('no egress rule allows the Istio control plane (istiod TCP 15012): the sidecar cannot fetch its configuration; add an egress rule to istiod (TCP 15012 in namespace istio-system)')]);
  });

  it('ignores Ingress-only policies', () => {
    const problems = lint([deployment('web'), networkPolicy('in', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })]);
    expect(errors(problems)).toEqual([]);
    expect(about(problems, 'Deployment', 'web')).toEqual([]);
  });
});

describe('DNS egress to any namespace', () => {
  it('does not warn about namespaceSelector {} limited to port 53 (the common way to reach kube-dns)', () => {
    const dnsAnywhere = { to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] };
    expect(lint([networkPolicy('dns', { podSelector: {}, policyTypes: ['Egress'], egress: [dnsAnywhere] })])).toEqual([]);
  });

  it('but warns when the "DNS" port is the start of a range (53-65535 is not DNS)', () => {
    const range = { to: [{ namespaceSelector: {} }], ports: [{ port: 53, endPort: 65535, protocol: 'TCP' }] };
    const problems = lint([networkPolicy('dns', { podSelector: {}, policyTypes: ['Egress'], egress: [range] })]);
    expect(warnings(problems).map((p) => p.message)).toEqual([expect.stringContaining('selects every pod in every namespace (namespaceSelector {}), on ports 53-65535/TCP')]);
  });
});
