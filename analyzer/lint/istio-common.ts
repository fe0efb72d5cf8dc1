// Checks shared by every Istio security resource, from istio/istio@1.30.3
// pkg/config/validation/validation.go: validateMetadata / checkDryRunAnnotation (annotations),
// validateOneOfSelectorType, validateWorkloadSelector, validatePolicyTargetReference, plus the CRD's CEL rules on
// selector.matchLabels and targetRef.namespace (../shared/istio/istio-crds.yaml).

import { arrayField, Findings, isObject, isSet, objectField, show, stringField, stringMap } from './objects';

export const DRY_RUN_ANNOTATION = 'istio.io/dry-run';

/** Annotations only istiod itself may set; the webhook rejects user objects carrying them. */
const INTERNAL_ANNOTATIONS = [
  'internal.istio.io/webhook-always-reject',
  'internal.istio.io/parent-namespace',
  'internal.istio.io/parents',
];

/** strconv.ParseBool, which decides the dry-run annotation. */
const GO_BOOLEANS = ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'];

/**
 * @param authorizationAction the action of an AuthorizationPolicy (the only kind that supports
 *   dry-run), `undefined` for other kinds, `null` for an AuthorizationPolicy whose action is invalid.
 */
export function checkIstioAnnotations(
  annotations: Record<string, string>,
  authorizationAction: string | null | undefined,
  findings: Findings,
): void {
  for (const key of INTERNAL_ANNOTATIONS) {
    if (key in annotations) findings.error(`annotation ${key} is reserved for istiod and rejected on user objects: remove it`);
  }
  const dryRun = annotations[DRY_RUN_ANNOTATION];
  if (dryRun === undefined) return;
  if (authorizationAction === undefined) {
    findings.error(`annotation ${DRY_RUN_ANNOTATION} is only supported on AuthorizationPolicy: remove it`);
  } else if (authorizationAction === 'ALLOW' || authorizationAction === 'DENY') {
    if (!GO_BOOLEANS.includes(dryRun)) {
      findings.error(`annotation ${DRY_RUN_ANNOTATION} has invalid value ${show(dryRun)}: use "true" or "false"`);
    }
  } else if (authorizationAction !== null) {
    findings.error(`annotation ${DRY_RUN_ANNOTATION} only supports action ALLOW or DENY, found ${authorizationAction}: remove the annotation`);
  }
}

/**
 * How a policy attaches: at most one of selector, targetRef and targetRefs (the CRD's CEL rule counts
 * has(), so `selector: {}` counts), each valid.
 */
export function validateAttachment(spec: unknown, findings: Findings): void {
  const attachments = ['selector', 'targetRef', 'targetRefs'].filter((field) => isSet(spec, field));
  if (attachments.length > 1) {
    findings.error(`spec sets ${attachments.join(' and ')}; only one of targetRefs or selector can be set: keep selector for sidecar workloads, targetRefs for waypoints/gateways`);
  }
  validateWorkloadSelector(spec, findings);
  validatePolicyTargetReference(objectField(spec, 'targetRef'), 'spec.targetRef', findings);
  (arrayField(spec, 'targetRefs') ?? []).forEach((ref, i) => validatePolicyTargetReference(ref, `spec.targetRefs[${i}]`, findings));
}

/** A present `selector` (even `{}`) counts, as for CEL's has() and for the proto's non-nil check. */
export function validateWorkloadSelector(spec: unknown, findings: Findings): void {
  const selector = objectField(spec, 'selector');
  if (selector === undefined) return;
  const matchLabels = stringMap(selector.matchLabels);
  for (const [key, value] of Object.entries(matchLabels)) {
    if (key === '') findings.error(`spec.selector.matchLabels has an empty key (value ${show(value)}): remove it or name the label`);
    if (key.includes('*') || value.includes('*')) {
      findings.error(`spec.selector.matchLabels ${show(`${key}=${value}`)} contains a wildcard, which selectors do not support: use the exact label`);
    }
  }
  if (Object.keys(matchLabels).length === 0) {
    findings.warning('spec.selector has no matchLabels, so it selects every workload in the namespace (Istio warns "workload selector specified without labels"): add labels or remove the selector');
  }
}

/** Kinds a policy may attach to: Service, ServiceEntry, Gateway, GatewayClass (version ignored). */
const ALLOWED_TARGET_KINDS: ReadonlyArray<{ group: string; kind: string }> = [
  { group: 'core', kind: 'Service' },
  { group: 'networking.istio.io', kind: 'ServiceEntry' },
  { group: 'gateway.networking.k8s.io', kind: 'Gateway' },
  { group: 'gateway.networking.k8s.io', kind: 'GatewayClass' },
];

export function validatePolicyTargetReference(targetRef: unknown, path: string, findings: Findings): void {
  // Missing or empty kind/name are schema errors (required, minLength) reported by the schema walker.
  if (!isObject(targetRef)) return;
  const namespace = stringField(targetRef, 'namespace');
  if (namespace !== undefined && namespace !== '') {
    findings.error(`${path}.namespace is ${show(namespace)}: cross-namespace references are not supported; remove it and put the policy in ${show(namespace)}`);
  }
  const group = stringField(targetRef, 'group') ?? '';
  const kind = stringField(targetRef, 'kind');
  if (kind === undefined || kind === '') return;
  const canonicalGroup = group === '' ? 'core' : group;
  if (!ALLOWED_TARGET_KINDS.some((allowed) => allowed.kind === kind && allowed.group === canonicalGroup)) {
    findings.error(
      `${path} refers to ${show(`${group}/${kind}`)}; a policy can only target Service (group ""), ServiceEntry (networking.istio.io), Gateway or GatewayClass (gateway.networking.k8s.io)`,
    );
  }
}
