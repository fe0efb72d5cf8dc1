// The `lint` engine: objects the API server or Istio's validating webhook would reject (errors) and
// valid objects that are risky (warnings). Each object kind is dispatched by kind *and* API group,
// so that e.g. Linkerd's policy.linkerd.io AuthorizationPolicy is not judged by Istio's rules.

import { lintConflictingDuplicates } from './duplicates';
import { buildInventory } from './inventory';
import { lintAuthorizationPolicyAdmission } from './istio-authz';
import { lintPeerAuthenticationAdmission } from './istio-peer-authn';
import { lintRequestAuthenticationAdmission } from './istio-request-authn';
import {
  AUTHORIZATION_POLICY_SCHEMA, PEER_AUTHENTICATION_SCHEMA, REQUEST_AUTHENTICATION_SCHEMA, SERVED_ISTIO_SECURITY_VERSIONS,
} from './istio-schema';
import { BINDING_SCHEMA, CLUSTER_ROLE_SCHEMA, METADATA_ONLY_SCHEMA, NETWORK_POLICY_SCHEMA, ROLE_SCHEMA } from './k8s-schema';
import { localTrustDomains } from './mesh-config';
import { lintObjectMeta, NameRule } from './metadata';
import { dns1035LabelErrors, dns1123LabelErrors, dns1123SubdomainErrors, pathSegmentNameErrors } from './names';
import { lintNetworkPolicyAdmission } from './netpol';
import { Findings, isObject, JsonObject, LintProblem, refOf } from './objects';
import { lintBindingAdmission, lintBindingRisks, lintRoleAdmission } from './rbac';
import { lintAuthorizationPolicyRisks, MeshContext } from './risk-authz';
import { lintSharedServiceAccounts } from './risk-identity';
import { lintEgressLockdown, lintNetworkPolicyRisks } from './risk-netpol';
import { lintPeerAuthenticationRisks } from './risk-peer-authn';
import { checkShape, Schema } from './schema';

export type { LintProblem } from './objects';

export interface LintOptions {
  /** The mesh trust domain (principals of other trust domains match no local workload). */
  readonly trustDomain: string;
  /** Istio's root namespace: its policies apply mesh-wide. */
  readonly rootNamespace: string;
}

interface Context extends MeshContext {
  readonly options: LintOptions;
}

interface KindRules {
  /** Served API versions per API group; a group listed with no versions is known but removed. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly namespaced: boolean;
  readonly nameRule: NameRule;
  readonly schema: Schema;
  /** CRDs reject null array items; built-in kinds decode them as zero values. */
  readonly isCustomResource?: boolean;
  readonly admission?: (obj: JsonObject, findings: Findings) => void;
  readonly risks?: (obj: JsonObject, context: Context, findings: Findings) => void;
}

const ISTIO_SECURITY = { 'security.istio.io': SERVED_ISTIO_SECURITY_VERSIONS };
const RBAC = { 'rbac.authorization.k8s.io': ['v1'] };
const CORE = { '': ['v1'] };

