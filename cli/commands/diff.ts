import { reach } from '../../analyzer';
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
  const [before, after] = args.positionals.map((path) => reach(inventoryFrom([path], args)));
  const diff = diffReach(before, after);
  io.stdout(format === 'json' ? `${JSON.stringify(diff)}\n` : format === 'markdown' ? diffMarkdown(diff) : diffText(diff));
  return diff.widened ? EXIT_FINDINGS : EXIT_OK;
}

function diffText(diff: AccessDiff): string {
  const http = (text: string) => (text ? ` [${text}]` : '');
  const lines = [
    ...diff.added.map((e) => `+ ${e.from} -> ${e.to} ${e.port}/${e.protocol}${http(describeHttpAccess(e.http))}`),
    ...diff.removed.map((e) => `- ${e.from} -> ${e.to} ${e.port}/${e.protocol}${http(describeHttpAccess(e.http))}`),
    ...diff.changed.map((c) => `~ ${c.from} -> ${c.to} ${c.port}/${c.protocol}: ${c.before} => ${c.after}${c.widened ? ' (wider)' : ''}`),
  ];
  const verdict = diff.widened ? 'access widened' : lines.length > 0 ? 'access narrowed or unchanged in scope' : 'no change in access';
  return `${[...lines, `${verdict}: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`].join('\n')}\n`;
}

function diffMarkdown(diff: AccessDiff): string {
  const row = (sign: string) => (e: { from: string; to: string; port: number; protocol: string; http?: Parameters<typeof describeHttpAccess>[0] }) =>
    [sign, e.from, e.to, `${e.port}/${e.protocol}`, describeHttpAccess(e.http) || 'any'];
  const rows = [
    ...diff.added.map(row('added')),
    ...diff.removed.map(row('removed')),
    ...diff.changed.map((c) => [c.widened ? 'widened' : 'changed', c.from, c.to, `${c.port}/${c.protocol}`, `${c.before} → ${c.after}`]),
  ];
  const headline = diff.widened ? '**Access widens.**' : '**Access does not widen.**';
  return `${headline}\n\n${markdownTable(['Change', 'From', 'To', 'Port', 'HTTP'], rows)}`;
}
