import { cidrContains, parseAddress, parseCidr, unknownAddressInside } from '../model/cidr';
import { AuthorizationRule, AuthorizationSource, AuthorizationOperation } from '../model/types';
import {
  Matcher, anyMatcher, headerMatcher, hostMatcher, namespaceMatcher, pathMatcher, principalsMatcher, serviceAccountMatcher,
  prefixedMatcher, trustDomainMatcher,
} from './string-matchers';
import { SharedOperations } from './shared-operations';
import { expandTrustDomainAliases, replaceTrustDomainAliases } from './trust-domain';
import { MAYBE, NO, Tri, YES, fromBoolean, not } from './tri';

/** One HTTP request as `check` is given it. */
export interface HttpFacts {
  readonly method?: string;
  readonly path?: string;
  readonly host?: string;
  /** Lower-case names. */
  readonly headers: ReadonlyMap<string, string>;
}

/** What the destination's sidecar knows when it authorizes a connection or request. */
export interface MeshRequest {
  /** The peer's SPIFFE URI; only present over mutual TLS. */
  readonly principal?: string;
  /** Undefined when unknown (a controller's pods have no IP in manifests). */
  readonly sourceIps?: readonly string[];
  readonly destinationIps?: readonly string[];
  /** The TLS server name a client sidecar sends with mTLS; undefined over plaintext. */
  readonly sni?: string;
  readonly port: number;
  /** Undefined: a plain TCP connection; 'any': every possible HTTP request (reach); else one request. */
  readonly http?: HttpFacts | 'any';
  /**
   * At a gateway (use_remote_address true): how many X-Forwarded-For addresses, from the right, it
   * trusts (gatewayTopology.numTrustedProxies). Undefined at a sidecar.
   */
  readonly xffTrustedHops?: number;
}

/**
 * `remoteIpBlocks` and `remote.ip` (Envoy's remote_ip, the "trusted client address" of Envoy's
 * x-forwarded-for rules; `ipBlocks` and `source.ip` are always the connection's, direct_remote_ip):
 * - a sidecar's inbound connection manager has use_remote_address false and zero trusted hops
 *   (listener_inbound.go): the rightmost X-Forwarded-For address when there is one;
 * - a gateway's has use_remote_address true and numTrustedProxies hops (gateway.go
 *   buildGatewayConnectionManager): with N > 0 the Nth address from the right, else (N = 0, or fewer
 *   than N addresses) the connection's source.
 */
function remoteIps(request: MeshRequest): readonly string[] | undefined {
  const forwarded = typeof request.http === 'object' ? request.http.headers.get('x-forwarded-for') : undefined;
  if (forwarded === undefined) return request.sourceIps;
  const entries = forwarded.split(',').map((entry) => entry.trim()).filter(Boolean);
  const hops = request.xffTrustedHops;
  const trusted = hops === undefined ? entries[entries.length - 1] : hops > 0 ? entries[entries.length - hops] : undefined;
  return trusted !== undefined && parseAddress(trusted) ? [trusted] : request.sourceIps;
}

export type HttpField =
  | 'methods' | 'notMethods' | 'paths' | 'notPaths' | 'hosts' | 'notHosts'
  | 'requestPrincipals' | 'notRequestPrincipals' | 'conditions';

/** The HTTP-only conditions under which a rule matches, for summaries ("GET,POST /api/*"). */
export type HttpConstraint = Readonly<Partial<Record<HttpField, readonly string[]>>>;

/**
 * A positive identity condition with literal values: only peers with one of these identities can match.
 * `reach` uses it to look candidates up instead of trying every workload.
 */
export interface IdentityHint {
  /** principal: SPIFFE URIs; namespace: namespace names; serviceAccount: "namespace/account". */
  readonly kind: 'principal' | 'namespace' | 'serviceAccount';
  readonly values: readonly string[];
}

interface Check {
  /** Istio cannot build HTTP-only checks on a TCP filter chain (authz/model/generator.go "is HTTP only"). */
  readonly httpOnly: boolean;
  readonly test: (request: MeshRequest) => Tri;
  readonly summary?: { readonly field: HttpField; readonly values: readonly string[] };
  readonly hint?: IdentityHint;
}

export interface Alternative {
  readonly checks: readonly Check[];
  /** Summary of the HTTP-only checks; undefined when there are none. */
  readonly http?: HttpConstraint;
  readonly hint?: IdentityHint;
}

