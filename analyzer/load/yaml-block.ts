/** The block structure of one document for the fast YAML reader (see yaml-stream.ts). */

import {
  FlowReader, UNSUPPORTED, expectOnlyComment, mappingKeyEnd, plainScalarAt, readDoubleQuoted, readSingleQuoted, resolvePlain,
} from './yaml-scalars';
import { KeyCache } from './yaml-keys';

export const NO_CONTENT = -1;
export const TAB_INDENT = -2;
/** Not computed yet: indentation is worked out for the lines of the documents that are read. */
export const UNKNOWN_INDENT = -3;

/**
 * Spaces before the first character of the line [start, end), NO_CONTENT for blank and comment lines,
 * TAB_INDENT when tabs indent it.
 */
export function contentIndentAt(text: string, start: number, end: number): number {
  let at = start;
  while (at < end && text.charCodeAt(at) === 32) at++;
  if (at === end || text.charCodeAt(at) === 35 /* # */) return NO_CONTENT;
  if (text.charCodeAt(at) === 9 /* tab */) {
    while (at < end && (text.charCodeAt(at) === 9 || text.charCodeAt(at) === 32)) at++;
    return at === end || text.charCodeAt(at) === 35 ? NO_CONTENT : TAB_INDENT;
  }
  return at - start;
}

/** A whole stream, scanned once (yaml-stream.ts), as the block reader reads it. */
export interface ScannedText {
  readonly text: string;
  /** Start offset of each line; one extra entry past the end. */
  readonly starts: Int32Array;
  /**
   * Each line's indentation, or NO_CONTENT / TAB_INDENT; UNKNOWN_INDENT until `computeIndents` covers
   * the line. A reader may change it (see `sequence`).
   */
  readonly indents: Int32Array;
  readonly keys: KeyCache;
}

/** Fills in the indentation of lines [from, to) not computed yet. */
export function computeIndents(stream: Pick<ScannedText, 'text' | 'starts' | 'indents'>, from: number, to: number): void {
  const { text, starts, indents } = stream;
  for (let i = from; i < to; i++) {
    if (indents[i] === UNKNOWN_INDENT) indents[i] = contentIndentAt(text, starts[i], starts[i + 1] - 1);
  }
}

/**
 * Reads one document, lines [from, to) of a stream, in place: line i is text[starts[i], starts[i + 1] - 1).
 * Nothing is cut into line strings; only keys and values become strings.
 */
export class BlockReader {
  private readonly text: string;
  private readonly starts: Int32Array;
  private readonly indents: Int32Array;
  private index: number;

  constructor(private readonly stream: ScannedText, from: number, private readonly to: number) {
    computeIndents(stream, from, to);
    this.text = stream.text;
    this.starts = stream.starts;
    this.indents = stream.indents;
    this.index = from;
  }

  private indentAt(index: number): number {
    const indent = this.indents[index];
    if (indent === TAB_INDENT) throw UNSUPPORTED;
    return indent;
  }

  /** Where line `index` ends (its newline, or the end of the text). */
  private lineEnd(index: number): number {
    return this.starts[index + 1] - 1;
  }

  document(): unknown {
    if (!this.skipToContent()) return null;
    const value = this.block(this.indentAt(this.index));
    if (this.skipToContent()) throw UNSUPPORTED; // content left over: odd indentation or an error
    return value;
  }

  /** Moves to the next line that is neither blank nor a comment; false at the end. */
  private skipToContent(): boolean {
    while (this.index < this.to && this.indents[this.index] === NO_CONTENT) this.index++;
    return this.index < this.to;
  }

  /** A mapping or a sequence whose entries start at exactly `indent`. */
  private block(indent: number): unknown {
    const start = this.starts[this.index] + indent;
    return isSequenceItem(this.text, start, this.lineEnd(this.index)) ? this.sequence(indent) : this.mapping(indent);
  }

  private sequence(indent: number): unknown[] {
    const { text } = this;
    const items: unknown[] = [];
    while (this.skipToContent()) {
      const lineIndent = this.indentAt(this.index);
      if (lineIndent > indent) throw UNSUPPORTED;
      const lineStart = this.starts[this.index];
      const end = this.lineEnd(this.index);
      if (lineIndent < indent || !isSequenceItem(text, lineStart + indent, end)) break; // the enclosing mapping goes on
      let offset = lineStart + indent + 1;
      while (offset < end && text.charCodeAt(offset) === 32) offset++;
      if (offset === end || text.charCodeAt(offset) === 35 /* # */) {
        this.index++;
        items.push(this.nested(indent, false));
      } else if (isSequenceItem(text, offset, end)) {
        throw UNSUPPORTED; // a compact nested sequence
      } else if (mappingKeyEnd(text, offset, end) >= 0) {
        // "- key: value" opens a mapping whose keys are aligned with "key": this line counts as indented so.
        this.indents[this.index] = offset - lineStart;
        items.push(this.mapping(offset - lineStart));
      } else {
        this.index++;
        items.push(this.inlineValue(offset, end, indent));
      }
    }
    return items;
  }

