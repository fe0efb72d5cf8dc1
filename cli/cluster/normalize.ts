import type { KubeObject } from '../../analyzer';

/**
 * What of an object its intent decides, in a form where the intent's manifest and the API server's
 * copy compare equal when they mean the same: server-written fields (uid, resourceVersion,
 * managedFields, status, clusterIP...) are left out, and the defaults the API server fills in
 * (`pkg/apis/*\/v1/defaults.go`) are filled in on both sides.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type View = (object: KubeObject, intent: KubeObject) => Json;

/** Kinds whose content is compared; other kinds of the intent are only reported as not compared. */
export const COMPARED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'ServiceAccount', 'Service', 'NetworkPolicy', 'AuthorizationPolicy', 'PeerAuthentication', 'Role', 'RoleBinding',
]);

/** Annotations that change what a policy does, so that a live copy may not add them unnoticed. */
const SIGNIFICANT_ANNOTATIONS = ['istio.io/dry-run'];

const VIEWS: Readonly<Record<string, View>> = {
  Namespace: () => ({}),
  // Token controllers of older clusters add `secrets`; only what the intent sets is compared.
  ServiceAccount: (object, intent) => pick(object, Object.keys(intent).filter((key) => !['apiVersion', 'kind', 'metadata'].includes(key))),
  Service: (object, intent) => ({ spec: serviceSpec(record(object.spec), record(intent.spec)) }),
  NetworkPolicy: (object) => ({ spec: networkPolicySpec(record(object.spec)) }),
  AuthorizationPolicy: (object) => {
    const spec = record(object.spec);
    return { spec: canonical({ ...spec, action: spec.action ?? 'ALLOW' }) };
  },
  PeerAuthentication: (object) => ({ spec: canonical(object.spec ?? {}) }),
  Role: (object) => ({ rules: canonical(object.rules ?? []) }),
  RoleBinding: (object) => ({
    roleRef: canonical({ apiGroup: 'rbac.authorization.k8s.io', ...record(object.roleRef) }),
    subjects: canonical(list(object.subjects).map((subject) => {
      const fields = record(subject);
      // SetDefaults_Subject: User and Group subjects get the RBAC group; ServiceAccounts the core group ("").
      const apiGroup = fields.apiGroup || (fields.kind === 'ServiceAccount' ? undefined : 'rbac.authorization.k8s.io');
      return { ...omit(fields, ['apiGroup']), ...(apiGroup ? { apiGroup } : {}) };
    })),
  }),
};

/** The compared content of `object` (the intent's or the live copy); `intent` tells which optional fields the intent sets. */
export function comparableContent(object: KubeObject, intent: KubeObject): Json {
  return VIEWS[object.kind]?.(object, intent) ?? null;
}

/**
 * The metadata the intent sets: its labels and annotations must be present with the same values
 * (controllers and kubectl add their own, which do not matter), and significant annotations must not
 * be added.
 */
export function comparableMetadata(object: KubeObject, intent: KubeObject): Json {
  const labels = record(record(object.metadata).labels);
  const annotations = record(record(object.metadata).annotations);
  const intentMetadata = record(intent.metadata);
  const annotationKeys = new Set([...Object.keys(record(intentMetadata.annotations)), ...SIGNIFICANT_ANNOTATIONS]);
  return {
    labels: pick(labels, Object.keys(record(intentMetadata.labels))),
    annotations: pick(annotations, [...annotationKeys]),
  };
}

function serviceSpec(spec: Record<string, unknown>, intentSpec: Record<string, unknown>): Json {
  const setsNodePorts = list(intentSpec.ports).some((port) => record(port).nodePort !== undefined);
  const ports = list(spec.ports).map((raw) => {
    const port = record(raw);
    return {
      ...pick(port, ['name', 'port', 'appProtocol', ...(setsNodePorts ? ['nodePort'] : [])]),
      protocol: (port.protocol ?? 'TCP') as Json,
      targetPort: (port.targetPort ?? port.port ?? null) as Json,
    };
  });
  // clusterIP, ipFamilies, sessionAffinity... are allocated or defaulted: compared only when the intent sets them.
  const chosen = Object.keys(intentSpec).filter((key) => !['ports', 'selector', 'type'].includes(key));
  return canonical({ ...pick(spec, chosen), type: spec.type ?? 'ClusterIP', selector: spec.selector ?? {}, ports });
}

function networkPolicySpec(spec: Record<string, unknown>): Json {
  const rules = (value: unknown) => list(value).map((raw) => {
    const rule = record(raw);
    const ports = list(rule.ports).map((port) => ({ protocol: 'TCP', ...record(port) }));
    return { ...rule, ...(ports.length > 0 ? { ports } : {}) };
  });
  const ingress = rules(spec.ingress);
  const egress = rules(spec.egress);
  // SetDefaults_NetworkPolicy: Ingress always, Egress when there are egress rules.
  const policyTypes = list(spec.policyTypes).length > 0 ? [...list(spec.policyTypes)].map(String).sort()
    : egress.length > 0 ? ['Egress', 'Ingress'] : ['Ingress'];
  return canonical({ ...spec, ingress, egress, policyTypes });
}

/**
 * Go's `omitempty` drops empty lists (and empty label maps) when the API server writes an object
 * back, and Kubernetes and Istio read an empty list like an absent one, so both are left out. Empty
 * objects are kept: `podSelector: {}` selects every pod, an absent peer selector means something else.
 */
/**
 * Keys sorted, empty lists and selectors dropped, and lists sorted too: every list of these policies
 * (rules, peers, ports, principals, verbs, subjects...) is a set whose order means nothing, so a copy
 * that only reorders one is no drift. Changed fields are then reported at their sorted index.
 */
function canonical(value: unknown): Json {
  if (Array.isArray(value)) {
    return value.map(canonical).map((item) => [JSON.stringify(item), item] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
  }
  if (value === null || typeof value !== 'object') return (value ?? null) as Json;
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(value).sort()) {
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined || (Array.isArray(field) && field.length === 0)) continue;
    if (key === 'matchLabels' && Object.keys(record(field)).length === 0) continue;
    out[key] = canonical(field);
  }
  return out;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function pick(object: Record<string, unknown>, keys: readonly string[]): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const key of [...keys].sort()) {
    if (object[key] !== undefined) out[key] = canonical(object[key]);
  }
  return out;
}

function omit(object: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
}
