import type { ReachEdge } from '../../analyzer';
import type { ChangedEdge } from '../../analyzer/report/diff';
import { describeApiAccess } from '../../analyzer/report/api-access';
import { describeHttpAccess } from '../../analyzer/report/http-summary';
import { DriftFinding, DriftReport, FieldChange } from './drift';
import { AccessComparison } from './effective-access';

/** Everything `audit` found, as printed with `--format json`. */
export interface AuditReport {
  readonly server: string;
  readonly context: string;
  readonly namespaces: readonly string[];
  readonly drift: readonly DriftFinding[];
  readonly notCompared: readonly string[];
  readonly access: AccessComparison;
  readonly notes: readonly string[];
  /** No drift and no access that the intent does not allow: the exit code is 0. */
  readonly clean: boolean;
}

export function auditReport(
  target: { server: string; context: string; namespaces: readonly string[] },
  drift: DriftReport,
  access: AccessComparison,
  notes: readonly string[],
): AuditReport {
  const overPermissive = access.overPermissive.length > 0 || access.widened.length > 0 || access.api.overPermissive.length > 0;
  return {
    ...target,
    drift: drift.findings,
    notCompared: drift.notCompared,
    access,
    notes,
    clean: drift.findings.length === 0 && !overPermissive,
  };
}

/** The longest value shown in text; the JSON report has them whole. */
const VALUE_WIDTH = 160;

export function auditText(report: AuditReport): string {
  const lines = [`audit of ${report.server} (context ${report.context}), namespaces ${report.namespaces.join(', ')}`];
  const section = (title: string, entries: readonly string[], count = entries.length) => {
    if (entries.length > 0) lines.push('', `${title} (${count}):`, ...entries);
  };
  section('Drift', report.drift.flatMap(describeFinding), report.drift.length);
  const { access } = report;
  section('Over-permissive: allowed live, not by the intent', access.overPermissive.map((edge) => `  + ${describeEdge(edge)}`));
  section('HTTP restrictions looser live than in the intent', access.widened.map((change) => `  ~ ${describeChange(change)}`));
  section('Missing access: allowed by the intent, denied live', access.underPermissive.map((edge) => `  - ${describeEdge(edge)}`));
  section('HTTP restrictions tighter live than in the intent', access.narrowed.map((change) => `  ~ ${describeChange(change)}`));
  section('Kubernetes API access granted live, not by the intent', access.api.overPermissive.map((grant) => `  + ${describeApiAccess(grant)}`));
  section('Kubernetes API access granted by the intent, missing live', access.api.missing.map((grant) => `  - ${describeApiAccess(grant)}`));
  section('Not compared (audit compares Namespaces, ServiceAccounts, Services and access policies)', report.notCompared.map((object) => `  ${object}`));
  section('Notes', report.notes.map((note) => `  ${note}`));
  lines.push('', `${access.workloads} live workloads evaluated. ${verdict(report)}`);
  return `${lines.join('\n')}\n`;
}

function verdict(report: AuditReport): string {
  if (report.clean) return 'The cluster matches the intent.';
  const problems = [
    ...(report.drift.length > 0 ? [`${report.drift.length} drifted object(s)`] : []),
    ...(report.access.overPermissive.length > 0 ? [`${report.access.overPermissive.length} over-permissive edge(s)`] : []),
    ...(report.access.widened.length > 0 ? [`${report.access.widened.length} edge(s) with looser HTTP restrictions`] : []),
    ...(report.access.api.overPermissive.length > 0 ? [`${report.access.api.overPermissive.length} API grant(s) beyond the intent`] : []),
  ];
  return `The cluster differs from the intent: ${problems.join(', ')}.`;
}

function describeFinding(finding: DriftFinding): string[] {
  const where = `${finding.namespace ? `${finding.namespace}/` : ''}${finding.name}`;
  return [`  ${finding.status.padEnd(8)} ${finding.kind} ${where}`, ...(finding.changes ?? []).map(describeFieldChange)];
}

function describeFieldChange(change: FieldChange): string {
  return `             ${change.path}: intent ${describeValue(change.intent)}, live ${describeValue(change.live)}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return '(not set)';
  const text = JSON.stringify(value);
  return text.length > VALUE_WIDTH ? `${text.slice(0, VALUE_WIDTH - 1)}…` : text;
}

function describeEdge(edge: ReachEdge): string {
  const http = describeHttpAccess(edge.http);
  return `${edge.from} -> ${edge.to} ${edge.port}/${edge.protocol}${http ? ` [${http}]` : ''}: ${edge.reason}`;
}

function describeChange(change: ChangedEdge): string {
  return `${change.from} -> ${change.to} ${change.port}/${change.protocol}: intent ${change.before}, live ${change.after}`;
}
