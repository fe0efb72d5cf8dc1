import { reach } from '../../analyzer';
import { describeOutsideChanges, outsideChanges } from '../../analyzer/report/outside-diff';
import { diffLayers } from '../../analyzer/report/layer-diff';
import { describeAddresses, outsidePartition } from '../../analyzer/reach/outside-partition';
import { describeHttpAccess } from '../../analyzer/report/http-summary';
import { authorizationPolicy, deployment, inventoryOf, meshedPair, networkPolicy, peerAuthentication } from './support';

// Access from and to addresses outside the cluster, which workload pairs cannot show. NetworkPolicy
// ipBlock semantics: Kubernetes docs, Concepts > Services > Network Policies ("ipBlock", "except",
// "Targeting a range of ports": endPort); a pod with no egress policy may reach anything. Istio:
// PeerAuthentication STRICT rejects plaintext (a client outside the mesh has no sidecar), and
// AuthorizationPolicy `source.ipBlocks` match the connection's address (Istio API reference,
// security.istio.io Source).

type Access = { direction: string; workload: string; port?: number; ports?: string; protocol: string; addresses: string };
const lines = (outside: readonly Access[]) => outside.map((a) => `${a.direction} ${a.workload} ${a.port ?? a.ports}/${a.protocol} ${a.addresses}`);

const webEgress = (egress: object[]) => networkPolicy('shop/web-egress', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress });
const denyIngress = networkPolicy('shop/deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
const toDatabases = (except: string[]) => webEgress([{
  to: [{ ipBlock: { cidr: '10.0.0.0/8', except } }],
  ports: [{ port: 443 }, { port: 5432, endPort: 5440 }],
}]);

describe('reach: outside the cluster', () => {
  test('GIVEN egress to a block with a hole on a port and a port range THEN exactly those addresses and ports, written as the policy says', () => {
    const report = reach(inventoryOf(meshedPair([toDatabases(['10.1.0.0/16']), denyIngress])));
    expect(lines(report.outside.filter((a) => a.workload === 'shop/web'))).toEqual(['egress shop/web 443, 5432-5440/TCP 10.0.0.0/8 except 10.1.0.0/16']);
  });

  test('GIVEN a workload no egress policy selects THEN it reaches any address on any port, over TCP and UDP', () => {
    const report = reach(inventoryOf(meshedPair([denyIngress])));
    expect(lines(report.outside)).toEqual([
      'egress shop/api any port/TCP any IPv4 address', 'egress shop/api any port/UDP any IPv4 address',
      'egress shop/web any port/TCP any IPv4 address', 'egress shop/web any port/UDP any IPv4 address',
    ]);
  });

  test('GIVEN ingress from a block THEN it shows under PERMISSIVE mTLS, and not under STRICT (a client outside the mesh has no certificate)', () => {
    const fromPartners = networkPolicy('shop/api-ingress', {
      podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }] }],
    });
    const denyEgress = networkPolicy('shop/deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
    const permissive = reach(inventoryOf(meshedPair([fromPartners, denyEgress])));
    expect(lines(permissive.outside)).toEqual(['ingress shop/api 8080/TCP 203.0.113.0/24']);
    const strict = reach(inventoryOf(meshedPair([fromPartners, denyEgress, peerAuthentication('shop/default', { mtls: { mode: 'STRICT' } })])));
    expect(strict.outside).toEqual([]);
  });

  test('GIVEN an AuthorizationPolicy that allows an IP block THEN its bounds cut the addresses too', () => {
    const allowOffice = authorizationPolicy('shop/api', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { ipBlocks: ['198.51.100.0/24'] } }] }] });
    const denyEgress = networkPolicy('shop/deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
    const report = reach(inventoryOf(meshedPair([allowOffice, denyEgress])));
    expect(lines(report.outside)).toEqual(['ingress shop/api 8080/TCP 198.51.100.0/24']);
  });

  test('GIVEN blocks let in by different rules on an HTTP port THEN one entry per rule, with the requests each is limited to', () => {
    const allow = authorizationPolicy('shop/api', { selector: { matchLabels: { app: 'api' } }, rules: [
      { from: [{ source: { ipBlocks: ['198.51.100.0/24'] } }], to: [{ operation: { methods: ['GET'] } }] },
      { from: [{ source: { ipBlocks: ['203.0.113.0/24'] } }] },
    ] });
    const denyEgress = networkPolicy('shop/deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
    const report = reach(inventoryOf(meshedPair([allow, denyEgress])));
    expect(report.outside.map((a) => [a.addresses, describeHttpAccess(a.http)])).toEqual([
      ['198.51.100.0/24', 'only GET (AuthorizationPolicy/shop/api)'],
      ['203.0.113.0/24', ''],
    ]);
  });

  test('GIVEN an IPv6 block THEN IPv6 addresses are cut and named too', () => {
    const report = reach(inventoryOf(meshedPair([webEgress([{ to: [{ ipBlock: { cidr: '2001:db8::/32' } }] }]), denyIngress])));
    expect(lines(report.outside.filter((a) => a.workload === 'shop/web'))).toEqual([
      'egress shop/web any port/TCP 2001:db8::/32', 'egress shop/web any port/UDP 2001:db8::/32',
    ]);
  });

  test('GIVEN runs that no single block holds THEN the fewest blocks that hold exactly them', () => {
    const partition = outsidePartition([inventoryOf([webEgress([{ to: [{ ipBlock: { cidr: '10.0.0.0/30' } }, { ipBlock: { cidr: '10.0.0.4/31' } }] }]), deployment('shop/web')])]);
    const runs = partition.addresses.filter((run) => run.address === '10.0.0.0' || run.address === '10.0.0.4');
    expect(describeAddresses(runs, partition)).toBe('10.0.0.0/30, 10.0.0.4/31');
  });
});

describe('diff: outside the cluster', () => {
  test('GIVEN a hole of an egress block closed THEN its addresses are added, and nothing else', () => {
    const before = inventoryOf(meshedPair([toDatabases(['10.1.0.0/16']), denyIngress]));
    const after = inventoryOf(meshedPair([toDatabases([]), denyIngress]));
    const partition = outsidePartition([before, after]);
    const changes = describeOutsideChanges(outsideChanges(before, after, partition), partition);
    expect(lines(changes.outsideAdded)).toEqual(['egress shop/web 443, 5432-5440/TCP 10.1.0.0/16']);
    expect(changes.outsideRemoved).toEqual([]);
    expect(lines(describeOutsideChanges(outsideChanges(after, before, partition), partition).outsideRemoved)).toEqual(['egress shop/web 443, 5432-5440/TCP 10.1.0.0/16']);
  });

  test('GIVEN Istio opened to an IP block behind a NetworkPolicy that still denies THEN only the Istio layer alone shows it', () => {
    const strict = peerAuthentication('shop/default', { mtls: { mode: 'STRICT' } });
    const portPermissive = peerAuthentication('shop/api', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } });
    const denyAll = networkPolicy('shop/deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const before = inventoryOf(meshedPair([strict, denyAll]));
    const after = inventoryOf(meshedPair([strict, portPermissive, denyAll]));
    const partition = outsidePartition([before, after]);
    const changes = outsideChanges(before, after, partition);
    expect(describeOutsideChanges(changes, partition).outsideAdded).toEqual([]);
    const [mesh] = diffLayers(before, after, undefined, { partition, changes });
    expect(mesh.layer).toBe('mesh');
    expect(lines(mesh.diff.outsideAdded)).toEqual(['ingress shop/api 8080/TCP any IPv4 address']);
    expect(mesh.diff.widened).toBe(true);
  });
});
