// Defence in depth: a change that opens one layer while the other still holds (an AuthorizationPolicy
// reduced to `rules: [{}]` behind an unchanged NetworkPolicy) changes no end-to-end access, yet the
// next change to the other layer exposes it. So diff also compares each layer alone, as `verify`
// does: NetworkPolicy without Istio policies, and Istio without NetworkPolicies.

import { Inventory } from '../model/types';
import { OutsidePartition } from '../reach/outside-partition';
import { AccessDiff, ChangedEdge } from './diff';
import { OutsideChanges, OutsideDiff, describeOutsideChanges, outsideChanges } from './outside-diff';
import { UnlistedCounts, ViewComparison, compareViews } from './view-access';

export type Layer = 'network' | 'mesh';

/** How reports name a layer taken alone. */
export const LAYER_NAMES: Readonly<Record<Layer, string>> = { network: 'NetworkPolicy alone', mesh: 'Istio alone' };

export interface LayerDiff {
  readonly layer: Layer;
  /**
   * Edges counted instead of listed: where nothing but the sources' own egress and proxy narrows a
   * destination (at this layer, no ingress NetworkPolicy or no AuthorizationPolicy applies to it),
   * nearly every pair of workloads is open, and the pairs open there on one side only are counted
   * once there are more than LIST_LIMIT of them (view-access.ts).
   */
  readonly diff: Pick<AccessDiff, 'added' | 'removed' | 'changed' | 'widened'> & OutsideDiff & { readonly unlisted?: UnlistedCounts };
}

/** How many edges open by group on one side only may be listed one by one. */
export const LIST_LIMIT = { edges: 1000 };

/**
 * Where pairs are counted by group (reach `byGroup`), for a layer alone or end to end: at destinations
 * that admit every workload, or (NetworkPolicy) the workloads of whole namespaces.
 */
const OPEN_BY_GROUP: Readonly<Record<Layer | 'both', string>> = {
  network: "ingress NetworkPolicies admit every workload or whole namespaces, and only the source's namespace, egress and proxy decide",
  mesh: "no AuthorizationPolicy narrows the destination and only the source's egress and proxy decide",
  both: "no AuthorizationPolicy applies, ingress NetworkPolicies admit every workload or whole namespaces, and only the source's namespace, egress and proxy decide",
};

/**
 * The line on the edges counted, not listed, of one change, for a layer alone or (no layer) end to
 * end; `side` names the side where they are open.
 */
export function describeUnlisted(layer: Layer | undefined, count: number, side: string): string {
  const where = layer ? `at this layer alone in ${side}` : `in ${side}`;
  return `${count} more workload pairs x ports, not listed: open ${where}, where ${OPEN_BY_GROUP[layer ?? 'both']}`;
}

/** The inventory as one layer alone sees it. */
export function layerAlone(inventory: Inventory, layer: Layer): Inventory {
  return layer === 'network'
    ? { ...inventory, authorizationPolicies: [], peerAuthentications: [] }
    : { ...inventory, networkPolicies: [] };
}

/**
 * Each layer's own diff, for the layers whose policies differ between the two inventories (an
 * unchanged layer's access moves only with the workloads, which the end-to-end diff shows) while
 * the other layer has policies on some side (else the layer alone is the end-to-end view), less
 * the changes the end-to-end diff already lists: what is left is hidden behind the other layer.
 * (Pairs the end-to-end diff counts rather than lists are not taken off a layer's counts: a layer
 * may count them again, and its `widened` then repeats the end-to-end one.)
 * With `outside` (the partition and the end-to-end changes), access from and to addresses outside
 * the cluster too.
 */
