import { Verdict } from '../engine/connection';
import { HttpAccess } from '../mesh/authorization';
import { evaluateOutbound } from '../engine/outbound';
import { PolicyIndex } from '../engine/policy-index';
import { compareStrings } from '../load/files';
import { NetworkPeer, NetworkPolicy, Protocol, Workload } from '../model/types';
import { evaluatePair } from './evaluate';
import { Cidr } from '../model/cidr';
import { OutsidePartition, describeAddresses, describePorts, ipBlocksOf, portRunInside, runInside } from './outside-partition';

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
  /** ingress on an HTTP port: the requests AuthorizationPolicies limit these addresses to (absent: any request). */
  readonly http?: HttpAccess;
}

/**
 * The verdicts of one workload's port (ingress) or one run of destination ports (egress) over every
 * address run: the index of the reason that allows a run, or -1. One array per group, not an object
 * per run: a workload that reaches everything would otherwise make runs x ports objects.
 */
interface RunVerdicts {
  readonly direction: 'ingress' | 'egress';
  readonly workload: string;
  /** ingress: the container port. */
  readonly port?: number;
  /** egress: the port run. */
  readonly portRun?: number;
  readonly protocol: Protocol;
  readonly allowedBy: Int32Array;
  /** Each reason with the address it was asked for, which it names. */
  readonly reasons: ReadonlyArray<{ readonly reason: string; readonly probe: string; readonly http?: HttpAccess }>;
}

/** The allowed runs of an inventory, by a key that names the same group in another inventory cut alike. */
export type OutsideCells = ReadonlyMap<string, RunVerdicts>;

const groupKey = (group: Pick<RunVerdicts, 'direction' | 'workload' | 'port' | 'portRun' | 'protocol'>) =>
  [group.direction, group.workload, group.port ?? '', group.protocol, group.portRun ?? ''].join('\u0000');

/**
 * Every run of outside addresses against every workload: into each container port (a plain
 * connection, or any HTTP request where the proxy sees HTTP, as for workload pairs), and out to
 * each run of ports. Where NetworkPolicy isolates a workload in a direction, only the runs its rules
 * name can pass (`candidates`): the others are denied without asking. Runs that the blocks bearing
 * on the workload cannot tell apart get one verdict (`Alike`): a workload no policy isolates is
 * asked once, not once per run, however many blocks other workloads' policies name.
 */
export function outsideCells(index: PolicyIndex, workloads: readonly Workload[], partition: OutsidePartition): OutsideCells {
  const cells = new Map<string, RunVerdicts>();
  const runs = partition.addresses.length;
  /** Asks each candidate address run, once per kind of run that `alike` tells apart. */
  const ask = (group: Omit<RunVerdicts, 'allowedBy' | 'reasons'>, addresses: readonly number[], alike: (address: number) => string, verdictFor: (probe: string) => Verdict) => {
    const allowedBy = new Int32Array(runs).fill(-1);
    const reasons: Array<{ reason: string; probe: string; http?: HttpAccess }> = [];
    const known = new Map<string, number>();
    for (const address of addresses) {
      const key = alike(address);
      let reason = known.get(key);
      if (reason === undefined) {
        const probe = partition.addresses[address].address;
        const verdict = verdictFor(probe);
        reason = verdict.allowed ? reasons.push({ reason: verdict.reason, probe, ...(verdict.http ? { http: verdict.http } : {}) }) - 1 : -1;
        known.set(key, reason);
      }
      allowedBy[address] = reason;
    }
    if (reasons.length > 0) cells.set(groupKey(group), { ...group, allowedBy, reasons });
  };
  for (const workload of workloads) {
    const facts = index.facts(workload);
    // Isolated with no IP block in a direction (a default-deny mesh): no address to ask there.
    const into = candidates(facts.ingressPolicies, 'ingress', partition);
    if (into.addresses.length > 0) {
      // Istio's address fields may bear on any workload's ingress; the few blocks they name count for all.
      const inward = new Alike(partition, [...ipBlocksOf(facts.ingressPolicies, 'ingress'), ...partition.meshBlocks]);
      for (const { port, protocol } of workload.ports) {
        ask({ direction: 'ingress', workload: workload.id, port, protocol }, into.addresses, (address) => inward.addressKey(address),
          (probe) => evaluatePair(index, { kind: 'external', ip: probe }, workload, port, protocol));
      }
    }
    const out = candidates(facts.egressPolicies, 'egress', partition);
    if (out.addresses.length === 0) continue;
    const outward = new Alike(partition, ipBlocksOf(facts.egressPolicies, 'egress'), facts.egressPolicies);
    for (const portRun of out.ports) {
      const ports = partition.ports[portRun];
      const portKey = outward.portKey(portRun);
      ask({ direction: 'egress', workload: workload.id, portRun, protocol: ports.protocol }, out.addresses, (address) => `${outward.addressKey(address)}|${portKey}`,
        (probe) => evaluateOutbound(index, workload, probe, ports.first, ports.protocol));
    }
  }
  return cells;
}

