import { parseAccessRequest } from '../../analyzer';
import { deployment, namespace, networkPolicy, pod, verdict } from './support';

// Semantics from the Kubernetes documentation, "Network Policies"
// (https://kubernetes.io/docs/concepts/services-networking/network-policies/, cited as DOCS) and the API
// reference for networking.k8s.io/v1 NetworkPolicy (https://kubernetes.io/docs/reference/kubernetes-api/
// policy-resources/network-policy-v1/, cited as API).

const HTTP = [{ port: 80, name: 'http' }];

/** Namespaces a (team=a) and b, each with pods client and server (server serves 80/TCP, 53/UDP). */
function cluster(...policies: object[]): object[] {
  return [
    namespace('a', { team: 'a' }),
    namespace('b'),
    pod('a/client', { ip: '10.0.0.1' }),
    pod('a/server', { ip: '10.0.0.2', ports: [...HTTP, { port: 53, protocol: 'UDP', name: 'dns' }] }),
    pod('b/client', { ip: '10.0.1.1' }),
    pod('b/server', { ip: '10.0.1.2', ports: HTTP }),
    ...policies,
  ];
}

const denyIngress = (ns: string) => networkPolicy(`${ns}/deny-ingress`, { podSelector: {}, policyTypes: ['Ingress'] });

describe('NetworkPolicy isolation', () => {
  test('DOCS "The two sorts of pod isolation": a pod no policy selects is open', () => {
    // GIVEN no NetworkPolicy
    // WHEN a client connects to a server
    const result = verdict(cluster(), { from: 'b/client', to: 'a/server', port: 80 });
    // THEN it is allowed, and the reason names the default
    expect(result).toEqual({ allowed: true, layer: null, reason: expect.stringContaining('no NetworkPolicy selects a/server for ingress') });
  });

  test('DOCS: a pod selected by an Ingress policy only admits what some rule allows', () => {
    const result = verdict(cluster(denyIngress('a')), { from: 'b/client', to: 'a/server', port: 80 });
    expect(result.allowed).toBe(false);
    expect(result.layer).toBe('network');
    expect(result.reason).toContain('ingress of a/server is limited by NetworkPolicy/a/deny-ingress');
  });

  test('DOCS: egress isolation is checked on the source pod', () => {
    const denyEgress = networkPolicy('b/deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
    const result = verdict(cluster(denyEgress), { from: 'b/client', to: 'a/server', port: 80 });
    expect(result.layer).toBe('network');
    expect(result.reason).toContain('egress of b/client is limited by NetworkPolicy/b/deny-egress');
  });

  test('DOCS: a connection needs both the egress of the source and the ingress of the destination', () => {
    const allowEgress = networkPolicy('b/egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] });
    const result = verdict(cluster(allowEgress, denyIngress('a')), { from: 'b/client', to: 'a/server', port: 80 });
    expect(result.allowed).toBe(false);
    expect(result.reason).toContain('ingress of a/server');
  });

  test('DOCS: policies are additive; one allowing rule suffices', () => {
    const allow = networkPolicy('a/allow-b', {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }] }],
    });
    const result = verdict(cluster(denyIngress('a'), allow), { from: 'b/client', to: 'a/server', port: 80 });
    expect(result).toMatchObject({ allowed: true, reason: expect.stringContaining('ingress allowed by NetworkPolicy/a/allow-b') });
  });

  test('a policy selects pods of its own namespace only', () => {
    const result = verdict(cluster(denyIngress('b')), { from: 'b/client', to: 'a/server', port: 80 });
    expect(result.allowed).toBe(true);
  });
});

describe('policyTypes defaulting (kubernetes pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicy)', () => {
  test('without policyTypes and without egress rules a policy is Ingress only', () => {
    const ingressOnly = networkPolicy('b/p', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] });
    expect(verdict(cluster(ingressOnly), { from: 'b/client', to: 'a/server', port: 80 }).allowed).toBe(true);
  });

  test('without policyTypes but with egress rules a policy is also of type Egress', () => {
    const withEgress = networkPolicy('b/p', { podSelector: {}, egress: [{ to: [{ podSelector: {} }] }] });
    const result = verdict(cluster(withEgress), { from: 'b/client', to: 'a/server', port: 80 });
    expect(result).toMatchObject({ allowed: false, reason: expect.stringContaining('egress of b/client') });
  });

  test('API policyTypes: explicit [Egress] ignores the ingress rules of the same policy', () => {
    const egressOnly = networkPolicy('a/p', {
      podSelector: { matchLabels: { app: 'server' } },
      policyTypes: ['Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'nobody' } } }] }],
    });
    expect(verdict(cluster(egressOnly), { from: 'b/client', to: 'a/server', port: 80 }).allowed).toBe(true);
  });
});