export interface CompiledRule {
  readonly index: number;
  /** Istio could not build the rule (unknown `when` key, or an invalid value in an ALLOW rule). */
  readonly broken: boolean;
  readonly hasHttpOnly: boolean;
  readonly principals: readonly Alternative[];
  readonly permissions: readonly Alternative[];
}

export interface RuleContext {
  readonly policyNamespace: string;
  /** DENY (and AUDIT) drop what they cannot build; ALLOW drops the whole rule (authz/model/model.go checkError). */
  readonly lenient: boolean;
  readonly trustDomains: readonly string[];
  /** Operations already compiled for other policies of the inventory. */
  readonly operations?: SharedOperations;
}

/**
 * Compiles one rule the way Istio's authz model does (pilot/pkg/security/authz/model/model.go New):
 * each `from` entry is a principal alternative and each `to` entry a permission alternative, both
 * ANDed with the `when` conditions; the rule matches when some principal and some permission match.
 * Within an entry every field must match (AND), within a field any value (OR), `not*` fields negate.
 */
export function compileRule(rule: AuthorizationRule, index: number, context: RuleContext): CompiledRule {
  const builder = new CheckBuilder(context);
  const basePrincipal: Check[] = [];
  const basePermission: Check[] = [];
  for (const condition of rule.when) {
    // model.go New: an unknown attribute fails the rule, whatever its values, for every action.
    if (!isKnownKey(condition.key)) builder.broken = true;
    const target = isPermissionKey(condition.key) ? basePermission : basePrincipal;
    target.push(...builder.condition(condition.key, condition.values, false), ...builder.condition(condition.key, condition.notValues, true));
  }
  const principals = rule.from.length === 0
    ? [alternative(basePrincipal)]
    : rule.from.map((source) => alternative([...builder.source(source), ...basePrincipal]));
  const permissions = rule.to.length === 0
    ? [alternative(basePermission)]
    : rule.to.map((operation) => {
      if (basePermission.length > 0 || !context.operations) return alternative([...builder.operation(operation), ...basePermission]);
      // Without `when` conditions on the permission side, the alternative depends on the operation alone.
      const shared = context.operations.get(operation, context.lenient, () => {
        const own = new CheckBuilder(context);
        return { alternative: alternative(own.operation(operation)), breaksRule: own.broken };
      });
      if (shared.breaksRule) builder.broken = true;
      return shared.alternative;
    });
  const all = [...principals, ...permissions];
  return {
    index,
    broken: builder.broken,
    hasHttpOnly: all.some((alt) => alt.checks.some((check) => check.httpOnly)),
    principals,
    permissions,
  };
}

/**
 * Evaluates a compiled rule. On a TCP connection an ALLOW rule with any HTTP-only field never matches,
 * while a DENY rule is evaluated without those fields (wider), which is Istio's per-rule "rule skipping".
 * Returns the HTTP constraints under which it matches when the answer is MAYBE.
 */
export function evaluateRule(rule: CompiledRule, request: MeshRequest, lenient: boolean): RuleResult {
  if (rule.broken) return NO_MATCH;
  const tcp = request.http === undefined;
  if (tcp && !lenient && rule.hasHttpOnly) return NO_MATCH;
  const principal = anyAlternative(rule.principals, request, tcp);
  if (principal === NO) return NO_MATCH;
  const permission = anyAlternative(rule.permissions, request, tcp);
  if (permission === NO) return NO_MATCH;
  if (principal === YES && permission === YES) return FULL_MATCH;
  const constraints: HttpConstraint[] = [];
  for (const pAlt of rule.principals) {
    const p = evaluateAlternative(pAlt, request, tcp);
    if (p === NO) continue;
    for (const qAlt of rule.permissions) {
      const q = evaluateAlternative(qAlt, request, tcp);
      if (q !== NO) constraints.push(mergeConstraints(p === YES ? undefined : pAlt.http, q === YES ? undefined : qAlt.http));
    }
  }
  return { result: MAYBE, constraints };
}

export interface RuleResult {
  readonly result: Tri;
  /** When MAYBE: the HTTP constraints under which the rule matches. */
  readonly constraints: readonly HttpConstraint[];
}

/** Shared answers for the common cases: no allocation per evaluated rule. */
const NO_MATCH: RuleResult = Object.freeze({ result: NO, constraints: Object.freeze([]) });
const FULL_MATCH: RuleResult = Object.freeze({ result: YES, constraints: Object.freeze([]) });

