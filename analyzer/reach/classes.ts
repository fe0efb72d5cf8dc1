import { compareStrings } from '../load/files';
import { PROXY_CONFIG_ANNOTATION } from '../mesh/gateway-topology';
import { interceptionKey } from '../mesh/interception';
import { Workload } from '../model/types';

/**
 * Workloads that every policy treats alike: same namespace, labels, service account, proxy, container
 * ports, pod IPs, traffic capture annotations and (gateways) proxy config. Candidate sources are worked out per class; only the few candidates are then
 * evaluated per workload, so that each reason names its own workloads.
 */
export interface WorkloadClass {
  readonly id: number;
  /** Any member; all members get the same verdicts. */
  readonly representative: Workload;
  readonly members: readonly Workload[];
}

/** Classes of the workloads that stand for themselves (not those owned by another listed workload). */
export function classify(workloads: readonly Workload[]): WorkloadClass[] {
  const byKey = new Map<string, Workload[]>();
  for (const workload of workloads) {
    if (workload.ownedByListedWorkload) continue;
    const key = classKey(workload);
    const members = byKey.get(key);
    if (members) members.push(workload);
    else byKey.set(key, [workload]);
  }
  return [...byKey.values()].map((members, id) => ({ id, representative: members[0], members }));
}

function classKey(workload: Workload): string {
  const labels = [...workload.labels].sort(([a], [b]) => compareStrings(a, b)).map(([k, v]) => `${k}=${v}`).join(',');
  const ports = workload.ports.map((port) => `${port.name ?? ''}:${port.port}/${port.protocol}`).join(',');
  const proxyConfig = workload.sidecar.gateway ? workload.annotations.get(PROXY_CONFIG_ANNOTATION) ?? '' : '';
  return [workload.namespace, labels, workload.serviceAccount, workload.sidecar.injected, workload.sidecar.gateway, ports,
    workload.podIPs.join(','), interceptionKey(workload.annotations), proxyConfig].join('\u0000');
}
