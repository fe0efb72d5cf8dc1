/**
 * Scalars and one-line flow collections for the fast YAML reader (see yaml-stream.ts): plain scalars
 * resolved with the YAML 1.2 core schema exactly as the `yaml` package does, quoted scalars, keys.
 */

/** Thrown when a document leaves the supported subset; the caller falls back to the full parser. */
export class Unsupported extends Error {}

export const UNSUPPORTED = new Unsupported('unsupported YAML construct');

/**
 * Where the key of "key: value" starting at `start` ends (the colon), or -1 when the text is not a
 * mapping entry. Quoted keys are skipped over; a plain key ends at the first ": " or a colon closing
 * the line.
 */
export function mappingKeyEnd(text: string, start: number): number {
  let i = start;
  if (text[i] === '"' || text[i] === "'") {
    i = (text[i] === '"' ? readDoubleQuoted(text, i) : readSingleQuoted(text, i)).end;
    while (text[i] === ' ') i++;
    return text[i] === ':' && (i + 1 === text.length || text[i + 1] === ' ') ? i : -1;
  }
  // Native searches: this runs for every line of every document.
  let colon = text.indexOf(':', i);
  while (colon >= 0 && colon + 1 < text.length && text.charCodeAt(colon + 1) !== 32) colon = text.indexOf(':', colon + 1);
  if (colon < 0) return -1;
  const comment = text.indexOf(' #', i);
  return comment >= 0 && comment < colon ? -1 : colon;
}

/** Keys become object property names; only keys whose text is the property name are handled here. */
export function readKey(text: string): string {
  const key = text.trimEnd();
  // Most keys are words longer than any core-schema literal ("true", "False", "null"...): names as they are.
  const first = key.charCodeAt(0);
  if (key.length > 5 && ((first >= 97 && first <= 122) || (first >= 65 && first <= 90)) && key !== '__proto__') return key;
  if (key[0] === '"') return readDoubleQuoted(key, 0).value;
  if (key[0] === "'") return readSingleQuoted(key, 0).value;
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

/** What follows a value from `from` on may only be blanks, then a comment after at least one blank. */
export function expectOnlyComment(text: string, from: number): void {
  let at = from;
  while (at < text.length && (text.charCodeAt(at) === 32 || text.charCodeAt(at) === 9)) at++;
  if (at < text.length && !(text[at] === '#' && at > from)) throw UNSUPPORTED;
}

/** The plain scalar from `start`: up to a comment (a "#" after a blank), without trailing blanks. */
export function plainScalarAt(line: string, start: number): string {
  let end = line.indexOf('#', start);
  while (end > start && line.charCodeAt(end - 1) !== 32 && line.charCodeAt(end - 1) !== 9) end = line.indexOf('#', end + 1);
  if (end < 0) end = line.length;
  while (end > start && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  return line.slice(start, end);
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

export function readDoubleQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (char === '"') return { value, end: i + 1 };
    if (char !== '\\') {
      value += char;
      continue;
    }
    const escape = text[++i];
    const width = escape === 'x' ? 2 : escape === 'u' ? 4 : escape === 'U' ? 8 : 0;
    if (width > 0) {
      const hex = text.slice(i + 1, i + 1 + width);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) throw UNSUPPORTED;
      value += String.fromCodePoint(parseInt(hex, 16));
      i += width;
    } else if (escape !== undefined && escape in ESCAPES) {
      value += ESCAPES[escape];
    } else {
      throw UNSUPPORTED;
    }
  }
  throw UNSUPPORTED; // continues on the next line
}

export function readSingleQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] !== "'") {
      value += text[i];
    } else if (text[i + 1] === "'") {
      value += "'";
      i++;
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
      const { value, end } = char === '"' ? readDoubleQuoted(this.text, this.position) : readSingleQuoted(this.text, this.position);
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
        const read = quote === '"' ? readDoubleQuoted(this.text, this.position) : readSingleQuoted(this.text, this.position);
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
