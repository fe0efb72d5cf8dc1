import { InputError } from '../analyzer/errors';

/** Options that take a value; `--header`, `--namespace` and `--workloads` may repeat. */
const VALUE_OPTIONS = new Set([
  'trust-domain', 'root-namespace', 'format', 'from', 'to', 'port', 'protocol', 'method', 'path', 'host', 'header',
  'requests', 'app', 'declared-access', 'kubeconfig', 'context', 'namespace', 'request-timeout', 'cluster-domain',
  'as', 'verb', 'resource', 'group', 'name', 'workloads',
]);
const FLAGS = new Set(['help', 'list-denied']);

export interface ParsedArgs {
  readonly command?: string;
  readonly positionals: readonly string[];
  readonly options: ReadonlyMap<string, readonly string[]>;
  readonly flags: ReadonlySet<string>;
}

/**
 * `--name value`, `--name=value` and flags, anywhere on the line (global options may come before or
 * after the command); `--` ends options. The first positional is the command.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('--') || token === '-') {
      positionals.push(token);
      continue;
    }
    const equals = token.indexOf('=');
    const name = token.slice(2, equals < 0 ? undefined : equals);
    if (FLAGS.has(name) && equals < 0) {
      flags.add(name);
      continue;
    }
    if (!VALUE_OPTIONS.has(name)) throw new InputError(`unknown option --${name} (see mesh-policy --help)`);
    const value = equals >= 0 ? token.slice(equals + 1) : argv[++i];
    if (value === undefined) throw new InputError(`option --${name} needs a value`);
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  const [command, ...rest] = positionals;
  return { ...(command ? { command } : {}), positionals: rest, options, flags };
}

/** The single value of an option; repeating it is an error, so that typos do not pass silently. */
export function single(args: ParsedArgs, name: string): string | undefined {
  const values = args.options.get(name);
  if (values && values.length > 1) throw new InputError(`option --${name} given more than once`);
  return values?.[0];
}

/** Only these options make sense for the command; anything else is a mistake worth reporting. */
export function allowOnly(args: ParsedArgs, command: string, allowed: readonly string[]): void {
  const known = new Set([...allowed, 'trust-domain', 'root-namespace', 'format']);
  for (const name of [...args.options.keys(), ...args.flags]) {
    if (!known.has(name) && name !== 'help') throw new InputError(`option --${name} does not apply to ${command}`);
  }
}

export function formatOption<F extends string>(args: ParsedArgs, allowed: readonly F[], fallback: F): F {
  const format = single(args, 'format') ?? fallback;
  if (!(allowed as readonly string[]).includes(format)) {
    throw new InputError(`--format must be one of ${allowed.join(', ')}, got ${JSON.stringify(format)}`);
  }
  return format as F;
}
