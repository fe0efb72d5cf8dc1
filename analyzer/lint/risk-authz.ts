// Risky AuthorizationPolicies: accepted by Istio, but wider than meant or silently ineffective.
// Semantics from the Istio 1.30 reference (security/v1beta1/authorization_policy.proto) and
// pilot/pkg/security/authz/model (model.go/generator.go: on a TCP filter chain an ALLOW rule with an
// HTTP-only attribute is dropped, a DENY rule keeps matching without it), pilot/pkg/model/
// policyattachment.go (targetRefs are ignored by sidecars), and the principal matching rules
// (exact, prefix*, *suffix, * presence; identities only exist under mTLS).

import { authorizationAction, AuthorizationAction } from './istio-authz';
import { Inventory, Workload, workloadsIn } from './inventory';
import { declaredProtocols, effectiveMtls, hasSidecar, isOpaqueTcpProtocol, knownPorts } from './mesh';
import { arrayField, Findings, isNonEmptyList, isObject, isSet, JsonObject, objectField, refOf, show, stringField, stringList } from './objects';
import { workloadSelectorMatches } from './selectors';

export interface MeshContext {
  readonly inventory: Inventory;
  readonly peerAuthentications: readonly JsonObject[];
  readonly rootNamespace: string;
  /** Trust domains that name local identities: cluster.local, the mesh's, and its aliases. */
  readonly localTrustDomains: ReadonlySet<string>;
}

const HTTP_ONLY_OPERATION_FIELDS = ['methods', 'notMethods', 'paths', 'notPaths', 'hosts', 'notHosts'];
const HTTP_ONLY_SOURCE_FIELDS = ['requestPrincipals', 'notRequestPrincipals'];
const IDENTITY_SOURCE_FIELDS = ['principals', 'namespaces', 'serviceAccounts', 'trustDomains'];
const IDENTITY_WHEN_KEYS = ['source.principal', 'source.namespace', 'source.serviceAccount', 'source.trustDomain'];

export function lintAuthorizationPolicyRisks(policy: JsonObject, context: MeshContext, findings: Findings): void {
  const spec = objectField(policy, 'spec');
  const action = authorizationAction(spec);
  if (action === null) return;
  const rules = (arrayField(spec, 'rules') ?? []).filter(isObject);
  if (isSet(spec, 'targetRefs') || isSet(spec, 'targetRef')) {
    findings.warning('spec.targetRefs attaches the policy to a waypoint or gateway only: sidecar workloads ignore it entirely; use spec.selector to protect sidecar workloads');
    return;
  }
  const namespace = refOf(policy).namespace;
  const meshWide = namespace === context.rootNamespace;
  if (meshWide && action === 'ALLOW' && rules.length > 0) {
    findings.warning(`this ALLOW policy is in the root namespace ${namespace}, so it applies to every ${isSet(spec, 'selector') ? 'matching ' : ''}workload of every namespace and widens access mesh-wide: move it to the namespace it is meant for`);
  }
  rules.forEach((rule, i) => {
    lintPrincipals(rule, `spec.rules[${i}]`, context, findings);
    if (action === 'ALLOW' && !isNonEmptyList(rule, 'from') && !whenKeys(rule).some((k) => k.startsWith('source.') || k === 'remote.ip')) {
      findings.warning(`spec.rules[${i}] ${Object.keys(rule).length === 0 ? 'is {} and allows every request' : 'has no from, so it allows requests from any source, plaintext clients included,'} to the workloads in scope: restrict the sources with from.source`);
    }
  });
  const workloads = workloadsInScope(spec, namespace, meshWide, context.inventory);
  if (workloads === undefined) {
    findings.warning(`spec.selector ${show(objectField(spec, 'selector'))} matches no workload of namespace ${namespace} in the input; likely a typo in the labels`);
    return;
  }
  lintEnforcement(workloads, meshWide, rules, action, context, findings);
}

/** `undefined` when a selector matches nothing although the namespace has workloads. */
function workloadsInScope(spec: unknown, namespace: string, meshWide: boolean, inventory: Inventory): Workload[] | undefined {
  const candidates = meshWide ? [...inventory.workloads] : workloadsIn(inventory, namespace);
  const selected = candidates.filter((w) => workloadSelectorMatches(spec, w.labels));
  return selected.length === 0 && candidates.length > 0 && !meshWide ? undefined : selected;
}

