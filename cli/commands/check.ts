import * as fs from 'fs';
import { AccessRequest, CheckResult, Inventory, check, inventoryForRequests, parseAccessRequest } from '../../analyzer';
import { InputError } from '../../analyzer/errors';
import { MESH_OPTIONS, ParsedArgs, allowOnly, formatOption, single } from '../args';
import { meshOptions, standInsOf } from '../inputs';
import { CliIo, EXIT_OK } from '../io';

const REQUEST_OPTIONS = ['from', 'to', 'port', 'protocol', 'method', 'path', 'host', 'header'];

/** `check <paths...> (--from --to --port ... | --requests FILE)`: one verdict per request, in order. */
export function runCheck(args: ParsedArgs, io: CliIo): number {
  allowOnly(args, 'check', [...REQUEST_OPTIONS, 'requests', 'stand-ins', ...MESH_OPTIONS]);
  const format = formatOption(args, ['text', 'json'], 'text');
  const requests = readRequests(args);
  if (args.positionals.length === 0) throw new InputError('no manifest path given');
  const inventory = inventoryForRequests(args.positionals, requests, meshOptions(args), standInsOf(args));
  const file = single(args, 'requests');
  const label = (index: number) => (file !== undefined ? `${file}: request ${index}` : requests.length > 1 ? `request ${index}` : undefined);
  const results = requests.map((request, index) => checkOne(inventory, request, label(index)));
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ results })}\n`);
  } else {
    io.stdout(results.map((result, index) => `${describe(requests[index])}: ${verdictText(result)}\n`).join(''));
  }
  return EXIT_OK;
}

function checkOne(inventory: Inventory, request: AccessRequest, where: string | undefined): CheckResult {
  try {
    return check(inventory, request);
  } catch (error) {
    if (error instanceof InputError && where !== undefined) throw new InputError(`${where}: ${error.message}`);
    throw error;
  }
}

function readRequests(args: ParsedArgs): AccessRequest[] {
  const file = single(args, 'requests');
  const inline = REQUEST_OPTIONS.filter((name) => args.options.has(name));
  if (file !== undefined) {
    if (inline.length > 0) throw new InputError(`--requests cannot be combined with --${inline[0]}`);
    return readRequestsFile(file);
  }
  const missing = ['from', 'to', 'port'].filter((name) => !args.options.has(name));
  if (missing.length > 0) {
    throw new InputError(`check needs --from, --to and --port (missing: ${missing.map((name) => `--${name}`).join(', ')}), or --requests FILE`);
  }
  const headers = Object.fromEntries((args.options.get('header') ?? []).map((header) => {
    const colon = header.indexOf(':');
    if (colon <= 0) throw new InputError(`--header must be NAME:VALUE, got ${JSON.stringify(header)}`);
    return [header.slice(0, colon).trim(), header.slice(colon + 1).trim()];
  }));
  const raw = {
    from: single(args, 'from'), to: single(args, 'to'), port: single(args, 'port'), protocol: single(args, 'protocol'),
    method: single(args, 'method'), path: single(args, 'path'), host: single(args, 'host'),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
  };
  return [parseAccessRequest(raw, 'request')];
}

function readRequestsFile(file: string): AccessRequest[] {
  let parsed: unknown;
  try {
    // Editors on Windows may start the file with a byte order mark, which JSON.parse rejects.
    parsed = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'no such file' : code ? `cannot read (${code})` : `malformed JSON: ${(error as Error).message}`;
    throw new InputError(`${file}: ${problem}`);
  }
  if (!Array.isArray(parsed)) throw new InputError(`${file}: expected a JSON array of requests`);
  return parsed.map((raw, index) => parseAccessRequest(raw, `${file}: request ${index}`));
}

function describe(request: AccessRequest): string {
  const operation = [request.method, request.path].filter((part) => part !== undefined && part !== '').join(' ');
  const http = operation ? ` ${operation}` : '';
  return `${request.from} -> ${request.to} ${request.port}/${request.protocol ?? 'TCP'}${http}`;
}

function verdictText(result: CheckResult): string {
  return result.allowed ? `ALLOW (${result.reason})` : `DENY at ${result.layer} layer (${result.reason})`;
}
