// AuthorizationPolicy admission. Source unless stated otherwise: istio/istio@1.30.3
// pkg/config/validation/validation.go ValidateAuthorizationPolicy (+ its validation_test.go cases),
// and the CRD schema/CEL rules of istio/api v1.30.3 (../shared/istio/istio-crds.yaml).
import { authorizationPolicy, errors, lint } from './fixtures';

/** GIVEN one AuthorizationPolicy WHEN linted THEN its error messages. */
function errorsOf(spec: unknown, metadata: Record<string, unknown> = {}): string[] {
  const problems = lint([authorizationPolicy('policy', spec, metadata)]);
  for (const p of errors(problems)) expect([p.kind, p.namespace, p.name]).toEqual(['AuthorizationPolicy', 'shop', 'policy']);
  return errors(problems).map((p) => p.message);
}

describe('AuthorizationPolicy: valid policies are accepted', () => {
  it.each([
    ['allow-nothing spec {} (validation_test "allow-rules-nil")', {}],
    ['allow-all rules [{}]', { rules: [{}] }],
    ['from: [] decodes to no from (jsonpb leaves empty lists unset)', { rules: [{ from: [] }] }],
    ['AUDIT without rules (only DENY and CUSTOM need rules)', { action: 'AUDIT' }],
    ['CUSTOM with provider and rules', { action: 'CUSTOM', provider: { name: 'ext-authz' }, rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] }],
    ['serviceAccounts alone ("good serviceAccounts")', { rules: [{ from: [{ source: { serviceAccounts: ['shop/web', 'api'] } }] }] }],
    ['a principal with a middle wildcard (accepted, never matched)', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/*/sa/web'] } }] }] }],
    ['port "0" (ParseUint accepts it)', { rules: [{ to: [{ operation: { ports: ['0', '65535'] } }] }] }],
    ['path templates {*} and a final {**}', { rules: [{ to: [{ operation: { paths: ['/api/{*}/items/{**}'] } }] }] }],
    ['IPs, CIDRs and IPv6 in ipBlocks', { rules: [{ from: [{ source: { ipBlocks: ['10.1.2.3', '10.0.0.0/8', '2001:db8::/32', '10.0.0.1/24'] } }] }] }],
    ['known when keys', { rules: [{ when: [{ key: 'request.headers[x-user]', values: ['a'] }, { key: 'source.ip', notValues: ['10.0.0.0/8'] }, { key: 'destination.port', values: ['8080'] }] }] }],
    ['a selector label with an empty value ("selector-empty-value")', { selector: { matchLabels: { app: '' } } }],
    ['targetRef to a Gateway', { targetRef: { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'gw' } }],
    ['targetRefs to a ServiceEntry', { targetRefs: [{ kind: 'ServiceEntry', group: 'networking.istio.io', name: 'ext' }] }],
  ])('%s', (_title, spec) => {
    expect(errorsOf(spec)).toEqual([]);
  });
});

describe('AuthorizationPolicy: attachment (validateOneOfSelectorType, validatePolicyTargetReference, validateWorkloadSelector)', () => {
  it('rejects selector together with targetRefs (CEL "only one of targetRefs or selector can be set")', () => {
    const messages = errorsOf({ selector: { matchLabels: { app: 'api' } }, targetRefs: [{ kind: 'Service', group: '', name: 'api' }] });
    expect(messages).toEqual([expect.stringContaining('only one of targetRefs or selector can be set')]);
  });

  it('counts an empty selector {} as set (CEL has())', () => {
    expect(errorsOf({ selector: {}, targetRef: { kind: 'Service', name: 'api' } })).toEqual([expect.stringContaining('selector and targetRef')]);
  });

  it('rejects a cross-namespace targetRef', () => {
    expect(errorsOf({ targetRefs: [{ kind: 'Service', name: 'api', namespace: 'other' }] })).toEqual([expect.stringMatching(/targetRefs\[0\]\.namespace is "other".*cross-namespace/)]);
  });

  it('rejects a targetRef kind outside Service/ServiceEntry/Gateway/GatewayClass', () => {
    expect(errorsOf({ targetRefs: [{ kind: 'Deployment', group: 'apps', name: 'api' }] })).toEqual([expect.stringContaining('"apps/Deployment"')]);
  });

  it('rejects a targetRef without name (CRD required)', () => {
    expect(errorsOf({ targetRef: { kind: 'Service' } })).toEqual([expect.stringContaining('spec.targetRef.name is required')]);
  });

  it('rejects a wildcard in selector labels', () => {
    expect(errorsOf({ selector: { matchLabels: { app: 'api-*' } } })).toEqual([expect.stringContaining('"app=api-*" contains a wildcard')]);
  });

  it('rejects an empty selector key', () => {
    expect(errorsOf({ selector: { matchLabels: { '': 'x' } } })).toEqual([expect.stringContaining('empty key')]);
  });
});

describe('AuthorizationPolicy: action and provider', () => {
  it('rejects an action outside the CRD enum ALLOW/DENY/AUDIT/CUSTOM', () => {
    expect(errorsOf({ action: 'BLOCK', rules: [{}] })).toEqual([expect.stringContaining('spec.action is "BLOCK", not one of the supported values ALLOW, DENY, AUDIT, CUSTOM')]);
  });

  it('rejects a lower-case action (the enum is case-sensitive)', () => {
    expect(errorsOf({ action: 'deny', rules: [{}] })).toHaveLength(1);
  });

  it('rejects provider with a non-CUSTOM action ("provider-wrong-action")', () => {
    expect(errorsOf({ action: 'ALLOW', provider: { name: 'ext-authz' }, rules: [{}] })).toEqual([expect.stringContaining('spec.provider is only allowed with action CUSTOM, found action ALLOW')]);
  });

  it('rejects CUSTOM without provider name ("custom-empty-provider")', () => {
    expect(errorsOf({ action: 'CUSTOM', provider: {}, rules: [{}] })).toEqual([expect.stringContaining('needs spec.provider.name')]);
  });

  it('rejects CUSTOM without rules', () => {
    expect(errorsOf({ action: 'CUSTOM', provider: { name: 'ext-authz' } })).toEqual([expect.stringContaining('CUSTOM policy without rules')]);
  });

  it('rejects DENY without rules ("deny-rules-nil")', () => {
    expect(errorsOf({ action: 'DENY' })).toEqual([expect.stringContaining('DENY policy without rules')]);
  });

  it('treats DENY with rules: [] as without rules (jsonpb decodes [] as unset)', () => {
    expect(errorsOf({ action: 'DENY', rules: [] })).toEqual([expect.stringContaining('DENY policy without rules')]);
  });

  it('rejects identity fields with CUSTOM ("custom-invalid-rule")', () => {
    const messages = errorsOf({ action: 'CUSTOM', provider: { name: 'x' }, rules: [{ from: [{ source: { principals: ['a'] } }], when: [{ key: 'source.namespace', values: ['ns'] }] }] });
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringContaining('source.principals is not supported with action CUSTOM'),
      expect.stringContaining('key source.namespace is not supported with action CUSTOM'),
    ]));
  });
});

describe('AuthorizationPolicy: dry-run annotation (checkDryRunAnnotation)', () => {
  it('rejects a value strconv.ParseBool refuses ("dry-run-invalid-value")', () => {
    expect(errorsOf({ action: 'DENY', rules: [{}] }, { annotations: { 'istio.io/dry-run': 'yes' } })).toEqual([expect.stringContaining('invalid value "yes"')]);
  });

  it.each(['true', 'False', '1', 't'])('accepts the Go boolean %s', (value) => {
    expect(errorsOf({ rules: [{}] }, { annotations: { 'istio.io/dry-run': value } })).toEqual([]);
  });

  it('rejects dry-run on AUDIT ("dry-run-invalid-action-audit")', () => {
    expect(errorsOf({ action: 'AUDIT', rules: [{}] }, { annotations: { 'istio.io/dry-run': 'true' } })).toEqual([expect.stringContaining('only supports action ALLOW or DENY, found AUDIT')]);
  });

  it('rejects the internal annotations users may not set (validateMetadata)', () => {
    expect(errorsOf({}, { annotations: { 'internal.istio.io/parents': 'x' } })).toEqual([expect.stringContaining('reserved for istiod')]);
  });
});

describe('AuthorizationPolicy: rules, from and to', () => {
  it('rejects a from item without source ("source-nil")', () => {
    expect(errorsOf({ rules: [{ from: [{}] }] })).toEqual([expect.stringContaining('spec.rules[0].from[0] has no source')]);
  });

  it('rejects an empty source ("source-empty")', () => {
    expect(errorsOf({ rules: [{ from: [{ source: {} }] }] })).toEqual([expect.stringContaining('spec.rules[0].from[0].source is empty')]);
  });

  it('counts a source with only empty lists as empty', () => {
    expect(errorsOf({ rules: [{ from: [{ source: { principals: [] } }] }] })).toEqual([expect.stringContaining('is empty')]);
  });

  it('rejects a to item without operation ("operation-nil")', () => {
    expect(errorsOf({ rules: [{ to: [{}] }] })).toEqual([expect.stringContaining('spec.rules[0].to[0] has no operation')]);
  });

  it('rejects an empty operation ("operation-empty")', () => {
    expect(errorsOf({ rules: [{ to: [{ operation: {} }] }] })).toEqual([expect.stringContaining('spec.rules[0].to[0].operation is empty')]);
  });

  it('rejects a null rule (CRD: items must be objects)', () => {
    expect(errorsOf({ rules: [null] })).toEqual([expect.stringContaining('spec.rules[0] is null')]);
  });

  it('rejects serviceAccounts with principals (CEL + "serviceAccounts and namespaces")', () => {
    expect(errorsOf({ rules: [{ from: [{ source: { serviceAccounts: ['shop/web'], namespaces: ['shop'] } }] }] }))
      .toEqual([expect.stringContaining('sets serviceAccounts together with namespaces')]);
  });

  it('rejects an explicitly empty principals list next to serviceAccounts (CEL has() sees it)', () => {
    expect(errorsOf({ rules: [{ from: [{ source: { serviceAccounts: ['web'], principals: [] } }] }] })).toEqual([expect.stringContaining('together with principals')]);
  });

  it.each([
    ['principals', { from: [{ source: { principals: [''] } }] }],
    ['notNamespaces', { from: [{ source: { notNamespaces: [''] } }] }],
    ['methods', { to: [{ operation: { methods: [''] } }] }],
    ['hosts', { to: [{ operation: { hosts: [''] } }] }],
  ])('rejects an empty value in %s (security.go CheckEmptyValues)', (field, rule) => {
    expect(errorsOf({ rules: [rule] })).toEqual([expect.stringContaining(`empty value not allowed in spec.rules[0]`)]);
    expect(errorsOf({ rules: [rule] })[0]).toContain(field);
  });
});

describe('AuthorizationPolicy: values (pkg/config/security/security.go)', () => {
  it.each([['shop/*'], ['a/b/c'], ['/web'], ['shop/']])('rejects serviceAccounts value %s (CheckServiceAccount)', (value) => {
    expect(errorsOf({ rules: [{ from: [{ source: { serviceAccounts: [value] } }] }] })).toHaveLength(1);
  });

  it('rejects more than 16 serviceAccounts (CRD maxItems)', () => {
    const accounts = Array.from({ length: 17 }, (_, i) => `sa${i}`);
    expect(errorsOf({ rules: [{ from: [{ source: { serviceAccounts: accounts } }] }] })).toEqual([expect.stringContaining('17 items, more than the 16')]);
  });

  it.each([['a*b*'], ['a*b'], ['a/b']])('rejects trustDomains value %s (CheckTrustDomainValues)', (value) => {
    expect(errorsOf({ rules: [{ from: [{ source: { trustDomains: [value] } }] }] })).toHaveLength(1);
  });

  it.each([['10.0.0.256'], ['010.0.0.1'], ['10.0.0.0/33'], ['10.0.0.0/08'], ['fe80::1%eth0/64'], ['a.b.c.d']])('rejects ipBlocks %s (ValidateIPs: netip)', (value) => {
    expect(errorsOf({ rules: [{ from: [{ source: { ipBlocks: [value] } }] }] })).toEqual([expect.stringContaining(`"${value}"`)]);
  });

  it.each([['65536'], ['-1'], ['http'], ['+80'], [' 80']])('rejects port %s (ValidatePorts)', (value) => {
    expect(errorsOf({ rules: [{ to: [{ operation: { ports: [value] } }] }] })).toEqual([expect.stringContaining(`bad port "${value}"`)]);
  });

  it('rejects a numeric port: ports are strings in the CRD schema', () => {
    expect(errorsOf({ rules: [{ to: [{ operation: { ports: [8080] } }] }] })).toEqual([expect.stringContaining('must be of type string, got number 8080 (quote it: "8080")')]);
  });

  it.each([
    ['/a/{**}/b/{*}', '{**} must be the last operator'],
    ['/api/{id}', "'{' or '}' is only allowed"],
    ['/a*/{*}', 'segment "a*"'],
  ])('rejects path %s (CheckValidPathTemplate)', (value, reason) => {
    expect(errorsOf({ rules: [{ to: [{ operation: { paths: [value] } }] }] })).toEqual([expect.stringContaining(reason)]);
  });
});