describe('peers (API NetworkPolicyPeer)', () => {
  const onServer = (from: object[]) => networkPolicy('a/p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from }] });

  test('a podSelector alone selects pods of the policy namespace', () => {
    const objects = cluster(onServer([{ podSelector: { matchLabels: { app: 'client' } } }]));
    expect(verdict(objects, { from: 'a/client', to: 'a/server', port: 80 }).allowed).toBe(true);
    expect(verdict(objects, { from: 'b/client', to: 'a/server', port: 80 }).allowed).toBe(false);
  });

  test('a namespaceSelector alone selects every pod of the matching namespaces', () => {
    const objects = cluster(onServer([{ namespaceSelector: { matchLabels: { team: 'a' } } }]));
    expect(verdict(objects, { from: 'a/client', to: 'a/server', port: 80 }).allowed).toBe(true);
    expect(verdict(objects, { from: 'b/server', to: 'a/server', port: 80 }).allowed).toBe(false);
  });

  test('namespaceSelector and podSelector in one peer are ANDed', () => {
    const objects = cluster(onServer([{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'client' } } }]));
    expect(verdict(objects, { from: 'b/client', to: 'a/server', port: 80 }).allowed).toBe(true);
    expect(verdict(objects, { from: 'b/server', to: 'a/server', port: 80 }).allowed).toBe(false);
  });

  test('separate peers are ORed', () => {
    const objects = cluster(onServer([{ namespaceSelector: { matchLabels: { team: 'a' } } }, { namespaceSelector: {}, podSelector: { matchLabels: { app: 'server' } } }]));
    expect(verdict(objects, { from: 'b/server', to: 'a/server', port: 80 }).allowed).toBe(true);
    expect(verdict(objects, { from: 'b/client', to: 'a/server', port: 80 }).allowed).toBe(false);
  });

  test('every namespace carries kubernetes.io/metadata.name, also one no manifest declares', () => {
    const objects = [
      namespace('a'),
      pod('a/server', { ports: HTTP }),
      pod('undeclared/client'),
      networkPolicy('a/p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'undeclared' } } }] }] }),
    ];
    expect(verdict(objects, { from: 'undeclared/client', to: 'a/server', port: 80 }).allowed).toBe(true);
  });

  const roles = (requirement: object) => [
    namespace('a'),
    pod('a/server', { ports: HTTP }),
    pod('a/plain', { labels: { app: 'plain' } }),
    pod('a/db', { labels: { app: 'db', role: 'db' } }),
    networkPolicy('a/p', {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [{ from: [{ podSelector: { matchExpressions: [requirement] } }] }],
    }),
  ];

  test('API LabelSelectorRequirement: NotIn also matches objects without the key', () => {
    const objects = roles({ key: 'role', operator: 'NotIn', values: ['db'] });
    expect(verdict(objects, { from: 'a/plain', to: 'a/server', port: 80 }).allowed).toBe(true);
    expect(verdict(objects, { from: 'a/db', to: 'a/server', port: 80 }).allowed).toBe(false);
  });

  test('API LabelSelectorRequirement: Exists tests the presence of the key', () => {
    const objects = roles({ key: 'role', operator: 'Exists' });
    expect(verdict(objects, { from: 'a/db', to: 'a/server', port: 80 }).allowed).toBe(true);
    expect(verdict(objects, { from: 'a/plain', to: 'a/server', port: 80 }).allowed).toBe(false);
  });

  test('API LabelSelectorRequirement: DoesNotExist tests the absence of the key', () => {
    const objects = roles({ key: 'role', operator: 'DoesNotExist' });
    expect(verdict(objects, { from: 'a/plain', to: 'a/server', port: 80 }).allowed).toBe(true);
    expect(verdict(objects, { from: 'a/db', to: 'a/server', port: 80 }).allowed).toBe(false);
  });

  test('API NetworkPolicyIngressRule: an empty rule, and empty from/ports lists, admit everything', () => {
    const emptyLists = networkPolicy('a/p', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [], ports: [] }] });
    expect(verdict(cluster(emptyLists), { from: 'b/client', to: 'a/server', port: 53, protocol: 'UDP' }).allowed).toBe(true);
    expect(verdict(cluster(emptyLists), { from: 'ip:192.0.2.1', to: 'a/server', port: 80 }).allowed).toBe(true);
  });
});

