/**
 * Validates manifests the way a cluster would before accepting them, independently of the
 * generator (nothing here imports constructs/):
 * - Kubernetes kinds against the OpenAPI schemas of `kubernetes-models` 4.x;
 * - Istio kinds against the openAPIV3Schema of their CRD in ../shared/istio, with the CRD
 *   extensions given their meaning (CEL `x-kubernetes-validations`, closed objects unless
 *   `x-kubernetes-preserve-unknown-fields`), and `@kubernetes-models/istio` 2.x as a second opinion;
 * - the API-server rules that OpenAPI cannot express (port ranges, name formats, peers, RBAC rule
 *   shape), from k8s.io/kubernetes pkg/apis/{core,networking,rbac}/validation.
 * Each problem names the check that found it, so tests can prove that every check bites.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { AuthorizationPolicy as IstioModelAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1';
import { PeerAuthentication as IstioModelPeerAuthenticationV1beta1 } from '@kubernetes-models/istio/security.istio.io/v1beta1';
import Ajv, { SchemaObject, ValidateFunction } from 'ajv';
import type { DataValidateFunction } from 'ajv/dist/types';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

export const ISTIO_CRDS_FILE = path.join(__dirname, '..', '..', '..', 'shared', 'istio', 'istio-crds.yaml');

/** A manifest as parsed from YAML or JSON: nothing about it is trusted. */
export type KubeObject = Record<string, any>;

/** `unknown-kind`: no schema exists for the object, so it cannot be proven valid. */
export type Checker = 'kubernetes-models' | 'istio-crd' | '@kubernetes-models/istio' | 'api-server' | 'unknown-kind';

export interface SchemaProblem {
  readonly checker: Checker;
  /** `Kind namespace/name` of the offending object. */
  readonly object: string;
  readonly message: string;
}

/** Every problem of every object; empty when a cluster would accept them all. */
export function schemaProblems(objects: readonly KubeObject[]): SchemaProblem[] {
  return objects.flatMap(problemsOf);
}

/** One line per problem, for readable `toEqual([])` failures. */
export function describeProblems(problems: readonly SchemaProblem[]): string[] {
  return problems.map((p) => `[${p.checker}] ${p.object}: ${p.message}`);
}

/** The documents of a multi-document YAML file; throws on a YAML syntax error. */
export function readManifestFile(file: string): KubeObject[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`${file} document ${index}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS() as KubeObject;
  }).filter((o) => o !== null);
}

/** Paths of empty arrays inside `value`, e.g. `spec.rules[0].from`. */
export function emptyArrayPaths(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) {
    return value.length === 0 ? [at] : value.flatMap((item, i) => emptyArrayPaths(item, `${at}[${i}]`));
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => emptyArrayPaths(item, at ? `${at}.${key}` : key));
  }
  return [];
}

export const typeKey = (o: KubeObject) => `${o.apiVersion}/${o.kind}`;
const objectName = (o: KubeObject) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? '<no name>'}`;

function problemsOf(object: KubeObject): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const report = (checker: Checker, message: string) => problems.push({ checker, object: objectName(object), message });
  const key = typeKey(object);
  const kubernetesModel = KUBERNETES_MODELS[key];
  const istioModel = ISTIO_MODELS[key];
  const crd = crdValidator(key);
  if (!kubernetesModel && !crd) report('unknown-kind', `no schema known for ${key}; the validator must learn every kind that is emitted`);
  if (kubernetesModel) captureThrow(() => kubernetesModel(object), (m) => report('kubernetes-models', m));
  if (crd && !crd(object)) {
    for (const e of crd.errors ?? []) report('istio-crd', `${e.instancePath || '/'} ${e.message ?? e.keyword}${e.params?.additionalProperty ? ` '${e.params.additionalProperty}'` : ''}`);
  }
  if (istioModel) captureThrow(() => istioModel(object), (m) => report('@kubernetes-models/istio', m));
  for (const message of apiServerProblems(object, crd !== undefined)) report('api-server', message);
  return problems;
}

