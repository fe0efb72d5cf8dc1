// One object defined twice with different content. The analyzer keeps the last one given, as a
// later `kubectl apply` would, so which one counts depends on the order of files and arguments:
// worth a warning, since two folders that hold the same files under other names then differ.

import { isObject, JsonObject, LintProblem, refOf } from './objects';

export function lintConflictingDuplicates(documents: readonly JsonObject[]): LintProblem[] {
  const byIdentity = new Map<string, { ref: ReturnType<typeof refOf>; contents: Set<string> }>();
  for (const document of documents) {
    const ref = refOf(document);
    if (!ref.kind || !ref.name) continue;
    const key = [ref.group, ref.kind, ref.namespace, ref.name].join('/');
    const entry = byIdentity.get(key) ?? { ref, contents: new Set<string>() };
    entry.contents.add(canonical(document));
    byIdentity.set(key, entry);
  }
  return [...byIdentity.values()].filter((entry) => entry.contents.size > 1).map(({ ref, contents }) => ({
    severity: 'warning' as const,
    kind: ref.kind,
    namespace: ref.namespace,
    name: ref.name,
    message: `is defined ${contents.size} times with different content; the one given last wins, as with kubectl apply, so the order of files and arguments decides: keep one definition`,
  }));
}

/** JSON with sorted keys: the same object written in another key order is the same content. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
