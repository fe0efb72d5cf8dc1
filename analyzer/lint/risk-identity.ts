// Workload identity risks. In Istio a workload's identity is its ServiceAccount
// (<trust-domain>/ns/<namespace>/sa/<account>), and so is its Kubernetes API identity: two different
// workloads sharing an account become indistinguishable to every AuthorizationPolicy and RoleBinding,
// so allowing one allows the other (../shared/DESIGN.md "two services sharing a ServiceAccount").

import { Inventory, workloadId } from './inventory';
import { LintProblem } from './objects';

export function lintSharedServiceAccounts(inventory: Inventory): LintProblem[] {
  const byAccount = new Map<string, { namespace: string; account: string; workloads: string[] }>();
  for (const workload of inventory.workloads) {
    const key = `${workload.namespace}/${workload.serviceAccount}`;
    const entry = byAccount.get(key) ?? { namespace: workload.namespace, account: workload.serviceAccount, workloads: [] };
    entry.workloads.push(workloadId(workload));
    byAccount.set(key, entry);
  }
  return [...byAccount.values()].filter((e) => e.workloads.length > 1).map((e) => ({
    severity: 'warning' as const,
    kind: 'ServiceAccount',
    namespace: e.namespace,
    name: e.account,
    message: `ServiceAccount ${e.namespace}/${e.account} is shared by ${e.workloads.length} workloads (${e.workloads.sort().join(', ')}): `
      + 'their mesh identities and API permissions merge, so a policy allowing one allows all; give each workload its own ServiceAccount',
  }));
}