function captureThrow(run: () => void, onError: (message: string) => void): void {
  try { run(); } catch (error) { onError(error instanceof Error ? error.message : String(error)); }
}

// ---------------------------------------------------------------------------------------------
// Kubernetes kinds: kubernetes-models

type Check = (object: KubeObject) => void;

const KUBERNETES_MODELS: Record<string, Check> = {
  'v1/Namespace': (o) => new Namespace(o as never).validate(),
  'v1/ServiceAccount': (o) => new ServiceAccount(o as never).validate(),
  'v1/Service': (o) => new Service(o as never).validate(),
  'networking.k8s.io/v1/NetworkPolicy': (o) => new NetworkPolicy(o as never).validate(),
  'rbac.authorization.k8s.io/v1/Role': (o) => new Role(o as never).validate(),
  'rbac.authorization.k8s.io/v1/RoleBinding': (o) => new RoleBinding(o as never).validate(),
};

// @kubernetes-models/istio 2.x has PeerAuthentication only as v1beta1; the CRD serves v1 and
// v1beta1 with the same schema (asserted in schema.test.ts), so the v1 object is checked as v1beta1.
const ISTIO_MODELS: Record<string, Check> = {
  'security.istio.io/v1/AuthorizationPolicy': (o) => new IstioModelAuthorizationPolicy(o as never).validate(),
  'security.istio.io/v1/PeerAuthentication': (o) => new IstioModelPeerAuthenticationV1beta1({ ...o, apiVersion: 'security.istio.io/v1beta1' } as never).validate(),
};

// ---------------------------------------------------------------------------------------------
// Istio kinds: the CRD's openAPIV3Schema with ajv

export interface CrdVersion {
  readonly apiVersion: string;
  readonly kind: string;
  readonly schema: SchemaObject;
}

let istioCrdVersions: ReadonlyMap<string, CrdVersion> | undefined;

/** The served versions of every Istio CRD, by `apiVersion/kind`. */
export function crdVersions(): ReadonlyMap<string, CrdVersion> {
  istioCrdVersions ??= loadCrdVersions(ISTIO_CRDS_FILE);
  return istioCrdVersions;
}

function loadCrdVersions(file: string): Map<string, CrdVersion> {
  const versions = new Map<string, CrdVersion>();
  for (const crd of readManifestFile(file)) {
    if (crd.kind !== 'CustomResourceDefinition') continue;
    for (const version of crd.spec.versions) {
      if (!version.served) continue;
      const apiVersion = `${crd.spec.group}/${version.name}`;
      versions.set(`${apiVersion}/${crd.spec.names.kind}`, { apiVersion, kind: crd.spec.names.kind, schema: version.schema.openAPIV3Schema });
    }
  }
  return versions;
}

const has = (o: KubeObject, field: string) => o !== null && typeof o === 'object' && o[field] !== undefined;
const keys = (o: unknown) => Object.keys(o as object);

/**
 * The CEL rules (`x-kubernetes-validations`) of the CRDs we validate against, in JavaScript. A
 * rule missing here makes the schema fail to compile, so no rule is ever skipped silently.
 */
const CEL_RULES: Record<string, (self: KubeObject) => boolean> = {
  '!self.contains("*")': (self) => !String(self).includes('*'),
  'self.all(key, !key.contains("*"))': (self) => keys(self).every((k) => !k.includes('*')),
  'self.all(key, key.size() != 0)': (self) => keys(self).every((k) => k.length !== 0),
  'self.size() == 0': (self) => String(self).length === 0,
  'self.all(key, 0 < int(key) && int(key) <= 65535)': (self) => keys(self).every((k) => /^[+-]?[0-9]+$/.test(k) && Number(k) > 0 && Number(k) <= 65535),
  '(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1':
    (self) => ['selector', 'targetRef', 'targetRefs'].filter((f) => has(self, f)).length <= 1,
  '(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals) && !has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true':
    (self) => !(has(self, 'serviceAccounts') || has(self, 'notServiceAccounts')) || ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'].every((f) => !has(self, f)),
  'has(self.portLevelMtls) ? (((has(self.selector) && has(self.selector.matchLabels)) ? self.selector.matchLabels : {}).size() > 0) : true':
    (self) => !has(self, 'portLevelMtls') || keys(self.selector?.matchLabels ?? {}).length > 0,
};

