import * as YAML from 'yaml';

/**
 * A YAML writer for Kubernetes manifests that produces exactly the bytes of cdk8s's
 * `Yaml.stringify` (the `yaml` package with YAML 1.1, lineWidth 0) for the documents cdk8s
 * writes, several times faster: manifests are plain maps, lists, short strings, numbers and
 * booleans, so the general-purpose machinery (document model, anchors, folding) can be skipped.
 * Anything outside that subset (multi-line strings, non-finite numbers) is handed to the `yaml`
 * package for that document, so the output never differs.
 */

const YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

/**
 * The patterns by which the `yaml` package's YAML 1.1 schema reads a plain scalar as something
 * other than a string (null, booleans, numbers in several bases, timestamps, `<<`). A string
 * that matches one of them is quoted; taking the patterns from the package keeps us in step.
 */
const IMPLICIT_TYPES: readonly RegExp[] = new YAML.Document(null, { version: '1.1' }).schema.tags
  .map((tag) => (tag as { test?: RegExp }).test)
  .filter((test): test is RegExp => test instanceof RegExp);
/** Strings without indicator characters: a letter, '/' or '_' first. Plain unless an implicit type. */
const PLAIN_CANDIDATE = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
/** Strings the `yaml` package writes on one line (quoted or plain); others make a document fall back. */
const SINGLE_LINE = /^[\x20-\x7e]*$/;

class Unsupported extends Error {}

/**
 * Memo of scalar renderings: manifests repeat the same keys and values (`matchLabels`, `TCP`,
 * label keys, ports as strings) tens of thousands of times. Bounded, so memory stays flat.
 */
const scalarMemo = new Map<string, string>();
const MEMO_LIMIT = 200_000;

function renderString(value: string): string {
  if (PLAIN_CANDIDATE.test(value) && !IMPLICIT_TYPES.some((type) => type.test(value))) return value;
  if (!SINGLE_LINE.test(value)) throw new Unsupported();
  const rendered = YAML.stringify(value, YAML_OPTIONS).replace(/\n$/, '');
  if (rendered.includes('\n')) throw new Unsupported();
  return rendered;
}

function stringScalar(value: string): string {
  let rendered = scalarMemo.get(value);
  if (rendered === undefined) {
    rendered = renderString(value);
    if (scalarMemo.size < MEMO_LIMIT) scalarMemo.set(value, rendered);
  }
  return rendered;
}

function scalar(value: unknown): string {
  switch (typeof value) {
    case 'string': return stringScalar(value);
    case 'number':
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
      if (!Number.isFinite(value)) throw new Unsupported();
      return YAML.stringify(value, YAML_OPTIONS).replace(/\n$/, ''); // -0, fractions, exponents: rare

    case 'boolean': return value ? 'true' : 'false';
    default: throw new Unsupported();
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isEmpty = (v: unknown) => (Array.isArray(v) ? v.length === 0 : isMap(v) && Object.keys(v).length === 0);

/** After `key:` or `-`: a scalar or empty collection on the same line, otherwise a nested block. */
function writeNode(value: unknown, indent: string, afterDash: boolean, out: string[]): void {
  if (Array.isArray(value) && value.length > 0) {
    if (afterDash) out.push(' ');
    else out.push('\n');
    writeSequence(value, indent, afterDash, out);
  } else if (isMap(value) && !isEmpty(value)) {
    if (afterDash) out.push(' ');
    else out.push('\n');
    writeMap(value, indent, afterDash, out);
  } else if (Array.isArray(value)) {
    out.push(' []\n');
  } else if (isMap(value)) {
    out.push(' {}\n');
  } else {
    out.push(' ', scalar(value), '\n');
  }
}

function writeMap(map: Record<string, unknown>, indent: string, inlineFirst: boolean, out: string[]): void {
  let first = inlineFirst;
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined) continue;
    if (!first) out.push(indent);
    first = false;
    out.push(stringScalar(key), ':');
    writeNode(value, indent + '  ', false, out);
  }
}

function writeSequence(items: readonly unknown[], indent: string, inlineFirst: boolean, out: string[]): void {
  let first = inlineFirst;
  for (const item of items) {
    if (!first) out.push(indent);
    first = false;
    out.push('-');
    writeNode(item, indent + '  ', true, out);
  }
}

/** One document, as cdk8s's `Yaml.stringify` writes it. */
export function stringifyDocument(doc: Record<string, unknown>): string {
  try {
    const out: string[] = [];
    if (isEmpty(doc)) return '{}\n';
    writeMap(doc, '', false, out);
    return out.join('');
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    return YAML.stringify(doc, YAML_OPTIONS);
  }
}

/** Several documents, separated as cdk8s separates them. */
export function stringifyDocuments(docs: readonly Record<string, unknown>[]): string {
  return docs.map(stringifyDocument).join('---\n');
}
