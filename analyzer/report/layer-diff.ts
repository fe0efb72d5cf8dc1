// Defence in depth: a change that opens one layer while the other still holds (an AuthorizationPolicy
// reduced to `rules: [{}]` behind an unchanged NetworkPolicy) changes no end-to-end access, yet the
// next change to the other layer exposes it. So diff also compares each layer alone, as `verify`
// does: NetworkPolicy without Istio policies, and Istio without NetworkPolicies.

import { Inventory } from '../model/types';
import { reach } from '../reach/reach';
import { AccessDiff, diffReach } from './diff';

export type Layer = 'network' | 'mesh';

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
 * unchanged layer's access moves only with the workloads, which the end-to-end diff shows).
 */
export function diffLayers(before: Inventory, after: Inventory): LayerDiff[] {
  const layers: Layer[] = [];
  if (fingerprint(before.networkPolicies) !== fingerprint(after.networkPolicies)) layers.push('network');
  if (fingerprint([before.authorizationPolicies, before.peerAuthentications]) !== fingerprint([after.authorizationPolicies, after.peerAuthentications])) layers.push('mesh');
  return layers.map((layer) => {
    const { added, removed, changed, widened } = diffReach(reach(layerAlone(before, layer)), reach(layerAlone(after, layer)));
    return { layer, diff: { added, removed, changed, widened } };
  });
}

/** Policies as read (Maps and Sets written as lists, CIDR bounds as text): equal text, equal policies. */
export function fingerprint(policies: unknown): string {
  return JSON.stringify(policies, (_key, value: unknown) =>
    (value instanceof Map || value instanceof Set ? [...value] : typeof value === 'bigint' ? value.toString() : value));
}
