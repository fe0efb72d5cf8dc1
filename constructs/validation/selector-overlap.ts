import type { MeshService } from '../service';

type Selector = Readonly<Record<string, string>>;

/**
 * Pairs of services whose selectors can match the same pod: two `matchLabels` maps overlap
 * unless they require different values for a shared key. Linear in practice: services are
 * grouped by their set of keys, and two groups are joined on their shared keys by hashing, so
 * 10,000 services with `{app: <name>}` cost 10,000 hash lookups, not 50 million comparisons.
 */
export function findOverlappingSelectors(services: readonly MeshService[]): Array<[MeshService, MeshService]> {
  const byKeySet = new Map<string, MeshService[]>();
  for (const service of services) {
    if (Object.keys(service.selector).length === 0) continue; // reported as an empty selector
    const keySet = Object.keys(service.selector).sort().join('\u0000');
    byKeySet.set(keySet, [...(byKeySet.get(keySet) ?? []), service]);
  }
  const groups = [...byKeySet.entries()].map(([keySet, members]) => ({ keys: keySet.split('\u0000'), members }));
  const pairs: Array<[MeshService, MeshService]> = [];
  for (let i = 0; i < groups.length; i++) {
    for (let j = i; j < groups.length; j++) {
      const shared = groups[i].keys.filter((k) => groups[j].keys.includes(k));
      joinOn(shared, groups[i].members, i === j ? undefined : groups[j].members, pairs);
    }
  }
  return pairs;
}

const projection = (selector: Selector, keys: readonly string[]) => JSON.stringify(keys.map((k) => selector[k]));

/** Pairs that agree on every shared key, within one group (right undefined) or across two. */
function joinOn(shared: readonly string[], left: readonly MeshService[], right: readonly MeshService[] | undefined, out: Array<[MeshService, MeshService]>): void {
  const index = new Map<string, MeshService[]>();
  for (const service of left) {
    const key = projection(service.selector, shared);
    const bucket = index.get(key) ?? [];
    if (right === undefined) for (const earlier of bucket) out.push([earlier, service]);
    bucket.push(service);
    index.set(key, bucket);
  }
  if (right === undefined) return;
  for (const service of right) {
    for (const match of index.get(projection(service.selector, shared)) ?? []) out.push([match, service]);
  }
}
