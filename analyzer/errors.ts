/**
 * A problem with what the user gave us (a path, a manifest, a request), as opposed to a bug.
 * The CLI prints its message as one line and exits 2, so the message must say what was wrong and where.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Where an object came from, so that errors and reports can point at it. */
export interface SourceRef {
  readonly file: string;
  /** Index of the YAML document (or JSON value) in the file, from 0. */
  readonly document: number;
  /** Index inside a `kind: List` (or a top-level JSON array), when the object came from one. */
  readonly item?: number;
}

export function describeSource(source: SourceRef): string {
  const item = source.item === undefined ? '' : `, item ${source.item}`;
  return `${source.file}: document ${source.document}${item}`;
}