const KINDS: Readonly<Record<string, KindRules>> = {
  AuthorizationPolicy: {
    groups: ISTIO_SECURITY, namespaced: true, nameRule: dns1123SubdomainErrors, schema: AUTHORIZATION_POLICY_SCHEMA, isCustomResource: true,
    admission: lintAuthorizationPolicyAdmission,
    risks: (obj, context, findings) => lintAuthorizationPolicyRisks(obj, context, findings),
  },
  PeerAuthentication: {
    groups: ISTIO_SECURITY, namespaced: true, nameRule: dns1123SubdomainErrors, schema: PEER_AUTHENTICATION_SCHEMA, isCustomResource: true,
    admission: lintPeerAuthenticationAdmission,
    risks: (obj, context, findings) => lintPeerAuthenticationRisks(obj, context.inventory, context.options.rootNamespace, findings),
  },
  RequestAuthentication: {
    groups: ISTIO_SECURITY, namespaced: true, nameRule: dns1123SubdomainErrors, schema: REQUEST_AUTHENTICATION_SCHEMA, isCustomResource: true,
    admission: lintRequestAuthenticationAdmission,
  },
  NetworkPolicy: {
    groups: { 'networking.k8s.io': ['v1'], extensions: [] }, namespaced: true, nameRule: dns1123SubdomainErrors, schema: NETWORK_POLICY_SCHEMA,
    admission: lintNetworkPolicyAdmission,
    risks: (obj, context, findings) => lintNetworkPolicyRisks(obj, context.inventory, findings),
  },
  Role: {
    groups: RBAC, namespaced: true, nameRule: pathSegmentNameErrors, schema: ROLE_SCHEMA,
    admission: (obj, findings) => lintRoleAdmission(obj, true, findings),
  },
  ClusterRole: {
    groups: RBAC, namespaced: false, nameRule: pathSegmentNameErrors, schema: CLUSTER_ROLE_SCHEMA,
    admission: (obj, findings) => lintRoleAdmission(obj, false, findings),
  },
  RoleBinding: {
    groups: RBAC, namespaced: true, nameRule: pathSegmentNameErrors, schema: BINDING_SCHEMA,
    admission: (obj, findings) => lintBindingAdmission(obj, true, findings),
    risks: (obj, _context, findings) => lintBindingRisks(obj, true, findings),
  },
  ClusterRoleBinding: {
    groups: RBAC, namespaced: false, nameRule: pathSegmentNameErrors, schema: BINDING_SCHEMA,
    admission: (obj, findings) => lintBindingAdmission(obj, false, findings),
    risks: (obj, _context, findings) => lintBindingRisks(obj, false, findings),
  },
  Namespace: { groups: CORE, namespaced: false, nameRule: dns1123LabelErrors, schema: METADATA_ONLY_SCHEMA },
  ServiceAccount: { groups: CORE, namespaced: true, nameRule: dns1123SubdomainErrors, schema: METADATA_ONLY_SCHEMA },
  Service: { groups: CORE, namespaced: true, nameRule: dns1035LabelErrors, schema: METADATA_ONLY_SCHEMA },
};

export function lintManifests(objects: ReadonlyArray<unknown>, options: LintOptions): LintProblem[] {
  const documents = objects.filter(isObject);
  const context: Context = {
    options,
    inventory: buildInventory(documents),
    peerAuthentications: documents.filter((d) => refOf(d).kind === 'PeerAuthentication' && refOf(d).group === 'security.istio.io'),
    rootNamespace: options.rootNamespace,
    localTrustDomains: localTrustDomains(documents, options.trustDomain, options.rootNamespace),
  };
  const problems: LintProblem[] = documents.flatMap((doc) => lintObject(doc, context));
  const networkPolicies = documents.filter((d) => refOf(d).kind === 'NetworkPolicy' && refOf(d).group === 'networking.k8s.io');
  problems.push(...lintEgressLockdown(context.inventory, networkPolicies, options.rootNamespace));
  problems.push(...lintSharedServiceAccounts(context.inventory));
  problems.push(...lintConflictingDuplicates(documents));
  return sortAndDeduplicate(problems);
}

function lintObject(obj: JsonObject, context: Context): readonly LintProblem[] {
  const ref = refOf(obj);
  const rules = Object.prototype.hasOwnProperty.call(KINDS, ref.kind) ? KINDS[ref.kind] : undefined;
  if (rules === undefined) return [];
  const findings = new Findings(ref);
  if (!ref.hasApiVersion) {
    findings.error(`apiVersion is missing: set it to ${describeServed(rules)}`);
    return findings.problems;
  }
  const served = rules.groups[ref.group];
  if (served === undefined) return []; // same kind name in another API group: not ours to judge
  if (!served.includes(ref.version)) {
    findings.error(`apiVersion ${ref.group ? `${ref.group}/` : ''}${ref.version} is not served for ${ref.kind}: use ${describeServed(rules)}`);
    return findings.problems;
  }
  const wellTyped = checkShape(obj, rules.schema, findings, { nullItemsAreErrors: rules.isCustomResource === true });
  lintObjectMeta(obj, rules.nameRule, rules.namespaced, findings);
  if (wellTyped) {
    rules.admission?.(obj, findings);
    rules.risks?.(obj, context, findings);
  }
  return findings.problems;
}

function describeServed(rules: KindRules): string {
  return Object.entries(rules.groups)
    .flatMap(([group, versions]) => versions.map((v) => (group ? `${group}/${v}` : v)))
    .join(' or ');
}

const SEVERITY_ORDER = { error: 0, warning: 1 } as const;

/** Deterministic order (severity, kind, namespace, name, message), without repeated problems. */
function sortAndDeduplicate(problems: readonly LintProblem[]): LintProblem[] {
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...problems].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]
    || compare(a.kind, b.kind) || compare(a.namespace, b.namespace) || compare(a.name, b.name) || compare(a.message, b.message));
  return sorted.filter((p, i) => i === 0 || JSON.stringify(p) !== JSON.stringify(sorted[i - 1]));
}
