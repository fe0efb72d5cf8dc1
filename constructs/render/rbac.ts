import { k8s } from 'cdk8s-plus-27';
import type { ApiGrant } from '../grant';
import { sortBy } from '../order';
import type { MeshPlan } from '../plan';
import type { MeshService } from '../service';
import { grantObjectName, Manifest } from './manifest';
import { stableKey } from './stable-key';

type Labels = Readonly<Record<string, string>>;

function policyRule(grant: ApiGrant): k8s.PolicyRule {
  return {
    apiGroups: [...grant.apiGroups],
    resources: [...grant.resources],
    resourceNames: grant.resourceNames.length ? [...grant.resourceNames] : undefined,
    verbs: [...grant.verbs],
  };
}

/**
 * A Role and RoleBinding in `namespace` for every service holding grants there. The binding's
 * subject carries the ServiceAccount's own namespace: without it, the API server would look for
 * the account in the Role's namespace and the grant would silently not apply.
 */
export function grantObjects(plan: MeshPlan, namespace: string, labels: Labels): Manifest[] {
  const byHolder = new Map<MeshService, ApiGrant[]>();
  for (const grant of plan.grantsIn(namespace)) byHolder.set(grant.holder, [...(byHolder.get(grant.holder) ?? []), grant]);
  const objects: Manifest[] = [];
  for (const holder of sortBy(byHolder.keys(), (s) => `${s.namespaceName}/${s.name}`)) {
    const name = grantObjectName(holder.namespaceName, holder.name);
    const rules = sortBy(byHolder.get(holder)!.map(policyRule), stableKey);
    const metadata = { name, namespace, labels: { ...labels } };
    objects.push(k8s.KubeRole.manifest({ metadata, rules }));
    objects.push(k8s.KubeRoleBinding.manifest({
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name: holder.serviceAccountName, namespace: holder.namespaceName }],
    }));
  }
  return objects;
}
