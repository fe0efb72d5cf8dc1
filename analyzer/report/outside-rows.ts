import { OutsideAccess } from '../reach/outside';

/** `8080/TCP` into a workload's port, `any port/UDP` or `443/TCP` out of it. */
export function outsidePorts(access: OutsideAccess): string {
  return `${access.direction === 'ingress' ? access.port : access.ports}/${access.protocol}`;
}

/** One line: `outside ADDRESSES -> ns/name 8080/TCP` or `ns/name -> outside ADDRESSES any port/TCP`. */
export function outsideLine(access: OutsideAccess): string {
  return access.direction === 'ingress'
    ? `outside ${access.addresses} -> ${access.workload} ${outsidePorts(access)}`
    : `${access.workload} -> outside ${access.addresses} ${outsidePorts(access)}`;
}

/** Table rows: workload, direction (`in from`/`out to`), addresses, ports, why. */
export function outsideRows(outside: readonly OutsideAccess[]): string[][] {
  return outside.map((access) => [access.workload, access.direction === 'ingress' ? 'in from' : 'out to', access.addresses, outsidePorts(access), access.reason ?? '']);
}
