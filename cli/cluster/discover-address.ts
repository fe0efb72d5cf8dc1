import { isIP } from 'net';

/** An address found in a variable's value: what `discover` shows of it, never the rest of the value. */
export interface Dialed {
  /**
   * Lowercase DNS name, IPv4 address, IPv6 address in brackets, or text holding a `$(VAR)` reference
   * the kubelet left as written (kept as written).
   */
  readonly host: string;
  readonly port?: number;
}

/** Variable names that hold an address even when the value is a bare host or a `name:port`. */
export const ADDRESS_NAME = /_(ADDR|ADDRESS|HOST|HOSTNAME|URL|URI|ENDPOINT|SERVER)$/;

/** Ports implied by URL schemes that commonly omit them; gRPC's `dns:` targets default to 443. */
const SCHEME_PORTS: Readonly<Record<string, number>> = {
  http: 80, https: 443, ws: 80, wss: 443, redis: 6379, rediss: 6379, postgres: 5432, postgresql: 5432, mysql: 3306, mariadb: 3306,
  mongodb: 27017, amqp: 5672, amqps: 5671, nats: 4222, dns: 443,
};
/** `scheme://[userinfo@]host[:port]`, then a path, query, fragment or nothing. */
const URL_PATTERN = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[0-9a-f:.]+\]|[^:/?#[\]@]+)(?::(\d+))?(?=[/?#]|$)/i;
/** gRPC name syntax (grpc/doc/naming.md): `dns:[//authority/]host[:port]`; the authority names a DNS server, not the target. */
const GRPC_DNS_TARGET = /^dns:(?:\/\/[^/]*\/)?(.+)$/i;
/** `ipv4:address:port` and `ipv6:[address]:port`, gRPC's static targets. */
const GRPC_IP_TARGET = /^ipv[46]:(.+)$/i;
/** `jdbc:oracle:thin:@host:port:SID` and `jdbc:oracle:thin:@//host:port/service`. */
const ORACLE_JDBC = /^jdbc:oracle:[a-z0-9]+:@(?:\/\/)?([^:/@]+):(\d+)/i;
/** `host:port`, optionally followed by a path (`orders:80/api`). */
const HOST_PORT_PATTERN = /^(\[[0-9a-f:.]+\]|[a-z0-9$()._-]+):(\d+)(?:\/.*)?$/i;
/** A DNS name whose first label starts with a letter, as Service names do (DNS-1035); "12:30" is not an address. */
const HOST_NAME = /^[a-z][-a-z0-9]*(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\.?$/i;
const LOOPBACK = new Set(['localhost', '0.0.0.0', '[::1]', '[::]']);

/** `host:port`, or the host alone: how an address appears in reports and generated comments. */
export function addressText(dialed: Dialed): string {
  return dialed.port === undefined ? dialed.host : `${dialed.host}:${dialed.port}`;
}

/** Whether the host is an IP address (IPv6 in brackets or bare), which names no Service. */
export function isIpAddress(host: string): boolean {
  return isIP(host.replace(/^\[(.*)\]$/, '$1')) !== 0;
}

/** The `$(VAR)` references the kubelet left in a host because the container defines no such variable. */
export function unexpandedReferences(host: string): string[] {
  return host.match(/\$\([^)]*\)/g) ?? [];
}

/**
 * The addresses a variable's value holds, each comma-, semicolon- or space-separated item on its own:
 * URLs (also `jdbc:` ones), gRPC `dns:` and `ipv4:`/`ipv6:` targets, and `host:port`; in a variable
 * whose name says it holds an address (`ADDRESS_NAME`) also a bare host, with the port of a sibling
 * `X_PORT` for `X_HOST`. Elsewhere a `name:port` without dot may be anything (`admin:1234`), so it
 * counts only when `isService(name)`. Loopback addresses are the pod itself: never a call to another.
 */
export function addressesIn(
  variable: string,
  value: string,
  siblingPort: (name: string) => string | undefined,
  isService: (host: string) => boolean,
): Dialed[] {
  const addressNamed = ADDRESS_NAME.test(variable);
  return value.split(/[\s,;]+/).filter(Boolean).flatMap((token): Dialed[] => {
    const explicit = explicitAddress(token);
    if (explicit) return [explicit];
    const hostPort = hostAndPort(token);
    if (hostPort) return addressNamed || hostPort.host.includes('.') || hostPort.host.includes('[') || isService(hostPort.host) ? [hostPort] : [];
    if (!addressNamed || !isHost(token)) return [];
    // FOO_HOST=db with FOO_PORT=5432 beside it.
    const sibling = variable.endsWith('_HOST') ? siblingPort(`${variable.slice(0, -'_HOST'.length)}_PORT`) : undefined;
    return [{ host: normalHost(bracketIpv6(token)), ...(sibling && /^\d{1,5}$/.test(sibling) ? { port: Number(sibling) } : {}) }];
  }).filter((dialed) => !LOOPBACK.has(dialed.host) && !dialed.host.startsWith('127.'));
}

/** Forms that say they are addresses: URLs, `jdbc:` URLs and gRPC targets. */
function explicitAddress(token: string): Dialed | undefined {
  const oracle = ORACLE_JDBC.exec(token);
  if (oracle) return { host: normalHost(oracle[1]), port: Number(oracle[2]) };
  const unwrapped = token.replace(/^jdbc:/i, '');
  // Before URLs: in `dns://8.8.8.8/orders:50051` the target follows the authority.
  const grpc = GRPC_DNS_TARGET.exec(unwrapped);
  if (grpc) {
    const target = hostAndPort(grpc[1]) ?? (isHost(grpc[1]) ? { host: normalHost(bracketIpv6(grpc[1])) } : undefined);
    return target && { port: SCHEME_PORTS.dns, ...target };
  }
  const url = URL_PATTERN.exec(unwrapped);
  if (url) {
    const port = url[3] ? Number(url[3]) : SCHEME_PORTS[url[1].toLowerCase()];
    return { host: normalHost(url[2]), ...(port !== undefined ? { port } : {}) };
  }
  const ip = GRPC_IP_TARGET.exec(unwrapped);
  return ip ? hostAndPort(ip[1]) : undefined;
}

function hostAndPort(token: string): Dialed | undefined {
  const match = HOST_PORT_PATTERN.exec(token);
  if (!match || !isHost(match[1])) return undefined;
  return { host: normalHost(match[1]), port: Number(match[2]) };
}

/** A DNS name, an IP address, or a host built from a `$(VAR)` reference. */
function isHost(text: string): boolean {
  return HOST_NAME.test(text) || isIpAddress(text) || text.includes('$(');
}

/** DNS is case-insensitive; `$(VAR)` names are not. */
function normalHost(host: string): string {
  return host.includes('$(') ? host : host.toLowerCase();
}

function bracketIpv6(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}