describe('AuthorizationPolicy: when conditions (ValidateAttribute)', () => {
  it.each([
    ['key1', 'unknown attribute "key1"'],
    ['request.headers', 'should have|must have the form'],
    ['destination.namespace', 'replaced by the policy\'s metadata.namespace'],
    ['destination.labels[app]', 'replaced by the workload selector'],
    ['destination.name', 'only supported in v1alpha1'],
  ])('rejects key %s', (key, reason) => {
    expect(errorsOf({ rules: [{ when: [{ key, values: ['v'] }] }] })).toEqual([expect.stringMatching(new RegExp(reason))]);
  });

  it('rejects a value invalid for its key ("condition-value-invalid": source.ip a.b.c.d)', () => {
    expect(errorsOf({ rules: [{ when: [{ key: 'source.ip', values: ['a.b.c.d'] }] }] })).toEqual([expect.stringContaining('bad IP address "a.b.c.d"')]);
  });

  it('checks notValues too ("condition-notValue-invalid")', () => {
    expect(errorsOf({ rules: [{ when: [{ key: 'destination.port', notValues: ['http'] }] }] })).toEqual([expect.stringContaining('bad port "http"')]);
  });

  it('rejects a condition without values ("condition-value-missing")', () => {
    expect(errorsOf({ rules: [{ when: [{ key: 'source.ip' }] }] })).toEqual([expect.stringContaining('neither values nor notValues')]);
  });

  it('rejects an empty key ("condition-key-empty")', () => {
    expect(errorsOf({ rules: [{ when: [{ key: '', values: ['x'] }] }] })).toEqual([expect.stringContaining('key must not be empty')]);
  });

  it('source.serviceAccount values have CheckServiceAccount\'s limits, which no schema checks for when: 16 values of 320 characters', () => {
    const accounts = (count: number, length = 8) => Array.from({ length: count }, (_, i) => `ns/${`sa${i}`.padEnd(length - 3, 'x')}`);
    const when = (values: string[], field = 'values') => errorsOf({ rules: [{ when: [{ key: 'source.serviceAccount', [field]: values }] }] });
    expect(when(accounts(16))).toEqual([]);
    expect(when(accounts(17))).toEqual([expect.stringContaining('source.serviceAccount may not have more than 16 values, found 17')]);
    expect(when(accounts(17), 'notValues')).toEqual([expect.stringContaining('may not have more than 16 values')]);
    expect(when(accounts(1, 320))).toEqual([]);
    expect(when(accounts(1, 321))).toEqual([expect.stringContaining('source.serviceAccount value cannot exceed 320 bytes, found one of 321')]);
  });

  it('counts bytes for service accounts (Go len) but characters for schema lengths (kube-openapi RuneCount)', () => {
    const accounts = (values: string[]) => errorsOf({ rules: [{ from: [{ source: { serviceAccounts: values } }] }] });
    // 205 characters, 405 bytes: within the schema's 320 characters, over the webhook's 320 bytes.
    expect(accounts([`shop/${'é'.repeat(200)}`])).toEqual([expect.stringContaining('value cannot exceed 320 bytes, found one of 405')]);
    // 32 emoji are 32 characters (64 UTF-16 units): a valid 63-character label value.
    expect(errorsOf({ selector: { matchLabels: { app: '😀'.repeat(32) } }, rules: [{}] }).filter((m) => m.includes('longer than'))).toEqual([]);
  });

  it('rejects a missing key (CRD required, "condition-key-missing")', () => {
    expect(errorsOf({ rules: [{ when: [{ values: ['x'] }] }] })).toEqual([expect.stringContaining('spec.rules[0].when[0].key is required')]);
  });
});
