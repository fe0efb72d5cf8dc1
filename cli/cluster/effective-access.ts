import { LoadedObject, MeshOptions, ReachEdge, buildInventory } from '../../analyzer';
import { ChangedEdge } from '../../analyzer/report/diff';
import { LIST_LIMIT, LayerDiff, diffLayers } from '../../analyzer/report/layer-diff';
import { UnlistedCounts, compareViews } from '../../analyzer/report/view-access';
import { compareOutside } from '../../analyzer/report/outside-diff';
import { OutsideAccess } from '../../analyzer/reach/outside';
import { ApiAccessComparison, compareApiAccess } from './api-access';
import { POLICY_KINDS, inAudited } from './drift';
import { describeObject, objectKey, scopeOf } from './object-identity';

/** Who may reach whom, and use which API objects, live compared with what the intent would allow over the same live workloads. */
export interface AccessComparison {
  /** Workloads both sides were evaluated on. */
  readonly workloads: number;
  /** Allowed live, denied by the intent. */
  readonly overPermissive: readonly ReachEdge[];
  /** Allowed by the intent, denied live. */
  readonly underPermissive: readonly ReachEdge[];
  /**
   * Pairs open on one side only where no policy narrows the destination (a live cluster without
   * NetworkPolicies or Istio policies allows nearly every pair): counted, not listed, past
   * LIST_LIMIT; `added` are over-permissive, `removed` missing.
   */
  readonly unlisted?: UnlistedCounts;
  /** Allowed by both, with looser HTTP restrictions live. */
  readonly widened: readonly ChangedEdge[];
  /** Allowed by both, with tighter (or reworded) HTTP restrictions live. */
  readonly narrowed: readonly ChangedEdge[];
  /** Access from and to addresses outside the cluster, allowed live and not by the intent. */
  readonly outsideOverPermissive: readonly OutsideAccess[];
  /** Allowed by the intent, denied live. */
  readonly outsideUnderPermissive: readonly OutsideAccess[];
  /** Kubernetes API access (RBAC) of the audited namespaces' ServiceAccounts. */
  readonly api: ApiAccessComparison;
  /** Live Istio policies of the root namespace (mesh-wide), which the intent does not hold: their effect is in the access above. */
  readonly meshWidePolicies: readonly string[];
  /**
   * Each layer whose policies differ, compared alone (NetworkPolicy without Istio, Istio without
   * NetworkPolicy): a layer opened behind the other changes no end-to-end access, yet is a hole.
   */
  readonly layers: readonly LayerDiff[];
}

/** Istio policies that apply mesh-wide from the root namespace. */
const MESH_WIDE_KINDS = new Set(['AuthorizationPolicy', 'PeerAuthentication']);

/** Kinds whose intent copy does not replace the live one: the intent describes access, the cluster runs the workloads. */
const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ReplicationController', 'Job', 'CronJob']);

/**
 * Runs the analyzer twice over the live workloads: once with the live policies, once with the
 * intent's policies in place of the live ones of the audited namespaces (with the intent's Namespaces
 * and Services, whose labels and port protocols the policies depend on), then compares the two.
 */
export function compareAccess(
  live: readonly LoadedObject[],
  intent: readonly LoadedObject[],
  audited: ReadonlySet<string>,
  options: MeshOptions & { readonly readNamespaces?: ReadonlySet<string> },
): AccessComparison {
  const liveInventory = buildInventory(live, options);
  const { rootNamespace } = liveInventory.mesh;
  const rootPolicy = (object: LoadedObject['object']) => MESH_WIDE_KINDS.has(object.kind) && scopeOf(object) === rootNamespace && !audited.has(rootNamespace);
  // The intent's own root-namespace policies are intended: they replace the live copies, not vanish.
  const intendedRoot = new Set(intent.filter(({ object }) => rootPolicy(object)).map(({ object }) => objectKey(object)));
  const meshWide = (object: LoadedObject['object']) => rootPolicy(object) && !intendedRoot.has(objectKey(object));
  const intendedInventory = buildInventory(intendedCluster(live, intent, audited, meshWide, rootPolicy), options);
  // Outside access is compared apart, run by run (compareOutside).
  const { diff, unlisted } = compareViews(intendedInventory, liveInventory, LIST_LIMIT.edges);
  const outside = compareOutside(intendedInventory, liveInventory);
  return {
    workloads: liveInventory.workloads.filter((workload) => !workload.ownedByListedWorkload).length,
    overPermissive: diff.added,
    underPermissive: diff.removed,
    ...(unlisted ? { unlisted: { added: unlisted.added, removed: unlisted.removed } } : {}),
    widened: diff.changed.filter((change) => change.widened),
    narrowed: diff.changed.filter((change) => !change.widened),
    outsideOverPermissive: outside.diff.outsideAdded,
    outsideUnderPermissive: outside.diff.outsideRemoved,
    api: compareApiAccess(live, intent, audited, options.readNamespaces),
    meshWidePolicies: live.filter(({ object }) => meshWide(object)).map(({ object }) => describeObject(object)).sort(),
    layers: diffLayers(intendedInventory, liveInventory, diff, outside),
  };
}

/**
 * The cluster as it would be with the intent applied: the audited namespaces' other policies gone,
 * and so the root namespace's Istio policies, which apply mesh-wide (into the audited namespaces too),
 * that the intent does not hold (those it holds are taken from it); unless the root namespace is
 * itself audited.
 */
function intendedCluster(
  live: readonly LoadedObject[],
  intent: readonly LoadedObject[],
  audited: ReadonlySet<string>,
  meshWide: (object: LoadedObject['object']) => boolean,
  isIntendedRootPolicy: (object: LoadedObject['object']) => boolean,
): LoadedObject[] {
  const liveByKey = new Map(live.map((loaded) => [objectKey(loaded.object), loaded]));
  const replacements = intent
    .filter(({ object }) => (inAudited(object, audited) && !WORKLOAD_KINDS.has(object.kind)) || isIntendedRootPolicy(object))
    .map((loaded) => withLiveLabels(loaded, liveByKey.get(objectKey(loaded.object))));
  const kept = live.filter(({ object }) => !(POLICY_KINDS.has(object.kind) && inAudited(object, audited)) && !meshWide(object));
  // Later objects replace earlier ones of the same kind, namespace and name in the inventory.
  return [...kept, ...replacements];
}

/**
 * A Namespace keeps the labels others gave it (policies of other namespaces may select them), with
 * the intent's labels over them.
 */
function withLiveLabels(intended: LoadedObject, current: LoadedObject | undefined): LoadedObject {
  if (intended.object.kind !== 'Namespace' || !current) return intended;
  const labelsOf = (loaded: LoadedObject) => ((loaded.object.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {});
  const metadata = { ...(intended.object.metadata as Record<string, unknown>), labels: { ...labelsOf(current), ...labelsOf(intended) } };
  return { ...intended, object: { ...intended.object, metadata } };
}
