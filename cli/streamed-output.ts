/**
 * Big reports written in pieces. `reach` over 50,000 services gives a 112 MB report: built as one
 * string, then copied once more to UTF-8, it took 2.6 s (most of it full collections forced by the
 * two giant allocations) against 0.9 s in slices, and a few times more services would pass V8's
 * largest string (2^29 - 24 characters) and crash. `mesh-policy` writes each piece synchronously
 * (sync-output.ts), so it is gone before the next is built.
 */

/** Items per piece: large enough that the native `JSON.stringify` does the work, small enough to stay young. */
const SLICE = 1000;

/**
 * Writes exactly `JSON.stringify(value)` and a newline: the top-level arrays in slices of `slice` items,
 * everything else as `JSON.stringify` writes it. `value` is plain data (no `toJSON` at the top level).
 */
export function writeJson(value: object, write: (text: string) => void, slice = SLICE): void {
  let pending = '{';
  let first = true;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    // JSON.stringify leaves these keys out of an object.
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    pending += `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (!Array.isArray(item) || item.length <= slice) {
      pending += JSON.stringify(item);
      continue;
    }
    write(`${pending}[`);
    for (let start = 0; start < item.length; start += slice) {
      // A slice's text without its brackets; undefined items become null, as in the whole array.
      const text = JSON.stringify(item.slice(start, start + slice));
      write(`${start === 0 ? '' : ','}${text.slice(1, -1)}`);
    }
    pending = ']';
  }
  write(`${pending}}\n`);
}

/** Collects lines and writes them a batch at a time (1,000 lines by default), each batch ending with a newline. */
export class LineWriter {
  private batch: string[] = [];

  constructor(private readonly write: (text: string) => void, private readonly batchSize = SLICE) {}

  line(text: string): void {
    this.batch.push(text);
    if (this.batch.length >= this.batchSize) this.flush();
  }

  flush(): void {
    if (this.batch.length === 0) return;
    this.write(`${this.batch.join('\n')}\n`);
    this.batch = [];
  }
}