const normalizeRule = (rule: string) => rule.replace(/\s+/g, ' ').trim();

function holds(check: (self: KubeObject) => boolean, data: KubeObject): boolean {
  try {
    return check(data);
  } catch {
    return false; // a CEL evaluation error rejects the object too
  }
}

// RFC 3339, as Kubernetes formats `date-time` (only in `status` of these CRDs).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function createAjv(): Ajv {
  // strictSchema: an extension or format nobody taught ajv fails compilation instead of being ignored.
  const ajv = new Ajv({ allErrors: true, strictSchema: true, strictTypes: false, strictRequired: false });
  ajv.addFormat('date-time', RFC3339);
  // Annotations: the `anyOf` beside int-or-string carries the rule; preserve-unknown is read by `closeObjects`.
  ajv.addKeyword({ keyword: 'x-kubernetes-int-or-string', schemaType: 'boolean' });
  ajv.addKeyword({ keyword: 'x-kubernetes-preserve-unknown-fields', schemaType: 'boolean' });
  ajv.addKeyword({
    keyword: 'x-kubernetes-validations',
    schemaType: 'array',
    errors: true,
    compile(rules: ReadonlyArray<{ rule: string; message?: string }>) {
      const checks = rules.map(({ rule, message }) => {
        const check = CEL_RULES[normalizeRule(rule)];
        if (!check) throw new Error(`no JavaScript implementation of the CEL rule ${JSON.stringify(normalizeRule(rule))}; add it to CEL_RULES`);
        return { check, message: message ?? rule };
      });
      const validate: DataValidateFunction = (data) => {
        const failed = checks.filter(({ check }) => !holds(check, data));
        validate.errors = failed.map(({ message }) => ({ keyword: 'x-kubernetes-validations', message, params: {} }));
        return failed.length === 0;
      };
      return validate;
    },
  });
  return ajv;
}

/**
 * Structural schemas are closed: the API server drops unknown fields, and kubectl's default
 * `--validate=strict` rejects them. JSON Schema is open by default, so closed objects are made explicit.
 */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: SchemaObject = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] = key === 'properties'
      ? Object.fromEntries(Object.entries(value as object).map(([name, sub]) => [name, closeObjects(sub)]))
      : closeObjects(value);
  }
  if (copy.properties && copy.additionalProperties === undefined && copy['x-kubernetes-preserve-unknown-fields'] !== true) {
    copy.additionalProperties = false;
  }
  return copy;
}

/** The CRD schema of a custom resource, with the fields the API server itself owns. */
function customResourceSchema(version: CrdVersion): SchemaObject {
  const schema = closeObjects(version.schema) as SchemaObject;
  return {
    ...schema,
    required: [...(schema.required ?? []), 'apiVersion', 'kind', 'metadata'],
    properties: {
      ...schema.properties,
      apiVersion: { type: 'string', const: version.apiVersion },
      kind: { type: 'string', const: version.kind },
      metadata: { type: 'object' }, // checked by the API-server rules below
    },
  };
}

const ajv = createAjv();
const compiledCrds = new Map<string, ValidateFunction>();

/** Compiles the validator of one CRD version; throws on any extension, format or CEL rule it cannot enforce. */
export function compileCustomResourceSchema(version: CrdVersion): ValidateFunction {
  return ajv.compile(customResourceSchema(version));
}