function lintEnforcement(workloads: readonly Workload[], meshWide: boolean, rules: readonly JsonObject[], action: AuthorizationAction, context: MeshContext, findings: Findings): void {
  const unprotected = workloads.filter((w) => !hasSidecar(w, context.inventory));
  // A mesh-wide policy naturally spans non-meshed workloads (istio-system itself, kube-system, ...).
  if (!meshWide && unprotected.length > 0) {
    findings.warning(`workload(s) ${unprotected.map((w) => `${w.namespace}/${w.name}`).join(', ')} in scope have no Istio sidecar, so this policy is not enforced there and principals cannot be verified: enable injection (namespace label istio-injection=enabled) or protect them with a NetworkPolicy`);
  }
  const meshed = workloads.filter((w) => hasSidecar(w, context.inventory));
  rules.forEach((rule, i) => {
    const ports = rulePorts(rule);
    if (hasHttpOnlyFields(rule) && (action === 'ALLOW' || action === 'DENY')) lintHttpOnTcp(meshed, ports, action, `spec.rules[${i}]`, context, findings);
    if (action === 'ALLOW' && requiresIdentity(rule)) lintIdentityWithoutMtls(meshed, ports, `spec.rules[${i}]`, context, findings);
    if (ports !== undefined) lintUdpPorts(meshed, ports, `spec.rules[${i}]`, context, findings);
  });
}

/** Sidecars only intercept TCP: a rule naming a UDP port governs nothing there. */
function lintUdpPorts(workloads: readonly Workload[], ports: readonly number[], path: string, context: MeshContext, findings: Findings): void {
  const hits = workloads.flatMap((workload) => ports
    .filter((port) => workload.ports.some((p) => p.port === port && p.protocol === 'UDP')
      || declaredProtocols(workload, port, context.inventory).some((d) => d.protocol === 'udp'))
    .map((port) => `${workload.namespace}/${workload.name}:${port}`));
  if (hits.length === 0) return;
  findings.warning(`${path} names UDP port(s) ${hits.join(', ')}, but Istio authorization only applies to TCP traffic, so UDP is not governed by it: control UDP with a NetworkPolicy`);
}

/** Container ports a rule is limited to, or `undefined` for every port. */
function rulePorts(rule: JsonObject): number[] | undefined {
  const operations = (arrayField(rule, 'to') ?? []).map((to) => objectField(to, 'operation'));
  if (operations.length === 0 || operations.some((op) => stringList(op, 'ports').length === 0)) return undefined;
  return [...new Set(operations.flatMap((op) => stringList(op, 'ports').map(Number)))].filter(Number.isInteger);
}

function portsOf(workload: Workload, ports: number[] | undefined, inventory: Inventory): number[] {
  return ports ?? knownPorts(workload, inventory);
}

function hasHttpOnlyFields(rule: JsonObject): boolean {
  const operations = (arrayField(rule, 'to') ?? []).map((to) => objectField(to, 'operation'));
  const sources = (arrayField(rule, 'from') ?? []).map((from) => objectField(from, 'source'));
  return operations.some((op) => HTTP_ONLY_OPERATION_FIELDS.some((f) => isNonEmptyList(op, f)))
    || sources.some((src) => HTTP_ONLY_SOURCE_FIELDS.some((f) => isNonEmptyList(src, f)))
    || whenKeys(rule).some((key) => key.startsWith('request.headers') || key.startsWith('request.auth.'));
}

function lintHttpOnTcp(workloads: readonly Workload[], ports: number[] | undefined, action: AuthorizationAction, path: string, context: MeshContext, findings: Findings): void {
  const hits: string[] = [];
  for (const workload of workloads) {
    for (const port of portsOf(workload, ports, context.inventory)) {
      const tcp = declaredProtocols(workload, port, context.inventory).find((d) => isOpaqueTcpProtocol(d.protocol));
      if (tcp) hits.push(`${workload.namespace}/${workload.name}:${port} (${tcp.protocol}, ${tcp.declaredBy})`);
    }
  }
  if (hits.length === 0) return;
  const effect = action === 'ALLOW'
    ? 'Istio drops the whole ALLOW rule on these TCP ports, so it never allows anything there'
    : 'Istio ignores the HTTP conditions of this DENY rule on these TCP ports, so it denies all traffic there';
  findings.warning(`${path} uses HTTP-only fields (methods, paths, hosts, requestPrincipals or request.* keys) on ports declared non-HTTP: ${hits.join('; ')}. ${effect}: split the rule, limiting the HTTP part to HTTP ports with to.operation.ports`);
}

