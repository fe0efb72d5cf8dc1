import * as fc from 'fast-check';
import * as connection from '../../analyzer/engine/connection';
import { reach } from '../../analyzer';
import { AccessDiff, diffReach } from '../../analyzer/report/diff';
import { LIST_LIMIT, Layer, diffLayers, layerAlone } from '../../analyzer/report/layer-diff';
import { Inventory } from '../../analyzer/model/types';
import { Cluster, cluster, manifests } from './random-cluster';
import { authorizationPolicy, inventoryOf, namespace, networkPolicy, pod, service, withSetting } from './support';

/** Runs `run` with another limit on the edges a policy-free side lists. */
const withListLimit = <T>(edges: number, run: () => T): T => withSetting(LIST_LIMIT, 'edges', edges, run);

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

/** The cluster without the layer's policies. */
function withoutLayer(spec: Cluster, layer: Layer): Cluster {
  return layer === 'network' ? { ...spec, netpols: [] } : { ...spec, authz: [], strict: [], disabled: [] };
}

describe('diff of a layer that one side has no policies for', () => {
  test('lists the same changes as comparing every allowed edge, and counts alike what it does not list (property)', () => {
    const change = fc.record({ spec: cluster, layer: fc.constantFrom<Layer>('network', 'mesh'), adding: fc.boolean() });
    fc.assert(fc.property(change, ({ spec, layer, adding }) => {
      const [policed, open] = [inventoryOf(manifests(spec)), inventoryOf(manifests(withoutLayer(spec, layer)))];
      const [before, after] = adding ? [open, policed] : [policed, open];
      const endToEnd = diffReach(reach(before, { outside: false }), reach(after, { outside: false }));
      const expected = materialized(before, after, layer, endToEnd);
      const changes = expected.added.length + expected.removed.length + expected.changed.length;
      const listed = diffLayers(before, after, endToEnd).find((l) => l.layer === layer);
      expect(listed?.diff ?? { added: [], removed: [], changed: [] }).toEqual(expect.objectContaining(expected));
      expect(listed?.diff.unlisted).toBeUndefined();
      expect(listed === undefined).toBe(changes === 0);
      if (listed) expect(listed.diff.widened).toBe(expected.added.length > 0 || expected.changed.some((c) => c.widened));

      // Nothing listed from the policy-free side: its edges beyond the other side's are counted.
      const counted = withListLimit(0, () => diffLayers(before, after, endToEnd)).find((l) => l.layer === layer);
      const [countedSide, listedSide] = adding ? ['removed', 'added'] as const : ['added', 'removed'] as const;
      expect(counted?.diff[listedSide] ?? []).toEqual(expected[listedSide]);
      expect(counted?.diff.changed ?? []).toEqual(expected.changed);
      expect(counted?.diff[countedSide] ?? []).toEqual([]);
      const count = expected[countedSide].length;
      expect(counted?.diff.unlisted).toEqual(count > 0 ? { change: countedSide, count } : undefined);
      if (counted) expect(counted.diff.widened).toBe(listed?.diff.widened);
    }), { numRuns: 400 });
  });

  /** `count` services in one namespace, each admitting the next one only, at both layers or at Istio's. */
  function ring(count: number, withNetworkPolicies: boolean): Inventory {
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
          ...(withNetworkPolicies ? [networkPolicy(`shop/${name}`, {
            podSelector: { matchLabels: { app: name } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: client } } }] }],
          })] : []),
        ];
      }),
    ]);
  }

  test('adding NetworkPolicies to an Istio-only mesh evaluates a number of connections linear in the services', () => {
    const [before, after] = [ring(60, false), ring(60, true)];
    const evaluations = jest.spyOn(connection, 'evaluateConnection');
    try {
      const [network] = diffLayers(before, after);
      // Without policies, every pair but the ring's 60 edges is open at this layer: 60 x 59 - 60.
      expect(network.diff.unlisted).toEqual({ change: 'removed', count: 3480 });
      expect(network.diff.widened).toBe(false);
      // Listing the open side evaluated all 3,540 pairs; by group, the 60 services are one source group.
      expect(evaluations.mock.calls.length).toBeLessThanOrEqual(60 * 6);
    } finally {
      evaluations.mockRestore();
    }
  });

  test('removing every NetworkPolicy widens NetworkPolicy alone, by the connections they denied', () => {
    const [network] = diffLayers(ring(60, true), ring(60, false));
    expect(network.diff.unlisted).toEqual({ change: 'added', count: 3480 });
    expect(network.diff.widened).toBe(true);
  });
});
