/** JSON with object keys sorted: equal values give equal keys whatever their construction order. */
export function stableKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableKey).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableKey(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Groups items by a key of their own and merges each group's members, keeping groups and
 * members in key order and dropping members with the same key.
 */
export function groupSorted<T, M extends { readonly key: string }>(items: Iterable<T>, groupKey: (item: T) => string, members: (item: T) => Iterable<M>): Array<{ key: string; members: M[] }> {
  const groups = new Map<string, Map<string, M>>();
  for (const item of items) {
    const key = groupKey(item);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = new Map()));
    for (const member of members(item)) group.set(member.key, member);
  }
  const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return [...groups.entries()].sort(byKey).map(([key, group]) => ({ key, members: [...group.entries()].sort(byKey).map(([, m]) => m) }));
}
