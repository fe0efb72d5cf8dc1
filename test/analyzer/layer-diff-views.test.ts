import * as fc from 'fast-check';
import * as connection from '../../analyzer/engine/connection';
import { reach } from '../../analyzer';
import { AccessDiff, diffReach } from '../../analyzer/report/diff';
import { LIST_LIMIT, Layer, diffLayers, layerAlone } from '../../analyzer/report/layer-diff';
import { compareViews } from '../../analyzer/report/view-access';
import { GROUPING } from '../../analyzer/reach/source-scan';
import { Inventory } from '../../analyzer/model/types';
import { Cluster, cluster, manifests } from './random-cluster';
import { authorizationPolicy, inventoryOf, namespace, networkPolicy, pod, service, withSetting } from './support';

/** Runs `run` with another limit on the edges a policy-free side lists. */
const withListLimit = <T>(edges: number, run: () => T): T => withSetting(LIST_LIMIT, 'edges', edges, run);
/** Runs `run` with every isolated destination's candidates sorted by group (reach/source-scan.ts), when `grouping`. */
const maybeGrouping = (grouping: boolean, run: () => void): void => (grouping ? withSetting(GROUPING, 'candidates', 0, run) : run());

const key = (edge: { from: string; to: string; port: number; protocol: string }) => `${edge.from} -> ${edge.to} ${edge.port}/${edge.protocol}`;

/** The layer's diff as it was computed before: both views' every allowed edge listed, less the end-to-end changes. */
function materialized(before: Inventory, after: Inventory, layer: Layer, endToEnd: AccessDiff): Pick<AccessDiff, 'added' | 'removed' | 'changed'> {
  const full = diffReach(reach(layerAlone(before, layer), { outside: false }), reach(layerAlone(after, layer), { outside: false }));
  const shown = (edges: readonly { from: string; to: string; port: number; protocol: string }[]) => new Set(edges.map(key));
  const [added, removed] = [shown(endToEnd.added), shown(endToEnd.removed)];
  const changed = new Set(endToEnd.changed.map((c) => `${key(c)} ${c.before} ${c.after}`));
  return {
    added: full.added.filter((edge) => !added.has(key(edge))),
    removed: full.removed.filter((edge) => !removed.has(key(edge))),
    changed: full.changed.filter((c) => !changed.has(`${key(c)} ${c.before} ${c.after}`)),
  };
}

/** The cluster with only the layer's policies that `keep` marks (all of the other layer's). */
function keeping(spec: Cluster, layer: Layer, keep: readonly boolean[]): Cluster {
  const kept = <T>(list: readonly T[], offset: number) => list.filter((_, i) => keep[(i + offset) % Math.max(keep.length, 1)] ?? false);
  return layer === 'network'
    ? { ...spec, netpols: kept(spec.netpols, 0) }
    : { ...spec, authz: kept(spec.authz, 0), strict: kept(spec.strict, 2), disabled: kept(spec.disabled, 4) };
}

/** The edges a view (a layer alone, or both) allows by group of sources (reach `byGroup`), one by one. */
function byGroup(inventory: Inventory, layer?: Layer): Set<string> {
  const { grouped } = reach(layer ? layerAlone(inventory, layer) : inventory, { outside: false, byGroup: true });
  return new Set((grouped?.rows ?? []).flatMap((row) => grouped!.groups[row.group]
    .filter((from) => from !== row.to && (row.namespace === undefined || from.startsWith(`${row.namespace}/`)))
    .map((from) => key({ from, to: row.to, port: row.port, protocol: row.protocol }))));
}

