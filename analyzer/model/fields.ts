import { InputError, describeSource } from '../errors';
import { KubeObject, LoadedObject } from '../load/documents';

/**
 * Typed access to the fields of one manifest. Every failure names the object and its file/document,
 * because a malformed manifest is the user's to fix and they need to find it.
 */
export class ObjectReader {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;

  constructor(readonly loaded: LoadedObject, clusterScoped = false) {
    const object = loaded.object;
    this.kind = object.kind;
    const metadata = asRecord(object.metadata);
    const name = metadata?.name;
    if (typeof name !== 'string' || name === '') {
      throw new InputError(`${this.origin}: ${object.kind} has no metadata.name`);
    }
    this.name = name;
    const namespace = metadata?.namespace;
    if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') {
      throw new InputError(`${this.origin}: ${object.kind}/${name}: metadata.namespace must be a string`);
    }
    // Namespaced objects without a namespace land in "default", as with `kubectl apply`.
    this.namespace = clusterScoped ? '' : namespace || 'default';
  }

  /** File and document, computed only for messages. */
  private get origin(): string {
    return describeSource(this.loaded.source);
  }

  get object(): KubeObject {
    return this.loaded.object;
  }

  /** "Kind/namespace/name", the reference used in every reason and report. */
  get ref(): string {
    this.cachedRef ??= this.namespace ? `${this.kind}/${this.namespace}/${this.name}` : `${this.kind}/${this.name}`;
    return this.cachedRef;
  }

  private cachedRef?: string;

  metadata(field: 'labels' | 'annotations'): unknown {
    return asRecord(this.object.metadata)?.[field];
  }

  /** Fails with the object's location; `path` names the offending field. A property, to pass around. */
  readonly fail = (path: string, problem: string): never => {
    throw new InputError(`${this.origin}: ${this.ref}: ${path}: ${problem}`);
  };

  where(path: string): string {
    return `${this.origin}: ${this.ref}: ${path}`;
  }

  record(value: unknown, path: string): Readonly<Record<string, unknown>> | undefined {
    if (value === undefined || value === null) return undefined;
    const record = asRecord(value);
    return record ?? this.fail(path, 'expected an object');
  }

  list(value: unknown, path: string): readonly unknown[] | undefined {
    if (value === undefined || value === null) return undefined;
    return Array.isArray(value) ? value : this.fail(path, 'expected a list');
  }

  string(value: unknown, path: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value : this.fail(path, `expected a string, got ${JSON.stringify(value)}`);
  }

  /** A list of strings; numbers are accepted as their text (YAML turns `- 8080` into a number). */
  strings(value: unknown, path: string): readonly string[] | undefined {
    const list = this.list(value, path);
    return list?.map((item, index) => {
      if (typeof item === 'string') return item;
      if (typeof item === 'number') return String(item);
      return this.fail(`${path}[${index}]`, `expected a string, got ${JSON.stringify(item)}`);
    });
  }

  port(value: unknown, path: string): number {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535) return value;
    return this.fail(path, `expected a port number 1-65535, got ${JSON.stringify(value)}`);
  }
}

export function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