function crdValidator(key: string): ValidateFunction | undefined {
  const version = crdVersions().get(key);
  if (!version) return undefined;
  let validate = compiledCrds.get(key);
  if (!validate) compiledCrds.set(key, (validate = compileCustomResourceSchema(version)));
  return validate;
}

// ---------------------------------------------------------------------------------------------
// API-server rules that OpenAPI does not express (k8s.io/apimachinery/pkg/util/validation and
// k8s.io/kubernetes/pkg/apis/{core,networking,rbac}/validation)

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const isDns1123Label = (s: unknown) => typeof s === 'string' && s.length <= 63 && DNS1123_LABEL.test(s);
const isDns1035Label = (s: unknown) => typeof s === 'string' && s.length <= 63 && DNS1035_LABEL.test(s);
const isDns1123Subdomain = (s: unknown) => typeof s === 'string' && s.length <= 253 && s.split('.').every((part) => DNS1123_LABEL.test(part));
const isPathSegmentName = (s: unknown) => typeof s === 'string' && s.length > 0 && s !== '.' && s !== '..' && !/[/%]/.test(s);
const isPortNumber = (n: unknown) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535;
const isIanaServiceName = (s: unknown) => typeof s === 'string' && s.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(s) && /[a-z]/.test(s) && !s.includes('--');
function isQualifiedName(s: unknown): boolean {
  if (typeof s !== 'string') return false;
  const slash = s.lastIndexOf('/');
  const prefix = slash >= 0 ? s.slice(0, slash) : undefined;
  const name = slash >= 0 ? s.slice(slash + 1) : s;
  return (prefix === undefined || (prefix.length > 0 && isDns1123Subdomain(prefix))) && name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** How the API server validates `metadata.name` of each kind. */
const NAME_RULES: Record<string, [string, (s: unknown) => boolean]> = {
  'v1/Namespace': ['a DNS-1123 label', isDns1123Label],
  'v1/Service': ['a DNS-1035 label', isDns1035Label],
  'rbac.authorization.k8s.io/v1/Role': ['a path segment name', isPathSegmentName],
  'rbac.authorization.k8s.io/v1/RoleBinding': ['a path segment name', isPathSegmentName],
};
const CLUSTER_SCOPED = new Set(['v1/Namespace']);

function labelProblems(labels: unknown, where: string): string[] {
  if (labels === undefined) return [];
  return Object.entries(labels as Record<string, unknown>).flatMap(([key, value]) => [
    ...(isQualifiedName(key) ? [] : [`${where} key '${key}' is not a qualified name`]),
    ...(typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value) ? [] : [`${where} value '${String(value)}' of '${key}' is not a valid label value`]),
  ]);
}

function metadataProblems(o: KubeObject): string[] {
  const metadata = o.metadata ?? {};
  const key = typeKey(o);
  const [nameRule, nameOk] = NAME_RULES[key] ?? ['a DNS-1123 subdomain', isDns1123Subdomain];
  const problems = [...labelProblems(metadata.labels, 'metadata.labels')];
  if (metadata.name === undefined) problems.push('metadata.name is required');
  else if (!nameOk(metadata.name)) problems.push(`metadata.name '${metadata.name}' is not ${nameRule}`);
  if (CLUSTER_SCOPED.has(key) && metadata.namespace !== undefined) problems.push('metadata.namespace is not allowed on a cluster-scoped kind');
  if (metadata.namespace !== undefined && !isDns1123Label(metadata.namespace)) problems.push(`metadata.namespace '${metadata.namespace}' is not a DNS-1123 label`);
  return problems;
}

function parseCidr(text: unknown): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  if (typeof text !== 'string') return undefined;
  const [address, prefixText, ...rest] = text.split('/');
  const version = net.isIP(address);
  const prefix = Number(prefixText);
  if (rest.length > 0 || version === 0 || !/^[0-9]+$/.test(prefixText ?? '') || prefix > (version === 4 ? 32 : 128)) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

