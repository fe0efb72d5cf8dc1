import * as fs from 'fs';

/**
 * Standard output written synchronously, all of each piece before the next one is built. Node's
 * process.stdout writes to a pipe asynchronously on Linux: it writes what the pipe takes at once and
 * queues the rest in memory. A report of hundreds of megabytes piped to a slower reader (`mesh-policy
 * reach dir | gzip`) was then held whole, and the queued pieces left in one writev that failed with
 * ENOBUFS (`reach` over 2,000 workloads without policies, 294 MB, piped to `wc -c`). Writing the file
 * descriptor directly waits for the reader instead.
 */
export class SyncOutput {
  private closed = false;

  constructor(private readonly fd: number) {}

  /** Writes all of `text`; once the reader has gone (EPIPE, `| head`), nothing more. */
  write(text: string): void {
    if (this.closed) return;
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += fs.writeSync(this.fd, bytes, offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') {
          this.closed = true;
          return;
        }
        // A non-blocking pipe (the parent's, or once anything has opened process.stdout) is full: the
        // reader has not caught up yet.
        if (code !== 'EAGAIN') throw error;
        pause(1);
      }
    }
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function pause(milliseconds: number): void {
  Atomics.wait(sleeper, 0, 0, milliseconds);
}
