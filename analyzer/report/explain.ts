import { compareStrings } from '../load/files';
import { ApiGrantEntry } from '../rbac/grants';
import { ReachEdge, ReachReport, ReachWorkload } from '../reach/reach';
import { apiAccessSection } from './api-access';
import { compactHttpAccess, describeHttpAccess } from './http-summary';
import { markdownTable } from './markdown';
import { outsideSection } from './outside-rows';

/**
 * Markdown for a pull request: what is wide open, an access matrix per destination namespace, a Mermaid
 * graph of the allowed edges (ports and HTTP constraints on the arrows), who may use which Kubernetes
 * API objects where, and every edge with its reasons.
 */
export function explainMarkdown(report: ReachReport, apiGrants: readonly ApiGrantEntry[] = []): string {
  const workloadsByNamespace = groupBy(report.workloads, (workload) => namespaceOf(workload.id));
  const edgesByNamespace = groupBy(report.allowed, (edge) => namespaceOf(edge.to));
  const namespaces = [...workloadsByNamespace.keys()].sort(compareStrings);
  const { summary } = report;
  const sections = [
    '## mesh-policy: who can reach whom',
    '',
    `${summary.workloads} workloads in ${namespaces.length} namespace(s): ${summary.allowed} allowed and ${summary.denied} denied ` +
      '(ordered workload pairs x destination container ports; HTTP ports count as allowed when some request may pass).',
    '',
    wideOpenSection(report),
    ...namespaces.map((namespace) =>
      matrixSection(namespace, workloadsByNamespace.get(namespace) ?? [], edgesByNamespace.get(namespace) ?? [])),
    graphSection(report, workloadsByNamespace),
    outsideSection(report.outside),
    apiAccessSection(apiGrants),
    edgesSection(report.allowed),
  ];
  return sections.join('\n');
}

function wideOpenSection(report: ReachReport): string {
  const rows = report.workloads
    .filter((workload) => workload.ingress.open || workload.egress.open)
    .map((workload) => [
      workload.id,
      workload.ingress.open ? `open: ${workload.ingress.reason}` : 'restricted',
      workload.egress.open ? `open: ${workload.egress.reason}` : 'restricted',
      workload.gateway ? 'gateway' : workload.sidecar ? 'yes' : 'no',
    ]);
  return ['### Wide open (NetworkPolicy)', '', markdownTable(['Workload', 'Ingress', 'Egress', 'Sidecar'], rows)].join('\n');
}

/** Rows: sources with at least one allowed edge into the namespace; everything not shown is denied. */
function matrixSection(namespace: string, workloads: readonly ReachWorkload[], edges: readonly ReachEdge[]): string {
  const destinations = workloads.filter((w) => w.ports.length > 0).map((w) => w.id);
  const sources = [...new Set(edges.map((edge) => edge.from))].sort(compareStrings);
  const cells = groupBy(edges, (edge) => `${edge.from}\u0000${edge.to}`);
  const rows = sources.map((source) =>
    [source, ...destinations.map((to) => cells.get(`${source}\u0000${to}`)?.map(edgeLabel).join('<br>') ?? '—')]);
  const header = ['From \\ To', ...destinations.map((id) => id.slice(namespace.length + 1))];
  const table = destinations.length === 0 ? '_no workload with container ports_\n' : markdownTable(header, rows);
  return [`### Namespace \`${namespace}\``, '', table].join('\n');
}

function graphSection(report: ReachReport, workloadsByNamespace: ReadonlyMap<string, readonly ReachWorkload[]>): string {
  const ids = new Map(report.workloads.map((workload, index) => [workload.id, `w${index}`]));
  const lines = ['flowchart LR'];
  [...workloadsByNamespace].forEach(([namespace, members], index) => {
    lines.push(`  subgraph ns${index}["${mermaidText(namespace)}"]`);
    for (const { id } of members) lines.push(`    ${ids.get(id)}["${mermaidText(id.slice(namespace.length + 1))}"]`);
    lines.push('  end');
  });
  const labels = groupBy(report.allowed, (edge) => `${edge.from}\u0000${edge.to}`);
  for (const [key, edges] of labels) {
    const [from, to] = key.split('\u0000');
    lines.push(`  ${ids.get(from)} -->|"${mermaidText(edges.map(edgeLabel).join(', '))}"| ${ids.get(to)}`);
  }
  return ['### Allowed edges', '', '```mermaid', ...lines, '```', ''].join('\n');
}

function edgesSection(edges: readonly ReachEdge[]): string {
  const rows = edges.map((edge) => [edge.from, edge.to, `${edge.port}/${edge.protocol}`, describeHttpAccess(edge.http) || 'any', edge.reason]);
  return [
    '<details><summary>Every allowed edge and why</summary>',
    '',
    markdownTable(['From', 'To', 'Port', 'HTTP', 'Why'], rows),
    '</details>',
    '',
  ].join('\n');
}

/** "8080/TCP GET /api/*": the port, and the HTTP requests it is limited to. */
function edgeLabel(edge: ReachEdge): string {
  const http = compactHttpAccess(edge.http);
  return `${edge.port}/${edge.protocol}${http ? ` ${http}` : ''}`;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function namespaceOf(id: string): string {
  return id.slice(0, id.indexOf('/'));
}

/** Mermaid labels are quoted; quotes and markup characters become entities. */
function mermaidText(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
