import { ObjectReader } from './fields';
import { labelsFrom, parseSelector } from './labels';
import { RbacAggregationRule, RbacBinding, RbacRole, RbacRule, RbacSubject } from './types';

export function readRole(reader: ObjectReader): RbacRole {
  const rules = reader.list(reader.object.rules, 'rules') ?? [];
  const aggregationRule = reader.kind === 'ClusterRole' ? readAggregationRule(reader) : undefined;
  return {
    ref: reader.ref,
    kind: reader.kind as RbacRole['kind'],
    namespace: reader.namespace,
    name: reader.name,
    labels: labelsFrom(reader.metadata('labels'), 'metadata.labels', reader.fail),
    rules: rules.map((raw, index) => readRule(reader, raw, `rules[${index}]`)),
    ...(aggregationRule ? { aggregationRule } : {}),
  };
}

/** Only ClusterRoles have the field (rbac/v1 Role has no aggregationRule). */
function readAggregationRule(reader: ObjectReader): RbacAggregationRule | undefined {
  const rule = reader.record(reader.object.aggregationRule, 'aggregationRule');
  if (!rule) return undefined;
  const selectors = reader.list(rule.clusterRoleSelectors, 'aggregationRule.clusterRoleSelectors') ?? [];
  return {
    clusterRoleSelectors: selectors.map((raw, index) => {
      const path = `aggregationRule.clusterRoleSelectors[${index}]`;
      // A null entry is an empty metav1.LabelSelector once decoded, which LabelSelectorAsSelector turns into "everything".
      return parseSelector(raw ?? {}, path, reader.fail) ?? reader.fail(path, 'missing selector');
    }),
  };
}

function readRule(reader: ObjectReader, raw: unknown, path: string): RbacRule {
  const rule = reader.record(raw, path) ?? {};
  const list = (field: string) => reader.strings(rule[field], `${path}.${field}`) ?? [];
  return {
    apiGroups: list('apiGroups'),
    resources: list('resources'),
    resourceNames: list('resourceNames'),
    nonResourceURLs: list('nonResourceURLs'),
    verbs: list('verbs'),
  };
}

export function readBinding(reader: ObjectReader): RbacBinding {
  const roleRef = reader.record(reader.object.roleRef, 'roleRef') ?? reader.fail('roleRef', 'missing roleRef');
  const subjects = reader.list(reader.object.subjects, 'subjects') ?? [];
  return {
    ref: reader.ref,
    kind: reader.kind as RbacBinding['kind'],
    namespace: reader.namespace,
    name: reader.name,
    roleRef: {
      kind: reader.string(roleRef.kind, 'roleRef.kind') ?? reader.fail('roleRef.kind', 'missing'),
      name: reader.string(roleRef.name, 'roleRef.name') ?? reader.fail('roleRef.name', 'missing'),
    },
    subjects: subjects.map((raw, index) => readSubject(reader, raw, `subjects[${index}]`)),
  };
}

function readSubject(reader: ObjectReader, raw: unknown, path: string): RbacSubject {
  const subject = reader.record(raw, path) ?? {};
  const namespace = reader.string(subject.namespace, `${path}.namespace`);
  return {
    kind: reader.string(subject.kind, `${path}.kind`) ?? reader.fail(`${path}.kind`, 'missing'),
    name: reader.string(subject.name, `${path}.name`) ?? reader.fail(`${path}.name`, 'missing'),
    ...(namespace ? { namespace } : {}),
  };
}
