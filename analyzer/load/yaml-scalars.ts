/**
 * Scalars and one-line flow collections for the fast YAML reader (see yaml-stream.ts): plain scalars
 * resolved with the YAML 1.2 core schema exactly as the `yaml` package does, quoted scalars, keys.
 */

/** Thrown when a document leaves the supported subset; the caller falls back to the full parser. */
export class Unsupported extends Error {}

export const UNSUPPORTED = new Unsupported('unsupported YAML construct');

/**
 * Where the key of "key: value" starting at `start` ends (the colon), or -1 when the line (up to `end`)
 * is not a mapping entry. Quoted keys are skipped over; a plain key ends at the first ": " or a colon
 * closing the line, unless a comment comes first.
 */
export function mappingKeyEnd(text: string, start: number, end: number): number {
  let i = start;
  const first = text.charCodeAt(i);
  if (first === 34 /* " */ || first === 39 /* ' */) {
    i = (first === 34 ? readDoubleQuoted(text, i, end) : readSingleQuoted(text, i, end)).end;
    while (i < end && text.charCodeAt(i) === 32) i++;
    return i < end && text.charCodeAt(i) === 58 /* : */ && (i + 1 === end || text.charCodeAt(i + 1) === 32) ? i : -1;
  }
  // A loop bounded by the line, not indexOf: that would search the rest of the stream on a miss.
  for (; i < end; i++) {
    const char = text.charCodeAt(i);
    if (char === 58 && (i + 1 === end || text.charCodeAt(i + 1) === 32)) return i;
    if (char === 35 /* # */ && i > start && text.charCodeAt(i - 1) === 32) return -1;
  }
  return -1;
}

/** Keys become object property names; only keys whose text is the property name are handled here. */
export function readKey(text: string): string {
  const key = text.trimEnd();
  // Most keys are words longer than any core-schema literal ("true", "False", "null"...): names as they are.
  const first = key.charCodeAt(0);
  if (key.length > 5 && ((first >= 97 && first <= 122) || (first >= 65 && first <= 90)) && key !== '__proto__') return key;
  if (key[0] === '"') return readDoubleQuoted(key, 0, key.length).value;
  if (key[0] === "'") return readSingleQuoted(key, 0, key.length).value;
  if (key === '' || key === '<<' || key === '__proto__' || '[]{}&*!|>%@`?,-#'.includes(key[0])) throw UNSUPPORTED;
  const resolved = resolvePlain(key);
  if (typeof resolved === 'string') return key;
  if (/^(0|[1-9][0-9]*)$/.test(key)) return key; // plain integers name themselves
  throw UNSUPPORTED;
}

export function stripComment(text: string): string {
  let hash = text.indexOf('#');
  while (hash > 0 && text.charCodeAt(hash - 1) !== 32 && text.charCodeAt(hash - 1) !== 9) hash = text.indexOf('#', hash + 1);
  return (hash < 0 ? text : text.slice(0, hash)).trim();
}

/** What follows a value from `from` to the line's `end` may only be blanks, then a comment after at least one blank. */
export function expectOnlyComment(text: string, from: number, end: number): void {
  let at = from;
  while (at < end && isBlank(text.charCodeAt(at))) at++;
  if (at < end && !(text.charCodeAt(at) === 35 && at > from)) throw UNSUPPORTED;
}

/** The plain scalar from `start` to the line's `end`: up to a comment (a "#" after a blank), without trailing blanks. */
export function plainScalarAt(text: string, start: number, end: number): string {
  let stop = end;
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) === 35 && (i === start || isBlank(text.charCodeAt(i - 1)))) {
      stop = i;
      break;
    }
  }
  while (stop > start && isBlank(text.charCodeAt(stop - 1))) stop--;
  return text.slice(start, stop);
}

function isBlank(char: number): boolean {
  return char === 32 || char === 9;
}

/** The YAML 1.2 core schema, as the `yaml` package implements it (dist/schema/core). */
export function resolvePlain(text: string): unknown {
  switch (text) {
    case '': case '~': case 'null': case 'Null': case 'NULL':
      return null;
    case 'true': case 'True': case 'TRUE':
      return true;
    case 'false': case 'False': case 'FALSE':
      return false;
  }
  const first = text.charCodeAt(0);
  const numeric = (first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46;
  if (!numeric) {
    if (text.includes(': ') || text.endsWith(':')) throw UNSUPPORTED;
    return text;
  }
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(text)) return parseInt(text, 10);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text)) {
    return text.slice(-3).toLowerCase() === 'nan' ? NaN : text[0] === '-' ? -Infinity : Infinity;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(text) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(text)) {
    return parseFloat(text);
  }
  if (text.includes(': ') || text.endsWith(':')) throw UNSUPPORTED;
  return text;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ',
  '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

