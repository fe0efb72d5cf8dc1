import { loadManifests } from '../../analyzer';
import { InputError } from '../../analyzer/errors';
import { DEFAULT_ROOT_NAMESPACE } from '../../analyzer/model/mesh-config';
import { MESH_OPTIONS, ParsedArgs, allowOnly, formatOption } from '../args';
import { auditReport, auditText } from '../cluster/audit-report';
import { CLUSTER_OPTIONS, connectOptions, namespaceOption } from '../cluster/cluster-options';
import { findDrift, inAudited } from '../cluster/drift';
import { compareAccess } from '../cluster/effective-access';
import { connectCluster } from '../cluster/kubeconfig-client';
import { readLiveObjects } from '../cluster/live-objects';
import { scopeOf } from '../cluster/object-identity';
import { meshOptions } from '../inputs';
import { CliIo, EXIT_FINDINGS, EXIT_OK } from '../io';

/**
 * `audit <intent-paths...>`: the live cluster against the intent (e.g. dist/). Drift: intent objects
 * missing or changed live, live policies the intent does not have (orphaned when the mesh once
 * emitted them, foreign otherwise). Effective access: the analyzer over the live workloads with the
 * live policies and with the intent's, so that a drifted field is reported with what it opens.
 * Exits 1 on drift, over-permissive access or an incomplete comparison (RBAC it could not read),
 * 0 when the cluster matches; async (the Kubernetes client is promise-based).
 */
export async function runAudit(args: ParsedArgs, io: CliIo): Promise<number> {
  allowOnly(args, 'audit', [...CLUSTER_OPTIONS, ...MESH_OPTIONS]);
  const format = formatOption(args, ['text', 'json'], 'text');
  if (args.positionals.length === 0) throw new InputError('audit needs the intent: manifest paths, e.g. dist/');
  const intent = loadManifests(args.positionals);
  const namespaces = namespaceOption(args);
  const audited = new Set(namespaces ?? intent.flatMap(({ object }) => scopeOf(object) ?? []));
  if (audited.size === 0) throw new InputError('the intent has no namespaced objects; name the namespaces to audit with --namespace');
  const mesh = meshOptions(args);

  const client = await connectCluster(connectOptions(args));
  const live = await readLiveObjects(client, { namespaces, rootNamespace: mesh.rootNamespace ?? DEFAULT_ROOT_NAMESPACE });
  const drift = findDrift(intent, live.objects, audited);
  const access = compareAccess(live.objects, intent, audited, { ...mesh, ...(namespaces ? { readNamespaces: new Set(namespaces) } : {}) });
  const outside = intent.filter(({ object }) => !inAudited(object, audited)).length;
  const notes = [
    ...live.notes,
    ...(outside > 0 ? [`${outside} intent object(s) outside the audited namespaces not compared`] : []),
    ...(namespaces ? ['API access held in namespaces not read (--namespace) not compared'] : []),
  ];
  const report = auditReport({ server: client.server, context: client.context, namespaces: [...audited].sort() }, drift, access, notes, live.unread);

  io.stdout(format === 'json' ? `${JSON.stringify(report)}\n` : auditText(report));
  return report.clean ? EXIT_OK : EXIT_FINDINGS;
}
