import { readKey } from './yaml-scalars';

const SLOTS = 1024;

/**
 * The mapping keys of a stream, which repeat in nearly every document (apiVersion, metadata, name...).
 * A key met again is recognized in the text, compared in place without allocating, and the string made
 * the first time is returned: V8 has internalized it as a property name by then, so storing the
 * property neither allocates a key nor hashes it again (~10% of reading time). A small direct-mapped
 * table suffices. (Plain values were tried too: most do not repeat, and the misses cost more.)
 */
export class KeyCache {
  private readonly slots: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

  /** The key written in text[start, end), as `readKey` reads it. */
  read(text: string, start: number, end: number): string {
    const length = end - start;
    const slot = (length * 31 + text.charCodeAt(start) * 7 + text.charCodeAt(end - 1)) & (SLOTS - 1);
    const known = this.slots[slot];
    if (known !== undefined && known.length === length && text.startsWith(known, start)) return known;
    const key = readKey(text.slice(start, end));
    // Only keys written as themselves: a quoted or padded key's text is not its name.
    if (key.length === length) this.slots[slot] = key;
    return key;
  }
}
