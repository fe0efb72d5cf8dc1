/** Labels (or annotations) of an object. A Map keeps lookups fast and avoids prototype-key surprises. */
export type Labels = ReadonlyMap<string, string>;

export const NO_LABELS: Labels = new Map();

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: ReadonlySet<string>;
}

/**
 * A Kubernetes label selector (metav1.LabelSelector): every matchLabels pair and every requirement
 * must hold. The empty selector selects everything.
 */
export interface LabelSelector {
  readonly matchLabels: readonly (readonly [string, string])[];
  readonly requirements: readonly LabelRequirement[];
}

export const SELECT_ALL: LabelSelector = { matchLabels: [], requirements: [] };

/** Reports a malformed field at `path` (relative to the object) and does not return. */
export type Fail = (path: string, problem: string) => never;

export function labelsFrom(raw: unknown, path: string, fail: Fail): Labels {
  if (raw === undefined || raw === null) return NO_LABELS;
  return new Map(labelPairs(raw, path, fail));
}

/** The pairs of a map of strings (parsed JSON: own keys only), without an intermediate Map. */
function labelPairs(raw: unknown, path: string, fail: Fail): [string, string][] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) return fail(path, 'expected a map of strings');
  const record = raw as Record<string, unknown>;
  const pairs: [string, string][] = [];
  for (const key of Object.keys(record)) {
    const value = record[key];
    // Paths are for error messages: built only when there is one (there are 100,000s of labels).
    pairs.push([key, typeof value === 'string' ? value : scalarText(value, `${path}.${key}`, fail)]);
  }
  return pairs;
}

/** Parses metav1.LabelSelector. `undefined`/`null` give `undefined` so callers decide what absence means. */
export function parseSelector(raw: unknown, path: string, fail: Fail): LabelSelector | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) return fail(path, 'a label selector must be an object');
  const { matchLabels, matchExpressions } = raw as { matchLabels?: unknown; matchExpressions?: unknown };
  const pairs = matchLabels === undefined || matchLabels === null ? [] : labelPairs(matchLabels, `${path}.matchLabels`, fail);
  if (matchExpressions !== undefined && matchExpressions !== null && !Array.isArray(matchExpressions)) {
    return fail(`${path}.matchExpressions`, 'expected a list');
  }
  const requirements = ((matchExpressions as unknown[] | null | undefined) ?? []).map((expression, index) =>
    parseRequirement(expression, `${path}.matchExpressions[${index}]`, fail),
  );
  return { matchLabels: pairs, requirements };
}

function parseRequirement(raw: unknown, path: string, fail: Fail): LabelRequirement {
  const { key, operator, values } = (raw ?? {}) as { key?: unknown; operator?: unknown; values?: unknown };
  if (typeof key !== 'string' || key === '') return fail(path, 'key must be a non-empty string');
  if (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist') {
    return fail(path, `operator must be In, NotIn, Exists or DoesNotExist, got ${JSON.stringify(operator)}`);
  }
  const list = values === undefined || values === null ? [] : values;
  if (!Array.isArray(list)) return fail(path, 'values must be a list');
  const needsValues = operator === 'In' || operator === 'NotIn';
  // The API server rejects these combinations, so a manifest carrying them never took effect.
  if (needsValues && list.length === 0) return fail(path, `operator ${operator} needs values`);
  if (!needsValues && list.length > 0) return fail(path, `operator ${operator} takes no values`);
  return { key, operator, values: new Set(list.map((value, index) => scalarText(value, `${path}.values[${index}]`, fail))) };
}

export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  // Index loops: evaluated for every peer of every rule `reach` looks at.
  const { matchLabels, requirements } = selector;
  for (let i = 0; i < matchLabels.length; i++) {
    if (labels.get(matchLabels[i][0]) !== matchLabels[i][1]) return false;
  }
  for (let i = 0; i < requirements.length; i++) {
    if (!requirementHolds(requirements[i], labels)) return false;
  }
  return true;
}

function requirementHolds(requirement: LabelRequirement, labels: Labels): boolean {
  const value = labels.get(requirement.key);
  switch (requirement.operator) {
    case 'In':
      return value !== undefined && requirement.values.has(value);
    case 'NotIn':
      // Kubernetes: NotIn also matches objects that lack the key.
      return value === undefined || !requirement.values.has(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
  }
}

/** Istio's `selector.matchLabels` semantics: every pair present in the workload labels (SubsetOf). */
export function labelsSubsetOf(subset: Labels, labels: Labels): boolean {
  for (const [key, value] of subset) {
    if (labels.get(key) !== value) return false;
  }
  return true;
}

export function describeSelector(selector: LabelSelector): string {
  const parts = selector.matchLabels.map(([key, value]) => `${key}=${value}`);
  for (const requirement of selector.requirements) {
    const values = [...requirement.values].join(',');
    parts.push(
      requirement.operator === 'Exists' ? requirement.key
        : requirement.operator === 'DoesNotExist' ? `!${requirement.key}`
          : `${requirement.key} ${requirement.operator === 'In' ? 'in' : 'notin'} (${values})`,
    );
  }
  return parts.length === 0 ? '(all)' : parts.join(',');
}

/** Label values are strings in the API; YAML may hand us numbers or booleans that kubectl would reject. */
function scalarText(value: unknown, path: string, fail: Fail): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(path, `expected a string, got ${value === null ? 'null' : typeof value}`);
}
