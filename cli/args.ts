import { InputError } from '../analyzer/errors';

/** Options that take a value; `--header`, `--namespace`, `--workloads` and `--stand-ins` may repeat. */
const VALUE_OPTIONS = new Set([
  'trust-domain', 'root-namespace', 'format', 'from', 'to', 'port', 'protocol', 'method', 'path', 'host', 'header',
  'requests', 'app', 'declared-access', 'kubeconfig', 'context', 'namespace', 'request-timeout', 'cluster-domain',
  'as', 'verb', 'resource', 'group', 'name', 'workloads', 'stand-ins',
]);
const FLAGS = new Set(['help', 'list-denied']);
/** `--group ''` asks for the core API group; every other option given an empty value would be silently ignored or misread. */
const EMPTY_VALUE_OPTIONS = new Set(['group']);

export interface ParsedArgs {
  readonly command?: string;
  readonly positionals: readonly string[];
  readonly options: ReadonlyMap<string, readonly string[]>;
  readonly flags: ReadonlySet<string>;
}

/**
 * `--name value`, `--name=value` and flags, anywhere on the line (global options may come before or
 * after the command); `--` ends options. `-h` is `--help`; there are no other short options. The
 * first positional is the command.
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
    if (token === '-h') {
      flags.add('help');
      continue;
    }
    // Else `-n 5` would read `-n` as a path and report a missing file.
    if (/^-[^-]/.test(token)) throw new InputError(`unknown option ${token}: options are long, e.g. --namespace (a path that starts with '-' goes after --)`);
    if (!token.startsWith('--')) {
      positionals.push(token);
      continue;
    }
    const equals = token.indexOf('=');
    const name = token.slice(2, equals < 0 ? undefined : equals);
    if (FLAGS.has(name)) {
      if (equals >= 0) throw new InputError(`option --${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!VALUE_OPTIONS.has(name)) throw new InputError(`unknown option --${name} (see mesh-policy --help)`);
    const value = equals >= 0 ? token.slice(equals + 1) : optionValue(name, argv[++i]);
    if (value === '' && !EMPTY_VALUE_OPTIONS.has(name)) throw new InputError(`option --${name} needs a value, got an empty one`);
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  const [command, ...rest] = positionals;
  return { ...(command ? { command } : {}), positionals: rest, options, flags };
}

/**
 * The token after `--name`. An option there means the value was left out (`--from --to a/b`): taking
 * `--to` as the value would report the wrong problem. A value that starts with `--` is written `--name=VALUE`.
 */
function optionValue(name: string, next: string | undefined): string {
  if (next === undefined) throw new InputError(`option --${name} needs a value`);
  if (next.startsWith('--')) throw new InputError(`option --${name} needs a value, got the option ${next} (write --${name}=VALUE for a value that starts with --)`);
  return next;
}

/** The single value of an option; repeating it is an error, so that typos do not pass silently. */
export function single(args: ParsedArgs, name: string): string | undefined {
  const values = args.options.get(name);
  if (values && values.length > 1) throw new InputError(`option --${name} given more than once`);
  return values?.[0];
}

/** The mesh settings of the commands that evaluate Istio policies (`meshOptions`); can-i and discover do not. */
export const MESH_OPTIONS = ['trust-domain', 'root-namespace'] as const;

/**
 * Only these options (and --format, --help) make sense for the command; anything else is a mistake
 * worth reporting: an option silently ignored reads as one that was applied.
 */
export function allowOnly(args: ParsedArgs, command: string, allowed: readonly string[]): void {
  const known = new Set([...allowed, 'format', 'help']);
  for (const name of [...args.options.keys(), ...args.flags]) {
    if (!known.has(name)) throw new InputError(`option --${name} does not apply to ${command}`);
  }
}

export function formatOption<F extends string>(args: ParsedArgs, allowed: readonly F[], fallback: F): F {
  const format = single(args, 'format') ?? fallback;
  if (!(allowed as readonly string[]).includes(format)) {
    throw new InputError(`--format must be one of ${allowed.join(', ')}, got ${JSON.stringify(format)}`);
  }
  return format as F;
}