function anyAlternative(alternatives: readonly Alternative[], request: MeshRequest, tcp: boolean): Tri {
  let result: Tri = NO;
  for (let i = 0; i < alternatives.length; i++) {
    const value = evaluateAlternative(alternatives[i], request, tcp);
    if (value === YES) return YES;
    if (value === MAYBE) result = MAYBE;
  }
  return result;
}

function evaluateAlternative(alt: Alternative, request: MeshRequest, tcp: boolean): Tri {
  let result: Tri = YES;
  for (const check of alt.checks) {
    if (tcp && check.httpOnly) continue;
    const value = check.test(request);
    if (value === NO) return NO;
    if (value === MAYBE) result = MAYBE;
  }
  return result;
}

function alternative(checks: Check[]): Alternative {
  const http: Partial<Record<HttpField, string[]>> = {};
  for (const check of checks) {
    if (check.summary) (http[check.summary.field] ??= []).push(...check.summary.values);
  }
  const hint = checks.find((check) => check.hint)?.hint;
  return { checks, ...(Object.keys(http).length > 0 ? { http } : {}), ...(hint ? { hint } : {}) };
}

function mergeConstraints(a: HttpConstraint | undefined, b: HttpConstraint | undefined): HttpConstraint {
  const merged: Partial<Record<HttpField, readonly string[]>> = { ...a };
  for (const [field, values] of Object.entries(b ?? {}) as [HttpField, readonly string[]][]) {
    merged[field] = [...(merged[field] ?? []), ...values];
  }
  return merged;
}

const JWT_KEYS = new Set(['request.auth.principal', 'request.auth.audiences', 'request.auth.presenter']);
const PLAIN_KEYS = new Set([
  'source.ip', 'remote.ip', 'destination.ip', 'destination.port', 'source.namespace', 'source.principal',
  'source.serviceAccount', 'source.trustDomain', 'connection.sni', ...JWT_KEYS,
]);

/** The attributes authz/model/model.go New knows. */
function isKnownKey(key: string): boolean {
  return PLAIN_KEYS.has(key) || key.startsWith('request.headers') || key.startsWith('request.auth.claims')
    || key.startsWith('experimental.envoy.filters.');
}

/** `when` keys that Istio attaches to the permission side; all others belong to principals. */
function isPermissionKey(key: string): boolean {
  return key === 'destination.ip' || key === 'destination.port' || key === 'connection.sni'
    || key.startsWith('experimental.envoy.filters.');
}

/** Builds checks, remembering whether Istio would have failed to build the rule. */
class CheckBuilder {
  broken = false;

  constructor(private readonly context: RuleContext) {}

  source(source: AuthorizationSource): Check[] {
    const { trustDomains, policyNamespace } = this.context;
    return [
      ...this.both(source.principals, source.notPrincipals, (values) => {
        const principals = replaceTrustDomainAliases(values, trustDomains);
        // Flat strings (join, not a template): `reach` looks identities up by them.
        return this.identity(principalsMatcher(principals), literalHint('principal', principals.map((v) => ['spiffe://', v].join(''))));
      }),
      ...this.both(source.namespaces, source.notNamespaces, (values) =>
        this.identity(anyMatcher(values.map(namespaceMatcher)), literalHint('namespace', values))),
      ...this.both(source.serviceAccounts, source.notServiceAccounts, (values) =>
        this.identity(anyMatcher(values.map((value) => serviceAccountMatcher(value, policyNamespace))),
          literalHint('serviceAccount', values.map((value) => (value.includes('/') ? value : `${policyNamespace}/${value}`))))),
      ...this.both(source.trustDomains, source.notTrustDomains, (values) =>
        this.identity(anyMatcher(expandTrustDomainAliases(values, trustDomains).map(trustDomainMatcher)))),
      ...this.both(source.ipBlocks, source.notIpBlocks, (values, negated) => this.addresses(values, (r) => r.sourceIps, negated)),
      ...this.both(source.remoteIpBlocks, source.notRemoteIpBlocks, (values, negated) => this.remoteAddresses(values, negated)),
      ...this.both(source.requestPrincipals, source.notRequestPrincipals, (values, negated) =>
        jwt(negated ? 'notRequestPrincipals' : 'requestPrincipals', values)),
    ];
  }