describe('ports (API NetworkPolicyPort)', () => {
  const ingressPorts = (ports: object[]) => networkPolicy('a/p', { podSelector: {}, ingress: [{ ports }] });

  test('protocol defaults to TCP', () => {
    const objects = cluster(ingressPorts([{ port: 53 }]));
    expect(verdict(objects, { from: 'b/client', to: 'a/server', port: 53, protocol: 'UDP' }).allowed).toBe(false);
    expect(verdict(objects, { from: 'b/client', to: 'a/server', port: 53, protocol: 'TCP' }).allowed).toBe(true);
  });

  test('a protocol without a port admits every port of that protocol only', () => {
    const objects = cluster(ingressPorts([{ protocol: 'UDP' }]));
    expect(verdict(objects, { from: 'b/client', to: 'a/server', port: 53, protocol: 'UDP' }).allowed).toBe(true);
    expect(verdict(objects, { from: 'b/client', to: 'a/server', port: 80 }).allowed).toBe(false);
  });

  test('a named port matches the destination container port of that name and protocol', () => {
    const objects = cluster(ingressPorts([{ port: 'http' }, { port: 'dns' }]));
    expect(verdict(objects, { from: 'b/client', to: 'a/server', port: 80 }).allowed).toBe(true);
    // "dns" is a UDP port: the rule's default protocol TCP does not match it
    expect(verdict(objects, { from: 'b/client', to: 'a/server', port: 53, protocol: 'UDP' }).allowed).toBe(false);
  });

  test('an egress named port resolves against the destination pod', () => {
    const egress = networkPolicy('b/p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] });
    expect(verdict(cluster(egress), { from: 'b/client', to: 'a/server', port: 80 }).allowed).toBe(true);
    expect(verdict(cluster(egress), { from: 'b/client', to: 'a/server', port: 53, protocol: 'UDP' }).allowed).toBe(false);
  });

  test('endPort makes an inclusive range', () => {
    const objects = cluster(ingressPorts([{ port: 70, endPort: 80 }]));
    expect(verdict(objects, { from: 'b/client', to: 'a/server', port: 80 }).allowed).toBe(true);
    expect(verdict(objects, { from: 'b/client', to: 'a/server', port: 81 }).allowed).toBe(false);
  });
});

describe('ipBlock (API IPBlock)', () => {
  const ipIngress = (ipBlock: object) => networkPolicy('a/p', { podSelector: {}, ingress: [{ from: [{ ipBlock }] }] });

  test('matches the source pod IP, minus the except ranges', () => {
    const objects = cluster(ipIngress({ cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] }));
    expect(verdict(objects, { from: 'a/client', to: 'a/server', port: 80 }).allowed).toBe(true);
    expect(verdict(objects, { from: 'b/client', to: 'a/server', port: 80 }).allowed).toBe(false);
  });

  test('a client outside the cluster has no egress policy and is matched by ipBlock only', () => {
    const objects = cluster(ipIngress({ cidr: '192.0.2.0/24' }));
    expect(verdict(objects, { from: 'ip:192.0.2.10', to: 'a/server', port: 80 }).allowed).toBe(true);
    expect(verdict(objects, { from: 'ip:198.51.100.1', to: 'a/server', port: 80 }).allowed).toBe(false);
    const pods = cluster(networkPolicy('a/p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }));
    expect(verdict(pods, { from: 'ip:192.0.2.10', to: 'a/server', port: 80 }).allowed).toBe(false);
  });

  describe('a server outside the cluster (to: ip:ADDRESS)', () => {
    const egressTo = (to: object[], ports?: object[]) =>
      networkPolicy('a/egress', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to, ...(ports ? { ports } : {}) }] });

    test('DOCS: without an egress policy the pod may reach any address', () => {
      const result = verdict(cluster(), { from: 'a/client', to: 'ip:203.0.113.7', port: 443 });
      expect(result).toEqual({ allowed: true, layer: null, reason: expect.stringContaining('no NetworkPolicy selects a/client for egress') });
    });

    test('API IPBlock: an egress ipBlock admits the addresses it holds, minus except, on its ports', () => {
      // GIVEN egress to 203.0.113.0/24 except .128/25, on 443/TCP
      const objects = cluster(egressTo([{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }], [{ port: 443 }]));
      // THEN inside: allowed; in the except range, on another port or protocol: denied at the network layer
      expect(verdict(objects, { from: 'a/client', to: 'ip:203.0.113.7', port: 443 })).toMatchObject({ allowed: true, reason: expect.stringContaining('egress allowed by NetworkPolicy/a/egress') });
      expect(verdict(objects, { from: 'a/client', to: 'ip:203.0.113.200', port: 443 })).toMatchObject({ allowed: false, layer: 'network' });
      expect(verdict(objects, { from: 'a/client', to: 'ip:203.0.113.7', port: 80 }).allowed).toBe(false);
      expect(verdict(objects, { from: 'a/client', to: 'ip:203.0.113.7', port: 443, protocol: 'UDP' }).allowed).toBe(false);
    });

    test('API NetworkPolicyPeer: pod and namespace selectors never match an address outside the cluster', () => {
      const objects = cluster(egressTo([{ namespaceSelector: {} }]));
      expect(verdict(objects, { from: 'a/client', to: 'ip:203.0.113.7', port: 443 }).allowed).toBe(false);
      expect(verdict(objects, { from: 'a/client', to: 'b/server', port: 80 }).allowed).toBe(true);
    });

    test('API NetworkPolicyPort: a named port resolves against pods only, so it never matches an address', () => {
      const objects = cluster(egressTo([{ ipBlock: { cidr: '0.0.0.0/0' } }], [{ port: 'http' }]));
      expect(verdict(objects, { from: 'a/client', to: 'ip:203.0.113.7', port: 80 }).allowed).toBe(false);
    });

    test('an address that is a pod\'s IP is that pod, whatever its spelling; an address two pods claim is outside', () => {
      // GIVEN a/server admits only pods of namespace a; b/client has IP 10.0.1.1, a/client 10.0.0.1
      const objects = cluster(networkPolicy('a/from-a', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }));
      // THEN from a/client's address: a pod of a, admitted; from b/client's: a pod of b, not admitted
      expect(verdict(objects, { from: 'ip:10.0.0.1', to: 'a/server', port: 80 })).toMatchObject({ allowed: true, reason: expect.stringContaining('no NetworkPolicy selects a/client for egress') });
      expect(verdict(objects, { from: 'ip:10.0.0.1', to: 'a/server', port: 80 }).reason).toContain('note: ip:10.0.0.1 is the IP of a/client');
      expect(verdict(objects, { from: 'ip:10.0.1.1', to: 'a/server', port: 80 }).allowed).toBe(false);
      // AND to a pod's address its ingress policies apply (a/server only admits namespace a)
      expect(verdict(objects, { from: 'b/client', to: 'ip:10.0.0.2', port: 80 }).allowed).toBe(false);
      expect(verdict(objects, { from: 'a/client', to: 'ip:10.0.0.2', port: 80 }).allowed).toBe(true);
      // AND an IPv6 address is the same address however it is written
      const v6 = [namespace('a'), pod('a/server', { ip: 'fd00::2', ports: HTTP }), pod('a/client', { ip: 'fd00:0:0::1' }),
        networkPolicy('a/from-a', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })];
      expect(verdict(v6, { from: 'ip:FD00::1', to: 'a/server', port: 80 }).allowed).toBe(true);
      // AND an address two pods report (hostNetwork pods share their node's) stands for neither
      const shared = [...objects, pod('b/host-agent', { ip: '10.0.0.1' })];
      expect(verdict(shared, { from: 'ip:10.0.0.1', to: 'a/server', port: 80 }).allowed).toBe(false);
      // AND a pod that has terminated has released its address to the running one
      const completed = { ...(pod('b/job-run', { ip: '10.0.0.1' }) as { status: object }), status: { phase: 'Succeeded', podIP: '10.0.0.1' } };
      expect(verdict([...objects, completed], { from: 'ip:10.0.0.1', to: 'a/server', port: 80 }).allowed).toBe(true);
    });

    test('both ends outside the cluster is not a question the manifests answer', () => {
      expect(() => parseAccessRequest({ from: 'ip:192.0.2.1', to: 'ip:203.0.113.7', port: 443 }, 'request')).toThrow('cannot both be addresses');
      expect(() => parseAccessRequest({ from: 'a/client', to: 'ip:not-an-address', port: 443 }, 'request')).toThrow('not a valid ip:ADDRESS');
    });
  });

  test('a pod whose IP is unknown matches only a block holding every address', () => {
    const objects = [namespace('a'), deployment('a/web'), pod('a/server', { ports: HTTP })];
    const everything = networkPolicy('a/p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
    const narrow = networkPolicy('a/p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] });
    expect(verdict([...objects, everything], { from: 'a/web', to: 'a/server', port: 80 }).allowed).toBe(true);
    expect(verdict([...objects, narrow], { from: 'a/web', to: 'a/server', port: 80 }).allowed).toBe(false);
  });
});