/** A double-quoted scalar from `start` (its opening quote) that closes before `end`. */
export function readDoubleQuoted(text: string, start: number, end: number): { value: string; end: number } {
  let value = '';
  let run = start + 1; // plain characters from here on are copied in one slice
  for (let i = start + 1; i < end; i++) {
    const char = text.charCodeAt(i);
    if (char === 34) return { value: value + text.slice(run, i), end: i + 1 };
    if (char !== 92 /* \ */) continue;
    value += text.slice(run, i);
    i++;
    const escape = i < end ? text[i] : undefined;
    const width = escape === 'x' ? 2 : escape === 'u' ? 4 : escape === 'U' ? 8 : 0;
    if (width > 0) {
      const hex = text.slice(i + 1, Math.min(i + 1 + width, end));
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) throw UNSUPPORTED;
      value += String.fromCodePoint(parseInt(hex, 16));
      i += width;
    } else if (escape !== undefined && escape in ESCAPES) {
      value += ESCAPES[escape];
    } else {
      throw UNSUPPORTED;
    }
    run = i + 1;
  }
  throw UNSUPPORTED; // continues on the next line
}

/** A single-quoted scalar from `start` (its opening quote) that closes before `end`. */
export function readSingleQuoted(text: string, start: number, end: number): { value: string; end: number } {
  let value = '';
  let run = start + 1;
  for (let i = start + 1; i < end; i++) {
    if (text.charCodeAt(i) !== 39) continue;
    value += text.slice(run, i);
    if (i + 1 < end && text.charCodeAt(i + 1) === 39) {
      value += "'";
      i++;
      run = i + 1;
    } else {
      return { value, end: i + 1 };
    }
  }
  throw UNSUPPORTED;
}

/** Flow collections on one line: `[a, "b", {c: d}]`, `{}`. */
export class FlowReader {
  position = 0;

  constructor(private readonly text: string) {}

  value(): unknown {
    this.skipSpaces();
    const char = this.text[this.position];
    if (char === '[') return this.sequence();
    if (char === '{') return this.mapping();
    if (char === '"' || char === "'") {
      const { value, end } = char === '"'
        ? readDoubleQuoted(this.text, this.position, this.text.length)
        : readSingleQuoted(this.text, this.position, this.text.length);
      this.position = end;
      return value;
    }
    return resolvePlain(this.plain());
  }

  private sequence(): unknown[] {
    this.position++;
    const items: unknown[] = [];
    this.skipSpaces();
    if (this.text[this.position] === ']') {
      this.position++;
      return items;
    }
    for (;;) {
      items.push(this.value());
      this.skipSpaces();
      const char = this.text[this.position++];
      if (char === ']') return items;
      if (char !== ',') throw UNSUPPORTED;
    }
  }

  private mapping(): Record<string, unknown> {
    this.position++;
    const result: Record<string, unknown> = {};
    this.skipSpaces();
    if (this.text[this.position] === '}') {
      this.position++;
      return result;
    }
    for (;;) {
      this.skipSpaces();
      const quote = this.text[this.position];
      let key: string;
      if (quote === '"' || quote === "'") {
        const read = quote === '"'
          ? readDoubleQuoted(this.text, this.position, this.text.length)
          : readSingleQuoted(this.text, this.position, this.text.length);
        key = read.value;
        this.position = read.end;
      } else {
        key = readKey(this.plain());
      }
      this.skipSpaces();
      if (this.text[this.position] !== ':') throw UNSUPPORTED;
      this.position++;
      result[key] = this.value();
      this.skipSpaces();
      const char = this.text[this.position++];
      if (char === '}') return result;
      if (char !== ',') throw UNSUPPORTED;
    }
  }

  /** A plain scalar in flow context ends at , [ ] { } or ": "; comments and anything odd are unsupported. */
  private plain(): string {
    const start = this.position;
    while (this.position < this.text.length) {
      const char = this.text[this.position];
      if (char === ',' || char === ']' || char === '}' || char === '[' || char === '{') break;
      if (char === ':' && (this.text[this.position + 1] === ' ' || this.text[this.position + 1] === '}' || this.text[this.position + 1] === ',')) break;
      if (char === '#' || char === '"' || char === "'") throw UNSUPPORTED;
      this.position++;
    }
    const plain = this.text.slice(start, this.position).trim();
    if (plain === '' || '&*!|>%@`?-'.includes(plain[0])) throw UNSUPPORTED;
    return plain;
  }

  private skipSpaces(): void {
    while (this.text[this.position] === ' ') this.position++;
  }
}
