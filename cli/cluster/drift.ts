import type { KubeObject, LoadedObject } from '../../analyzer';
import { compareStrings } from '../../analyzer/load/files';
import { COMPARED_KINDS, Json, comparableContent, comparableMetadata } from './normalize';
import { describeObject, nameOf, namespaceOf, objectKey, scopeOf } from './object-identity';

/** The label every object of a mesh declaration carries; live policies with it and no intent are left-overs. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'cdk8s-mesh-policy';

/** Kinds that grant or restrict access: an extra live one in an audited namespace is drift. */
export const POLICY_KINDS: ReadonlySet<string> = new Set(['NetworkPolicy', 'AuthorizationPolicy', 'PeerAuthentication', 'Role', 'RoleBinding']);

/**
 * missing: in the intent, not in the cluster; changed: different in what the intent decides;
 * orphaned: a policy the mesh once emitted (it carries the managed-by label) that the intent no
 * longer has; foreign: a policy someone else added.
 */
export type DriftStatus = 'missing' | 'changed' | 'orphaned' | 'foreign';

/** One field that differs; an absent side means the field is not set there. */
export interface FieldChange {
  readonly path: string;
  readonly intent?: Json;
  readonly live?: Json;
}

export interface DriftFinding {
  readonly status: DriftStatus;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly changes?: readonly FieldChange[];
}

export interface DriftReport {
  readonly findings: readonly DriftFinding[];
  /** Intent objects whose content is not compared (workloads, ConfigMaps...), as `Kind ns/name`. */
  readonly notCompared: readonly string[];
}

/** Whether the object lies in an audited namespace (a Namespace: whether it is one). */
export function inAudited(object: KubeObject, audited: ReadonlySet<string>): boolean {
  const namespace = scopeOf(object);
  return namespace !== undefined && audited.has(namespace);
}

/** Compares the intent's objects in the audited namespaces with the live ones. */
export function findDrift(intent: readonly LoadedObject[], live: readonly LoadedObject[], audited: ReadonlySet<string>): DriftReport {
  const liveByKey = new Map(live.map(({ object }) => [objectKey(object), object]));
  const intentKeys = new Set<string>();
  const findings: DriftFinding[] = [];
  const notCompared: string[] = [];
  for (const { object } of intent) {
    if (!inAudited(object, audited)) continue;
    const key = objectKey(object);
    intentKeys.add(key);
    if (!COMPARED_KINDS.has(object.kind)) {
      notCompared.push(describeObject(object));
      continue;
    }
    const current = liveByKey.get(key);
    if (!current) {
      findings.push(finding('missing', object));
      continue;
    }
    const changes: FieldChange[] = [];
    diffJson('metadata', comparableMetadata(object, object), comparableMetadata(current, object), changes);
    diffJson('', comparableContent(object, object), comparableContent(current, object), changes);
    if (changes.length > 0) findings.push({ ...finding('changed', object), changes });
  }
  for (const { object } of live) {
    if (!POLICY_KINDS.has(object.kind) || !inAudited(object, audited) || intentKeys.has(objectKey(object))) continue;
    const labels = ((object.metadata as { labels?: Record<string, unknown> } | undefined)?.labels) ?? {};
    findings.push(finding(labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE ? 'orphaned' : 'foreign', object));
  }
  const order = (f: DriftFinding) => `${f.namespace ?? ''}\u0000${f.kind}\u0000${f.name}\u0000${f.status}`;
  return { findings: findings.sort((a, b) => compareStrings(order(a), order(b))), notCompared: notCompared.sort(compareStrings) };
}

function finding(status: DriftStatus, object: KubeObject): DriftFinding {
  const namespace = namespaceOf(object);
  return { status, kind: object.kind, ...(namespace ? { namespace } : {}), name: nameOf(object) };
}

/**
 * Field-level differences: objects key by key, lists of the same length item by item, anything else
 * as a whole (a list that grew or shrank is one change, which reads better than shifted items).
 */
function diffJson(path: string, intent: Json | undefined, live: Json | undefined, changes: FieldChange[]): void {
  if (isObject(intent) && isObject(live)) {
    for (const key of [...new Set([...Object.keys(intent), ...Object.keys(live)])].sort()) {
      diffJson(joinPath(path, key), intent[key], live[key], changes);
    }
  } else if (Array.isArray(intent) && Array.isArray(live) && intent.length === live.length) {
    intent.forEach((item, index) => diffJson(`${path}[${index}]`, item, live[index], changes));
  } else if (JSON.stringify(intent) !== JSON.stringify(live)) {
    changes.push({ path, ...(intent !== undefined ? { intent } : {}), ...(live !== undefined ? { live } : {}) });
  }
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function joinPath(path: string, key: string): string {
  const step = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  return !path ? step : step.startsWith('[') ? `${path}${step}` : `${path}.${step}`;
}
