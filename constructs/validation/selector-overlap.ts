import type { MeshService } from '../service';

type Selector = Readonly<Record<string, string>>;

const selectorKey = (entries: ReadonlyArray<readonly [string, string]>) => JSON.stringify([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Every non-empty subset of a selector's labels (selectors have a handful of labels). */
function subsets(selector: Selector): Array<Array<[string, string]>> {
  const entries = Object.entries(selector);
  if (entries.length > 12) return [entries]; // no real selector has this many labels; only equality is checked then
  const result: Array<Array<[string, string]>> = [];
  for (let mask = 1; mask < 1 << entries.length; mask++) result.push(entries.filter((_, bit) => mask & (1 << bit)));
  return result;
}

/**
 * Pairs [general, specific] of services where every pod of `specific` is also selected by
 * `general`, because general's labels are a subset of specific's: those pods would carry both
 * services' policies. (Selectors on different keys could also meet on a pod labelled for both,
 * but that takes a deliberate label and is not reported.) Linear: each service looks up the
 * subsets of its own labels in an index of all selectors.
 */
export function findOverlappingSelectors(services: readonly MeshService[]): Array<[MeshService, MeshService]> {
  const index = new Map<string, MeshService[]>();
  for (const service of services) {
    const key = selectorKey(Object.entries(service.selector));
    index.set(key, [...(index.get(key) ?? []), service]);
  }
  const pairs: Array<[MeshService, MeshService]> = [];
  for (const specific of services) {
    if (Object.keys(specific.selector).length === 0) continue; // reported as an empty selector
    for (const subset of subsets(specific.selector)) {
      for (const general of index.get(selectorKey(subset)) ?? []) {
        const sameSelector = subset.length === Object.keys(specific.selector).length;
        // Equal selectors are reported once, on the later-declared-by-name service.
        if (general === specific || (sameSelector && general.name > specific.name)) continue;
        pairs.push([general, specific]);
      }
    }
  }
  return pairs;
}