/**
 * Which runs the blocks (and egress rules' ports) bearing on one workload tell apart: runs inside
 * the same of those blocks, of the same family, get the same verdict; so do port runs of one
 * protocol inside the same rules' port ranges.
 */
class Alike {
  constructor(
    private readonly partition: OutsidePartition,
    private readonly blocks: readonly Cidr[],
    private readonly portRules: readonly NetworkPolicy[] = [],
  ) {}

  addressKey(address: number): string {
    const run = this.partition.addresses[address];
    let key = `${run.family}:`;
    for (const block of this.blocks) key += runInside(run, block) ? '1' : '0';
    return key;
  }

  portKey(portRun: number): string {
    const run = this.partition.ports[portRun];
    let key = `${run.protocol}:`;
    for (const policy of this.portRules) {
      for (const rule of policy.egress ?? []) {
        for (const port of rule.ports ?? []) {
          key += portRunInside(run, port) ? '1' : '0';
        }
      }
    }
    return key;
  }
}

/**
 * The runs that the policies of a direction may let through: all when none isolates the workload or
 * a rule admits every peer; else the address runs inside the rules' IP blocks (pod and namespace
 * selectors never match an address outside the cluster) and, for egress, the port runs their ports
 * hold (named ports resolve against container ports, which an outside address has none of).
 */
function candidates(policies: readonly NetworkPolicy[], direction: 'ingress' | 'egress', partition: OutsidePartition): { addresses: number[]; ports: number[] } {
  if (policies.length === 0) return { addresses: partition.addresses.map((_, i) => i), ports: partition.ports.map((_, i) => i) };
  const addresses = new Set<number>();
  const ports = new Set<number>();
  for (const policy of policies) {
    for (const rule of policy[direction] ?? []) {
      // No peers: every address. Peers, but no IP block among them: no address outside the cluster.
      const blocks = rule.peers && blocksOf(rule.peers);
      if (blocks?.length === 0) continue;
      partition.addresses.forEach((run, i) => {
        if (!blocks || blocks.some((block) => runInside(run, block))) addresses.add(i);
      });
      partition.ports.forEach((run, i) => {
        if (!rule.ports || rule.ports.some((port) => port.protocol === run.protocol && (port.port === undefined || portRunInside(run, port)))) ports.add(i);
      });
    }
  }
  const sorted = (set: Set<number>) => [...set].sort((a, b) => a - b);
  return { addresses: sorted(addresses), ports: sorted(ports) };
}

/** The blocks of a rule's ipBlock peers (a loop: most rules of a big mesh have none, and thousands are asked). */
function blocksOf(peers: readonly NetworkPeer[]): Cidr[] {
  const blocks: Cidr[] = [];
  for (const peer of peers) if (peer.kind === 'ipBlock') blocks.push(peer.cidr);
  return blocks;
}

/** The allowed runs of `cells` that `other` does not allow. */
export function cellsNotIn(cells: OutsideCells, other: OutsideCells): OutsideCells {
  const left = new Map<string, RunVerdicts>();
  for (const [key, group] of cells) {
    const theirs = other.get(key)?.allowedBy;
    const allowedBy = group.allowedBy.map((reason, run) => (theirs && theirs[run] >= 0 ? -1 : reason));
    if (allowedBy.some((reason) => reason >= 0)) left.set(key, { ...group, allowedBy });
  }
  return left;
}

