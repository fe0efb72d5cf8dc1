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
  let mesh: PeerAuthentication | undefined;
  let namespace: PeerAuthentication | undefined;
  let workloadLevel: PeerAuthentication | undefined;
  for (const policy of [...policies].sort(oldestFirst)) {
    if (policy.namespace !== workload.namespace && policy.namespace !== rootNamespace) continue;
    if (!policy.selector) {
      if (policy.namespace === rootNamespace) mesh ??= policy;
      else namespace ??= policy;
    } else if (policy.namespace !== rootNamespace && labelsSubsetOf(policy.selector, workload.labels)) {
      workloadLevel ??= policy;
    }
  }
  let base: MtlsSetting = { mode: 'PERMISSIVE' };
  for (const level of [mesh, namespace, workloadLevel]) {
    if (level && level.mode !== 'UNSET') base = { mode: level.mode, decidedBy: level.ref };
  }
  const portLevel = workloadLevel?.portLevel;
  return (port) => {
    const mode = portLevel?.get(port);
    if (mode === undefined || mode === 'UNSET') return base;
    return { mode, decidedBy: `${workloadLevel?.ref} (port ${port})` };
  };
}

function oldestFirst(a: PeerAuthentication, b: PeerAuthentication): number {
  const byTime = compareStrings(a.creationTimestamp ?? '', b.creationTimestamp ?? '');
  return byTime || compareStrings(a.ref, b.ref);
}