  operation(operation: AuthorizationOperation): Check[] {
    return [
      ...this.both(operation.ports, operation.notPorts, (values) => this.ports(values)),
      ...this.both(operation.methods, operation.notMethods, (values, negated) =>
        http(negated ? 'notMethods' : 'methods', values, values.map(headerMatcher), (facts) => facts.method)),
      ...this.both(operation.paths, operation.notPaths, (values, negated) =>
        http(negated ? 'notPaths' : 'paths', values, values.map(pathMatcher), (facts) => facts.path)),
      ...this.both(operation.hosts, operation.notHosts, (values, negated) =>
        http(negated ? 'notHosts' : 'hosts', values, values.map(hostMatcher), (facts) => facts.host)),
    ];
  }

  /** A `when` condition (authz/model/model.go New; unknown keys make the rule fail to build). */
  condition(key: string, values: readonly string[], negated: boolean): Check[] {
    if (values.length === 0) return [];
    const { trustDomains, policyNamespace } = this.context;
    const built = ((): Check | undefined => {
      switch (key) {
        case 'source.ip':
          return this.addresses(values, (r) => r.sourceIps, negated);
        case 'remote.ip':
          return this.remoteAddresses(values, negated);
        case 'destination.ip':
          return this.addresses(values, (r) => r.destinationIps, negated);
        case 'destination.port':
          return this.ports(values);
        case 'source.namespace':
          return this.identity(anyMatcher(values.map(namespaceMatcher)));
        case 'source.principal':
          return this.identity(principalsMatcher(replaceTrustDomainAliases(values, trustDomains)));
        case 'source.serviceAccount':
          return this.identity(anyMatcher(values.map((value) => serviceAccountMatcher(value, policyNamespace))));
        case 'source.trustDomain':
          return this.identity(anyMatcher(expandTrustDomainAliases(values, trustDomains).map(trustDomainMatcher)));
        case 'connection.sni': {
          // generator.go connSNIGenerator: StringMatcher on the TLS server name, which only mTLS carries.
          const matchers = values.map((value) => prefixedMatcher(value, ''));
          return { httpOnly: false, test: (request) => fromBoolean(request.sni !== undefined && matchers.some((m) => m(request.sni as string))) };
        }
        default:
          return this.prefixedCondition(key, values, negated);
      }
    })();
    if (!built) return [];
    return [negated ? negate(built) : built];
  }

  private prefixedCondition(key: string, values: readonly string[], negated: boolean): Check | undefined {
    const summary = `${key} ${negated ? 'not in' : 'in'} [${values.join(', ')}]`;
    if (key.startsWith('experimental.envoy.filters.')) return unknowable();
    if (JWT_KEYS.has(key) || /^request\.auth\.claims\[.+\]$/.test(key)) return jwt('conditions', [summary]);
    const header = /^request\.headers\[(.+)\]$/.exec(key);
    if (header) {
      const name = header[1].toLowerCase();
      const matchers = values.map(headerMatcher);
      return http('conditions', [summary], matchers, (facts) => headerValue(facts, name));
    }
    return this.invalid(); // a malformed request.headers or request.auth.claims key
  }

  /** A positive and a negative check for one field, skipping what is empty. */
  private both(
    values: readonly string[] | undefined,
    notValues: readonly string[] | undefined,
    build: (values: readonly string[], negated: boolean) => Check | undefined,
  ): Check[] {
    const checks: Check[] = [];
    const positive = values?.length ? build(values, false) : undefined;
    if (positive) checks.push(positive);
    const negative = notValues?.length ? build(notValues, true) : undefined;
    if (negative) checks.push(negate(negative));
    return checks;
  }

  /** Identity fields match the mTLS peer certificate; plaintext has no identity and never matches. */
  private identity(matches: Matcher, hint?: IdentityHint): Check {
    return {
      httpOnly: false,
      test: (request) => fromBoolean(request.principal !== undefined && matches(request.principal)),
      ...(hint ? { hint } : {}),
    };
  }

