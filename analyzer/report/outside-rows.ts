import { OutsideAccess } from '../reach/outside';
import { describeHttpAccess } from './http-summary';

/** `8080/TCP` into a workload's port, `any port/UDP` or `443/TCP` out of it. */
export function outsidePorts(access: OutsideAccess): string {
  return `${access.direction === 'ingress' ? access.port : access.ports}/${access.protocol}`;
}

/**
 * One line: `outside ADDRESSES -> ns/name 8080/TCP [GET /api/*]` or `ns/name -> outside ADDRESSES
 * any port/TCP`; the HTTP requests AuthorizationPolicies limit the addresses to, if any.
 */
export function outsideLine(access: OutsideAccess): string {
  const http = describeHttpAccess(access.http);
  return access.direction === 'ingress'
    ? `outside ${access.addresses} -> ${access.workload} ${outsidePorts(access)}${http ? ` [${http}]` : ''}`
    : `${access.workload} -> outside ${access.addresses} ${outsidePorts(access)}`;
}

/** The header of `outsideRows`' table. */
export const OUTSIDE_HEADER = ['Workload', 'Direction', 'Addresses', 'Ports', 'HTTP', 'Why'];

/** Table rows: workload, direction (`in from`/`out to`), addresses, ports, HTTP, why. */
export function outsideRows(outside: readonly OutsideAccess[]): string[][] {
  return outside.map((access) => [access.workload, access.direction === 'ingress' ? 'in from' : 'out to', access.addresses, outsidePorts(access),
    describeHttpAccess(access.http) || (access.direction === 'ingress' ? 'any' : ''), access.reason ?? '']);
}
