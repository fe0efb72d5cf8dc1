import { Inventory, apiGrants } from '../../analyzer';
import { describeApiAccess } from '../../analyzer/report/api-access';
import { InputError } from '../../analyzer/errors';
import { AccessDiff } from '../../analyzer/report/diff';
import { LAYER_NAMES, LIST_LIMIT, Layer, LayerDiff, describeUnlisted, diffLayers, fingerprint } from '../../analyzer/report/layer-diff';
import { UnlistedCounts, compareViews } from '../../analyzer/report/view-access';
import { describeHttpAccess } from '../../analyzer/report/http-summary';
import { markdownTable } from '../../analyzer/report/markdown';
import { OutsideDiff, compareOutside } from '../../analyzer/report/outside-diff';
import { OutsideAccess } from '../../analyzer/reach/outside';
import { outsideLine, outsidePorts } from '../../analyzer/report/outside-rows';
import { MESH_OPTIONS, ParsedArgs, allowOnly, formatOption } from '../args';
import { inventoryFrom } from '../inputs';
import { CliIo, EXIT_OK, EXIT_FINDINGS } from '../io';

/**
 * `diff <old> <new> [--workloads PATH]... [--stand-ins FILE]...`: access added, removed and changed;
 * exit 1 when access widens (CI gate). `--workloads` and `--stand-ins` add the same pods to both
 * sides, for policies without workloads (two synth outputs).
 */
export function runDiff(args: ParsedArgs, io: CliIo): number {
  allowOnly(args, 'diff', ['workloads', 'stand-ins', ...MESH_OPTIONS]);
  const format = formatOption(args, ['text', 'json', 'markdown'], 'text');
  if (args.positionals.length !== 2) {
    throw new InputError(`diff needs exactly two paths (old and new), got ${args.positionals.length}`);
  }
  const inventories = args.positionals.map((path) => inventoryFrom([path], args, args.options.get('workloads') ?? []));
  requireWorkloads(inventories, args.positionals);
  const endToEnd = diffEndToEnd(inventories[0], inventories[1]);
  const outside = compareOutside(inventories[0], inventories[1]);
  const layers = diffLayers(inventories[0], inventories[1], endToEnd, outside);
  const widened = endToEnd.widened || outside.diff.outsideAdded.length > 0 || layers.some(({ diff: layer }) => layer.widened);
  const diff: LayeredDiff = { ...endToEnd, ...outside.diff, layers, widened };
  io.stdout(format === 'json' ? `${JSON.stringify(diff)}\n` : format === 'markdown' ? diffMarkdown(diff) : diffText(diff));
  return diff.widened ? EXIT_FINDINGS : EXIT_OK;
}

/**
 * Both sides compared (view-access.ts: pairs open by group on one side only are counted past
 * LIST_LIMIT, as in a cluster without policies). Built here so that the reports are garbage before
 * the layers are compared: at 50,000 services each holds hundreds of megabytes. Access outside the
 * cluster is compared run by run, over one cut for both sides (compareOutside).
 */
function diffEndToEnd(before: Inventory, after: Inventory): AccessDiff & { readonly unlisted?: UnlistedCounts } {
  const { diff, unlisted } = compareViews(before, after, LIST_LIMIT.edges, { before: apiGrants(before), after: apiGrants(after) });
  if (!unlisted) return diff;
  return { ...diff, widened: diff.widened || unlisted.added > 0, unlisted: { added: unlisted.added, removed: unlisted.removed } };
}

/** The end-to-end diff, and each changed layer's own; widened when any of them widens. */
type LayeredDiff = AccessDiff & OutsideDiff & { readonly unlisted?: UnlistedCounts; readonly layers: readonly LayerDiff[] };

/**
 * Policies decide between workloads: without any on either side a change of NetworkPolicy or Istio
 * policy would pass as "no change in access", and the gate with it. So it is an error then; a change
 * of RBAC alone (API grants) needs no workloads.
 */
function requireWorkloads(inventories: readonly Inventory[], paths: readonly string[]): void {
  if (inventories.some((inventory) => inventory.workloads.length > 0)) return;
  const policiesOf = ({ networkPolicies, authorizationPolicies, peerAuthentications }: Inventory) => fingerprint([networkPolicies, authorizationPolicies, peerAuthentications]);
  const [before, after] = inventories.map(policiesOf);
  if (before === after) return;
  throw new InputError(`the policies differ, but neither ${paths.join(' nor ')} holds a workload (Pod, Deployment...) they could apply to, `
    + 'so no change in access between workloads would show: add the workloads with --workloads PATH (your Deployments, or a cluster dump) '
    + 'or --stand-ins FILE (the declared access a synth wrote, e.g. .mesh-policy/declared-access.json)');
}

type EdgeChanges = Pick<AccessDiff, 'added' | 'removed' | 'changed'> & OutsideDiff & { readonly unlisted?: UnlistedCounts };

