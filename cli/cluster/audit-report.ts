import type { ReachEdge } from '../../analyzer';
import type { ChangedEdge } from '../../analyzer/report/diff';
import { describeApiAccess } from '../../analyzer/report/api-access';
import { LAYER_NAMES, describeUnlisted } from '../../analyzer/report/layer-diff';
import { describeHttpAccess } from '../../analyzer/report/http-summary';
import { outsideLine } from '../../analyzer/report/outside-rows';
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
  /** Resources access depends on that could not be read: the audit cannot vouch for what they grant. */
  readonly unread: readonly string[];
  /** No drift, no access that the intent does not allow, nothing left unread: the exit code is 0. */
  readonly clean: boolean;
}

export function auditReport(
  target: { server: string; context: string; namespaces: readonly string[] },
  drift: DriftReport,
  access: AccessComparison,
  notes: readonly string[],
  unread: readonly string[] = [],
): AuditReport {
  const overPermissive = access.overPermissive.length > 0 || (access.unlisted?.added ?? 0) > 0 || access.widened.length > 0 || access.api.overPermissive.length > 0
    || access.outsideOverPermissive.length > 0 || access.layers.some(({ diff }) => diff.widened);
  return {
    ...target,
    drift: drift.findings,
    notCompared: drift.notCompared,
    access,
    notes,
    unread,
    // A gate must not pass what it could not see (e.g. a ClusterRoleBinding to cluster-admin).
    clean: drift.findings.length === 0 && !overPermissive && unread.length === 0,
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
  const counted = (change: 'added' | 'removed', side: string) =>
    ((access.unlisted?.[change] ?? 0) > 0 ? [`  ${change === 'added' ? '+' : '-'} ${describeUnlisted(undefined, access.unlisted![change], side)}`] : []);
  section('Over-permissive: allowed live, not by the intent', [...access.overPermissive.map((edge) => `  + ${describeEdge(edge)}`), ...counted('added', 'the live cluster')]);
  section('HTTP restrictions looser live than in the intent', access.widened.map((change) => `  ~ ${describeChange(change)}`));
  section('Missing access: allowed by the intent, denied live', [...access.underPermissive.map((edge) => `  - ${describeEdge(edge)}`), ...counted('removed', 'the intent')]);
  section('HTTP restrictions tighter live than in the intent', access.narrowed.map((change) => `  ~ ${describeChange(change)}`));
  section('Outside the cluster: allowed live, not by the intent', access.outsideOverPermissive.map((entry) => `  + ${outsideLine(entry)}`));
  section('Outside the cluster: allowed by the intent, denied live', access.outsideUnderPermissive.map((entry) => `  - ${outsideLine(entry)}`));
  section('Kubernetes API access granted live, not by the intent', access.api.overPermissive.map((grant) => `  + ${describeApiAccess(grant)}`));
  section('Kubernetes API access granted by the intent, missing live', access.api.missing.map((grant) => `  - ${describeApiAccess(grant)}`));
  for (const { layer, diff } of access.layers) {
    const alone = LAYER_NAMES[layer];
    const unlisted = diff.unlisted && diff.unlisted.added > 0 ? [`  + ${describeUnlisted(layer, diff.unlisted.added, 'the live cluster')}`] : [];
    section(`${alone}: allowed live, not by the intent`, [...diff.added.map((edge) => `  + ${describeEdge(edge)}`), ...unlisted]);
    section(`${alone}: HTTP restrictions looser live`, diff.changed.filter((change) => change.widened).map((change) => `  ~ ${describeChange(change)}`));
    section(`${alone}: outside the cluster, allowed live, not by the intent`, diff.outsideAdded.map((entry) => `  + ${outsideLine(entry)}`));
  }
  section('Mesh-wide Istio policies of the root namespace, not in the intent (their effect is in the access above)', access.meshWidePolicies.map((policy) => `  ${policy}`));
  section('Not compared (audit compares Namespaces, ServiceAccounts, Services and access policies)', report.notCompared.map((object) => `  ${object}`));
  section('Notes', report.notes.map((note) => `  ${note}`));
  lines.push('', `${access.workloads} live workloads evaluated. ${verdict(report)}`);
  return `${lines.join('\n')}\n`;
}

function verdict(report: AuditReport): string {
  const { access } = report;
  const missing = access.underPermissive.length + (access.unlisted?.removed ?? 0) + access.narrowed.length + access.api.missing.length + access.outsideUnderPermissive.length;
  if (report.clean) {
    return missing > 0
      ? `The cluster allows nothing beyond the intent, but ${missing} intended access(es) are missing or narrower live.`
      : 'The cluster matches the intent.';
  }
  const problems = [
    ...(report.drift.length > 0 ? [`${report.drift.length} drifted object(s)`] : []),
    ...(access.overPermissive.length + (access.unlisted?.added ?? 0) > 0 ? [`${access.overPermissive.length + (access.unlisted?.added ?? 0)} over-permissive edge(s)`] : []),
    ...(access.widened.length > 0 ? [`${access.widened.length} edge(s) with looser HTTP restrictions`] : []),
    ...(access.outsideOverPermissive.length > 0 ? [`${access.outsideOverPermissive.length} access(es) to or from outside the cluster beyond the intent`] : []),
    ...(access.api.overPermissive.length > 0 ? [`${access.api.overPermissive.length} API grant(s) beyond the intent`] : []),
    ...access.layers.filter(({ diff }) => diff.widened).map(({ layer }) => `${LAYER_NAMES[layer]} wider than the intent`),
  ];
  const unread = report.unread.length > 0 ? `${problems.length > 0 ? ' It is also' : 'The audit is'} incomplete: ${report.unread.join(', ')} could not be read, so the API access they grant was not compared.` : '';
  return problems.length > 0 ? `The cluster differs from the intent: ${problems.join(', ')}.${unread}` : unread;
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
