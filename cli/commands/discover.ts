import { LoadedObject, loadManifests } from '../../analyzer';
import { InputError } from '../../analyzer/errors';
import { compareStrings } from '../../analyzer/load/files';
import { DEFAULT_ROOT_NAMESPACE } from '../../analyzer/model/mesh-config';
import { ParsedArgs, allowOnly, formatOption } from '../args';
import { CLUSTER_OPTIONS, clusterDomainOption, connectOptions, namespaceOption } from '../cluster/cluster-options';
import { DEFAULT_CLUSTER_DOMAIN } from '../cluster/discover-env';
import { PLATFORM_NAMESPACES, discoverServices } from '../cluster/discover-model';
import { inferEdges } from '../cluster/env-edges';
import { ClusterClient, connectCluster } from '../cluster/kubeconfig-client';
import { readLiveObjects } from '../cluster/live-objects';
import { nameOf, namespaceOf, scopeOf } from '../cluster/object-identity';
import { MeshScaffold, scaffoldTypeScript } from '../cluster/scaffold-ts';
import { CliIo, EXIT_OK } from '../io';

/**
 * `discover [<manifest-paths...>]`: scaffolds a mesh declaration from manifests, or from the cluster
 * when no path is given: namespaces, a service per Kubernetes Service (and per workload that only
 * calls), and the edges the workloads' environment variables name. `--format ts` (default) prints a
 * TypeScript module, `json` the same as data. Platform namespaces (kube-system, istio-system...) are
 * left out unless named with --namespace, and so are gateways (the notes say how to declare them).
 * Async: reading a cluster is.
 */
export async function runDiscover(args: ParsedArgs, io: CliIo): Promise<number> {
  allowOnly(args, 'discover', [...CLUSTER_OPTIONS, 'cluster-domain']);
  const format = formatOption(args, ['ts', 'json'], 'ts');
  const namespaces = namespaceOption(args);
  const clusterDomain = clusterDomainOption(args);
  const fromCluster = args.positionals.length === 0;
  // Ignored with manifest paths, they would let a user believe the cluster was read.
  const connection = CLUSTER_OPTIONS.filter((name) => name !== 'namespace' && args.options.has(name));
  if (!fromCluster && connection.length > 0) {
    throw new InputError(`--${connection[0]} applies only when discover reads the cluster, that is without manifest paths (given: ${args.positionals.join(' ')})`);
  }
  let objects: readonly LoadedObject[];
  let source: string;
  const readNotes: string[] = [];
  let otherNamespaces: readonly string[] | undefined = [];
  if (fromCluster) {
    const client = await connectCluster(connectOptions(args));
    const live = await readLiveObjects(client, { namespaces, rootNamespace: DEFAULT_ROOT_NAMESPACE, policies: false, configMaps: true });
    objects = live.objects;
    readNotes.push(...live.notes);
    if (namespaces) otherNamespaces = await listNamespaces(client, readNotes);
    source = `the cluster at ${client.server}`;
  } else {
    objects = loadManifests(args.positionals);
    source = args.positionals.join(' ');
  }

  const inScope = (namespace: string) => (namespaces ? namespaces.includes(namespace) : !PLATFORM_NAMESPACES.has(namespace));
  const known = new Set(objects.flatMap(({ object }) => scopeOf(object) ?? []));
  const discovered = discoverServices(objects, inScope);
  const { edges, unresolved } = inferEdges(objects, discovered, {
    known: new Set([...known, ...otherNamespaces ?? []]),
    complete: otherNamespaces !== undefined,
    inScope,
    clusterDomain,
  });
  const skipped = [...known].filter((namespace) => !inScope(namespace) && objects.some(({ object }) => namespaceOf(object) === namespace)).sort();
  const scaffold: MeshScaffold = {
    source,
    clusterDomain,
    services: discovered.services,
    edges,
    unresolved,
    gateways: discovered.gateways,
    notes: [
      ...readNotes,
      ...(skipped.length > 0 && !namespaces ? [`platform namespaces left out: ${skipped.join(', ')} (name them with --namespace to include them)`] : []),
      ...(edges.length > 0 || unresolved.length > 0 ? [clusterDomainNote(clusterDomain)] : []),
      ...[...discovered.notes].sort(compareStrings),
    ],
  };
  io.stdout(format === 'json' ? `${JSON.stringify(scaffold)}\n` : scaffoldTypeScript(scaffold));
  return EXIT_OK;
}

/** Says which domain names were resolved under: a wrong one turns every fully qualified address into an unresolved one. */
function clusterDomainNote(clusterDomain: string): string {
  return clusterDomain === DEFAULT_CLUSTER_DOMAIN
    ? `addresses were resolved under the cluster domain ${clusterDomain} (the Mesh's default clusterDomain); `
      + 'in a cluster with another (kubelet --cluster-domain), names under it are listed as unresolved: run discover again with --cluster-domain'
    : `addresses were resolved under the cluster domain ${clusterDomain} (--cluster-domain), which the scaffold sets as the Mesh's clusterDomain; `
      + `names under ${DEFAULT_CLUSTER_DOMAIN} or another domain leave the cluster and are listed as unresolved`;
}

/**
 * The cluster's namespaces besides those read, which tell an address in a namespace that was not
 * read from one in no namespace; undefined when the user may not list them.
 */
async function listNamespaces(client: ClusterClient, notes: string[]): Promise<string[] | undefined> {
  try {
    return (await client.list('namespaces'))?.map(nameOf);
  } catch (error) {
    notes.push(`the cluster's namespaces were not listed (${(error as Error).message}): an address <service>.<name> is taken for a Service of a namespace that was not read`);
    return undefined;
  }
}
