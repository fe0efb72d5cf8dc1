// AuthorizationPolicy admission: what Istio 1.30 rejects, transcribed from istio/istio@1.30.3
// pkg/config/validation/validation.go (ValidateAuthorizationPolicy)
// and the CRD's CEL rules in istio/api v1.30.3 (../shared/istio/istio-crds.yaml).
//
// Presence follows the two decoders in front of these rules: CEL's has() sees any non-null field
// (an empty list included), while the webhook decodes with jsonpb, which leaves `[]` unset — so
// `from: []` is accepted, but `rules: []` on a DENY policy counts as "no rules".

import { checkIstioAnnotations, validateAttachment } from './istio-common';
import {
  checkEmptyValues, checkServiceAccount, checkTrustDomainValues, checkValidPathTemplate, validateAttribute,
  validateIPs, validatePorts,
} from './istio-security';
import {
  annotationsOf, arrayField, Findings, isNonEmptyList, isObject, isSet, JsonObject, objectField, stringField, stringList,
} from './objects';

export type AuthorizationAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';
const ACTIONS: readonly string[] = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'];

/** The action as Istio reads it (absent = ALLOW); `null` when the value is not a valid action. */
export function authorizationAction(spec: unknown): AuthorizationAction | null {
  const raw = isObject(spec) ? spec.action : undefined;
  if (raw === undefined || raw === null) return 'ALLOW';
  return typeof raw === 'string' && ACTIONS.includes(raw) ? (raw as AuthorizationAction) : null;
}

const SOURCE_FIELDS = [
  'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains',
  'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks',
] as const;
/** Source fields that also apply on TCP (everything but request principals). */
const TCP_SOURCE_FIELDS = SOURCE_FIELDS.filter((f) => f !== 'requestPrincipals' && f !== 'notRequestPrincipals' && f !== 'trustDomains' && f !== 'notTrustDomains');
const OPERATION_FIELDS = ['ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths', 'hosts', 'notHosts'] as const;
/** Identity and JWT fields that an ext-authz (CUSTOM) policy cannot match on. */
const CUSTOM_UNSUPPORTED_SOURCE_FIELDS = SOURCE_FIELDS.filter((f) => !f.toLowerCase().includes('ipblocks'));
const CUSTOM_UNSUPPORTED_WHEN_KEYS = ['source.namespace', 'source.serviceAccount', 'source.trustDomain', 'source.principal'];

export function lintAuthorizationPolicyAdmission(policy: JsonObject, findings: Findings): void {
  const spec = objectField(policy, 'spec');
  const action = authorizationAction(spec);
  checkIstioAnnotations(annotationsOf(policy), action, findings);
  validateAttachment(spec, findings);
  checkActionAndProvider(spec, action, findings);
  (arrayField(spec, 'rules') ?? []).forEach((rule, i) => {
    if (isObject(rule)) checkRule(rule, `spec.rules[${i}]`, action, findings);
  });
}

function checkActionAndProvider(spec: JsonObject | undefined, action: AuthorizationAction | null, findings: Findings): void {
  const hasRules = isNonEmptyList(spec, 'rules');
  const provider = objectField(spec, 'provider');
  if (action === 'CUSTOM') {
    if (!hasRules) {
      findings.error('a CUSTOM policy without rules is never triggered and is rejected: add rules, or `rules: [{}]` to send every request to the provider');
    } else if (!stringField(provider, 'name')) {
      findings.error('a CUSTOM policy needs spec.provider.name (the extension provider from the mesh config): set it');
    }
  }
  if (provider !== undefined && action !== 'CUSTOM' && action !== null) {
    findings.error(`spec.provider is only allowed with action CUSTOM, found action ${action}: remove the provider or set action: CUSTOM`);
  }
  if (action === 'DENY' && !hasRules) {
    findings.error('a DENY policy without rules is never triggered and is rejected: add rules, or `rules: [{}]` to deny every request');
  }
}

function checkRule(rule: JsonObject, path: string, action: AuthorizationAction | null, findings: Findings): void {
  const from = checkFrom(rule, path, action, findings);
  const to = checkTo(rule, path, findings);
  checkWhen(rule, path, action, findings);
  // Istio's own warning: a DENY rule with only HTTP attributes denies all TCP traffic in scope.
  if (action === 'DENY' && ((from.exists && !to.exists && !from.hasTcpFields) || (to.exists && !to.hasPorts))) {
    findings.warning(
      `${path} of this DENY policy uses only HTTP attributes, so on TCP ports it denies all traffic in scope (Istio ignores the HTTP attributes there): add to.operation.ports to limit it to the HTTP ports`,
    );
  }
}

