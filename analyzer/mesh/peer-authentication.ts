import { compareStrings } from '../load/files';
import { labelsSubsetOf } from '../model/labels';
import { MtlsMode, PeerAuthentication, Workload } from '../model/types';

export interface MtlsSetting {
  readonly mode: Exclude<MtlsMode, 'UNSET'>;
  /** The PeerAuthentication that decided, or undefined for Istio's default (PERMISSIVE). */
  readonly decidedBy?: string;
}

/**
 * The effective mTLS mode of a workload, per container port, composed as Istio does
 * (pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication): start PERMISSIVE, then the
 * mesh policy (root namespace, no selector), the namespace policy, the workload policy (selector, not
 * in the root namespace), each overriding unless its mode is UNSET; port-level settings of the workload
 * policy override per port, UNSET inheriting the workload's result. Of competing policies at one level
 * the oldest wins; without timestamps we take the first by name.
 */
export function mtlsSettingsFor(
  workload: Workload,
  policies: readonly PeerAuthentication[],
  rootNamespace: string,
): (port: number) => MtlsSetting {
  const sorted = [...policies].sort(oldestFirst);
  const workloadLevel = sorted.find((policy) =>
    policy.selector && policy.namespace === workload.namespace && policy.namespace !== rootNamespace && labelsSubsetOf(policy.selector, workload.labels));
  const namespaceWide = namespaceSetting(workload.namespace, sorted, rootNamespace);
  const base = workloadLevel && workloadLevel.mode !== 'UNSET' ? { mode: workloadLevel.mode, decidedBy: workloadLevel.ref } : namespaceWide;
  const portLevel = workloadLevel?.portLevel;
  return (port) => {
    const mode = portLevel?.get(port);
    if (mode === undefined || mode === 'UNSET') return base;
    return { mode, decidedBy: `${workloadLevel?.ref} (port ${port})` };
  };
}

/**
 * The mode of a namespace by its namespace-wide and mesh-wide policies only, UNSET inheriting and
 * PERMISSIVE by default (pilot/pkg/model/authentication.go GetNamespaceMutualTLSMode). Client
 * sidecars decide on auto mTLS with it (push_context.go BestEffortInferServiceMTLSMode): they do not
 * see workload policies, so under a namespace DISABLE they send plaintext even to a STRICT workload.
 */
export function namespaceMtlsSetting(namespace: string, policies: readonly PeerAuthentication[], rootNamespace: string): MtlsSetting {
  return namespaceSetting(namespace, [...policies].sort(oldestFirst), rootNamespace);
}

function namespaceSetting(namespace: string, sorted: readonly PeerAuthentication[], rootNamespace: string): MtlsSetting {
  const mesh = sorted.find((policy) => !policy.selector && policy.namespace === rootNamespace);
  const own = sorted.find((policy) => !policy.selector && policy.namespace === namespace && namespace !== rootNamespace);
  let setting: MtlsSetting = { mode: 'PERMISSIVE' };
  for (const level of [mesh, own]) {
    if (level && level.mode !== 'UNSET') setting = { mode: level.mode, decidedBy: level.ref };
  }
  return setting;
}

function oldestFirst(a: PeerAuthentication, b: PeerAuthentication): number {
  const byTime = compareStrings(a.creationTimestamp ?? '', b.creationTimestamp ?? '');
  return byTime || compareStrings(a.ref, b.ref);
}
