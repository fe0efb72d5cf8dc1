// Workload identity risks. In Istio a workload's identity is its ServiceAccount
// (<trust-domain>/ns/<namespace>/sa/<account>), and so is its Kubernetes API identity: two different
// services sharing an account become indistinguishable to every AuthorizationPolicy and RoleBinding,
// so allowing one allows the other (../shared/DESIGN.md "two services sharing a ServiceAccount").
// Versions of one service (reviews-v1, reviews-v2 behind the Service `reviews`) sharing its account
// are Istio's own pattern and not reported.

import { Inventory, Workload, workloadId } from './inventory';
import { servicesOf } from './mesh';
import { LintProblem } from './objects';

export function lintSharedServiceAccounts(inventory: Inventory): LintProblem[] {
  const byAccount = new Map<string, { namespace: string; account: string; workloads: Map<string, Workload> }>();
  for (const workload of inventory.workloads) {
    const key = `${workload.namespace}/${workload.serviceAccount}`;
    const entry = byAccount.get(key) ?? { namespace: workload.namespace, account: workload.serviceAccount, workloads: new Map() };
    // By id: the same manifest given twice (a folder and a file in it) is one workload.
    entry.workloads.set(workloadId(workload), workload);
    byAccount.set(key, entry);
  }
  return [...byAccount.values()].filter((e) => e.workloads.size > 1 && !versionsOfOneService([...e.workloads.values()], inventory)).map((e) => ({
    severity: 'warning' as const,
    kind: 'ServiceAccount',
    namespace: e.namespace,
    name: e.account,
    message: `ServiceAccount ${e.namespace}/${e.account} is shared by ${e.workloads.size} workloads (${[...e.workloads.keys()].sort().join(', ')}): `
      + 'their mesh identities and API permissions merge, so a policy allowing one allows all; give each workload its own ServiceAccount',
  }));
}

/** Whether the workloads are all behind the same Services (at least one): versions of one service. */
function versionsOfOneService(workloads: readonly Workload[], inventory: Inventory): boolean {
  const serviceSets = workloads.map((workload) => servicesOf(workload, inventory).map((s) => s.name).sort().join(','));
  return serviceSets[0] !== '' && serviceSets.every((set) => set === serviceSets[0]);
}
