import { reach } from '../../analyzer';
import { ReachReport } from '../../analyzer/reach/reach';
import { describeHttpAccess } from '../../analyzer/report/http-summary';
import { markdownTable } from '../../analyzer/report/markdown';
import { outsideLine, outsideSection } from '../../analyzer/report/outside-rows';
import { MESH_OPTIONS, ParsedArgs, allowOnly, formatOption } from '../args';
import { inventoryFrom } from '../inputs';
import { CliIo, EXIT_OK } from '../io';
import { LineWriter, writeJson } from '../streamed-output';

/** `reach <paths...>`: allowed edges with reasons, denied pairs counted per destination port. */
export function runReach(args: ParsedArgs, io: CliIo): number {
  allowOnly(args, 'reach', ['list-denied', 'stand-ins', ...MESH_OPTIONS]);
  const format = formatOption(args, ['text', 'json', 'markdown'], 'text');
  const report = reach(inventoryFrom(args.positionals, args), { listDenied: args.flags.has('list-denied') });
  // JSON and text in pieces (streamed-output.ts): the report of a big mesh is a hundred megabytes.
  if (format === 'json') writeJson(report, io.stdout);
  else if (format === 'markdown') io.stdout(reachMarkdown(report));
  else writeReachText(report, new LineWriter(io.stdout));
  return EXIT_OK;
}

function writeReachText(report: ReachReport, out: LineWriter): void {
  const { summary } = report;
  out.line(`${plural(summary.workloads, 'workload')}, ${summary.pairs} workload pairs x ports: ${summary.allowed} allowed, ${summary.denied} denied`);
  for (const edge of report.allowed) {
    const http = describeHttpAccess(edge.http);
    out.line(`ALLOW ${edge.from} -> ${edge.to} ${edge.port}/${edge.protocol}${http ? ` [${http}]` : ''}: ${edge.reason}`);
  }
  for (const pair of report.deniedPairs ?? []) {
    out.line(`DENY  ${pair.from} -> ${pair.to} ${pair.port}/${pair.protocol} at ${pair.layer} layer: ${pair.reason}`);
  }
  for (const access of report.outside) out.line(`ALLOW ${outsideLine(access)}: ${access.reason}`);
  if (!report.deniedPairs) {
    for (const summary of report.denied) {
      for (const reason of summary.reasons) {
        out.line(`DENY  ${reason.count} source(s) -> ${summary.to} ${summary.port}/${summary.protocol} at ${reason.layer} layer: ${reason.reason}`);
      }
    }
  }
  out.flush();
}

function reachMarkdown(report: ReachReport): string {
  const { summary } = report;
  const rows = report.allowed.map((edge) => [edge.from, edge.to, `${edge.port}/${edge.protocol}`, describeHttpAccess(edge.http) || 'any', edge.reason]);
  const deniedSection = report.deniedPairs
    ? markdownTable(['From', 'To', 'Port', 'Layer', 'Why'], report.deniedPairs.map((pair) => [pair.from, pair.to, `${pair.port}/${pair.protocol}`, pair.layer ?? '', pair.reason]))
    : markdownTable(['To', 'Port', 'Denied sources', 'Why'], report.denied.map((entry) => [entry.to, `${entry.port}/${entry.protocol}`, String(entry.count),
      entry.reasons.map((reason) => `${reason.count}: ${reason.reason}`).join('<br>')]));
  return [
    `**${plural(summary.workloads, 'workload')}**: ${summary.allowed} allowed, ${summary.denied} denied (workload pairs x destination ports)`,
    '',
    '### Allowed',
    '',
    markdownTable(['From', 'To', 'Port', 'HTTP', 'Why'], rows),
    '### Denied',
    '',
    deniedSection,
    outsideSection(report.outside),
  ].join('\n');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
