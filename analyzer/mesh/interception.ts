// Which TCP traffic of an injected pod goes through its sidecar. istio-init (or the CNI plugin) sets up
// iptables from the pod's annotations, as the injection template passes them
// (manifests/charts/istio-control/istio-discovery/files/injection-template.yaml, `-b -d -i -x -o -q`)
// and tools/istio-iptables/pkg/capture/run.go applies them:
// - inbound: with includeInboundPorts "*" (the default) every port is redirected except
//   excludeInboundPorts, 15090, 15021 and the status port (15020); with a list, only those ports;
//   with "" none;
// - outbound: excludeOutboundPorts, then excludeOutboundIPRanges return first, then
//   includeOutboundPorts and includeOutboundIPRanges ("*" by default) redirect;
// - interceptionMode NONE installs no redirection at all.
// Traffic that bypasses the destination's sidecar meets no mesh policy; traffic that bypasses the
// source's sidecar leaves in plaintext.

import { Labels } from '../model/labels';

const INTERCEPTION_MODE = 'sidecar.istio.io/interceptionMode';
const STATUS_PORT = 'status.sidecar.istio.io/port';
const INCLUDE_INBOUND_PORTS = 'traffic.sidecar.istio.io/includeInboundPorts';
const EXCLUDE_INBOUND_PORTS = 'traffic.sidecar.istio.io/excludeInboundPorts';
const INCLUDE_OUTBOUND_PORTS = 'traffic.sidecar.istio.io/includeOutboundPorts';
const EXCLUDE_OUTBOUND_PORTS = 'traffic.sidecar.istio.io/excludeOutboundPorts';
const INCLUDE_OUTBOUND_RANGES = 'traffic.sidecar.istio.io/includeOutboundIPRanges';
const EXCLUDE_OUTBOUND_RANGES = 'traffic.sidecar.istio.io/excludeOutboundIPRanges';
const ANNOTATIONS = [
  INTERCEPTION_MODE, STATUS_PORT, INCLUDE_INBOUND_PORTS, EXCLUDE_INBOUND_PORTS,
  INCLUDE_OUTBOUND_PORTS, EXCLUDE_OUTBOUND_PORTS, INCLUDE_OUTBOUND_RANGES, EXCLUDE_OUTBOUND_RANGES,
];

/** The proxy's Prometheus and health ports, which the template always leaves out of inbound capture. */
const PROXY_PORTS = ['15090', '15021'];
const DEFAULT_STATUS_PORT = '15020';
const EVERYTHING = ['0.0.0.0/0', '::/0'];

export interface Interception {
  /** Why inbound TCP to this container port bypasses the sidecar, or undefined when the sidecar sees it. */
  inboundBypass(port: number): string | undefined;
  /**
   * Why outbound TCP to these destination ports (the ports the client dials: Service ports) bypasses
   * the sidecar, or undefined when the sidecar sends it. Bypassed only when every one of them is.
   */
  outboundBypass(ports: readonly number[]): string | undefined;
}

export function interceptionOf(annotations: Labels): Interception {
  const list = (key: string, fallback: string) => (annotations.get(key) ?? fallback).split(',').map((v) => v.trim()).filter(Boolean);
  if (annotations.get(INTERCEPTION_MODE) === 'NONE') {
    const none = `${INTERCEPTION_MODE}: NONE captures no traffic`;
    return { inboundBypass: () => none, outboundBypass: () => none };
  }
  const includeInbound = annotations.get(INCLUDE_INBOUND_PORTS) ?? '*';
  const inboundEverything = includeInbound.trim() === '*';
  const statusPort = annotations.get(STATUS_PORT) ?? DEFAULT_STATUS_PORT;
  const excludedInbound = new Set([...PROXY_PORTS, ...(statusPort === '0' ? [] : [statusPort]), ...list(EXCLUDE_INBOUND_PORTS, '')]);
  const includedInbound = new Set(list(INCLUDE_INBOUND_PORTS, '*'));
  const excludedOutbound = new Set(list(EXCLUDE_OUTBOUND_PORTS, ''));
  const includedOutbound = new Set(list(INCLUDE_OUTBOUND_PORTS, ''));
  const excludesEverywhere = list(EXCLUDE_OUTBOUND_RANGES, '').some((range) => EVERYTHING.includes(range));
  const includeRanges = list(INCLUDE_OUTBOUND_RANGES, '*');

  function inboundBypass(port: number): string | undefined {
    const text = String(port);
    if (inboundEverything) {
      return excludedInbound.has(text) ? `port ${port} is excluded from inbound capture (${EXCLUDE_INBOUND_PORTS}, or a port of the proxy itself)` : undefined;
    }
    return includedInbound.has(text) ? undefined : `port ${port} is not in ${INCLUDE_INBOUND_PORTS} ${JSON.stringify(includeInbound)}`;
  }

  function bypassOne(port: number): string | undefined {
    if (excludedOutbound.has(String(port))) return `port ${port} is in ${EXCLUDE_OUTBOUND_PORTS}`;
    if (excludesEverywhere) return `${EXCLUDE_OUTBOUND_RANGES} covers every address`;
    if (includedOutbound.has(String(port)) || includeRanges.includes('*')) return undefined;
    // Specific ranges are taken to cover the cluster's Service addresses, their usual purpose.
    return includeRanges.length === 0 ? `${INCLUDE_OUTBOUND_RANGES} is empty` : undefined;
  }

  // Asked for every connection `reach` evaluates, with few distinct ports: each answer is worked out once.
  const inbound = new Map<number, string | undefined>();
  const outbound = new Map<number, string | undefined>();
  const once = (answers: Map<number, string | undefined>, port: number, answer: (port: number) => string | undefined) => {
    if (answers.has(port)) return answers.get(port);
    const value = answer(port);
    answers.set(port, value);
    return value;
  };
  return {
    inboundBypass: (port) => once(inbound, port, inboundBypass),
    outboundBypass(ports) {
      // Bypassed only when every dialed port is; the reason is the first port's.
      let first: string | undefined;
      for (let i = 0; i < ports.length; i++) {
        const reason = once(outbound, ports[i], bypassOne);
        if (reason === undefined) return undefined;
        if (i === 0) first = reason;
      }
      return first;
    },
  };
}

/**
 * The annotations that decide interception, as a key: workloads that differ in them are not alike.
 * An absent annotation is not an empty one (includeInboundPorts "" captures nothing, absent everything).
 */
export function interceptionKey(annotations: Labels): string {
  return ANNOTATIONS.map((key) => {
    const value = annotations.get(key);
    return value === undefined ? '-' : `=${value}`;
  }).join('\u0001');
}
