// Kubernetes label selectors: validation as in kubernetes/kubernetes
// staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go (ValidateLabelSelector,
// ValidateLabelSelectorRequirement, ValidateLabels; AllowInvalidLabelValueInSelector is false on
// create) and matching as in metav1.LabelSelectorAsSelector (matchLabels and matchExpressions ANDed).

import { qualifiedNameErrors, labelValueErrors } from './names';
import { arrayField, decodedObjects, decodedStrings, Findings, isObject, objectField, show, stringField, stringList, stringMap } from './objects';

export function validateLabels(labels: unknown, path: string, findings: Findings): void {
  for (const [key, value] of Object.entries(stringMap(labels))) {
    for (const reason of qualifiedNameErrors(key)) findings.error(`${path} key ${show(key)} is invalid: ${reason}`);
    for (const reason of labelValueErrors(value)) findings.error(`${path}[${show(key)}] value ${show(value)} is invalid: ${reason}`);
  }
}

export function validateLabelSelector(selector: unknown, path: string, findings: Findings): void {
  if (!isObject(selector)) return;
  validateLabels(selector.matchLabels, `${path}.matchLabels`, findings);
  decodedObjects(selector, 'matchExpressions').forEach((requirement, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const operator = stringField(requirement, 'operator');
    const values = decodedStrings(requirement, 'values');
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) findings.error(`${at}.values must be specified when operator is ${operator}: list the label values`);
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0) findings.error(`${at}.values ${show(values)} may not be specified when operator is ${operator}: remove them`);
    } else {
      findings.error(`${at}.operator ${show(operator ?? '')} is not a valid selector operator: use In, NotIn, Exists or DoesNotExist`);
    }
    const key = stringField(requirement, 'key') ?? '';
    for (const reason of qualifiedNameErrors(key)) findings.error(`${at}.key ${show(key)} is invalid: ${reason}`);
    values.forEach((value, j) => {
      for (const reason of labelValueErrors(value)) findings.error(`${at}.values[${j}] ${show(value)} is invalid: ${reason}`);
    });
  });
}

/** Whether a (valid) LabelSelector selects these labels; `{}` selects everything. */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isObject(selector) || !labelsInclude(labels, stringMap(selector.matchLabels))) return false;
  for (const requirement of arrayField(selector, 'matchExpressions') ?? []) {
    const key = stringField(requirement, 'key') ?? '';
    const values = stringList(requirement, 'values');
    const present = Object.prototype.hasOwnProperty.call(labels, key);
    switch (stringField(requirement, 'operator')) {
      case 'In':
        if (!present || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (present && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** True for a selector that selects everything: `{}` or only empty matchLabels/matchExpressions. */
export function selectsEverything(selector: unknown): boolean {
  return isObject(selector)
    && Object.keys(stringMap(selector.matchLabels)).length === 0
    && (arrayField(selector, 'matchExpressions') ?? []).length === 0;
}

/**
 * True for a namespaceSelector that selects every namespace: one that selects everything, or whose
 * only requirements are `kubernetes.io/metadata.name Exists`, a label every namespace carries.
 */
export function selectsEveryNamespace(selector: unknown): boolean {
  if (!isObject(selector) || Object.keys(stringMap(selector.matchLabels)).length > 0) return false;
  return (arrayField(selector, 'matchExpressions') ?? []).every((requirement) =>
    stringField(requirement, 'key') === 'kubernetes.io/metadata.name' && stringField(requirement, 'operator') === 'Exists');
}

/** Equality-based selection (Service selectors, Istio matchLabels): every pair present on the pod. */
export function labelsInclude(labels: Readonly<Record<string, string>>, required: Readonly<Record<string, string>>): boolean {
  return Object.entries(required).every(([key, value]) => labels[key] === value);
}

/** Istio workload selectors only have matchLabels, all of which must be present on the pod. */
export function workloadSelectorMatches(spec: unknown, labels: Readonly<Record<string, string>>): boolean {
  return labelsInclude(labels, stringMap(objectField(objectField(spec, 'selector'), 'matchLabels')));
}

/** Readable form of a selector for messages: `app=web,tier in (a,b)`. */
export function describeSelector(selector: unknown): string {
  if (!isObject(selector)) return '(none)';
  const parts = Object.entries(stringMap(selector.matchLabels)).map(([k, v]) => `${k}=${v}`);
  for (const requirement of arrayField(selector, 'matchExpressions') ?? []) {
    const key = stringField(requirement, 'key') ?? '';
    const operator = stringField(requirement, 'operator') ?? '';
    const values = stringList(requirement, 'values');
    parts.push(values.length ? `${key} ${operator} (${values.join(',')})` : `${operator === 'DoesNotExist' ? '!' : ''}${key}`);
  }
  return parts.length ? parts.join(',') : '{} (everything)';
}
