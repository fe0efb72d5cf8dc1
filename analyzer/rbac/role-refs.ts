// A binding's roleRef to the rules it grants, after kubernetes/kubernetes
// pkg/registry/rbac/validation/rule.go (GetRoleReferenceRules): kind Role names a Role in the
// binding's own namespace (so a ClusterRoleBinding can never use one), kind ClusterRole a ClusterRole
// by name; any other kind, or a role that does not exist, grants nothing.

import { RbacBinding, RbacRole } from '../model/types';
import { ClusterRoleAggregator, SourcedRule } from './aggregation';

export type RoleResolution =
  | { readonly found: true; readonly role: RbacRole; readonly rules: readonly SourcedRule[] }
  /** `absent`: the roleRef is valid but names a role the manifests do not hold (a cluster may have it). */
  | { readonly found: false; readonly problem: string; readonly absent?: true };

/**
 * cluster-admin as every cluster has it: the API server creates and reconciles it at start
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go ClusterRoles: every verb on every
 * resource of every group, and on every non-resource URL). Bindings name it far more often than
 * manifests carry it, so it stands in when the manifests do not.
 */
export const CLUSTER_ADMIN: RbacRole = {
  ref: 'ClusterRole/cluster-admin',
  kind: 'ClusterRole',
  namespace: '',
  name: 'cluster-admin',
  labels: new Map([['kubernetes.io/bootstrapping', 'rbac-defaults']]),
  rules: [
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] },
    { verbs: ['*'], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: ['*'] },
  ],
};

export class RoleResolver {
  private readonly roles = new Map<string, RbacRole>();
  private readonly clusterRoles = new Map<string, RbacRole>();
  private readonly aggregator: ClusterRoleAggregator;

  constructor(roles: readonly RbacRole[]) {
    for (const role of roles) {
      if (role.kind === 'ClusterRole') this.clusterRoles.set(role.name, role);
      else this.roles.set(`${role.namespace}/${role.name}`, role);
    }
    this.aggregator = new ClusterRoleAggregator([...this.clusterRoles.values()]);
  }

  resolve(binding: RbacBinding): RoleResolution {
    const { kind, name } = binding.roleRef;
    if (kind === 'ClusterRole') {
      const role = this.clusterRoles.get(name);
      if (role) return { found: true, role, rules: this.aggregator.rulesOf(role) };
      if (name === CLUSTER_ADMIN.name) return { found: true, role: CLUSTER_ADMIN, rules: CLUSTER_ADMIN.rules.map((rule) => ({ rule, heldBy: CLUSTER_ADMIN })) };
      return missing(binding);
    }
    if (kind === 'Role') {
      if (!binding.namespace) return { found: false, problem: `${describeObject(binding)} refers to Role ${name}, but a ClusterRoleBinding can only grant a ClusterRole` };
      const role = this.roles.get(`${binding.namespace}/${name}`);
      return role ? { found: true, role, rules: role.rules.map((rule) => ({ rule, heldBy: role })) } : missing(binding);
    }
    return { found: false, problem: `${describeObject(binding)} refers to a ${kind}, which is not a role kind` };
  }
}

function missing(binding: RbacBinding): RoleResolution {
  const { kind, name } = binding.roleRef;
  const role = kind === 'Role' ? `${binding.namespace}/${name}` : name;
  // The API server bootstraps these; their rules are long and change between releases, so they stay unknown.
  const builtIn = kind === 'ClusterRole' && (['admin', 'edit', 'view'].includes(name) || name.startsWith('system:'))
    ? ' (a role Kubernetes creates in every cluster, whose rules the analyzer does not know)' : '';
  return { found: false, absent: true, problem: `${describeObject(binding)} refers to ${kind} ${role}, which is not in the manifests${builtIn}` };
}

/** "RoleBinding data/reader", "ClusterRole view": how reasons name RBAC objects. */
export function describeObject(object: { readonly kind: string; readonly namespace: string; readonly name: string }): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

const resolvers = new WeakMap<readonly RbacRole[], RoleResolver>();

/** One resolver per inventory, so that many requests against it index the roles once. */
export function resolverFor(roles: readonly RbacRole[]): RoleResolver {
  let resolver = resolvers.get(roles);
  if (!resolver) {
    resolver = new RoleResolver(roles);
    resolvers.set(roles, resolver);
  }
  return resolver;
}
