import * as fc from 'fast-check';
import * as meshLayer from '../../analyzer/engine/mesh-layer';
import { GROUPING } from '../../analyzer/reach/source-scan';
import { DeniedReason, ReachReport, reach } from '../../analyzer';
import { authorizationPolicy, deployment, inventoryOf, meshedPair, namespace, networkPolicy, peerAuthentication, pod, service, withSetting } from './support';
import { Cluster, app, cluster, manifests, ns, proxy } from './random-cluster';

/** Runs `run` with another threshold for counting an isolated destination's candidates by group. */
const withGrouping = <T>(candidates: number, run: () => T): T => withSetting(GROUPING, 'candidates', candidates, run);

const edges = (report: ReachReport) => report.allowed.map((edge) => `${edge.from} -> ${edge.to} ${edge.port}/${edge.protocol}`);

/** A report's allowed edges, those allowed by group written out one by one, sorted. */
function expanded(report: ReachReport): string[] {
  const { groups, rows } = report.grouped ?? { groups: [], rows: [] };
  const fromRows = rows.flatMap((row) => {
    const sources = groups[row.group].filter((from) => from !== row.to && (row.namespace === undefined || from.startsWith(`${row.namespace}/`)));
    expect(sources).toHaveLength(row.count);
    return sources.map((from) => `${from} -> ${row.to} ${row.port}/${row.protocol}`);
  });
  return [...edges(report), ...fromRows].sort();
}

