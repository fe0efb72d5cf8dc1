import { evaluateOutbound } from '../engine/outbound';
import { PolicyIndex } from '../engine/policy-index';
import { compareStrings } from '../load/files';
import { NetworkPolicy, Protocol, Workload } from '../model/types';
import { evaluatePair } from './evaluate';
import { OutsidePartition, describeAddresses, describePorts } from './outside-partition';

/** Access between a workload and addresses outside the cluster, allowed by every layer. */
export interface OutsideAccess {
  /** ingress: from the addresses to the workload; egress: from the workload to the addresses. */
  readonly direction: 'ingress' | 'egress';
  readonly workload: string;
  /** ingress: the workload's container port. */
  readonly port?: number;
  /** egress: the destination ports (`any port`, `443, 8000-8080`...). */
  readonly ports?: string;
  readonly protocol: Protocol;
  /** `any IPv4 address`, CIDR blocks, or `any IPv4 address except` blocks. */
  readonly addresses: string;
  /** Why, for the first address (and port) of the group; absent where a diff lists the change. */
  readonly reason?: string;
}

/** One allowed run: an address run (and for egress a port run) of the partition. */
interface Cell {
  readonly direction: 'ingress' | 'egress';
  readonly workload: string;
  readonly port?: number;
  readonly protocol: Protocol;
  readonly address: number;
  readonly portRun?: number;
  readonly reason: string;
}

/** The allowed runs of an inventory, by a key that names the same run in another inventory cut alike. */
export type OutsideCells = ReadonlyMap<string, Cell>;

const cellKey = (cell: Omit<Cell, 'reason'>) =>
  [cell.direction, cell.workload, cell.port ?? '', cell.protocol, cell.address, cell.portRun ?? ''].join('\u0000');

/**
 * Every run of outside addresses against every workload: into each container port (a plain
 * connection, or any HTTP request where the proxy sees HTTP, as for workload pairs), and out to
 * each run of ports. A workload whose policies of a direction name no IP block and have no rule
 * open to all peers is denied in that direction without evaluating each run.
 */
export function outsideCells(index: PolicyIndex, workloads: readonly Workload[], partition: OutsidePartition): OutsideCells {
  const cells = new Map<string, Cell>();
  const add = (cell: Cell) => cells.set(cellKey(cell), cell);
  for (const workload of workloads) {
    const facts = index.facts(workload);
    if (mayAdmitOutside(facts.ingressPolicies, 'ingress')) {
      for (const { port, protocol } of workload.ports) {
        partition.addresses.forEach((run, address) => {
          const verdict = evaluatePair(index, { kind: 'external', ip: run.address }, workload, port, protocol);
          if (verdict.allowed) add({ direction: 'ingress', workload: workload.id, port, protocol, address, reason: verdict.reason });
        });
      }
    }
    if (mayAdmitOutside(facts.egressPolicies, 'egress')) {
      partition.addresses.forEach((run, address) => {
        partition.ports.forEach((ports, portRun) => {
          const verdict = evaluateOutbound(index, workload, run.address, ports.first, ports.protocol);
          if (verdict.allowed) add({ direction: 'egress', workload: workload.id, protocol: ports.protocol, address, portRun, reason: verdict.reason });
        });
      });
    }
  }
  return cells;
}

/** Whether some address outside the cluster can pass the policies of a direction: not isolated, or a rule for all peers or for an IP block. */
function mayAdmitOutside(policies: readonly NetworkPolicy[], direction: 'ingress' | 'egress'): boolean {
  return policies.length === 0
    || policies.some((policy) => (policy[direction] ?? []).some((rule) => !rule.peers || rule.peers.some((peer) => peer.kind === 'ipBlock')));
}

/** The cells of `cells` that `other` lacks. */
export function cellsNotIn(cells: OutsideCells, other: OutsideCells): OutsideCells {
  return new Map([...cells].filter(([key]) => !other.has(key)));
}

/**
 * The cells as a reviewer reads them: per workload, container port and protocol the addresses
 * admitted in; per workload and protocol, the addresses reached out to grouped by the ports allowed
 * to them. `withReasons` keeps the reason of each group's first cell.
 */
export function describeOutside(cells: OutsideCells, partition: OutsidePartition, withReasons = true): OutsideAccess[] {
  const groups = new Map<string, Cell[]>();
  for (const cell of cells.values()) {
    const key = cell.direction === 'ingress' ? `${cell.workload}\u0000i\u0000${cell.port}/${cell.protocol}` : `${cell.workload}\u0000e\u0000${cell.protocol}`;
    const group = groups.get(key);
    if (group) group.push(cell);
    else groups.set(key, [cell]);
  }
  const reason = (cell: Cell) => (withReasons ? { reason: cell.reason } : {});
  const entries: OutsideAccess[] = [];
  for (const group of groups.values()) {
    const [first] = group;
    if (first.direction === 'ingress') {
      const runs = [...new Set(group.map((cell) => cell.address))].sort((a, b) => a - b).map((i) => partition.addresses[i]);
      entries.push({ direction: 'ingress', workload: first.workload, port: first.port, protocol: first.protocol, addresses: describeAddresses(runs, partition), ...reason(first) });
      continue;
    }
    // Addresses that are allowed the same ports go together.
    const portsByAddress = new Map<number, number[]>();
    for (const cell of group) portsByAddress.set(cell.address, [...(portsByAddress.get(cell.address) ?? []), cell.portRun as number]);
    const byPorts = new Map<string, { addresses: number[]; ports: number[]; first: Cell }>();
    for (const [address, ports] of portsByAddress) {
      ports.sort((a, b) => a - b);
      const key = ports.join(',');
      const entry = byPorts.get(key) ?? { addresses: [], ports, first: group.find((cell) => cell.address === address) as Cell };
      entry.addresses.push(address);
      byPorts.set(key, entry);
    }
    for (const { addresses, ports, first: cell } of byPorts.values()) {
      entries.push({
        direction: 'egress', workload: cell.workload, protocol: cell.protocol,
        ports: describePorts(ports.map((i) => partition.ports[i]), partition, cell.protocol),
        addresses: describeAddresses(addresses.sort((a, b) => a - b).map((i) => partition.addresses[i]), partition),
        ...reason(cell),
      });
    }
  }
  return entries.sort((a, b) => compareStrings(a.workload, b.workload) || compareStrings(a.direction, b.direction)
    || (a.port ?? 0) - (b.port ?? 0) || compareStrings(a.protocol, b.protocol) || compareStrings(a.addresses, b.addresses) || compareStrings(a.ports ?? '', b.ports ?? ''));
}
