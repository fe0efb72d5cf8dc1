import * as fs from 'fs';
import { stringifyDocument } from './yaml-writer';

/** Flush to the file once this many characters are buffered. */
const FLUSH_AT = 1 << 20;

/**
 * Writes YAML documents to a file as they come, separated as cdk8s separates them. cdk8s builds
 * the whole file in memory and spreads the documents as function arguments, which overflows the
 * stack past ~120,000 objects; streaming keeps memory flat for any mesh size.
 */
export class DocumentSink {
  private readonly fd: number;
  private buffer: string[] = [];
  private buffered = 0;
  private documents = 0;
  private bytes = 0;

  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  public write(doc: Record<string, unknown>): void {
    const text = (this.documents > 0 ? '---\n' : '') + stringifyDocument(doc);
    this.documents++;
    this.buffer.push(text);
    this.buffered += text.length;
    if (this.buffered >= FLUSH_AT) this.flush();
  }

  /** Flushes and closes the file; returns what was written. */
  public close(): { documents: number; bytes: number } {
    this.flush();
    fs.closeSync(this.fd);
    return { documents: this.documents, bytes: this.bytes };
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const data = Buffer.from(this.buffer.join(''), 'utf8');
    fs.writeSync(this.fd, data);
    this.bytes += data.length;
    this.buffer = [];
    this.buffered = 0;
  }
}