function ipBlockProblems(ipBlock: KubeObject, at: string): string[] {
  const cidr = parseCidr(ipBlock.cidr);
  if (!cidr) return [`${at}.cidr '${ipBlock.cidr}' is not a CIDR`];
  const block = new net.BlockList();
  block.addSubnet(cidr.address, cidr.prefix, cidr.family);
  return (ipBlock.except ?? []).flatMap((text: unknown, i: number) => {
    const except = parseCidr(text);
    // ValidateIPBlock: `except` must be a strict subset of `cidr`.
    const inside = except && except.family === cidr.family && except.prefix > cidr.prefix && block.check(except.address, except.family);
    return inside ? [] : [`${at}.except[${i}] '${String(text)}' is not a strict subset of cidr '${ipBlock.cidr}'`];
  });
}

function networkPolicyPortProblems(port: KubeObject, at: string): string[] {
  const problems: string[] = [];
  if (typeof port.port === 'number' && !isPortNumber(port.port)) problems.push(`${at}.port ${port.port} is not in 1-65535`);
  if (typeof port.port === 'string' && !isIanaServiceName(port.port)) problems.push(`${at}.port '${port.port}' is not a port name`);
  if (port.endPort !== undefined) {
    if (typeof port.port !== 'number') problems.push(`${at}.endPort needs a numeric port`);
    else if (!isPortNumber(port.endPort) || port.endPort < port.port) problems.push(`${at}.endPort ${port.endPort} must be a port >= ${port.port}`);
  }
  return problems;
}

function networkPolicyPeerProblems(peer: KubeObject, at: string): string[] {
  const selectors = peer.podSelector !== undefined || peer.namespaceSelector !== undefined ? 1 : 0;
  const count = selectors + (peer.ipBlock !== undefined ? 1 : 0);
  if (count === 0) return [`${at} must specify a peer`];
  if (count > 1) return [`${at} may not specify more than 1 peer`];
  return [
    ...labelProblems(peer.podSelector?.matchLabels, `${at}.podSelector.matchLabels`),
    ...labelProblems(peer.namespaceSelector?.matchLabels, `${at}.namespaceSelector.matchLabels`),
    ...(peer.ipBlock ? ipBlockProblems(peer.ipBlock, `${at}.ipBlock`) : []),
  ];
}

function networkPolicyProblems(o: KubeObject): string[] {
  const spec = o.spec ?? {};
  const rules = [
    ...(spec.ingress ?? []).map((rule: KubeObject, i: number) => ({ rule, at: `spec.ingress[${i}]`, peers: rule.from, peersField: 'from' })),
    ...(spec.egress ?? []).map((rule: KubeObject, i: number) => ({ rule, at: `spec.egress[${i}]`, peers: rule.to, peersField: 'to' })),
  ];
  return [
    ...labelProblems(spec.podSelector?.matchLabels, 'spec.podSelector.matchLabels'),
    ...rules.flatMap(({ rule, at, peers, peersField }) => [
      ...(rule.ports ?? []).flatMap((port: KubeObject, i: number) => networkPolicyPortProblems(port, `${at}.ports[${i}]`)),
      ...(peers ?? []).flatMap((peer: KubeObject, i: number) => networkPolicyPeerProblems(peer, `${at}.${peersField}[${i}]`)),
    ]),
  ];
}

