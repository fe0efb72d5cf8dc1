// Read-only access to raw, untrusted Kubernetes objects and the problem type the lint engine reports.
// Every accessor tolerates any JSON shape: type errors are reported once, by the schema walker
// (schema.ts), and the semantic rules simply treat a mistyped field as absent.

export type Severity = 'error' | 'warning';

export interface LintProblem {
  readonly severity: Severity;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly message: string;
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field if it is an object; `undefined` when absent, null or mistyped. */
export function objectField(parent: unknown, key: string): JsonObject | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return isObject(value) ? value : undefined;
}

/** The field if it is an array; `undefined` when absent, null or mistyped. */
export function arrayField(parent: unknown, key: string): unknown[] | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return Array.isArray(value) ? value : undefined;
}

export function stringField(parent: unknown, key: string): string | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return typeof value === 'string' ? value : undefined;
}

/** The string items of an array field (non-strings are the schema walker's business). */
export function stringList(parent: unknown, key: string): string[] {
  return (arrayField(parent, key) ?? []).filter((v): v is string => typeof v === 'string');
}

/**
 * A built-in kind's string list as the API server decodes it (Go's encoding/json): a null item is the
 * zero value "", which validation then judges like any other item. Other non-strings are skipped.
 */
export function decodedStrings(parent: unknown, key: string): string[] {
  return (arrayField(parent, key) ?? []).flatMap((v) => (v === null ? [''] : typeof v === 'string' ? [v] : []));
}

/** A built-in kind's object list as the API server decodes it: a null item is an empty object. */
export function decodedObjects(parent: unknown, key: string): JsonObject[] {
  return (arrayField(parent, key) ?? []).flatMap((v) => (v === null ? [{}] : isObject(v) ? [v] : []));
}

/** A map of string values (labels, annotations, matchLabels); non-string values are skipped. */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * "Set" in the sense of the API server: present and not null. CRD pruning drops null fields before
 * validation, and protobuf decoding in Istio's webhook leaves an empty list unset (nil), so
 * `isSet` and `isNonEmptyList` are the two notions of presence the rules need.
 */
export function isSet(parent: unknown, key: string): boolean {
  return isObject(parent) && parent[key] !== undefined && parent[key] !== null;
}

export function isNonEmptyList(parent: unknown, key: string): boolean {
  const list = arrayField(parent, key);
  return list !== undefined && list.length > 0;
}

/** Kinds without a namespace; a namespaced object without one lands in "default" (kubectl). */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'Node', 'PersistentVolume', 'StorageClass',
  'CustomResourceDefinition', 'PriorityClass', 'IngressClass', 'RuntimeClass', 'CSIDriver', 'CSINode',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'APIService', 'GatewayClass',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'VolumeAttachment',
]);

/** Identity of an object as reported in problems, plus its parsed apiVersion. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** API group ("" for the core group), version, and whether apiVersion was present at all. */
  readonly group: string;
  readonly version: string;
  readonly hasApiVersion: boolean;
}

export function refOf(obj: JsonObject): ObjectRef {
  const kind = stringField(obj, 'kind') ?? '';
  const metadata = objectField(obj, 'metadata');
  const name = stringField(metadata, 'name') ?? '';
  const declaredNamespace = stringField(metadata, 'namespace');
  const namespace = CLUSTER_SCOPED_KINDS.has(kind) ? '' : declaredNamespace || 'default';
  const apiVersion = stringField(obj, 'apiVersion');
  const slash = apiVersion?.indexOf('/') ?? -1;
  const group = apiVersion !== undefined && slash >= 0 ? apiVersion.slice(0, slash) : '';
  const version = apiVersion !== undefined ? apiVersion.slice(slash + 1) : '';
  return { kind, namespace, name, group, version, hasApiVersion: apiVersion !== undefined };
}

/** Collects the problems of one object; rules call `error`/`warning` with a complete message. */
export class Findings {
  private readonly collected: LintProblem[] = [];

  constructor(readonly ref: ObjectRef) {}

  error(message: string): void {
    this.add('error', message);
  }

  warning(message: string): void {
    this.add('warning', message);
  }

  get problems(): readonly LintProblem[] {
    return this.collected;
  }

  private add(severity: Severity, message: string): void {
    const { kind, namespace, name } = this.ref;
    this.collected.push({ severity, kind, namespace, name, message });
  }
}

/** Compact JSON for quoting offending values in messages. */
export function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function labelsOf(obj: unknown): Record<string, string> {
  return stringMap(objectField(objectField(obj, 'metadata'), 'labels'));
}

export function annotationsOf(obj: unknown): Record<string, string> {
  return stringMap(objectField(objectField(obj, 'metadata'), 'annotations'));
}