describe('reach', () => {
  test('covers every ordered pair of distinct workloads x every destination container port', () => {
    const objects = [namespace('a'), pod('a/x', { ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] }), pod('a/y', { ports: [{ port: 80 }] }), pod('a/z')];
    const report = reach(inventoryOf(objects));
    // x has 2 ports (2 sources each), y has 1 port (2 sources), z none
    expect(report.summary).toEqual({ workloads: 3, pairs: 6, allowed: 6, denied: 0 });
    expect(edges(report)).toContain('a/y -> a/x 53/UDP');
  });

  test('denied pairs are counted per destination port, with the reason', () => {
    const objects = [namespace('a'), pod('a/x', { ports: [{ port: 80 }] }), pod('a/y'), pod('a/z'),
      networkPolicy('a/deny', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Ingress'] })];
    expect(reach(inventoryOf(objects)).denied).toEqual([{
      to: 'a/x', port: 80, protocol: 'TCP', count: 2,
      reasons: [{ layer: 'network', reason: 'ingress of a/x is limited by NetworkPolicy/a/deny and no rule admits the source on 80/TCP', count: 2 }],
    }]);
  });

  test('on an HTTP port, the methods and paths an ALLOW policy permits are summarized per edge', () => {
    const objects = meshedPair([authorizationPolicy('shop/api', {
      selector: { matchLabels: { app: 'api' } },
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { methods: ['GET', 'POST'], paths: ['/api/*'] } }] }],
    })]);
    const [edge] = reach(inventoryOf(objects)).allowed;
    expect(edge).toMatchObject({
      from: 'shop/web', to: 'shop/api', port: 8080,
      http: { allowedWhen: [{ policy: 'AuthorizationPolicy/shop/api', rule: 0, constraint: { methods: ['GET', 'POST'], paths: ['/api/*'] } }] },
    });
  });

  test('remoteIpBlocks on an HTTP port: any client can name itself in X-Forwarded-For, so the edge is conditional on that header', () => {
    const objects = meshedPair([authorizationPolicy('shop/api', {
      selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { remoteIpBlocks: ['203.0.113.0/24'] } }] }],
    })]);
    const [edge] = reach(inventoryOf(objects)).allowed;
    expect(edge).toMatchObject({
      from: 'shop/web', to: 'shop/api', port: 8080,
      http: { allowedWhen: [{ policy: 'AuthorizationPolicy/shop/api', rule: 0, constraint: { conditions: ['remote IP (X-Forwarded-For) in [203.0.113.0/24]'] } }] },
    });
  });

  test('a Pod and a Deployment of the same name are told apart by kind, in reach as in check', () => {
    const objects = [namespace('shop'), pod('shop/web', { ports: [{ port: 7000 }] }), deployment('shop/web', { ports: [{ port: 8080 }] })];
    const report = reach(inventoryOf(objects));
    expect(edges(report)).toEqual(['shop/Deployment/web -> shop/Pod/web 7000/TCP', 'shop/Pod/web -> shop/Deployment/web 8080/TCP']);
  });

  test('a DENY rule on paths shows as an exception on the edge', () => {
    const objects = meshedPair([authorizationPolicy('shop/no-admin', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] })]);
    const [edge] = reach(inventoryOf(objects)).allowed;
    expect(edge.http).toEqual({ deniedWhen: [{ policy: 'AuthorizationPolicy/shop/no-admin', rule: 0, constraint: { paths: ['/admin*'] } }] });
  });

  test('on a port of undeclared protocol (sniffed), a connection denied as TCP may pass as HTTP requests', () => {
    const objects = meshedPair([authorizationPolicy('shop/api', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })], 'web');
    const [edge] = reach(inventoryOf(objects)).allowed.filter((e) => e.to === 'shop/api');
    expect(edge.http?.allowedWhen?.[0].constraint).toEqual({ methods: ['GET'] });
  });

  test('workloads owned by a listed workload (pods of a ReplicaSet) are left out', () => {
    const replicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'a' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } } };
    const owned = { ...(pod('a/web-x') as { metadata: object }), metadata: { name: 'web-x', namespace: 'a', ownerReferences: [{ kind: 'ReplicaSet', name: 'web' }] } };
    expect(reach(inventoryOf([replicaSet, owned])).workloads.map((w) => w.id)).toEqual(['a/web']);
  });

  test('identical workloads share one evaluation but each edge names its own workloads', () => {
    const objects = [namespace('a'), pod('a/one', { labels: { app: 'same' } }), pod('a/two', { labels: { app: 'same' } }), pod('a/server', { ports: [{ port: 80 }] })];
    const report = reach(inventoryOf(objects), {});
    expect(report.allowed.filter((e) => e.to === 'a/server').map((e) => [e.from, e.reason.split(';')[0]])).toEqual([
      ['a/one', 'no NetworkPolicy selects a/one for egress'],
      ['a/two', 'no NetworkPolicy selects a/two for egress'],
    ]);
  });

  /**
   * `count` services in one meshed, STRICT namespace, each admitting in Istio only the next one, plus
   * `extra` objects; the report, and how many times `reach` asked STRICT mTLS about a source.
   */
  function ringUnderStrict(count: number, extra: object[]): { report: ReachReport; strictChecks: number; names: string[] } {
    const names = Array.from({ length: count }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const objects = [namespace('mesh', { 'istio-injection': 'enabled' }), peerAuthentication('mesh/default', { mtls: { mode: 'STRICT' } }), ...extra,
      ...names.flatMap((name, i) => [
        deployment(`mesh/${name}`, { ports: [{ port: 8080 }] }),
        service(`mesh/${name}`, [['http', 8080]]),
        authorizationPolicy(`mesh/${name}`, {
          selector: { matchLabels: { app: name } },
          rules: [{ from: [{ source: { principals: [`cluster.local/ns/mesh/sa/${names[(i + 1) % names.length]}`] } }] }],
        }),
      ])];
    const spy = jest.spyOn(meshLayer, 'strictRejection');
    try {
      const report = reach(inventoryOf(objects));
      return { report, strictChecks: spy.mock.calls.length, names };
    } finally {
      spy.mockRestore();
    }
  }

  test('without NetworkPolicies, the sources outside an ALLOW policy are counted by group, not one by one', () => {
    // No destination is isolated by a NetworkPolicy, so every source reaches every sidecar: visiting
    // them all per destination was 60 x 58 STRICT checks (11.6 s instead of 1.5 s for the bench's
    // 5,000 services).
    const { report, strictChecks, names } = ringUnderStrict(60, [namespace('plain'), deployment('plain/legacy'), deployment('plain/legacy-2')]);
    expect(report.summary).toEqual({ workloads: 62, pairs: 60 * 61, allowed: 60, denied: 60 * 60 });
    const [first] = report.denied;
    expect(first.reasons.map((r) => [r.layer, r.count])).toEqual([['mesh', 58], ['mesh', 2]]);
    expect(first.reasons[0].reason).toMatch(/ALLOW/);
    expect(first.reasons[1].reason).toMatch(/STRICT .* rejects plaintext: the source has no sidecar/);
    // A few per destination (once per group of sources, once to word the line), not one per source.
    expect(strictChecks).toBeLessThanOrEqual(3 * names.length);
  });

  test('a NetworkPolicy that admits whole namespaces leaves the many candidates outside the ALLOW policy to be counted by group', () => {
    // Each destination is isolated by a policy that admits every pod of the meshed namespaces: 98
    // candidates per destination fail the mesh superset. One by one that was 100 x 98 STRICT checks
    // (46.8 s instead of 3.6 s for the bench's 5,000 services with such policies).
    const { report, strictChecks, names } = ringUnderStrict(100, [networkPolicy('mesh/from-meshed', {
      podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } }] }],
    })]);
    expect(report.summary).toEqual({ workloads: 100, pairs: 100 * 99, allowed: 100, denied: 100 * 98 });
    expect(report.denied[0].reasons.map((r) => [r.layer, r.count])).toEqual([['mesh', 98]]);
    expect(strictChecks).toBeLessThanOrEqual(3 * names.length);
  });

  test('each workload reports whether its ingress and egress are wide open', () => {
    const objects = [namespace('a'), pod('a/x', { ports: [{ port: 80 }] }),
      networkPolicy('a/p', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{}] })];
    const [workload] = reach(inventoryOf(objects)).workloads;
    expect([workload.ingress, workload.egress]).toEqual([
      { open: false, reason: 'limited by NetworkPolicy/a/p' },
      { open: true, reason: 'NetworkPolicy/a/p allows all egress' },
    ]);
  });
});

