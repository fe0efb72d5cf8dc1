// RBAC admission, transcribed from kubernetes/kubernetes pkg/apis/rbac/validation/validation.go
// (ValidatePolicyRule, ValidateClusterRole's aggregationRule, ValidateRoleBinding, ValidateClusterRoleBinding, validateRoleBindingSubject)
// after the v1 defaults of pkg/apis/rbac/v1/defaults.go (empty roleRef.apiGroup and User/Group
// subject apiGroup become rbac.authorization.k8s.io).
// One risk is reported too: a ServiceAccount subject of a RoleBinding without a namespace is legal
// but means "in the binding's namespace" (pkg/registry/rbac/validation/rule.go appliesToUser),
// which silently grants nothing when the account lives elsewhere.

import { dns1123SubdomainErrors, pathSegmentNameErrors } from './names';
import { decodedObjects, decodedStrings, Findings, isSet, JsonObject, objectField, show, stringField } from './objects';
import { validateLabelSelector } from './selectors';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function lintRoleAdmission(role: JsonObject, namespaced: boolean, findings: Findings): void {
  decodedObjects(role, 'rules').forEach((rule, i) => validatePolicyRule(rule, namespaced, `rules[${i}]`, findings));
  if (!namespaced && isSet(role, 'aggregationRule')) validateAggregationRule(objectField(role, 'aggregationRule'), findings);
}

function validateAggregationRule(rule: JsonObject | undefined, findings: Findings): void {
  const selectors = decodedObjects(rule, 'clusterRoleSelectors');
  if (selectors.length === 0) {
    findings.error('aggregationRule.clusterRoleSelectors needs at least one selector when aggregationRule is set: add one, or remove aggregationRule');
  }
  selectors.forEach((selector, i) => validateLabelSelector(selector, `aggregationRule.clusterRoleSelectors[${i}]`, findings));
}

function validatePolicyRule(rule: JsonObject, namespaced: boolean, path: string, findings: Findings): void {
  if (decodedStrings(rule, 'verbs').length === 0) findings.error(`${path}.verbs must contain at least one verb, e.g. get, list, watch`);
  const nonResourceURLs = decodedStrings(rule, 'nonResourceURLs');
  const apiGroups = decodedStrings(rule, 'apiGroups');
  const resources = decodedStrings(rule, 'resources');
  const resourceNames = decodedStrings(rule, 'resourceNames');
  if (nonResourceURLs.length > 0) {
    if (namespaced) findings.error(`${path}.nonResourceURLs ${show(nonResourceURLs)}: a namespaced Role cannot grant non-resource URLs; use a ClusterRole`);
    if (apiGroups.length + resources.length + resourceNames.length > 0) {
      findings.error(`${path} mixes nonResourceURLs with apiGroups/resources/resourceNames: split it into two rules`);
    }
    return;
  }
  if (apiGroups.length === 0) findings.error(`${path}.apiGroups must list at least one API group ("" for the core group)`);
  if (resources.length === 0) findings.error(`${path}.resources must list at least one resource, e.g. configmaps`);
}

export function lintBindingAdmission(binding: JsonObject, namespaced: boolean, findings: Findings): void {
  const roleRef = objectField(binding, 'roleRef');
  const apiGroup = stringField(roleRef, 'apiGroup') || RBAC_GROUP;
  if (apiGroup !== RBAC_GROUP) findings.error(`roleRef.apiGroup ${show(apiGroup)} is not supported: use ${RBAC_GROUP}`);
  const allowedKinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  const roleKind = stringField(roleRef, 'kind') ?? '';
  if (!allowedKinds.includes(roleKind)) {
    findings.error(`roleRef.kind ${show(roleKind)} is not supported here: use ${allowedKinds.join(' or ')}`);
  }
  const roleName = stringField(roleRef, 'name') ?? '';
  if (roleName === '') findings.error('roleRef.name is required: name the Role or ClusterRole to bind');
  for (const reason of pathSegmentNameErrors(roleName)) findings.error(`roleRef.name ${show(roleName)} is invalid: ${reason}`);
  decodedObjects(binding, 'subjects').forEach((subject, i) => validateSubject(subject, namespaced, `subjects[${i}]`, findings));
}

/**
 * A binding to cluster-admin: every verb on every resource (and, cluster-wide, every non-resource URL)
 * for its subjects (bootstrappolicy ClusterRoles). Workloads rarely need that; an attacker who takes
 * one over gets the cluster.
 */
export function lintBindingRisks(binding: JsonObject, namespaced: boolean, findings: Findings): void {
  const roleRef = objectField(binding, 'roleRef');
  if (stringField(roleRef, 'kind') !== 'ClusterRole' || stringField(roleRef, 'name') !== 'cluster-admin') return;
  // Group system:masters holds cluster-admin in every cluster (the bootstrap binding): not news.
  const subjects = decodedObjects(binding, 'subjects')
    .filter((subject) => !(stringField(subject, 'kind') === 'Group' && stringField(subject, 'name') === 'system:masters'))
    .map((subject) => `${stringField(subject, 'kind') ?? '?'} ${[stringField(subject, 'namespace'), stringField(subject, 'name')].filter(Boolean).join('/')}`);
  if (subjects.length === 0) return;
  const scope = namespaced ? 'every resource of its namespace, with every verb' : 'every resource of the cluster, with every verb';
  findings.warning(`binds ${subjects.join(', ')} to ClusterRole cluster-admin: ${scope}; bind a Role that lists the resources and verbs the workload uses`);
}

function validateSubject(subject: JsonObject, namespaced: boolean, path: string, findings: Findings): void {
  const name = stringField(subject, 'name') ?? '';
  const kind = stringField(subject, 'kind') ?? '';
  const apiGroup = stringField(subject, 'apiGroup') ?? '';
  if (name === '') findings.error(`${path}.name is required`);
  switch (kind) {
    case 'ServiceAccount': {
      if (name !== '') {
        for (const reason of dns1123SubdomainErrors(name)) findings.error(`${path}.name ${show(name)} is not a valid ServiceAccount name: ${reason}`);
      }
      if (apiGroup !== '') findings.error(`${path}.apiGroup ${show(apiGroup)} is not supported for a ServiceAccount: remove it (the core group is "")`);
      const namespace = stringField(subject, 'namespace') ?? '';
      if (namespace === '' && !namespaced) {
        findings.error(`${path}.namespace is required for a ServiceAccount subject of a ClusterRoleBinding: set the account's namespace`);
      } else if (namespace === '') {
        findings.warning(`${path} (ServiceAccount ${show(name)}) has no namespace, so it means the account of that name in this binding's namespace; if the account lives in another namespace nothing is granted: set subjects[].namespace explicitly`);
      }
      break;
    }
    case 'User':
    case 'Group':
      if (apiGroup !== '' && apiGroup !== RBAC_GROUP) findings.error(`${path}.apiGroup ${show(apiGroup)} is not supported for a ${kind}: use ${RBAC_GROUP}`);
      break;
    default:
      findings.error(`${path}.kind ${show(kind)} is not supported: use ServiceAccount, User or Group`);
  }
}
