import { InputError } from './errors';
import { HttpFacts } from './mesh/authorization-rules';
import { parseAddress } from './model/cidr';
import { PROTOCOLS, Protocol } from './model/types';

/** A question for `check`: may `from` reach container port `port` of `to`? */
export interface AccessRequest {
  /**
   * "namespace/name" of a Pod or workload controller, or "ip:A.B.C.D": a pod's IP stands for that pod,
   * any other address is a client outside the cluster.
   */
  readonly from: string;
  /** Like `from`; an address that is no pod's is a server outside the cluster (egress only decides). */
  readonly to: string;
  readonly port: number;
  /** Default TCP. */
  readonly protocol?: Protocol;
  readonly method?: string;
  readonly path?: string;
  readonly host?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const NO_HEADERS: ReadonlyMap<string, string> = new Map();

/** A request with method, path, host or headers is an HTTP request; otherwise a plain connection. */
export function httpFactsOf(request: AccessRequest): HttpFacts | undefined {
  const { method, path, host, headers } = request;
  if (method === undefined && path === undefined && host === undefined && headers === undefined) return undefined;
  // One literal shape, absent fields undefined: `verify` asks hundreds of thousands of requests, and
  // conditional spreads would give each combination of fields a hidden class of its own.
  return {
    method,
    path,
    host,
    headers: headers === undefined ? NO_HEADERS : new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
  };
}

const REQUEST_FIELDS = ['from', 'to', 'port', 'protocol', 'method', 'path', 'host', 'headers'];

/** Validates a request read from JSON; `where` names it in errors ("requests.json: request 3"). */
export function parseAccessRequest(raw: unknown, where: string): AccessRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError(`${where}: expected an object`);
  const record = raw as Record<string, unknown>;
  // A misspelt field ("methods") would silently turn an HTTP request into a plain connection.
  const unknown = Object.keys(record).find((field) => !REQUEST_FIELDS.includes(field));
  if (unknown !== undefined) throw new InputError(`${where}: unknown field ${JSON.stringify(unknown)} (fields: ${REQUEST_FIELDS.join(', ')})`);
  const text = (field: string, required: boolean): string | undefined => {
    const value = record[field];
    if (value === undefined || value === null) {
      if (required) throw new InputError(`${where}: missing "${field}"`);
      return undefined;
    }
    if (typeof value !== 'string' || value === '') throw new InputError(`${where}: "${field}" must be a non-empty string`);
    return value;
  };
  const from = text('from', true) as string;
  if (from.startsWith('ip:') && !parseAddress(from.slice(3))) {
    throw new InputError(`${where}: "from" ${JSON.stringify(from)} is not a valid ip:ADDRESS`);
  }
  const to = text('to', true) as string;
  if (to.startsWith('ip:')) {
    if (!parseAddress(to.slice(3))) throw new InputError(`${where}: "to" ${JSON.stringify(to)} is not a valid ip:ADDRESS`);
    if (from.startsWith('ip:')) throw new InputError(`${where}: "from" and "to" cannot both be addresses outside the cluster`);
  }
  const port = typeof record.port === 'string' && /^\d+$/.test(record.port) ? Number(record.port) : record.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InputError(`${where}: "port" must be a container port number 1-65535, got ${JSON.stringify(record.port)}`);
  }
  const protocol = text('protocol', false)?.toUpperCase();
  if (protocol !== undefined && !(PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new InputError(`${where}: "protocol" must be TCP, UDP or SCTP, got ${JSON.stringify(record.protocol)}`);
  }
  const method = text('method', false);
  const path = text('path', false);
  const host = text('host', false);
  const headers = parseHeaders(record.headers, where);
  if (protocol !== undefined && protocol !== 'TCP' && (method || path || host || headers.headers)) {
    throw new InputError(`${where}: method, path, host and headers make an HTTP request, which runs over TCP, not ${protocol}`);
  }
  return {
    from,
    to,
    port,
    ...(protocol ? { protocol: protocol as Protocol } : {}),
    ...(method ? { method } : {}),
    ...(path ? { path } : {}),
    ...(host ? { host } : {}),
    ...headers,
  };
}

function parseHeaders(raw: unknown, where: string): { headers?: Record<string, string> } {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(`${where}: "headers" must be an object of strings`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new InputError(`${where}: header ${JSON.stringify(name)} must be a string`);
    headers[name] = value;
  }
  return { headers };
}
