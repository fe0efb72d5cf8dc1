import { apiGrants, reach } from '../../analyzer';
import { describeApiAccess } from '../../analyzer/report/api-access';
import { InputError } from '../../analyzer/errors';
import { AccessDiff, diffReach } from '../../analyzer/report/diff';
import { describeHttpAccess } from '../../analyzer/report/http-summary';
import { markdownTable } from '../../analyzer/report/markdown';
import { ParsedArgs, allowOnly, formatOption } from '../args';
import { inventoryFrom } from '../inputs';
import { CliIo, EXIT_OK, EXIT_FINDINGS } from '../io';

/** `diff <old> <new>`: access added, removed and changed; exit 1 when access widens (CI gate). */
export function runDiff(args: ParsedArgs, io: CliIo): number {
  allowOnly(args, 'diff', []);
  const format = formatOption(args, ['text', 'json', 'markdown'], 'text');
  if (args.positionals.length !== 2) {
    throw new InputError(`diff needs exactly two paths (old and new), got ${args.positionals.length}`);
  }
  const [before, after] = args.positionals.map((path) => {
    const inventory = inventoryFrom([path], args);
    return { report: reach(inventory), grants: apiGrants(inventory) };
  });
  const diff = diffReach(before.report, after.report, { before: before.grants, after: after.grants });
  io.stdout(format === 'json' ? `${JSON.stringify(diff)}\n` : format === 'markdown' ? diffMarkdown(diff) : diffText(diff));
  return diff.widened ? EXIT_FINDINGS : EXIT_OK;
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