export function diffLayers(
  before: Inventory,
  after: Inventory,
  endToEnd: EdgeChanges = { added: [], removed: [], changed: [] },
  outside?: { readonly partition: OutsidePartition; readonly changes: OutsideChanges },
): LayerDiff[] {
  const layers: Layer[] = [];
  const meshPolicies = (inventory: Inventory) => [inventory.authorizationPolicies, inventory.peerAuthentications];
  const anyPolicy = (lists: readonly (readonly unknown[])[]) => lists.some((list) => list.length > 0);
  const [networkAnywhere, meshAnywhere] = [anyPolicy([before.networkPolicies, after.networkPolicies]), anyPolicy([...meshPolicies(before), ...meshPolicies(after)])];
  if (meshAnywhere && fingerprint(before.networkPolicies) !== fingerprint(after.networkPolicies)) layers.push('network');
  if (networkAnywhere && fingerprint(meshPolicies(before)) !== fingerprint(meshPolicies(after))) layers.push('mesh');
  // Only the identical change is already shown: an edge removed end to end may still have opened in one layer.
  const shown = new Set([
    ...endToEnd.added.map((edge) => `+${edgeKey(edge)}`),
    ...endToEnd.removed.map((edge) => `-${edgeKey(edge)}`),
    ...endToEnd.changed.map(changeKey),
  ]);
  return layers.map((layer) => {
    const [was, is] = [layerAlone(before, layer), layerAlone(after, layer)];
    const { diff, unlisted } = againstEndToEnd(compareViews(was, is, LIST_LIMIT.edges), endToEnd);
    const added = diff.added.filter((edge) => !shown.has(`+${edgeKey(edge)}`));
    const removed = diff.removed.filter((edge) => !shown.has(`-${edgeKey(edge)}`));
    const changed = diff.changed.filter((change) => !shown.has(changeKey(change)));
    const beyond = outside
      ? describeOutsideChanges(outsideChanges(was, is, outside.partition), outside.partition, outside.changes)
      : { outsideAdded: [], outsideRemoved: [] };
    const widened = added.length > 0 || (unlisted?.added ?? 0) > 0 || beyond.outsideAdded.length > 0 || changed.some((change) => change.widened);
    return { layer, diff: { added, removed, changed, ...beyond, widened, ...(unlisted ? { unlisted } : {}) } };
  }).filter(({ diff }) => diff.added.length + diff.removed.length + diff.changed.length + diff.outsideAdded.length + diff.outsideRemoved.length
    + (diff.unlisted ? diff.unlisted.added + diff.unlisted.removed : 0) > 0);
}

/** The counted changes, less those the end-to-end diff lists already. */
function againstEndToEnd(comparison: ViewComparison, endToEnd: EdgeChanges): { diff: ViewComparison['diff']; unlisted?: UnlistedCounts } {
  const { diff, unlisted } = comparison;
  if (!unlisted) return { diff };
  const added = unlisted.added - endToEnd.added.filter((edge) => unlisted.holds(edge, 'added')).length;
  const removed = unlisted.removed - endToEnd.removed.filter((edge) => unlisted.holds(edge, 'removed')).length;
  return { diff, ...(added + removed > 0 ? { unlisted: { added, removed } } : {}) };
}

type EdgeChanges = Pick<AccessDiff, 'added' | 'removed' | 'changed'>;
type EdgeRef = { readonly from: string; readonly to: string; readonly port: number; readonly protocol: string };

const edgeKey = (edge: EdgeRef) => `${edge.from}\u0000${edge.to}\u0000${edge.port}\u0000${edge.protocol}`;
const changeKey = (change: ChangedEdge) => `~${edgeKey(change)}\u0000${change.before}\u0000${change.after}`;

/**
 * Policies as read, in a canonical text: Maps (labels) by key, Sets and lists in sorted order (every
 * list of a policy is a set of alternatives), CIDR bounds as text. Equal text, equal policies, however
 * the YAML ordered its keys.
 */
export function fingerprint(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return `{${[...value].map(([key, item]) => `${JSON.stringify(String(key))}:${fingerprint(item)}`).sort().join(',')}}`;
  if (value instanceof Set || Array.isArray(value)) return `[${[...value].map(fingerprint).sort().join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.keys(value).sort().filter((key) => (value as Record<string, unknown>)[key] !== undefined);
    return `{${fields.map((key) => `${JSON.stringify(key)}:${fingerprint((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
