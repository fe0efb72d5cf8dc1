// Defence in depth: a change that opens one layer while the other still holds (an AuthorizationPolicy
// reduced to `rules: [{}]` behind an unchanged NetworkPolicy) changes no end-to-end access, yet the
// next change to the other layer exposes it. So diff also compares each layer alone, as `verify`
// does: NetworkPolicy without Istio policies, and Istio without NetworkPolicies.

import { Inventory } from '../model/types';
import { OutsidePartition } from '../reach/outside-partition';
import { reach } from '../reach/reach';
import { AccessDiff, ChangedEdge, diffReach } from './diff';
import { OutsideChanges, OutsideDiff, describeOutsideChanges, outsideChanges } from './outside-diff';
import { PolicyFreeAccess, isPolicyFree } from './policy-free';

export type Layer = 'network' | 'mesh';

/** How reports name a layer taken alone. */
export const LAYER_NAMES: Readonly<Record<Layer, string>> = { network: 'NetworkPolicy alone', mesh: 'Istio alone' };

export interface LayerDiff {
  readonly layer: Layer;
  readonly diff: Pick<AccessDiff, 'added' | 'removed' | 'changed' | 'widened'> & OutsideDiff & { readonly unlisted?: UnlistedEdges };
}

/**
 * Edges counted instead of listed: when one side has no policy of the layer, it allows nearly every
 * pair of workloads, and what it allows beyond the other side is counted ('added' when the new side
 * has none, 'removed' when the old one had none) once there are more than LIST_LIMIT of them.
 */
export interface UnlistedEdges {
  readonly change: 'added' | 'removed';
  readonly count: number;
}

/** How many edges a policy-free side may add or remove and still be listed one by one. */
export const LIST_LIMIT = { edges: 1000 };

const LAYER_POLICIES: Readonly<Record<Layer, string>> = { network: 'NetworkPolicy', mesh: 'AuthorizationPolicy or PeerAuthentication' };

/** A line on the edges counted, not listed; `sides` names the old and the new side for the reader. */
export function describeUnlisted(layer: Layer, unlisted: UnlistedEdges, sides: { readonly before: string; readonly after: string }): string {
  const [side, verb] = unlisted.change === 'added' ? [sides.after, 'allows'] : [sides.before, 'allowed'];
  return `${unlisted.count} more workload pairs x ports, not listed: with no ${LAYER_POLICIES[layer]} in ${side}, this layer alone ${verb} them`;
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
  if (fingerprint(before.networkPolicies) !== fingerprint(after.networkPolicies)) layers.push('network');
  if (fingerprint([before.authorizationPolicies, before.peerAuthentications]) !== fingerprint([after.authorizationPolicies, after.peerAuthentications])) layers.push('mesh');
  // Only the identical change is already shown: an edge removed end to end may still have opened in one layer.
  const shown = new Set([
    ...endToEnd.added.map((edge) => `+${edgeKey(edge)}`),
    ...endToEnd.removed.map((edge) => `-${edgeKey(edge)}`),
    ...endToEnd.changed.map(changeKey),
  ]);
  return layers.map((layer) => {
    const [was, is] = [layerAlone(before, layer), layerAlone(after, layer)];
    const { diff, unlisted } = isPolicyFree(was) || isPolicyFree(is)
      ? againstPolicyFree(was, is, endToEnd)
      : { diff: diffReach(reach(was, { outside: false }), reach(is, { outside: false })), unlisted: undefined };
    const added = diff.added.filter((edge) => !shown.has(`+${edgeKey(edge)}`));
    const removed = diff.removed.filter((edge) => !shown.has(`-${edgeKey(edge)}`));
    const changed = diff.changed.filter((change) => !shown.has(changeKey(change)));
    const beyond = outside
      ? describeOutsideChanges(outsideChanges(was, is, outside.partition), outside.partition, outside.changes)
      : { outsideAdded: [], outsideRemoved: [] };
    const widened = added.length > 0 || unlisted?.change === 'added' || beyond.outsideAdded.length > 0 || changed.some((change) => change.widened);
    return { layer, diff: { added, removed, changed, ...beyond, widened, ...(unlisted ? { unlisted } : {}) } };
  }).filter(({ diff }) => diff.added.length + diff.removed.length + diff.changed.length + diff.outsideAdded.length + diff.outsideRemoved.length
    + (diff.unlisted?.count ?? 0) > 0);
}

/**
 * A layer's diff when one side (not both: the layer changed) has no policies: the other side's edges
 * against those the policy-free side allows, worked out per source group (policy-free.ts), with what
 * it allows beyond them counted when there are many, less those the end-to-end diff shows.
 */
function againstPolicyFree(was: Inventory, is: Inventory, endToEnd: EdgeChanges): { diff: Pick<AccessDiff, 'added' | 'removed' | 'changed'>; unlisted?: UnlistedEdges } {
  const openBefore = isPolicyFree(was);
  const policed = reach(openBefore ? is : was, { outside: false });
  const open = new PolicyFreeAccess(openBefore ? was : is).edgesAgainst(policed.allowed, LIST_LIMIT.edges);
  const diff = openBefore ? diffReach({ allowed: open.edges }, policed) : diffReach(policed, { allowed: open.edges });
  if (open.unlisted === 0) return { diff };
  const change = openBefore ? 'removed' : 'added';
  const shownThere = (openBefore ? endToEnd.removed : endToEnd.added).filter(open.isUnlisted).length;
  const count = open.unlisted - shownThere;
  return { diff, ...(count > 0 ? { unlisted: { change, count } } : {}) };
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
