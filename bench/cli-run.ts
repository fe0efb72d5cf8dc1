import * as fs from 'fs';

/** The CLI entry of a compiled lib/ (`lib/cli/main`). */
export interface Cli {
  readonly run: (argv: string[], io: unknown) => Promise<number>;
}

/**
 * Runs `mesh-policy <argv>` in this process with its stdout written to `outFile` synchronously, as
 * `mesh-policy ... > file` writes (process.stdout to a file is synchronous, so writing counts).
 * Returns how long the command ran, in milliseconds, the file opened before and closed after.
 */
export async function runToFile(cli: Cli, argv: string[], outFile: string): Promise<number> {
  const out = fs.openSync(outFile, 'w');
  const io = { stdout: (s: string) => { fs.writeSync(out, s); }, stderr: (s: string) => process.stderr.write(s) };
  const start = performance.now();
  const code = await cli.run(argv, io);
  const ms = performance.now() - start;
  fs.closeSync(out);
  if (code !== 0) throw new Error(`mesh-policy ${argv[0]} exited ${code}`);
  return ms;
}
