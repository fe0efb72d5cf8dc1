import { ObjectReader } from './fields';
import { RbacBinding, RbacRole, RbacRule, RbacSubject } from './types';

export function readRole(reader: ObjectReader): RbacRole {
  const rules = reader.list(reader.object.rules, 'rules') ?? [];
  return {
    ref: reader.ref,
    kind: reader.kind as RbacRole['kind'],
    namespace: reader.namespace,
    name: reader.name,
    rules: rules.map((raw, index) => readRule(reader, raw, `rules[${index}]`)),
  };
}

function readRule(reader: ObjectReader, raw: unknown, path: string): RbacRule {
  const rule = reader.record(raw, path) ?? {};
  const list = (field: string) => reader.strings(rule[field], `${path}.${field}`) ?? [];
  return {
    apiGroups: list('apiGroups'),
    resources: list('resources'),
    resourceNames: list('resourceNames'),
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
