import { Inventory, apiGrants, reach } from '../../analyzer';
import { describeApiAccess } from '../../analyzer/report/api-access';
import { InputError } from '../../analyzer/errors';
import { AccessDiff, diffReach } from '../../analyzer/report/diff';
import { describeHttpAccess } from '../../analyzer/report/http-summary';
import { markdownTable } from '../../analyzer/report/markdown';
import { ParsedArgs, allowOnly, formatOption } from '../args';
import { inventoryFrom } from '../inputs';
import { CliIo, EXIT_OK, EXIT_FINDINGS } from '../io';

/**
 * `diff <old> <new> [--workloads PATH]...`: access added, removed and changed; exit 1 when access
 * widens (CI gate). `--workloads` adds the same pods to both sides, for policies without workloads
 * (two synth outputs).
 */
export function runDiff(args: ParsedArgs, io: CliIo): number {
  allowOnly(args, 'diff', ['workloads']);
  const format = formatOption(args, ['text', 'json', 'markdown'], 'text');
  if (args.positionals.length !== 2) {
    throw new InputError(`diff needs exactly two paths (old and new), got ${args.positionals.length}`);
  }
  const inventories = args.positionals.map((path) => inventoryFrom([path], args, args.options.get('workloads') ?? []));
  requireWorkloads(inventories, args.positionals);
  const [before, after] = inventories.map((inventory) => ({ report: reach(inventory), grants: apiGrants(inventory) }));
  const diff = diffReach(before.report, after.report, { before: before.grants, after: after.grants });
  io.stdout(format === 'json' ? `${JSON.stringify(diff)}\n` : format === 'markdown' ? diffMarkdown(diff) : diffText(diff));
  return diff.widened ? EXIT_FINDINGS : EXIT_OK;
}

/**
 * Policies decide between workloads: without any on either side a change of NetworkPolicy or Istio
 * policy would pass as "no change in access", and the gate with it. So it is an error then; a change
 * of RBAC alone (API grants) needs no workloads.
 */
function requireWorkloads(inventories: readonly Inventory[], paths: readonly string[]): void {
  if (inventories.some((inventory) => inventory.workloads.length > 0)) return;
  const [before, after] = inventories.map(policiesOf);
  if (before === after) return;
  throw new InputError(`the policies differ, but neither ${paths.join(' nor ')} holds a workload (Pod, Deployment...) they could apply to, `
    + 'so no change in access between workloads would show: add the workloads with --workloads PATH (your Deployments, or a cluster dump)');
}

/** The NetworkPolicies and Istio policies as read (Maps and Sets written as lists, CIDR bounds as text). */
function policiesOf(inventory: Inventory): string {
  const { networkPolicies, authorizationPolicies, peerAuthentications } = inventory;
  return JSON.stringify([networkPolicies, authorizationPolicies, peerAuthentications], (_key, value: unknown) =>
    (value instanceof Map || value instanceof Set ? [...value] : typeof value === 'bigint' ? value.toString() : value));
}

function diffText(diff: AccessDiff): string {
  const http = (text: string) => (text ? ` [${text}]` : '');
  const lines = [
    ...diff.added.map((e) => `+ ${e.from} -> ${e.to} ${e.port}/${e.protocol}${http(describeHttpAccess(e.http))}`),
    ...diff.removed.map((e) => `- ${e.from} -> ${e.to} ${e.port}/${e.protocol}${http(describeHttpAccess(e.http))}`),
    ...diff.changed.map((c) => `~ ${c.from} -> ${c.to} ${c.port}/${c.protocol}: ${c.before} => ${c.after}${c.widened ? ' (wider)' : ''}`),
    ...diff.apiAdded.map((a) => `+ API: ${describeApiAccess(a)}`),
    ...diff.apiRemoved.map((a) => `- API: ${describeApiAccess(a)}`),
  ];
  const verdict = diff.widened ? 'access widened' : lines.length > 0 ? 'access narrowed or unchanged in scope' : 'no change in access';
  const counts = `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed; API grants ${diff.apiAdded.length} added, ${diff.apiRemoved.length} removed`;
  return `${[...lines, `${verdict}: ${counts}`].join('\n')}\n`;
}

function diffMarkdown(diff: AccessDiff): string {
  const row = (sign: string) => (e: { from: string; to: string; port: number; protocol: string; http?: Parameters<typeof describeHttpAccess>[0] }) =>
    [sign, e.from, e.to, `${e.port}/${e.protocol}`, describeHttpAccess(e.http) || 'any'];
  const rows = [
    ...diff.added.map(row('added')),
    ...diff.removed.map(row('removed')),
    ...diff.changed.map((c) => [c.widened ? 'widened' : 'changed', c.from, c.to, `${c.port}/${c.protocol}`, `${c.before} → ${c.after}`]),
  ];
  const api = [...diff.apiAdded.map((a) => ['added', describeApiAccess(a)]), ...diff.apiRemoved.map((a) => ['removed', describeApiAccess(a)])];
  const headline = diff.widened ? '**Access widens.**' : '**Access does not widen.**';
  const apiTable = api.length > 0 ? `\n${markdownTable(['Change', 'Kubernetes API access'], api)}` : '';
  return `${headline}\n\n${markdownTable(['Change', 'From', 'To', 'Port', 'HTTP'], rows)}${apiTable}`;
}
