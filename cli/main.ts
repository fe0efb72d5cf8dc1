import { InputError } from '../analyzer/errors';
import { parseArgs } from './args';
import { runCheck } from './commands/check';
import { runDiff } from './commands/diff';
import { runExplain } from './commands/explain';
import { runReach } from './commands/reach';
import { CliIo, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK } from './io';
import { SyncOutput } from './sync-output';
import { USAGE } from './usage';

type Command = (args: ReturnType<typeof parseArgs>, io: CliIo) => number | Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  check: runCheck,
  reach: runReach,
  explain: runExplain,
  diff: runDiff,
  // Loaded on demand: the linter and the YAML package it uses cost ~50 ms at start-up, which check should not pay.
  lint: (args, io) => (require('./commands/lint') as typeof import('./commands/lint')).runLint(args, io),
  // On demand, like lint: check's start-up should not grow with every command added.
  'can-i': (args, io) => (require('./commands/can-i') as typeof import('./commands/can-i')).runCanI(args, io),
  verify: (args, io) => (require('./commands/verify') as typeof import('./commands/verify')).runVerify(args, io),
  // The cluster commands load @kubernetes/client-node, which is heavy; only they pay for it.
  audit: (args, io) => (require('./commands/audit') as typeof import('./commands/audit')).runAudit(args, io),
  discover: (args, io) => (require('./commands/discover') as typeof import('./commands/discover')).runDiscover(args, io),
};

/**
 * The `mesh-policy` command line as a function, so tests run it in-process. Returns the exit code;
 * bad input prints one line to stderr and returns 2, never a stack trace.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (!args.command || args.command === 'help' || (args.flags.has('help') && !COMMANDS[args.command])) {
      const asked = Boolean(args.command || args.flags.has('help'));
      // Asked for, the usage is the output; without a command it explains the failure (exit 2).
      (asked ? io.stdout : io.stderr)(USAGE);
      return asked ? EXIT_OK : EXIT_BAD_INPUT;
    }
    const command = COMMANDS[args.command];
    if (!command) throw new InputError(`unknown command ${JSON.stringify(args.command)} (commands: ${Object.keys(COMMANDS).join(', ')})`);
    if (args.flags.has('help')) {
      io.stdout(USAGE);
      return EXIT_OK;
    }
    // Awaited inside the try, so that an async command's bad input is reported like any other.
    return await command(args, io);
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(`mesh-policy: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(`mesh-policy: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_INTERNAL;
  }
}

/** Entry point of bin/mesh-policy. */
export function main(): void {
  // Written synchronously (sync-output.ts). A reader that stops early (`mesh-policy reach dir | head`)
  // closes the pipe: the rest is not written, quietly, and the command still ends with its own exit
  // code (a widening `diff | head` must still fail a CI job).
  const stdout = new SyncOutput(1);
  void run(process.argv.slice(2), {
    stdout: (text) => stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
  });
}
