// ObjectMeta admission, as in kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/api/validation/
// objectmeta.go (ValidateObjectMeta: name or generateName required, name and generateName syntax per kind,
// namespace a DNS label, ValidateLabels, ValidateAnnotations with its 256 KiB total).

import { dns1123LabelErrors, qualifiedNameErrors } from './names';
import { Findings, JsonObject, objectField, show, stringField, stringMap } from './objects';
import { validateLabels } from './selectors';

export type NameRule = (name: string) => string[];

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function lintObjectMeta(obj: JsonObject, nameRule: NameRule, namespaced: boolean, findings: Findings): void {
  const metadata = objectField(obj, 'metadata');
  const name = stringField(metadata, 'name') ?? '';
  const generateName = stringField(metadata, 'generateName') ?? '';
  if (name === '') {
    if (!generateName) findings.error('metadata.name is required: give the object a name');
  } else {
    for (const reason of nameRule(name)) findings.error(`metadata.name ${show(name)} is invalid: ${reason}`);
  }
  // A prefix: the name function with prefix=true, which masks a trailing dash (maskTrailingDash).
  if (generateName) {
    for (const reason of nameRule(generateName.replace(/-$/, 'a'))) findings.error(`metadata.generateName ${show(generateName)} is invalid: ${reason}`);
  }
  const namespace = stringField(metadata, 'namespace');
  if (namespaced && namespace) {
    for (const reason of dns1123LabelErrors(namespace)) findings.error(`metadata.namespace ${show(namespace)} is invalid: ${reason}`);
  }
  validateLabels(metadata?.labels, 'metadata.labels', findings);
  const annotations = stringMap(metadata?.annotations);
  let totalSize = 0;
  for (const [key, value] of Object.entries(annotations)) {
    totalSize += key.length + value.length;
    for (const reason of qualifiedNameErrors(key.toLowerCase())) findings.error(`metadata.annotations key ${show(key)} is invalid: ${reason}`);
  }
  if (totalSize > TOTAL_ANNOTATION_SIZE_LIMIT) {
    findings.error(`metadata.annotations total ${totalSize} bytes, more than the 262144 allowed: move large data elsewhere`);
  }
}
