import { parseAddress } from '../model/cidr';
import { Inventory, Workload } from '../model/types';

/**
 * One text per address, whatever its spelling ("fd00::1" and "FD00:0:0::1" are one address);
 * undefined for text that is no address.
 */
export function addressKey(text: string): string | undefined {
  const address = parseAddress(text);
  return address && `${address.family}/${address.value}`;
}

const byAddress = new WeakMap<Inventory, Map<string, Workload[]>>();

/** Pods that have terminated: their sandbox and IP are released, and a new pod may hold the IP. */
const TERMINAL_PHASES = new Set(['Succeeded', 'Failed']);

/**
 * The workload whose pod has this IP (`status.podIP(s)`), if exactly one running pod has. A network
 * plugin knows the ends of a connection only by their addresses, so traffic from or to a pod's IP is
 * that pod's: its namespace, labels, named ports and policies apply whether a question names the pod
 * or its address. No pod, or several (hostNetwork pods share their node's IP): the address is taken
 * to be outside the cluster.
 */
export function workloadWithAddress(inventory: Inventory, text: string): Workload | undefined {
  let index = byAddress.get(inventory);
  if (!index) {
    index = new Map();
    for (const workload of inventory.workloads) {
      if (workload.phase !== undefined && TERMINAL_PHASES.has(workload.phase)) continue;
      for (const ip of workload.podIPs) {
        const key = addressKey(ip);
        if (key === undefined) continue;
        const holders = index.get(key);
        if (holders) holders.push(workload);
        else index.set(key, [workload]);
      }
    }
    byAddress.set(inventory, index);
  }
  const key = addressKey(text);
  const holders = key === undefined ? undefined : index.get(key);
  return holders?.length === 1 ? holders[0] : undefined;
}