  private mapping(indent: number): Record<string, unknown> {
    const { text } = this;
    const result: Record<string, unknown> = {};
    while (this.skipToContent()) {
      const lineIndent = this.indentAt(this.index);
      if (lineIndent < indent) break;
      if (lineIndent > indent) throw UNSUPPORTED; // e.g. a multi-line plain scalar
      const keyStart = this.starts[this.index] + indent;
      const end = this.lineEnd(this.index);
      if (isSequenceItem(text, keyStart, end)) break; // belongs to the enclosing "key:" (same-indent sequence)
      const colon = mappingKeyEnd(text, keyStart, end);
      if (colon < 0) throw UNSUPPORTED;
      const key = this.stream.keys.read(text, keyStart, colon);
      let valueStart = colon + 1;
      while (valueStart < end && text.charCodeAt(valueStart) === 32) valueStart++;
      this.index++;
      result[key] = valueStart === end || text.charCodeAt(valueStart) === 35
        ? this.nested(indent, true)
        : this.inlineValue(valueStart, end, indent);
    }
    return result;
  }

  /** The value of "key:" or "-" with nothing after it: a deeper block, a same-indent sequence, or null. */
  private nested(indent: number, sequenceMayAlign: boolean): unknown {
    if (!this.skipToContent()) return null;
    const lineIndent = this.indentAt(this.index);
    const lineStart = this.starts[this.index];
    const end = this.lineEnd(this.index);
    if (lineIndent > indent) {
      const start = lineStart + lineIndent;
      if (!isSequenceItem(this.text, start, end) && mappingKeyEnd(this.text, start, end) < 0) throw UNSUPPORTED;
      return this.block(lineIndent);
    }
    if (sequenceMayAlign && lineIndent === indent && isSequenceItem(this.text, lineStart + indent, end)) return this.sequence(indent);
    return null;
  }

  /** A value written from `start` to the line's `end`, after "key: " or "- ", at a node indented by `indent`. */
  private inlineValue(start: number, end: number, indent: number): unknown {
    const { text } = this;
    const first = text[start];
    if (first === '"' || first === "'") {
      const quoted = first === '"' ? readDoubleQuoted(text, start, end) : readSingleQuoted(text, start, end);
      expectOnlyComment(text, quoted.end, end);
      return quoted.value;
    }
    if (first === '[' || first === '{') {
      const line = text.slice(start, end);
      const reader = new FlowReader(line);
      const value = reader.value();
      expectOnlyComment(line, reader.position, line.length);
      return value;
    }
    if (first === '|') return this.literal(start, end, indent);
    if ('>&*!%@`?,'.includes(first) || (first === '-' && (start + 1 === end || text.charCodeAt(start + 1) === 32))) throw UNSUPPORTED;
    return resolvePlain(plainScalarAt(text, start, end));
  }

  /** A literal block scalar ("|", "|-", "|+"); explicit indentation indicators are left to the full parser. */
  private literal(start: number, end: number, indent: number): string {
    const { text } = this;
    const indicator = start + 1 < end ? text[start + 1] : '';
    const chomping = indicator === '-' || indicator === '+' ? indicator : '';
    expectOnlyComment(text, start + 1 + chomping.length, end);
    const content: string[] = [];
    let scalarIndent = -1;
    while (this.index < this.to) {
      const lineStart = this.starts[this.index];
      const lineEnd = this.lineEnd(this.index);
      if (text.slice(lineStart, lineEnd).trim() === '') {
        if (scalarIndent < 0 && lineEnd - lineStart > indent + 1) throw UNSUPPORTED; // leading blank lines wider than the content
        content.push('');
        this.index++;
        continue;
      }
      let lineIndent = 0;
      while (text.charCodeAt(lineStart + lineIndent) === 32) lineIndent++;
      if (scalarIndent < 0) {
        if (lineIndent <= indent) break;
        scalarIndent = lineIndent;
      }
      if (lineIndent < scalarIndent) break;
      content.push(text.slice(lineStart + scalarIndent, lineEnd));
      this.index++;
    }
    let kept = content.length;
    while (kept > 0 && content[kept - 1] === '') kept--;
    const body = content.slice(0, kept).join('\n');
    if (chomping === '-' || kept === 0) return chomping === '+' ? '\n'.repeat(content.length) : body;
    if (chomping === '+') return `${body}\n${'\n'.repeat(content.length - kept)}`;
    return `${body}\n`;
  }
}

/** Whether the line has "-" at `at` followed by a blank or the line's `end`. */
function isSequenceItem(text: string, at: number, end: number): boolean {
  return at < end && text.charCodeAt(at) === 45 /* - */ && (at + 1 === end || text.charCodeAt(at + 1) === 32);
}
