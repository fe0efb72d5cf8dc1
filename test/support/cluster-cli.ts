import { run } from '../../cli/main';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `mesh-policy <name> <positionals...>` in-process with the options given as a map
 * (`--namespace` may repeat), through the CLI's own `run`, so exit codes and error messages are
 * exactly the command line's.
 */
export async function runCommand(
  name: string,
  positionals: readonly string[],
  options: Readonly<Record<string, string | readonly string[]>> = {},
): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const argv = [name, ...positionals];
  for (const [option, value] of Object.entries(options)) {
    for (const item of typeof value === 'string' ? [value] : value) argv.push(`--${option}`, item);
  }
  const code = await run(argv, { stdout: (text) => { stdout += text; }, stderr: (text) => { stderr += text; } });
  return { code, stdout, stderr };
}
