// Who a ServiceAccount is to the RBAC authorizer, and which binding subjects name it.
// Identity: staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/util.go (MakeUsername,
// MakeGroupNames) plus staging/src/k8s.io/apiserver/pkg/authentication/group/authenticated_group_adder.go
// (every authenticated user is also in system:authenticated).
// Matching: pkg/registry/rbac/validation/rule.go (appliesToUser).

import { InputError } from '../errors';
import { RbacSubject } from '../model/types';

const USERNAME_PREFIX = 'system:serviceaccount:';
const ALL_SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';
const NAMESPACE_GROUP_PREFIX = 'system:serviceaccounts:';
const AUTHENTICATED_GROUP = 'system:authenticated';

/** A ServiceAccount as its token authenticates it. */
export interface ServiceAccountUser {
  /** "namespace/name", as users write it. */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** "system:serviceaccount:<namespace>:<name>". */
  readonly username: string;
  readonly groups: readonly string[];
}

/** Parses "namespace/name"; `what` names the input in the error (e.g. "--as"). */
export function serviceAccountUser(id: string, what: string): ServiceAccountUser {
  const parts = id.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new InputError(`${what} must be a ServiceAccount as NAMESPACE/NAME, got ${JSON.stringify(id)}`);
  }
  const [namespace, name] = parts;
  return {
    id,
    namespace,
    name,
    username: `${USERNAME_PREFIX}${namespace}:${name}`,
    groups: [ALL_SERVICE_ACCOUNTS_GROUP, `${NAMESPACE_GROUP_PREFIX}${namespace}`, AUTHENTICATED_GROUP],
  };
}

/**
 * appliesToUser. `bindingNamespace` is the RoleBinding's namespace, '' for a ClusterRoleBinding: a
 * ServiceAccount subject without a namespace means the account of that name in the RoleBinding's own
 * namespace, and in a ClusterRoleBinding it means no account at all. Kinds other than User, Group and
 * ServiceAccount match nobody.
 */
export function subjectApplies(user: ServiceAccountUser, subject: RbacSubject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.username;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount':
      return serviceAccountOfSubject(subject, bindingNamespace) === user.id;
    default:
      return false;
  }
}

/**
 * The "namespace/name" of the ServiceAccount a subject stands for: a ServiceAccount subject (namespace
 * defaulted as in `subjectApplies`) or a User named with a ServiceAccount's username, which the
 * authorizer matches just the same. Undefined for anything else.
 */
export function serviceAccountOfSubject(subject: RbacSubject, bindingNamespace: string): string | undefined {
  if (subject.kind === 'ServiceAccount') {
    const namespace = subject.namespace || bindingNamespace;
    return namespace ? `${namespace}/${subject.name}` : undefined;
  }
  if (subject.kind === 'User' && subject.name.startsWith(USERNAME_PREFIX)) {
    // SplitUsername: exactly "<namespace>:<name>" after the prefix.
    const parts = subject.name.slice(USERNAME_PREFIX.length).split(':');
    return parts.length === 2 && parts[0] !== '' && parts[1] !== '' ? `${parts[0]}/${parts[1]}` : undefined;
  }
  return undefined;
}

export function describeSubject(subject: RbacSubject, bindingNamespace: string): string {
  const account = subject.kind === 'ServiceAccount' ? serviceAccountOfSubject(subject, bindingNamespace) : undefined;
  return `${subject.kind} ${account ?? subject.name}`;
}
