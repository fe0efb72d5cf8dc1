// Defence in depth: a change that opens one layer while the other still holds (an AuthorizationPolicy
// reduced to `rules: [{}]` behind an unchanged NetworkPolicy) changes no end-to-end access, yet the
// next change to the other layer exposes it. So diff also compares each layer alone, as `verify`
// does: NetworkPolicy without Istio policies, and Istio without NetworkPolicies.

import { Inventory } from '../model/types';
import { reach } from '../reach/reach';
import { AccessDiff, diffReach } from './diff';

export type Layer = 'network' | 'mesh';

/** How reports name a layer taken alone. */
export const LAYER_NAMES: Readonly<Record<Layer, string>> = { network: 'NetworkPolicy alone', mesh: 'Istio alone' };

export interface LayerDiff {
  readonly layer: Layer;
  readonly diff: Pick<AccessDiff, 'added' | 'removed' | 'changed' | 'widened'>;
}

/** The inventory as one layer alone sees it. */
export function layerAlone(inventory: Inventory, layer: Layer): Inventory {
  return layer === 'network'
    ? { ...inventory, authorizationPolicies: [], peerAuthentications: [] }
    : { ...inventory, networkPolicies: [] };
}

/**
 * Each layer's own diff, for the layers whose policies differ between the two inventories (an
 * unchanged layer's access moves only with the workloads, which the end-to-end diff shows), less
 * the changes the end-to-end diff already shows: what is left is hidden behind the other layer.
 */
export function diffLayers(before: Inventory, after: Inventory, endToEnd: EdgeChanges = { added: [], removed: [], changed: [] }): LayerDiff[] {
  const layers: Layer[] = [];
  if (fingerprint(before.networkPolicies) !== fingerprint(after.networkPolicies)) layers.push('network');
  if (fingerprint([before.authorizationPolicies, before.peerAuthentications]) !== fingerprint([after.authorizationPolicies, after.peerAuthentications])) layers.push('mesh');
  const shown = new Set([...endToEnd.added, ...endToEnd.removed, ...endToEnd.changed].map(edgeKey));
  const hidden = <T extends EdgeRef>(edges: readonly T[]) => edges.filter((edge) => !shown.has(edgeKey(edge)));
  return layers.map((layer) => {
    const diff = diffReach(reach(layerAlone(before, layer)), reach(layerAlone(after, layer)));
    const [added, removed, changed] = [hidden(diff.added), hidden(diff.removed), hidden(diff.changed)];
    return { layer, diff: { added, removed, changed, widened: added.length > 0 || changed.some((change) => change.widened) } };
  }).filter(({ diff }) => diff.added.length + diff.removed.length + diff.changed.length > 0);
}

type EdgeChanges = Pick<AccessDiff, 'added' | 'removed' | 'changed'>;
type EdgeRef = { readonly from: string; readonly to: string; readonly port: number; readonly protocol: string };

const edgeKey = (edge: EdgeRef) => `${edge.from}\u0000${edge.to}\u0000${edge.port}\u0000${edge.protocol}`;

/** Policies as read (Maps and Sets written as lists, CIDR bounds as text): equal text, equal policies. */
export function fingerprint(policies: unknown): string {
  return JSON.stringify(policies, (_key, value: unknown) =>
    (value instanceof Map || value instanceof Set ? [...value] : typeof value === 'bigint' ? value.toString() : value));
}