function serviceProblems(o: KubeObject): string[] {
  const spec = o.spec ?? {};
  const ports: KubeObject[] = spec.ports ?? [];
  const headless = spec.clusterIP === 'None' || spec.type === 'ExternalName';
  const problems = labelProblems(spec.selector, 'spec.selector');
  if (ports.length === 0 && !headless) problems.push('spec.ports is required');
  const names = new Set<string>();
  const portProtocols = new Set<string>();
  ports.forEach((port, i) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 && !port.name) problems.push(`${at}.name is required when there are several ports`);
    if (port.name !== undefined && !isIanaServiceName(port.name)) problems.push(`${at}.name '${port.name}' is not a port name`);
    if (port.name !== undefined && names.has(port.name)) problems.push(`${at}.name '${port.name}' is duplicated`);
    names.add(port.name);
    if (!isPortNumber(port.port)) problems.push(`${at}.port ${port.port} is not in 1-65535`);
    const portProtocol = `${port.port}/${port.protocol ?? 'TCP'}`;
    if (portProtocols.has(portProtocol)) problems.push(`${at} ${portProtocol} is duplicated`);
    portProtocols.add(portProtocol);
    if (typeof port.targetPort === 'number' && !isPortNumber(port.targetPort)) problems.push(`${at}.targetPort ${port.targetPort} is not in 1-65535`);
    if (typeof port.targetPort === 'string' && !isIanaServiceName(port.targetPort)) problems.push(`${at}.targetPort '${port.targetPort}' is not a port name`);
    if (port.appProtocol !== undefined && !isQualifiedName(port.appProtocol)) problems.push(`${at}.appProtocol '${port.appProtocol}' is not a qualified name`);
  });
  return problems;
}

function roleProblems(o: KubeObject): string[] {
  return (o.rules ?? []).flatMap((rule: KubeObject, i: number) => {
    const at = `rules[${i}]`;
    const nonEmpty = (field: string) => (Array.isArray(rule[field]) && rule[field].length > 0 ? [] : [`${at}.${field} must name at least one value`]);
    return [
      ...nonEmpty('verbs'),
      ...(rule.nonResourceURLs ? [`${at}.nonResourceURLs are not allowed in a namespaced Role`] : [...nonEmpty('apiGroups'), ...nonEmpty('resources')]),
    ];
  });
}

function roleBindingProblems(o: KubeObject): string[] {
  const problems: string[] = [];
  const roleRef = o.roleRef ?? {};
  if (roleRef.apiGroup !== 'rbac.authorization.k8s.io') problems.push(`roleRef.apiGroup '${roleRef.apiGroup}' must be rbac.authorization.k8s.io`);
  if (roleRef.kind !== 'Role' && roleRef.kind !== 'ClusterRole') problems.push(`roleRef.kind '${roleRef.kind}' must be Role or ClusterRole`);
  if (!isPathSegmentName(roleRef.name)) problems.push(`roleRef.name '${roleRef.name}' is not a path segment name`);
  (o.subjects ?? []).forEach((subject: KubeObject, i: number) => {
    if (subject.kind !== 'ServiceAccount') return;
    if (subject.apiGroup !== undefined && subject.apiGroup !== '') problems.push(`subjects[${i}].apiGroup must be empty for a ServiceAccount`);
    if (!isDns1123Subdomain(subject.name)) problems.push(`subjects[${i}].name '${subject.name}' is not a ServiceAccount name`);
    if (subject.namespace !== undefined && !isDns1123Label(subject.namespace)) problems.push(`subjects[${i}].namespace '${subject.namespace}' is not a DNS-1123 label`);
  });
  return problems;
}

const KIND_RULES: Record<string, (o: KubeObject) => string[]> = {
  'networking.k8s.io/v1/NetworkPolicy': networkPolicyProblems,
  'v1/Service': serviceProblems,
  'rbac.authorization.k8s.io/v1/Role': roleProblems,
  'rbac.authorization.k8s.io/v1/RoleBinding': roleBindingProblems,
};

function apiServerProblems(o: KubeObject, customResource: boolean): string[] {
  // Custom resources get the generic metadata rules only; their spec is the CRD schema's business.
  const kindRules = customResource ? undefined : KIND_RULES[typeKey(o)];
  return [...metadataProblems(o), ...(kindRules ? kindRules(o) : [])];
}
