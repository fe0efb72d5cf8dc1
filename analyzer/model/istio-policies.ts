import { ObjectReader } from './fields';
import { Labels, labelsFrom } from './labels';
import {
  AuthorizationCondition, AuthorizationPolicy, AuthorizationRule, MtlsMode, OPERATION_FIELDS, PeerAuthentication,
  PolicyTargetRef, SOURCE_FIELDS,
} from './types';

const DRY_RUN_ANNOTATION = 'istio.io/dry-run';
const MTLS_MODES: readonly MtlsMode[] = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'];

/** Reads security.istio.io AuthorizationPolicy (v1 and v1beta1 share the schema). */
export function readAuthorizationPolicy(reader: ObjectReader): AuthorizationPolicy {
  const spec = reader.record(reader.object.spec, 'spec') ?? {};
  const rules = reader.list(spec.rules, 'spec.rules') ?? [];
  const provider = reader.string(reader.record(spec.provider, 'spec.provider')?.name, 'spec.provider.name');
  return {
    ref: reader.ref,
    namespace: reader.namespace,
    name: reader.name,
    action: reader.string(spec.action, 'spec.action') ?? 'ALLOW',
    ...readWorkloadSelector(reader, spec.selector),
    targetRefs: readTargetRefs(reader, spec),
    dryRun: parseGoBool(labelsFrom(reader.metadata('annotations'), 'metadata.annotations', reader.fail).get(DRY_RUN_ANNOTATION)),
    ...(provider !== undefined ? { provider } : {}),
    // Istio skips nil rules ("skipped nil rule", pilot/pkg/security/authz/builder/builder.go).
    rules: rules.flatMap((rule, index) => (rule === null ? [] : [readRule(reader, rule, `spec.rules[${index}]`)])),
  };
}

/** targetRefs, else the legacy targetRef (istio pilot/pkg/model/policyattachment.go GetTargetRefs). */
function readTargetRefs(reader: ObjectReader, spec: Readonly<Record<string, unknown>>): PolicyTargetRef[] {
  const listed = (reader.list(spec.targetRefs, 'spec.targetRefs') ?? []).map((raw, index) => readTargetRef(reader, raw, `spec.targetRefs[${index}]`));
  if (listed.length > 0 || spec.targetRef === undefined || spec.targetRef === null) return listed;
  return [readTargetRef(reader, spec.targetRef, 'spec.targetRef')];
}

function readTargetRef(reader: ObjectReader, raw: unknown, path: string): PolicyTargetRef {
  const ref = reader.record(raw, path) ?? {};
  const namespace = reader.string(ref.namespace, `${path}.namespace`);
  return {
    group: reader.string(ref.group, `${path}.group`) ?? '',
    kind: reader.string(ref.kind, `${path}.kind`) ?? '',
    name: reader.string(ref.name, `${path}.name`) ?? '',
    ...(namespace ? { namespace } : {}),
  };
}

function readRule(reader: ObjectReader, raw: unknown, path: string): AuthorizationRule {
  const rule = reader.record(raw, path) ?? {};
  const from = (reader.list(rule.from, `${path}.from`) ?? []).map((entry, index) =>
    readFields(reader, reader.record(entry, `${path}.from[${index}]`)?.source, `${path}.from[${index}].source`, SOURCE_FIELDS));
  const to = (reader.list(rule.to, `${path}.to`) ?? []).map((entry, index) =>
    readFields(reader, reader.record(entry, `${path}.to[${index}]`)?.operation, `${path}.to[${index}].operation`, OPERATION_FIELDS));
  const when = (reader.list(rule.when, `${path}.when`) ?? []).map((entry, index) => readCondition(reader, entry, `${path}.when[${index}]`));
  return { from, to, when };
}

function readFields<F extends string>(
  reader: ObjectReader,
  raw: unknown,
  path: string,
  fields: readonly F[],
): Partial<Record<F, readonly string[]>> {
  const record = reader.record(raw, path) ?? {};
  const result: Partial<Record<F, readonly string[]>> = {};
  for (const field of fields) {
    const raw = record[field];
    // Most fields are absent: skipped before their path (for error messages) is built.
    if (raw === undefined || raw === null) continue;
    const values = reader.strings(raw, `${path}.${field}`);
    // An empty list constrains nothing, exactly like an absent one (authz/model/model.go insertFront).
    if (values && values.length > 0) result[field] = values;
  }
  return result;
}

function readCondition(reader: ObjectReader, raw: unknown, path: string): AuthorizationCondition {
  const condition = reader.record(raw, path) ?? {};
  return {
    key: reader.string(condition.key, `${path}.key`) ?? reader.fail(`${path}.key`, 'missing key'),
    values: reader.strings(condition.values, `${path}.values`) ?? [],
    notValues: reader.strings(condition.notValues, `${path}.notValues`) ?? [],
  };
}

/** Reads security.istio.io PeerAuthentication. */
export function readPeerAuthentication(reader: ObjectReader): PeerAuthentication {
  const spec = reader.record(reader.object.spec, 'spec') ?? {};
  const portLevel = new Map<number, MtlsMode>();
  for (const [port, setting] of Object.entries(reader.record(spec.portLevelMtls, 'spec.portLevelMtls') ?? {})) {
    const path = `spec.portLevelMtls.${port}`;
    if (!/^\d+$/.test(port)) reader.fail(path, 'port keys must be numbers');
    portLevel.set(Number(port), readMode(reader, reader.record(setting, path)?.mode, `${path}.mode`));
  }
  const metadata = reader.record(reader.object.metadata, 'metadata');
  const created = reader.string(metadata?.creationTimestamp, 'metadata.creationTimestamp');
  return {
    ref: reader.ref,
    namespace: reader.namespace,
    name: reader.name,
    ...readWorkloadSelector(reader, spec.selector),
    mode: readMode(reader, reader.record(spec.mtls, 'spec.mtls')?.mode, 'spec.mtls.mode'),
    portLevel,
    ...(created ? { creationTimestamp: created } : {}),
  };
}

function readMode(reader: ObjectReader, value: unknown, path: string): MtlsMode {
  if (value === undefined || value === null) return 'UNSET';
  if (typeof value === 'string' && (MTLS_MODES as readonly string[]).includes(value)) return value as MtlsMode;
  return reader.fail(path, `expected one of ${MTLS_MODES.join(', ')}, got ${JSON.stringify(value)}`);
}

/** Istio's WorkloadSelector: only matchLabels; an empty one selects like no selector at all. */
function readWorkloadSelector(reader: ObjectReader, raw: unknown): { selector?: Labels } {
  const selector = reader.record(raw, 'spec.selector');
  const labels = labelsFrom(selector?.matchLabels, 'spec.selector.matchLabels', reader.fail);
  return labels.size > 0 ? { selector: labels } : {};
}

/** Go's strconv.ParseBool, which Istio uses for the dry-run annotation; anything else counts as false. */
function parseGoBool(value: string | undefined): boolean {
  return value !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value);
}
