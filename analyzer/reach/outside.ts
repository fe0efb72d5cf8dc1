import { evaluateOutbound } from '../engine/outbound';
import { PolicyIndex } from '../engine/policy-index';
import { compareStrings } from '../load/files';
import { NetworkPolicy, Protocol, Workload } from '../model/types';
import { evaluatePair } from './evaluate';
import { Cidr } from '../model/cidr';
import { AddressRun, OutsidePartition, describeAddresses, describePorts } from './outside-partition';

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
 * each run of ports. Where NetworkPolicy isolates a workload in a direction, only the runs its rules
 * name can pass (`candidates`): the others are denied without asking, so that a cluster with many
 * blocks is not asked runs x ports of every workload.
 */
export function outsideCells(index: PolicyIndex, workloads: readonly Workload[], partition: OutsidePartition): OutsideCells {
  const cells = new Map<string, Cell>();
  const add = (cell: Cell) => cells.set(cellKey(cell), cell);
  for (const workload of workloads) {
    const facts = index.facts(workload);
    const into = candidates(facts.ingressPolicies, 'ingress', partition);
    for (const { port, protocol } of workload.ports) {
      for (const address of into.addresses) {
        const verdict = evaluatePair(index, { kind: 'external', ip: partition.addresses[address].address }, workload, port, protocol);
        if (verdict.allowed) add({ direction: 'ingress', workload: workload.id, port, protocol, address, reason: verdict.reason });
      }
    }
    const out = candidates(facts.egressPolicies, 'egress', partition);
    for (const address of out.addresses) {
      for (const portRun of out.ports) {
        const ports = partition.ports[portRun];
        const verdict = evaluateOutbound(index, workload, partition.addresses[address].address, ports.first, ports.protocol);
        if (verdict.allowed) add({ direction: 'egress', workload: workload.id, protocol: ports.protocol, address, portRun, reason: verdict.reason });
      }
    }
  }
  return cells;
}

/**
 * The runs that the policies of a direction may let through: all when none isolates the workload or
 * a rule admits every peer; else the address runs inside the rules' IP blocks (pod and namespace
 * selectors never match an address outside the cluster) and, for egress, the port runs their ports
 * hold (named ports resolve against container ports, which an outside address has none of).
 */
function candidates(policies: readonly NetworkPolicy[], direction: 'ingress' | 'egress', partition: OutsidePartition): { addresses: number[]; ports: number[] } {
  const everyAddress = partition.addresses.map((_, i) => i);
  const everyPort = partition.ports.map((_, i) => i);
  if (policies.length === 0) return { addresses: everyAddress, ports: everyPort };
  const addresses = new Set<number>();
  const ports = new Set<number>();
  for (const policy of policies) {
    for (const rule of policy[direction] ?? []) {
      const blocks = rule.peers?.filter((peer) => peer.kind === 'ipBlock') ?? 'every address';
      if (blocks !== 'every address' && blocks.length === 0) continue;
      partition.addresses.forEach((run, i) => {
        if (blocks === 'every address' || blocks.some((block) => block.kind === 'ipBlock' && runInside(run, block.cidr))) addresses.add(i);
      });
      partition.ports.forEach((run, i) => {
        if (!rule.ports || rule.ports.some((port) => port.protocol === run.protocol && (port.port === undefined
          || (typeof port.port === 'number' && run.first >= port.port && run.last <= (port.endPort ?? port.port))))) ports.add(i);
      });
    }
  }
  const sorted = (set: Set<number>) => [...set].sort((a, b) => a - b);
  return { addresses: sorted(addresses), ports: sorted(ports) };
}

/** Runs never straddle a block the partition was cut at: inside or outside as a whole. */
function runInside(run: AddressRun, block: Cidr): boolean {
  if (run.family !== block.family) return false;
  const size = 1n << BigInt((block.family === 4 ? 32 : 128) - block.prefix);
  return run.first >= block.network && run.last < block.network + size;
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
  // The reason was given for the address standing for the run: it names the addresses instead.
  const reason = (cell: Cell, addresses: string) =>
    (withReasons ? { reason: cell.reason.split(`ip:${partition.addresses[cell.address].address}`).join(addresses) } : {});
  const entries: OutsideAccess[] = [];
  for (const group of groups.values()) {
    const [first] = group;
    if (first.direction === 'ingress') {
      const runs = [...new Set(group.map((cell) => cell.address))].sort((a, b) => a - b).map((i) => partition.addresses[i]);
      const addresses = describeAddresses(runs, partition);
      entries.push({ direction: 'ingress', workload: first.workload, port: first.port, protocol: first.protocol, addresses, ...reason(first, addresses) });
      continue;
    }
    for (const { cell, addresses: runs, ports } of egressEntries(group)) {
      const addresses = describeAddresses(runs.map((i) => partition.addresses[i]), partition);
      const portText = describePorts(ports.map((i) => partition.ports[i]), partition, cell.protocol);
      entries.push({ direction: 'egress', workload: cell.workload, protocol: cell.protocol, ports: portText, addresses, ...reason(cell, addresses) });
    }
  }
  return entries.sort((a, b) => compareStrings(a.workload, b.workload) || compareStrings(a.direction, b.direction)
    || (a.port ?? 0) - (b.port ?? 0) || compareStrings(a.protocol, b.protocol) || compareStrings(a.addresses, b.addresses) || compareStrings(a.ports ?? '', b.ports ?? ''));
}

/** The cells of one workload's egress over one protocol, grouped: addresses allowed the same ports go together. */
function egressEntries(group: readonly Cell[]): Array<{ cell: Cell; addresses: number[]; ports: number[] }> {
  const byAddress = new Map<number, { cell: Cell; ports: number[] }>();
  for (const cell of group) {
    const entry = byAddress.get(cell.address);
    if (entry) entry.ports.push(cell.portRun as number);
    else byAddress.set(cell.address, { cell, ports: [cell.portRun as number] });
  }
  const byPorts = new Map<string, { cell: Cell; addresses: number[]; ports: number[] }>();
  for (const [address, { cell, ports }] of [...byAddress].sort(([a], [b]) => a - b)) {
    ports.sort((a, b) => a - b);
    const key = ports.join(',');
    const entry = byPorts.get(key);
    if (entry) entry.addresses.push(address);
    else byPorts.set(key, { cell, addresses: [address], ports });
  }
  return [...byPorts.values()];
}