function requiresIdentity(rule: JsonObject): boolean {
  const sources = (arrayField(rule, 'from') ?? []).map((from) => objectField(from, 'source'));
  return sources.some((src) => IDENTITY_SOURCE_FIELDS.some((f) => isNonEmptyList(src, f)))
    || whenKeys(rule).some((key) => IDENTITY_WHEN_KEYS.includes(key));
}

function lintIdentityWithoutMtls(workloads: readonly Workload[], ports: number[] | undefined, path: string, context: MeshContext, findings: Findings): void {
  const hits: string[] = [];
  for (const workload of workloads) {
    const checked = portsOf(workload, ports, context.inventory);
    for (const port of checked.length ? checked : [undefined]) {
      const mtls = effectiveMtls(workload, port, context.peerAuthentications, context.rootNamespace);
      const where = `${workload.namespace}/${workload.name}${port === undefined ? '' : `:${port}`}`;
      if (mtls.mode === 'DISABLE') hits.push(`${where} (mTLS DISABLE by ${mtls.decidedBy})`);
      // Auto mTLS is per Service port: a client sidecar sends plaintext to a port no Service declares.
      // Only ports the rule names explicitly: a rule for every port also covers declared ones.
      else if (ports !== undefined && port !== undefined && !isUdpPort(workload, port) && declaredProtocols(workload, port, context.inventory).length === 0) {
        hits.push(`${where} (no Service declares the port, so client sidecars send plaintext)`);
      }
    }
  }
  if (hits.length === 0) return;
  findings.warning(`${path} allows by principals/namespaces/serviceAccounts, which only exist under mutual TLS, but mTLS is off for ${hits.join('; ')}: the rule never matches there; use STRICT or PERMISSIVE mTLS and declare the port in a Service, or allow those ports by ipBlocks`);
}

/** A UDP container port: its own warning says Istio authorization does not govern it. */
function isUdpPort(workload: Workload, port: number): boolean {
  return workload.ports.some((p) => p.port === port && p.protocol === 'UDP');
}

/** Principal values that Istio accepts but that can never match a local workload. */
function lintPrincipals(rule: JsonObject, path: string, context: MeshContext, findings: Findings): void {
  (arrayField(rule, 'from') ?? []).forEach((from, j) => {
    const source = objectField(from, 'source');
    for (const field of ['principals', 'notPrincipals', 'namespaces', 'notNamespaces']) {
      for (const value of stringList(source, field)) {
        const at = `${path}.from[${j}].source.${field}`;
        const stars = value.split('*').length - 1;
        if (stars > 0 && value !== '*' && !value.startsWith('*') && !value.endsWith('*')) {
          findings.warning(`${at} ${show(value)} has a '*' in the middle, which Istio compares literally, so it never matches: use a prefix (foo*) or suffix (*foo) match, or list the values`);
        }
        if (!field.toLowerCase().includes('principals') || stars > 0 || value === '') continue;
        if (value.startsWith('spiffe://')) {
          findings.warning(`${at} ${show(value)} starts with spiffe://, but Istio principals omit it, so it never matches: write ${show(value.slice('spiffe://'.length))}`);
          continue;
        }
        const trustDomain = /^([^/]+)\/ns\/[^/]+\/sa\/[^/]+$/.exec(value)?.[1];
        if (trustDomain === undefined) {
          findings.warning(`${at} ${show(value)} is not of the form <trust-domain>/ns/<namespace>/sa/<service-account>, so it matches no workload identity: fix the format`);
        } else if (!context.localTrustDomains.has(trustDomain)) {
          findings.warning(`${at} ${show(value)} uses trust domain ${show(trustDomain)}, which is not the mesh's (${[...context.localTrustDomains].sort().join(', ')}): it only matches workloads of another mesh; use ${show(value.replace(trustDomain, 'cluster.local'))} for a local workload`);
        }
      }
    }
  });
}

function whenKeys(rule: JsonObject): string[] {
  return (arrayField(rule, 'when') ?? []).map((c) => stringField(c, 'key') ?? '');
}