/** Edges counted rather than listed (of a layer, or end to end): a sign and a line for each change that has some. */
function unlisted(layer: Layer | undefined, changes: EdgeChanges): { sign: '+' | '-'; change: 'added' | 'removed'; text: string }[] {
  const counts = changes.unlisted ?? { added: 0, removed: 0 };
  return (['added', 'removed'] as const).filter((change) => counts[change] > 0).map((change) => ({
    sign: change === 'added' ? '+' : '-',
    change,
    text: describeUnlisted(layer, counts[change], change === 'added' ? 'the new manifests' : 'the old manifests'),
  }));
}

function edgeLines(diff: EdgeChanges, prefix = ''): string[] {
  const http = (text: string) => (text ? ` [${text}]` : '');
  return [
    ...diff.added.map((e) => `${prefix}+ ${e.from} -> ${e.to} ${e.port}/${e.protocol}${http(describeHttpAccess(e.http))}`),
    ...diff.removed.map((e) => `${prefix}- ${e.from} -> ${e.to} ${e.port}/${e.protocol}${http(describeHttpAccess(e.http))}`),
    ...diff.changed.map((c) => `${prefix}~ ${c.from} -> ${c.to} ${c.port}/${c.protocol}: ${c.before} => ${c.after}${c.widened ? ' (wider)' : ''}`),
    ...diff.outsideAdded.map((access) => `${prefix}+ ${outsideLine(access)}`),
    ...diff.outsideRemoved.map((access) => `${prefix}- ${outsideLine(access)}`),
  ];
}

function counts(diff: EdgeChanges): string {
  const outside = diff.outsideAdded.length + diff.outsideRemoved.length > 0 ? `, outside the cluster ${diff.outsideAdded.length} added, ${diff.outsideRemoved.length} removed` : '';
  const { added, removed } = diff.unlisted ?? { added: 0, removed: 0 };
  return `${diff.added.length + added} added, ${diff.removed.length + removed} removed, ${diff.changed.length} changed${outside}`;
}

function diffText(diff: LayeredDiff): string {
  const lines = [
    ...edgeLines(diff),
    ...unlisted(undefined, diff).map(({ sign, text }) => `${sign} ${text}`),
    ...diff.apiAdded.map((a) => `+ API: ${describeApiAccess(a)}`),
    ...diff.apiRemoved.map((a) => `- API: ${describeApiAccess(a)}`),
  ];
  const layerLines = diff.layers.flatMap(({ layer, diff: changes }) =>
    [...edgeLines(changes, `${LAYER_NAMES[layer]}: `), ...unlisted(layer, changes).map(({ sign, text }) => `${LAYER_NAMES[layer]}: ${sign} ${text}`)]);
  const verdict = diff.widened ? 'access widened' : lines.length + layerLines.length > 0 ? 'access narrowed or unchanged in scope' : 'no change in access';
  const total = `${counts(diff)}; API grants ${diff.apiAdded.length} added, ${diff.apiRemoved.length} removed`;
  const layerCounts = diff.layers.map(({ layer, diff: d }) => `; ${LAYER_NAMES[layer]} ${counts(d)}`).join('');
  return `${[...lines, ...layerLines, `${verdict}: ${total}${layerCounts}`].join('\n')}\n`;
}

function diffMarkdown(diff: LayeredDiff): string {
  const row = (sign: string) => (e: { from: string; to: string; port: number; protocol: string; http?: Parameters<typeof describeHttpAccess>[0] }) =>
    [sign, e.from, e.to, `${e.port}/${e.protocol}`, describeHttpAccess(e.http) || 'any'];
  const outsideRow = (sign: string) => (access: OutsideAccess) => (access.direction === 'ingress'
    ? [sign, `outside: ${access.addresses}`, access.workload, outsidePorts(access), '']
    : [sign, access.workload, `outside: ${access.addresses}`, outsidePorts(access), '']);
  const rowsOf = (changes: EdgeChanges, where = '') => [
    ...changes.added.map(row(`added${where}`)),
    ...changes.removed.map(row(`removed${where}`)),
    ...changes.changed.map((c) => [`${c.widened ? 'widened' : 'changed'}${where}`, c.from, c.to, `${c.port}/${c.protocol}`, `${c.before} → ${c.after}`]),
    ...changes.outsideAdded.map(outsideRow(`added${where}`)),
    ...changes.outsideRemoved.map(outsideRow(`removed${where}`)),
  ];
  const unlistedRows = (layer: Layer | undefined, changes: EdgeChanges) =>
    unlisted(layer, changes).map(({ change, text }) => [layer ? `${change} (${LAYER_NAMES[layer]})` : change, text, '', '', '']);
  const rows = [...rowsOf(diff), ...unlistedRows(undefined, diff), ...diff.layers.flatMap(({ layer, diff: changes }) => [...rowsOf(changes, ` (${LAYER_NAMES[layer]})`), ...unlistedRows(layer, changes)])];
  const api = [...diff.apiAdded.map((a) => ['added', describeApiAccess(a)]), ...diff.apiRemoved.map((a) => ['removed', describeApiAccess(a)])];
  const headline = diff.widened ? '**Access widens.**' : '**Access does not widen.**';
  const apiTable = api.length > 0 ? `\n${markdownTable(['Change', 'Kubernetes API access'], api)}` : '';
  return `${headline}\n\n${markdownTable(['Change', 'From', 'To', 'Port', 'HTTP'], rows)}${apiTable}`;
}