function checkFrom(rule: JsonObject, path: string, action: AuthorizationAction | null, findings: Findings) {
  let exists = false;
  let hasTcpFields = false;
  (arrayField(rule, 'from') ?? []).forEach((from, j) => {
    if (!isObject(from)) return;
    const at = `${path}.from[${j}]`;
    const source = objectField(from, 'source');
    if (source === undefined) {
      findings.error(`${at} has no source; Istio rejects a from item without one: add a source (principals, namespaces, ipBlocks, ...) or remove the item`);
      return;
    }
    exists = true;
    checkSource(source, `${at}.source`, findings);
    if (TCP_SOURCE_FIELDS.some((field) => isNonEmptyList(source, field))) hasTcpFields = true;
    if (action === 'CUSTOM') {
      for (const field of CUSTOM_UNSUPPORTED_SOURCE_FIELDS) {
        if (isNonEmptyList(source, field)) findings.error(`${at}.source.${field} is not supported with action CUSTOM: match on ipBlocks, operations or other when keys instead`);
      }
    }
  });
  return { exists, hasTcpFields };
}

function checkSource(source: JsonObject, path: string, findings: Findings): void {
  if (!SOURCE_FIELDS.some((field) => isNonEmptyList(source, field))) {
    findings.error(`${path} is empty (${JSON.stringify(source)}); Istio rejects an empty source: set principals, namespaces, ipBlocks, ... or drop \`from\` to match any source`);
  }
  // CEL: has() on the lists, so an explicit empty list counts as set.
  const identity = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'].filter((f) => isSet(source, f));
  const accounts = ['serviceAccounts', 'notServiceAccounts'].filter((f) => isSet(source, f));
  if (identity.length > 0 && accounts.length > 0) {
    findings.error(`${path} sets ${accounts.join('/')} together with ${identity.join('/')}; Istio rejects serviceAccounts with namespaces or principals: use one form (split into two from items for OR)`);
  }
  const problems: string[] = [];
  for (const field of ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks']) {
    problems.push(...validateIPs(`${path}.${field}`, stringList(source, field).filter((v) => v !== '')));
  }
  for (const field of ['principals', 'requestPrincipals', 'namespaces', 'ipBlocks', 'remoteIpBlocks', 'notPrincipals', 'notRequestPrincipals', 'notNamespaces', 'notIpBlocks', 'notRemoteIpBlocks']) {
    problems.push(...checkEmptyValues(`${path}.${field}`, stringList(source, field)));
  }
  for (const field of ['serviceAccounts', 'notServiceAccounts']) problems.push(...checkServiceAccount(`${path}.${field}`, stringList(source, field)));
  for (const field of ['trustDomains', 'notTrustDomains']) problems.push(...checkTrustDomainValues(`${path}.${field}`, stringList(source, field)));
  problems.forEach((p) => findings.error(p));
}

function checkTo(rule: JsonObject, path: string, findings: Findings) {
  let exists = false;
  let hasPorts = false;
  (arrayField(rule, 'to') ?? []).forEach((to, j) => {
    if (!isObject(to)) return;
    const at = `${path}.to[${j}]`;
    const operation = objectField(to, 'operation');
    if (operation === undefined) {
      findings.error(`${at} has no operation; Istio rejects a to item without one: add an operation (ports, methods, paths, hosts) or remove the item`);
      return;
    }
    exists = true;
    if (!OPERATION_FIELDS.some((field) => isNonEmptyList(operation, field))) {
      findings.error(`${at}.operation is empty; Istio rejects it: set ports, methods, paths or hosts, or drop \`to\` to match any operation`);
    }
    const problems = [
      ...validatePorts(`${at}.operation.ports`, stringList(operation, 'ports').filter((v) => v !== '')),
      ...validatePorts(`${at}.operation.notPorts`, stringList(operation, 'notPorts').filter((v) => v !== '')),
      ...OPERATION_FIELDS.flatMap((field) => checkEmptyValues(`${at}.operation.${field}`, stringList(operation, field))),
      ...checkValidPathTemplate(`${at}.operation.paths`, stringList(operation, 'paths')),
      ...checkValidPathTemplate(`${at}.operation.notPaths`, stringList(operation, 'notPaths')),
    ];
    problems.forEach((p) => findings.error(p));
    if (isNonEmptyList(operation, 'ports') || isNonEmptyList(operation, 'notPorts')) hasPorts = true;
  });
  return { exists, hasPorts };
}

function checkWhen(rule: JsonObject, path: string, action: AuthorizationAction | null, findings: Findings): void {
  (arrayField(rule, 'when') ?? []).forEach((condition, j) => {
    if (!isObject(condition)) return;
    const at = `${path}.when[${j}]`;
    const key = stringField(condition, 'key');
    if (key === undefined) return; // missing key: reported by the schema (required)
    if (key === '') {
      findings.error(`${at}.key must not be empty: name an attribute such as source.ip or request.headers[x-user]`);
      return;
    }
    if (action === 'CUSTOM' && (CUSTOM_UNSUPPORTED_WHEN_KEYS.includes(key) || key.startsWith('request.auth.'))) {
      findings.error(`${at}.key ${key} is not supported with action CUSTOM: remove the condition`);
    }
    const values = stringList(condition, 'values');
    const notValues = stringList(condition, 'notValues');
    if (values.length === 0 && notValues.length === 0) {
      findings.error(`${at} (key ${key}) has neither values nor notValues; set at least one`);
      return;
    }
    const problems = new Set([...validateAttribute(key, values), ...validateAttribute(key, notValues)]);
    problems.forEach((p) => findings.error(`${at}: ${p}`));
  });
}