describe('reach: the indexed evaluation equals the exhaustive one (property)', () => {
  /**
   * Denied counts per destination port and layer. Reasons name the source when evaluated one by one,
   * not when counted in bulk. On the mesh layer their openings say whether STRICT mTLS failed or
   * another check; on the network layer, sources outside an isolated destination's ingress candidates
   * all count under its ingress.
   */
  function counts(report: ReachReport): string[] {
    const strict = (reason: string) => reason.startsWith('PeerAuthentication STRICT');
    return report.denied.map((d) => {
      const sum = (keep: (r: DeniedReason) => boolean) => d.reasons.filter(keep).reduce((total, r) => total + r.count, 0);
      return `${d.to} ${d.port}/${d.protocol}: network ${sum((r) => r.layer === 'network')}, `
        + `mesh: STRICT ${sum((r) => r.layer === 'mesh' && strict(r.reason))} other ${sum((r) => r.layer === 'mesh' && !strict(r.reason))}`;
    });
  }

  test('same allowed edges, and per destination port the same denied counts per layer (STRICT mTLS apart)', () => {
    fc.assert(fc.property(cluster, (spec) => {
      const inventory = inventoryOf(manifests(spec));
      const indexed = reach(inventory);
      const exhaustive = reach(inventory, { listDenied: true });
      // An isolated destination's candidates are sorted one by one when few, with the egress tables and
      // by group when many: both ways allow the same edges and count the same denials per layer.
      const grouped = withGrouping(0, () => reach(inventory));
      expect(grouped.allowed).toEqual(indexed.allowed);
      expect(counts(grouped)).toEqual(counts(indexed));
      expect(indexed.allowed).toEqual(exhaustive.allowed);
      expect(counts(indexed)).toEqual(counts(exhaustive));
      expect(exhaustive.deniedPairs).toHaveLength(exhaustive.summary.denied);
      // Allowed by group: the groups' members stand for the same edges, and the counts are the same.
      const byGroup = reach(inventory, { byGroup: true });
      expect(expanded(byGroup)).toEqual(edges(indexed).sort());
      expect(byGroup.summary).toEqual(indexed.summary);
      // With every isolated destination's candidates sorted by group: those admitted by rules of whole
      // namespaces are allowed per group and namespace.
      const byCell = withGrouping(0, () => reach(inventory, { byGroup: true }));
      expect(expanded(byCell)).toEqual(edges(indexed).sort());
      expect(byCell.summary).toEqual(indexed.summary);
      expect(counts(byCell)).toEqual(counts(indexed));
    }), {
      numRuns: 500,
      // Found by this property: a source that the egress candidate set admits but the exact check denies
      // was counted during routing and then overwritten (`count += total - routeAll(...)`).
      examples: [[{
        workloads: [{ namespace: 'x', app: 'a', tier: 'db', ports: [], ip: false, proxy: {}, headless: false },
          { namespace: 'x', app: 'a', tier: 'db', ports: [8080], ip: false, proxy: {}, headless: false }],
        injected: ['x'],
        netpols: [{ namespace: 'x', podSelector: {}, types: ['Egress'], ingress: [], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'x' } }, podSelector: {} }], ports: [{ port: 80 }] }] }],
        authz: [{ namespace: 'x', action: 'ALLOW', selector: undefined, rules: [] }],
        strict: [],
      } as unknown as Cluster], [{
        // Sources whose egress may go anywhere are counted by group: w1's egress rule names every pod but
        // only port 80, so towards w0's 8080 it fails at the network, unlike w2's, which has no policy.
        workloads: ['a', 'b', 'c'].map((app, i) => ({ namespace: 'x', app, tier: 'web', ports: i === 0 ? [8080] : [], ip: false, proxy: {}, headless: false })),
        injected: ['x'],
        netpols: [{ namespace: 'x', podSelector: { matchLabels: { app: 'b' } }, types: ['Egress'], ingress: [], egress: [{ ports: [{ port: 80 }] }] }],
        authz: [{ namespace: 'x', action: 'ALLOW', selector: 'a', rules: [{ source: { principals: ['cluster.local/ns/z/sa/a'] }, paths: false }] }],
        strict: [],
      } as unknown as Cluster], [{
        // Both sources leave port 80 out of outbound capture, but only a sidecar depends on capture: under
        // STRICT, w2 is rejected for plaintext and the gateway w1 is not (it fails the ALLOW rule).
        workloads: [{ app: 'a', ports: [80], proxy: {} }, { app: 'b', ports: [], proxy: { 'inject.istio.io/templates': 'gateway', 'traffic.sidecar.istio.io/excludeOutboundPorts': '80' } },
          { app: 'c', ports: [], proxy: { 'traffic.sidecar.istio.io/excludeOutboundPorts': '80' } }]
          .map((w) => ({ ...w, namespace: 'x', tier: 'web', ip: false, headless: false })),
        injected: ['x'],
        netpols: [],
        authz: [{ namespace: 'x', action: 'ALLOW', selector: 'a', rules: [{ source: { principals: ['cluster.local/ns/z/sa/a'] }, paths: false }] }],
        strict: ['x'],
      } as unknown as Cluster]],
    });
  });

  test('candidates of an isolated destination count alike one by one and by group', () => {
    // Every namespace is meshed and admits the pods of the team's namespaces (y and z, not x, whose
    // pods come first in a group: the one that stands for the group must be a candidate), and its
    // ALLOW policy names one identity: most ingress candidates fail the mesh superset. Their egress
    // differs: none, to anywhere on port 80 only, to app a in their own namespace, or to nowhere.
    const egress = {
      none: undefined,
      wide: [{ ports: [{ port: 80 }] }],
      named: [{ to: [{ podSelector: { matchLabels: { app: 'a' } } }] }],
      nowhere: [],
    };
    const meshed = fc.record({
      workloads: fc.array(fc.record({ namespace: ns, app, proxy, egress: fc.constantFrom(...Object.keys(egress) as (keyof typeof egress)[]) }), { minLength: 3, maxLength: 8 }),
      strict: fc.subarray(['x', 'y', 'z']),
      // Namespaces with an ALLOW policy; the others let every candidate on to exact evaluation.
      allowIn: fc.subarray(['x', 'y', 'z']),
      allowed: app,
    });
    fc.assert(fc.property(meshed, (spec) => {
      const objects: object[] = ['x', 'y', 'z'].flatMap((name) => [
        namespace(name, { 'istio-injection': 'enabled', ...(name === 'x' ? {} : { team: 't' }) }),
        networkPolicy(`${name}/from-team`, {
          podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 't' } } }] }],
        }),
        ...(spec.allowIn.includes(name)
          ? [authorizationPolicy(`${name}/allow`, { rules: [{ from: [{ source: { principals: [`cluster.local/ns/${name}/sa/${spec.allowed}`] } }] }] })] : []),
        ...(spec.strict.includes(name) ? [peerAuthentication(`${name}/default`, { mtls: { mode: 'STRICT' } })] : []),
      ]);
      spec.workloads.forEach((w, i) => {
        objects.push(pod(`${w.namespace}/w${i}`, { labels: { app: w.app }, annotations: w.proxy, serviceAccount: w.app, ports: [{ port: 80 }] }));
        objects.push(service(`${w.namespace}/w${i}`, [['http', 80]], { app: w.app }));
        const rules = egress[w.egress];
        if (rules) objects.push(networkPolicy(`${w.namespace}/egress-${i}`, { podSelector: { matchLabels: { app: w.app } }, policyTypes: ['Egress'], egress: rules }));
      });
      const inventory = inventoryOf(objects);
      const oneByOne = reach(inventory);
      const grouped = withGrouping(0, () => reach(inventory));
      expect(grouped.allowed).toEqual(oneByOne.allowed);
      expect(counts(grouped)).toEqual(counts(oneByOne));
      expect(counts(oneByOne)).toEqual(counts(reach(inventory, { listDenied: true })));
    }), { numRuns: 300 });
  });

  test('deployments without IPs take part like pods', () => {
    const report = reach(inventoryOf([namespace('a'), deployment('a/web'), deployment('a/api', { ports: [{ port: 8080 }] })]));
    expect(edges(report)).toEqual(['a/web -> a/api 8080/TCP']);
  });
});