describe('diff of a layer whose destinations one side leaves open to every source', () => {
  test('lists the same changes as comparing every allowed edge, and counts alike what it does not list (property)', () => {
    // Some of the layer's policies removed, or all of them (the layer's first policies, or a namespace's
    // NetworkPolicies, added by a pull request), in either direction.
    const change = fc.record({
      spec: cluster, layer: fc.constantFrom<Layer>('network', 'mesh'), keep: fc.array(fc.boolean(), { maxLength: 6 }), adding: fc.boolean(), grouping: fc.boolean(),
    });
    fc.assert(fc.property(change, ({ spec, layer, keep, adding, grouping }) => maybeGrouping(grouping, () => {
      const [policed, fewer] = [inventoryOf(manifests(spec)), inventoryOf(manifests(keeping(spec, layer, keep)))];
      const [before, after] = adding ? [fewer, policed] : [policed, fewer];
      const endToEnd = diffReach(reach(before, { outside: false }), reach(after, { outside: false }));
      const expected = materialized(before, after, layer, endToEnd);
      const changes = expected.added.length + expected.removed.length + expected.changed.length;
      const listed = diffLayers(before, after, endToEnd).find((l) => l.layer === layer);
      expect(listed?.diff ?? { added: [], removed: [], changed: [] }).toEqual(expect.objectContaining(expected));
      expect(listed?.diff.unlisted).toBeUndefined();
      expect(listed === undefined).toBe(changes === 0);
      if (listed) expect(listed.diff.widened).toBe(expected.added.length > 0 || expected.changed.some((c) => c.widened));

      // Nothing listed that one side allows by group and the other not at all: those are counted.
      const counted = withListLimit(0, () => diffLayers(before, after, endToEnd)).find((l) => l.layer === layer);
      const [openBefore, openAfter] = [byGroup(before, layer), byGroup(after, layer)];
      const [addedByGroup, removedByGroup] = [expected.added.filter((e) => openAfter.has(key(e))), expected.removed.filter((e) => openBefore.has(key(e)))];
      expect(counted?.diff.added ?? []).toEqual(expected.added.filter((e) => !openAfter.has(key(e))));
      expect(counted?.diff.removed ?? []).toEqual(expected.removed.filter((e) => !openBefore.has(key(e))));
      expect(counted?.diff.changed ?? []).toEqual(expected.changed);
      const unlisted = addedByGroup.length + removedByGroup.length > 0 ? { added: addedByGroup.length, removed: removedByGroup.length } : undefined;
      expect(counted?.diff.unlisted).toEqual(unlisted);
      if (counted) expect(counted.diff.widened).toBe(listed?.diff.widened);
    })), { numRuns: 400 });
  });

  test('end to end too: the same changes as comparing every allowed edge, the by-group ones counted (property)', () => {
    const change = fc.record({ spec: cluster, keep: fc.array(fc.boolean(), { maxLength: 6 }), adding: fc.boolean(), grouping: fc.boolean() });
    fc.assert(fc.property(change, ({ spec, keep, adding, grouping }) => maybeGrouping(grouping, () => {
      const [policed, fewer] = [inventoryOf(manifests(spec)), inventoryOf(manifests(keeping(keeping(spec, 'network', keep), 'mesh', keep)))];
      const [before, after] = adding ? [fewer, policed] : [policed, fewer];
      expectAsEveryEdge(before, after);
    })), { numRuns: 200 });
  });

  /**
   * `compareViews` lists what comparing every allowed edge of both sides finds, and with nothing
   * listed by group, counts exactly the edges allowed by group on one side only.
   */
  function expectAsEveryEdge(before: Inventory, after: Inventory): void {
    const expected = diffReach(reach(before, { outside: false }), reach(after, { outside: false }));
    expect(compareViews(before, after, Number.MAX_SAFE_INTEGER)).toEqual({ diff: expected });
    const counted = compareViews(before, after, 0);
    const [openBefore, openAfter] = [byGroup(before), byGroup(after)];
    expect(counted.diff.added).toEqual(expected.added.filter((e) => !openAfter.has(key(e))));
    expect(counted.diff.removed).toEqual(expected.removed.filter((e) => !openBefore.has(key(e))));
    expect(counted.diff.changed).toEqual(expected.changed);
    const [added, removed] = [expected.added.filter((e) => openAfter.has(key(e))), expected.removed.filter((e) => openBefore.has(key(e)))];
    expect(counted.unlisted && { added: counted.unlisted.added, removed: counted.unlisted.removed })
      .toEqual(added.length + removed.length > 0 ? { added: added.length, removed: removed.length } : undefined);
    for (const edge of added) expect(counted.unlisted?.holds(edge, 'added')).toBe(true);
    for (const edge of counted.diff.added) expect(counted.unlisted?.holds(edge, 'added') ?? false).toBe(false);
  }

  /**
   * A cluster without Istio whose namespaces, labelled team t0 and t1 in turn, hold `size` services
   * each and admit on 8080 every workload of the namespaces of a team (their own, unless `admits` says
   * otherwise), by a NetworkPolicy with a namespace selector alone: a common multi-tenant shape.
   */
  function teams(namespaces: number, size: number, admits = (n: number) => `t${n % 2}`, extra: object[] = []): Inventory {
    return inventoryOf([
      ...Array.from({ length: namespaces }, (_, n) => [
        namespace(`ns-${n}`, { team: `t${n % 2}` }),
        networkPolicy(`ns-${n}/from-team`, {
          podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: admits(n) } } }], ports: [{ port: 8080 }] }],
        }),
        ...Array.from({ length: size }, (__, i) => pod(`ns-${n}/s${n}-${i}`, { ports: [{ port: 8080 }] })),
      ]).flat(),
      ...extra,
    ]);
  }

  test('destinations that admit whole namespaces are compared per group and namespace, in linear time', () => {
    // 16 namespaces of 10: every destination admits the 80 workloads of its team, more than GROUPING's
    // 64 candidates. ns-0's ten services change from their own team (79 sources) to the other (80).
    const [before, after] = [teams(16, 10), teams(16, 10, (n) => (n === 0 ? 't1' : `t${n % 2}`))];
    const evaluations = jest.spyOn(connection, 'evaluateConnection');
    try {
      const { diff, unlisted } = compareViews(before, after, 1000);
      expect(unlisted && { added: unlisted.added, removed: unlisted.removed }).toEqual({ added: 10 * 80, removed: 10 * 79 });
      expect(diff.added).toEqual([]);
      // One evaluation per destination and namespace it admits (8 of them), on each side; listing
      // would evaluate the 160 x 80 candidate pairs of each side.
      expect(evaluations.mock.calls.length).toBeLessThanOrEqual(160 * 8 * 2);
    } finally {
      evaluations.mockRestore();
    }
    expectAsEveryEdge(before, after);
    expectAsEveryEdge(after, before);
    // Without Istio policies on either side, NetworkPolicy alone is the end-to-end view: not compared
    // again, which would count the same pairs a second time.
    expect(diffLayers(before, after)).toEqual([]);
  });

  test('a source whose egress names its destinations on one side only is compared edge by edge there', () => {
    // After: s2-0 (team t0) may reach s0-0 only, so its 78 other destinations in t0 no longer admit it.
    const egress = networkPolicy('ns-2/s2-0-egress', {
      podSelector: { matchLabels: { app: 's2-0' } }, policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 't0' } }, podSelector: { matchLabels: { app: 's0-0' } } }], ports: [{ port: 8080 }] }],
    });
    const [before, after] = [teams(16, 10), teams(16, 10, undefined, [egress])];
    expect(compareViews(before, after, 0).unlisted).toEqual(expect.objectContaining({ added: 0, removed: 78 }));
    expectAsEveryEdge(before, after);
    expectAsEveryEdge(after, before);
  });

  /** `count` services in one namespace, each admitting the next one only, by Istio and, for those `policed` picks, by NetworkPolicy. */
  function ring(count: number, policed: (index: number) => boolean): Inventory {
    const names = Array.from({ length: count }, (_, i) => `s${i}`);
    return inventoryOf([
      namespace('shop', { 'istio-injection': 'enabled' }),
      ...names.flatMap((name, i) => {
        const client = names[(i + 1) % count];
        return [
          pod(`shop/${name}`, { labels: { app: name }, serviceAccount: name, ports: [{ port: 8080 }] }),
          service(`shop/${name}`, [['http', 8080]], { app: name }),
          authorizationPolicy(`shop/${name}`, {
            selector: { matchLabels: { app: name } }, rules: [{ from: [{ source: { principals: [`cluster.local/ns/shop/sa/${client}`] } }] }],
          }),
          ...(policed(i) ? [networkPolicy(`shop/${name}`, {
            podSelector: { matchLabels: { app: name } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: client } } }] }],
          })] : []),
        ];
      }),
    ]);
  }

  const [none, all, half] = [() => false, () => true, (i: number) => i % 2 === 0];

  test('adding NetworkPolicies to an Istio-only mesh evaluates a number of connections linear in the services', () => {
    const evaluations = jest.spyOn(connection, 'evaluateConnection');
    try {
      const [network] = diffLayers(ring(60, none), ring(60, all));
      // Without policies, every pair but the ring's 60 edges is open at this layer: 60 x 59 - 60.
      expect(network.diff.unlisted).toEqual({ added: 0, removed: 3480 });
      expect(network.diff.widened).toBe(false);
      // Listing the open side evaluated all 3,540 pairs; by group, the 60 services are one source group.
      expect(evaluations.mock.calls.length).toBeLessThanOrEqual(60 * 6);
    } finally {
      evaluations.mockRestore();
    }
  });

  test('adding them to half the services counts what they close there, as linearly', () => {
    const evaluations = jest.spyOn(connection, 'evaluateConnection');
    try {
      const [network] = diffLayers(ring(60, none), ring(60, half));
      // The 30 services given a NetworkPolicy keep one source of their 59.
      expect(network.diff.unlisted).toEqual({ added: 0, removed: 30 * 58 });
      expect(evaluations.mock.calls.length).toBeLessThanOrEqual(60 * 6);
    } finally {
      evaluations.mockRestore();
    }
  });

  test('removing every NetworkPolicy widens NetworkPolicy alone, by the connections they denied', () => {
    const [network] = diffLayers(ring(60, all), ring(60, none));
    expect(network.diff.unlisted).toEqual({ added: 3480, removed: 0 });
    expect(network.diff.widened).toBe(true);
  });
});
