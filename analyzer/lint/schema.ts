// A small structural-schema walker: the part of API-server validation that depends only on the
// shape of a document (types, enums, required fields, length and item limits, unknown fields).
// CRDs get this from their openAPIV3Schema (../shared/istio/istio-crds.yaml); built-in kinds from
// their Go types (a JSON value of the wrong type fails decoding). Unknown fields are a warning:
// the API server prunes/drops them silently, and only strict field validation (kubectl's default
// `--validate=strict`) turns them into a rejection — either way the author's intent is lost.

import { Findings, isObject, show } from './objects';

export type Schema =
  | ObjectSchema
  | { readonly type: 'array'; readonly items: Schema; readonly maxItems?: number }
  | StringSchema
  | { readonly type: 'integer'; readonly minimum?: number; readonly maximum?: number }
  | { readonly type: 'int-or-string' }
  | { readonly type: 'boolean' }
  | { readonly type: 'any' };

export interface StringSchema {
  readonly type: 'string';
  readonly enum?: readonly string[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: RegExp;
}

export interface ObjectSchema {
  readonly type: 'object';
  /** Known properties; any other key is reported as unknown. Omit for free-form objects. */
  readonly fields?: Readonly<Record<string, Schema>>;
  /** Schema of every value of a map (`additionalProperties`). */
  readonly values?: Schema;
  readonly required?: readonly string[];
  readonly minProperties?: number;
  readonly maxProperties?: number;
}

export interface WalkOptions {
  /**
   * CRDs reject `null` array items ("must be of type object"); the Go decoder of built-in kinds
   * turns them into zero values.
   */
  readonly nullItemsAreErrors: boolean;
}

export const STRING: Schema = { type: 'string' };
export const STRINGS: Schema = { type: 'array', items: STRING };
export const STRING_MAP: Schema = { type: 'object', values: STRING };
export const ANY: Schema = { type: 'any' };
export const INT32: Schema = { type: 'integer', minimum: -2147483648, maximum: 2147483647 };

/** ObjectMeta as accepted from users; server-populated fields are known but not checked. */
export const OBJECT_META: Schema = {
  type: 'object',
  fields: {
    name: STRING, generateName: STRING, namespace: STRING, labels: STRING_MAP, annotations: STRING_MAP,
    uid: STRING, resourceVersion: STRING, generation: ANY, creationTimestamp: ANY, deletionTimestamp: ANY,
    deletionGracePeriodSeconds: ANY, ownerReferences: ANY, finalizers: STRINGS, managedFields: ANY, selfLink: STRING,
  },
};

/**
 * Reports the shape problems of a document and returns whether it is well typed. A badly typed
 * document fails decoding as a whole (built-in kinds) or before the webhook (CRDs), so the caller
 * skips the semantic rules for it rather than reporting consequences of the same mistake.
 */
export function checkShape(document: unknown, schema: Schema, findings: Findings, options: WalkOptions): boolean {
  const walk = new ShapeWalk(findings, options);
  walk.visit(document, schema, '');
  return walk.typeErrors === 0;
}

class ShapeWalk {
  typeErrors = 0;

  constructor(private readonly findings: Findings, private readonly options: WalkOptions) {}

  visit(value: unknown, schema: Schema, path: string): void {
    switch (schema.type) {
      case 'any':
        return;
      case 'object':
        this.visitObject(value, schema, path);
        return;
      case 'array':
        this.visitArray(value, schema.items, schema.maxItems, path);
        return;
      case 'string':
        this.visitString(value, schema, path);
        return;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) {
          this.typeError(value, 'integer', path);
        } else if ((schema.minimum !== undefined && value < schema.minimum) || (schema.maximum !== undefined && value > schema.maximum)) {
          this.findings.error(`${path} is ${value}, outside the range of its type (${schema.minimum}..${schema.maximum})`);
        }
        return;
      case 'int-or-string':
        if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) this.typeError(value, 'integer or string', path);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') this.typeError(value, 'boolean', path);
        return;
    }
  }

  private visitArray(value: unknown, items: Schema, maxItems: number | undefined, path: string): void {
    if (!Array.isArray(value)) {
      this.typeError(value, 'array', path);
      return;
    }
    if (maxItems !== undefined && value.length > maxItems) {
      this.findings.error(`${path} has ${value.length} items, more than the ${maxItems} the schema allows; split the policy`);
    }
    value.forEach((item, i) => {
      if (item === null) {
        if (this.options.nullItemsAreErrors) this.findings.error(`${path}[${i}] is null; the schema requires a ${items.type}: remove the item`);
        return;
      }
      this.visit(item, items, `${path}[${i}]`);
    });
  }

  private visitObject(value: unknown, schema: ObjectSchema, path: string): void {
    if (!isObject(value)) {
      this.typeError(value, 'object', path);
      return;
    }
    const keys = Object.keys(value).filter((k) => value[k] !== null);
    for (const key of schema.required ?? []) {
      if (!keys.includes(key)) this.findings.error(`${childPath(path, key)} is required but missing`);
    }
    if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
      this.findings.error(`${path} must have at least ${schema.minProperties} entr${schema.minProperties === 1 ? 'y' : 'ies'} when present (found ${keys.length}); remove it or add an entry`);
    }
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
      this.findings.error(`${path} has ${keys.length} entries, more than the ${schema.maxProperties} allowed`);
    }
    for (const key of keys) {
      const child = childPath(path, key);
      const fieldSchema = schema.fields?.[key] ?? schema.values;
      if (fieldSchema !== undefined) {
        this.visit(value[key], fieldSchema, child);
      } else if (schema.fields !== undefined) {
        const suggestion = closest(key, Object.keys(schema.fields));
        this.findings.warning(
          `unknown field ${child}: the API server drops it (or rejects the object under kubectl's default --validate=strict), so it has no effect` +
            (suggestion ? `; did you mean "${suggestion}"?` : '; remove it'),
        );
      }
    }
  }

  private visitString(value: unknown, schema: StringSchema, path: string): void {
    if (typeof value !== 'string') {
      this.typeError(value, 'string', path);
      return;
    }
    if (schema.enum && !schema.enum.includes(value)) {
      this.findings.error(`${path} is ${show(value)}, not one of the supported values ${schema.enum.join(', ')}`);
    }
    // kube-openapi counts characters (utf8.RuneCount), not UTF-16 units: an emoji is one.
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) this.findings.error(`${path} must not be empty`);
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      this.findings.error(`${path} ${show(value)} is longer than ${schema.maxLength} characters`);
    }
    if (schema.pattern && !schema.pattern.test(value)) {
      this.findings.error(`${path} ${show(value)} does not match the pattern ${schema.pattern.source}`);
    }
  }

  private typeError(value: unknown, expected: string, path: string): void {
    this.typeErrors++;
    const actual = Array.isArray(value) ? 'array' : typeof value === 'number' && !Number.isInteger(value) ? 'non-integer number' : typeof value;
    // YAML turns unquoted 8080 or true into a number or boolean where the API wants a string.
    const hint = expected === 'string' && (typeof value === 'number' || typeof value === 'boolean') ? ` (quote it: "${value}")` : '';
    this.findings.error(`${path} must be of type ${expected}, got ${actual} ${show(value)}${hint}`);
  }
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The known field nearest to a misspelled one (edit distance <= 2), for "did you mean". */
function closest(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