  /**
   * An address field or condition. `negated`: the caller negates the result (`notIpBlocks`...), which
   * matters when the address is not known (`unknownAddressInside`): then the rule must not claim
   * access that depends on it, so an ALLOW rule does not match and a DENY (or CUSTOM, AUDIT) rule does.
   */
  private addresses(values: readonly string[], pick: (request: MeshRequest) => readonly string[] | undefined, negated: boolean): Check | undefined {
    const blocks = this.keepValid(values.map((value) => parseCidr(value)));
    if (!blocks) return undefined;
    const whenUnknown = fromBoolean(this.context.lenient !== negated);
    return {
      httpOnly: false,
      test: (request) => {
        const addresses = pick(request);
        if (addresses !== undefined) return fromBoolean(blocks.some((block) => addresses.some((address) => cidrContains(block, address))));
        const inside = blocks.map(unknownAddressInside);
        return inside.includes('yes') ? YES : inside.every((answer) => answer === 'no') ? NO : whenUnknown;
      },
    };
  }

  /**
   * The client address as Envoy's remote_ip: over TCP the connection's source; over HTTP the
   * X-Forwarded-For header can name another, so "every request" (reach) depends on the header.
   */
  private remoteAddresses(values: readonly string[], negated: boolean): Check | undefined {
    const direct = this.addresses(values, remoteIps, negated);
    if (!direct) return undefined;
    return {
      ...direct,
      summary: { field: 'conditions', values: [`remote IP (X-Forwarded-For) ${negated ? 'not in' : 'in'} [${values.join(', ')}]`] },
      // A gateway that trusts no hop ignores the header: every request has the connection's address.
      test: (request) => (request.http === 'any' && request.xffTrustedHops !== 0 ? MAYBE : direct.test(request)),
    };
  }

  private ports(values: readonly string[]): Check | undefined {
    const ports = this.keepValid(values.map((value) => (/^\d+$/.test(value) ? Number(value) : undefined)));
    if (!ports) return undefined;
    return { httpOnly: false, test: (request) => fromBoolean(ports.includes(request.port)) };
  }

  /**
   * Drops values Istio cannot convert. In an ALLOW rule that fails the whole rule; in a DENY rule only the
   * value is skipped (and with no value left, the field constrains nothing).
   */
  private keepValid<T>(parsed: readonly (T | undefined)[]): T[] | undefined {
    if (parsed.some((value) => value === undefined)) {
      if (!this.context.lenient) this.broken = true;
    }
    const valid = parsed.filter((value): value is T => value !== undefined);
    return valid.length > 0 ? valid : undefined;
  }

  private invalid(): undefined {
    if (!this.context.lenient) this.broken = true;
    return undefined;
  }
}

function http(
  field: HttpField,
  summaryValues: readonly string[],
  matchers: readonly Matcher[],
  pick: (facts: HttpFacts) => string | undefined,
): Check {
  return {
    httpOnly: true,
    summary: { field, values: summaryValues },
    test: (request) => {
      if (request.http === 'any') return MAYBE;
      const value = request.http === undefined ? undefined : pick(request.http);
      return fromBoolean(value !== undefined && matchers.some((m) => m(value)));
    },
  };
}

/**
 * A request header as Envoy's HeaderMatcher sees it (generator.go builds `request.headers[...]` with
 * the same matcher as methods and hosts): the pseudo-headers :method, :authority and :path are the
 * request's method, host and path (with its query).
 */
function headerValue(facts: HttpFacts, name: string): string | undefined {
  switch (name) {
    case ':method': return facts.method;
    case ':authority': return facts.host;
    case ':path': return facts.path;
    default: return facts.headers.get(name);
  }
}

/** Request authentication (JWT) attributes: a `check` request carries no token, reach cannot know. */
function jwt(field: HttpField, summaryValues: readonly string[]): Check {
  return {
    httpOnly: true,
    summary: { field, values: summaryValues },
    test: (request) => (request.http === 'any' ? MAYBE : NO),
  };
}

/** Attributes the manifests cannot tell (Envoy filter metadata): treated as absent. */
function unknowable(): Check {
  return { httpOnly: false, test: () => NO };
}

/** `not*` fields and `notValues`: the summary already reads negatively (notMethods, "not in"); no hint. */
function negate(check: Check): Check {
  return {
    httpOnly: check.httpOnly,
    test: (request) => not(check.test(request)),
    ...(check.summary ? { summary: check.summary } : {}),
  };
}

/** Wildcards ("*", prefixes, suffixes) cannot be looked up. */
function literalHint(kind: IdentityHint['kind'], values: readonly string[]): IdentityHint | undefined {
  return values.some((value) => value.includes('*')) ? undefined : { kind, values };
}
