import { OutsideAccess } from '../reach/outside';
import { describeHttpAccess } from './http-summary';
import { markdownTable } from './markdown';

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

/**
 * The Markdown section `reach` and `explain` give access outside the cluster: a table of workload,
 * direction (`in from`/`out to`), addresses, ports, HTTP, why.
 */
export function outsideSection(outside: readonly OutsideAccess[]): string {
  const rows = outside.map((access) => [access.workload, access.direction === 'ingress' ? 'in from' : 'out to', access.addresses, outsidePorts(access),
    describeHttpAccess(access.http) || (access.direction === 'ingress' ? 'any' : ''), access.reason ?? '']);
  return ['### Outside the cluster', '', markdownTable(['Workload', 'Direction', 'Addresses', 'Ports', 'HTTP', 'Why'], rows)].join('\n');
}
