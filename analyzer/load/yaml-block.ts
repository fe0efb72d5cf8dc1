/** The block structure of one document for the fast YAML reader (see yaml-stream.ts). */

import {
  FlowReader, UNSUPPORTED, expectOnlyComment, mappingKeyEnd, plainScalarAt, readDoubleQuoted, readKey, readSingleQuoted,
  resolvePlain,
} from './yaml-scalars';

export const NO_CONTENT = -1;
export const TAB_INDENT = -2;

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

/**
 * Reads one document. `indents` holds each line's indentation (or NO_CONTENT / TAB_INDENT), computed
 * once because lines are looked at several times.
 */
export class BlockReader {
  private index = 0;
  private readonly end: number;

  /** `indents` is the reader's own: a "- key:" line is re-indented to its key. */
  constructor(private readonly lines: string[], private readonly indents: Int32Array) {
    this.end = indents.length;
  }

  private indentAt(index: number): number {
    const indent = this.indents[index];
    if (indent === TAB_INDENT) throw UNSUPPORTED;
    return indent;
  }

  document(): unknown {
    if (!this.skipToContent()) return null;
    const value = this.block(this.indentAt(this.index));
    if (this.skipToContent()) throw UNSUPPORTED; // content left over: odd indentation or an error
    return value;
  }

  /** Moves to the next line that is neither blank nor a comment; false at the end. */
  private skipToContent(): boolean {
    while (this.index < this.end && this.indents[this.index] === NO_CONTENT) this.index++;
    return this.index < this.end;
  }

  /** A mapping or a sequence whose entries start at exactly `indent`. */
  private block(indent: number): unknown {
    const line = this.lines[this.index];
    return isSequenceItem(line, indent) ? this.sequence(indent) : this.mapping(indent);
  }

  private sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    while (this.skipToContent()) {
      const line = this.lines[this.index];
      const lineIndent = this.indentAt(this.index);
      if (lineIndent > indent) throw UNSUPPORTED;
      if (lineIndent < indent || !isSequenceItem(line, indent)) break; // the enclosing mapping goes on
      let offset = indent + 1;
      while (line.charCodeAt(offset) === 32) offset++;
      if (offset === line.length || line[offset] === '#') {
        this.index++;
        items.push(this.nested(indent, false));
      } else if (isSequenceItem(line, offset)) {
        throw UNSUPPORTED; // a compact nested sequence
      } else if (mappingKeyEnd(line, offset) >= 0) {
        // "- key: value" opens a mapping whose keys are aligned with "key": this line counts as indented so.
        this.indents[this.index] = offset;
        items.push(this.mapping(offset));
      } else {
        this.index++;
        items.push(this.inlineValue(line, offset, indent));
      }
    }
    return items;
  }

  private mapping(indent: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    while (this.skipToContent()) {
      const line = this.lines[this.index];
      const lineIndent = this.indentAt(this.index);
      if (lineIndent < indent) break;
      if (lineIndent > indent) throw UNSUPPORTED; // e.g. a multi-line plain scalar
      if (isSequenceItem(line, indent)) break; // belongs to the enclosing "key:" (same-indent sequence)
      const colon = mappingKeyEnd(line, indent);
      if (colon < 0) throw UNSUPPORTED;
      const key = readKey(line.slice(indent, colon));
      let valueStart = colon + 1;
      while (line.charCodeAt(valueStart) === 32) valueStart++;
      this.index++;
      result[key] = valueStart === line.length || line[valueStart] === '#'
        ? this.nested(indent, true)
        : this.inlineValue(line, valueStart, indent);
    }
    return result;
  }

  /** The value of "key:" or "-" with nothing after it: a deeper block, a same-indent sequence, or null. */
  private nested(indent: number, sequenceMayAlign: boolean): unknown {
    if (!this.skipToContent()) return null;
    const line = this.lines[this.index];
    const lineIndent = this.indentAt(this.index);
    if (lineIndent > indent) {
      if (!isSequenceItem(line, lineIndent) && mappingKeyEnd(line, lineIndent) < 0) throw UNSUPPORTED;
      return this.block(lineIndent);
    }
    if (sequenceMayAlign && lineIndent === indent && isSequenceItem(line, indent)) return this.sequence(indent);
    return null;
  }

  /**
   * A value written from `start` of the line, after "key: " or "- ", at a node indented by `indent`.
   * Works on the line in place: this runs once per value of every document.
   */
  private inlineValue(line: string, start: number, indent: number): unknown {
    const first = line[start];
    if (first === '"' || first === "'") {
      const { value, end } = first === '"' ? readDoubleQuoted(line, start) : readSingleQuoted(line, start);
      expectOnlyComment(line, end);
      return value;
    }
    if (first === '[' || first === '{') {
      const text = line.slice(start);
      const reader = new FlowReader(text);
      const value = reader.value();
      expectOnlyComment(text, reader.position);
      return value;
    }
    if (first === '|') return this.literal(line, start, indent);
    if ('>&*!%@`?,'.includes(first) || (first === '-' && (line[start + 1] === ' ' || line.length === start + 1))) throw UNSUPPORTED;
    return resolvePlain(plainScalarAt(line, start));
  }

  /** A literal block scalar ("|", "|-", "|+"); explicit indentation indicators are left to the full parser. */
  private literal(line: string, start: number, indent: number): string {
    const chomping = line[start + 1] === '-' || line[start + 1] === '+' ? line[start + 1] : '';
    expectOnlyComment(line, start + 1 + chomping.length);
    const content: string[] = [];
    let scalarIndent = -1;
    while (this.index < this.end) {
      const line = this.lines[this.index];
      if (line.trim() === '') {
        if (scalarIndent < 0 && line.length > indent + 1) throw UNSUPPORTED; // leading blank lines wider than the content
        content.push('');
        this.index++;
        continue;
      }
      let lineIndent = 0;
      while (line.charCodeAt(lineIndent) === 32) lineIndent++;
      if (scalarIndent < 0) {
        if (lineIndent <= indent) break;
        scalarIndent = lineIndent;
      }
      if (lineIndent < scalarIndent) break;
      content.push(line.slice(scalarIndent));
      this.index++;
    }
    let end = content.length;
    while (end > 0 && content[end - 1] === '') end--;
    const body = content.slice(0, end).join('\n');
    if (chomping === '-' || end === 0) return chomping === '+' ? '\n'.repeat(content.length) : body;
    if (chomping === '+') return `${body}\n${'\n'.repeat(content.length - end)}`;
    return `${body}\n`;
  }
}

function isSequenceItem(line: string, indent: number): boolean {
  return line[indent] === '-' && (line.length === indent + 1 || line[indent + 1] === ' ');
}