/**
 * The cells as a reviewer reads them: per workload, container port and protocol the addresses
 * admitted in; per workload and protocol, the addresses reached out to grouped by the ports allowed
 * to them. `withReasons` keeps the reason of each entry's first run.
 */
export function describeOutside(cells: OutsideCells, partition: OutsidePartition, withReasons = true): OutsideAccess[] {
  // The reason was given for the address standing for its run: it names the entry's addresses instead.
  const reason = (group: RunVerdicts, run: number, addresses: string) => {
    if (!withReasons) return {};
    const { reason: text, probe } = group.reasons[group.allowedBy[run]];
    return { reason: text.split(`ip:${probe}`).join(addresses) };
  };
  const entries: OutsideAccess[] = [];
  const egress = new Map<string, RunVerdicts[]>();
  for (const group of cells.values()) {
    if (group.direction === 'egress') {
      const key = `${group.workload}\u0000${group.protocol}`;
      const groups = egress.get(key);
      if (groups) groups.push(group);
      else egress.set(key, [group]);
      continue;
    }
    // With reasons, one entry per verdict: addresses that different rules let in may be limited to
    // different requests. A diff lists what changed, not why: all its addresses go together.
    const verdicts = withReasons ? group.reasons.map((_, verdict) => verdict) : [undefined];
    verdicts.forEach((verdict) => {
      const runs = allowedRuns(group).filter((run) => verdict === undefined || group.allowedBy[run] === verdict);
      const http = verdict === undefined ? undefined : group.reasons[verdict].http;
      const addresses = describeAddresses(runs.map((i) => partition.addresses[i]), partition);
      entries.push({
        direction: 'ingress', workload: group.workload, port: group.port, protocol: group.protocol, addresses,
        ...reason(group, runs[0], addresses), ...(http ? { http } : {}),
      });
    });
  }
  for (const groups of egress.values()) {
    for (const { runs, portGroups } of egressEntries(groups, partition.addresses.length)) {
      const [first] = portGroups;
      const addresses = describeAddresses(runs.map((i) => partition.addresses[i]), partition);
      const ports = describePorts(portGroups.map((group) => partition.ports[group.portRun as number]), partition, first.protocol);
      entries.push({ direction: 'egress', workload: first.workload, protocol: first.protocol, ports, addresses, ...reason(first, runs[0], addresses) });
    }
  }
  return entries.sort((a, b) => compareStrings(a.workload, b.workload) || compareStrings(a.direction, b.direction)
    || (a.port ?? 0) - (b.port ?? 0) || compareStrings(a.protocol, b.protocol) || compareStrings(a.addresses, b.addresses) || compareStrings(a.ports ?? '', b.ports ?? ''));
}

function allowedRuns(group: RunVerdicts): number[] {
  const runs: number[] = [];
  group.allowedBy.forEach((reason, run) => { if (reason >= 0) runs.push(run); });
  return runs;
}

/**
 * One workload's egress over one protocol (a group per port run), as entries: the address runs that
 * are allowed the same port runs go together.
 */
function egressEntries(groups: readonly RunVerdicts[], runCount: number): Array<{ runs: number[]; portGroups: RunVerdicts[] }> {
  const sorted = [...groups].sort((a, b) => (a.portRun as number) - (b.portRun as number));
  const byPorts = new Map<string, { runs: number[]; portGroups: RunVerdicts[] }>();
  for (let run = 0; run < runCount; run++) {
    const portGroups = sorted.filter((group) => group.allowedBy[run] >= 0);
    if (portGroups.length === 0) continue;
    const key = portGroups.map((group) => group.portRun).join(',');
    const entry = byPorts.get(key);
    if (entry) entry.runs.push(run);
    else byPorts.set(key, { runs: [run], portGroups });
  }
  return [...byPorts.values()];
}
