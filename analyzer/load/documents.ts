import * as path from 'path';
import { InputError, SourceRef, describeSource } from '../errors';
import { DocumentFilter, YamlDocument, readYamlStream } from './yaml-stream';
import { expandManifestPaths, readTextFile } from './files';

/** A parsed Kubernetes object (plain JSON) and where it came from. */
export type { DocumentFilter } from './yaml-stream';

export interface LoadedObject {
  readonly object: KubeObject;
  readonly source: SourceRef;
}

/** The shape every Kubernetes object shares; the rest is read field by field where it is understood. */
export interface KubeObject {
  readonly apiVersion?: unknown;
  readonly kind: string;
  readonly metadata?: unknown;
  readonly [field: string]: unknown;
}

/**
 * Reads files and directories of manifests into objects, in file order then document order. With a
 * filter, only objects it keeps are returned (and YAML documents it rejects are not even parsed).
 */
export function loadManifests(paths: readonly string[], keep?: DocumentFilter): LoadedObject[] {
  return [...streamManifests(paths, keep)];
}

/**
 * Like `loadManifests`, one object at a time: YAML documents are parsed as they are asked for, so that
 * a consumer that is done with each object keeps memory, and garbage collection, low.
 */
export function* streamManifests(paths: readonly string[], keep?: DocumentFilter): Generator<LoadedObject> {
  for (const file of expandManifestPaths(paths)) yield* manifestObjects(readTextFile(file), file, keep);
}

/**
 * Parses one file: JSON (an object, an array of objects or a List) or multi-document YAML.
 * `kind: List` is flattened. Empty documents and mappings without `kind` (not Kubernetes objects,
 * e.g. a kustomize or tool config) are skipped; anything else that is not an object is an error
 * naming the file and the document index.
 */
export function parseManifestText(text: string, file: string, keep?: DocumentFilter): LoadedObject[] {
  return [...manifestObjects(text, file, keep)];
}

function* manifestObjects(text: string, file: string, keep: DocumentFilter | undefined): Generator<LoadedObject> {
  const values = jsonDocument(text, file) ?? parseYamlDocuments(text, file, keep);
  let document = 0;
  for (const value of values) {
    const objects = Array.isArray(value)
      ? value.flatMap((item, index) => objectsIn(item, { file, document, item: index }))
      : objectsIn(value, { file, document });
    for (const object of objects) {
      if (!keep || keep(object.object.kind, namespaceOf(object.object))) yield object;
    }
    document++;
  }
}

function namespaceOf(object: KubeObject): string | undefined {
  const namespace = (object.metadata as { namespace?: unknown } | undefined)?.namespace;
  return typeof namespace === 'string' && namespace !== '' ? namespace : undefined;
}

/** The objects in one value: itself, the items of a List, or none (empty or not a Kubernetes object). */
function objectsIn(value: unknown, source: SourceRef): LoadedObject[] {
  const objects: LoadedObject[] = [];
  collect(value, source, objects);
  return objects;
}

function collect(value: unknown, source: SourceRef, into: LoadedObject[]): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${describeSource(source)}: expected a Kubernetes object, found ${describeValue(value)}`);
  }
  const object = value as Record<string, unknown>;
  if (object.kind === undefined) return;
  if (typeof object.kind !== 'string') {
    throw new InputError(`${describeSource(source)}: kind must be a string`);
  }
  if (object.kind === 'List' || (object.kind.endsWith('List') && Array.isArray(object.items))) {
    const items = object.items ?? [];
    if (!Array.isArray(items)) {
      throw new InputError(`${describeSource(source)}: ${object.kind}.items must be an array`);
    }
    items.forEach((item, index) => collect(item, { ...source, item: index }, into));
    return;
  }
  into.push({ object: object as KubeObject, source });
}

/**
 * A `.json` file is one JSON value (malformed: an error). Another file that starts like JSON is
 * parsed as one when it is one; else it is YAML, of which JSON is a subset (e.g. JSON documents
 * separated by `---`, as `kubectl get -o json` piped together gives).
 */
function jsonDocument(text: string, file: string): unknown[] | undefined {
  const strict = path.extname(file).toLowerCase() === '.json';
  const first = text.trimStart()[0];
  if (!strict && first !== '{' && first !== '[') return undefined;
  try {
    return [JSON.parse(text)];
  } catch (error) {
    if (!strict) return undefined;
    throw new InputError(`${file}: document 0: malformed JSON: ${(error as Error).message}`);
  }
}

/** Plain block YAML takes the fast reader; what it does not handle, the full `yaml` parser. */
function parseYamlDocuments(text: string, file: string, keep: DocumentFilter | undefined): Iterable<unknown> {
  const fast = readYamlStream(text, keep);
  return fast ? fallingBack(fast, file) : parseWithYamlPackage(text, file, 0);
}

function* fallingBack(documents: Iterable<YamlDocument>, file: string): Generator<unknown> {
  let index = 0;
  for (const document of documents) {
    yield document.parsed ? document.value : parseWithYamlPackage(document.text, file, index, document.firstLine)[0] ?? null;
    index++;
  }
}

/** One YAML value (e.g. the MeshConfig inside a ConfigMap); `where` names it in errors. */
export function parseYamlValue(text: string, where: string): unknown {
  const fast = readYamlStream(text);
  const documents = fast ? [...fast] : [];
  const document = documents.length === 1 ? documents[0] : undefined;
  if (document?.parsed) return document.value;
  return parseWithYamlPackage(text, where, 0)[0] ?? null;
}

/** `firstLine`: the file line (0-based) the text starts on, so that errors give file lines. */
function parseWithYamlPackage(text: string, file: string, firstIndex: number, firstLine = 0): unknown[] {
  // Loaded on first use: most inputs never need the (slow to load and to run) full parser.
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  // uniqueKeys off: duplicate keys are common in hand-written manifests and kubectl accepts them (last wins).
  const documents = parseAllDocuments(text, { uniqueKeys: false });
  const list = Array.isArray(documents) ? documents : [documents];
  return list.map((document, index) => {
    const error = document.errors[0];
    if (error) {
      const message = firstLineOf(error.message)
        .replace(/at line (\d+)/, (_match, line: string) => `at line ${Number(line) + firstLine}`)
        .replace(/:$/, '');
      throw new InputError(`${file}: document ${firstIndex + index}: malformed YAML: ${message}`);
    }
    return document.toJS({ maxAliasCount: -1 });
  });
}

function firstLineOf(message: string): string {
  return message.split('\n')[0];
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? `the text ${JSON.stringify(value.slice(0, 40))}` : `a ${typeof value}`;
}
