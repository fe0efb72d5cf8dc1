import { labelsSubsetOf } from '../model/labels';
import { AuthorizationPolicy, Workload } from '../model/types';
import { CompiledRule, HttpConstraint, MeshRequest, compileRule, evaluateRule } from './authorization-rules';
import { SharedOperations } from './shared-operations';
import { MAYBE, YES } from './tri';

/** An AuthorizationPolicy ready for evaluation. */
export interface CompiledPolicy {
  readonly policy: AuthorizationPolicy;
  readonly rules: readonly CompiledRule[];
}

/** The enforced policies of one workload, by action. */
export interface ApplicablePolicies {
  readonly deny: readonly CompiledPolicy[];
  /**
   * DENY rules the proxy installs on HTTP filter chains only: dry-run CUSTOM policies whose provider has
   * no TCP ext_authz filter (see `customPlacement`). They never match a plain TCP connection.
   */
  readonly httpDeny: readonly CompiledPolicy[];
  readonly allow: readonly CompiledPolicy[];
  /**
   * Policies that apply but are not enforced here, described ("CUSTOM AuthorizationPolicy/ns/x (external
   * authorizer)"): CUSTOM delegates to an authorizer the manifests do not describe, AUDIT and dry-run only log.
   */
  readonly notEnforced: readonly string[];
}

/** A rule that matches only some HTTP requests, with those requests described. */
export interface HttpRuleMatch {
  readonly policy: string;
  readonly rule: number;
  readonly constraint: HttpConstraint;
}

/** For an evaluation over every HTTP request: which ones the decision is limited to. */
export interface HttpAccess {
  /** Requests are allowed only when they match one of these (absent: no ALLOW restriction). */
  readonly allowedWhen?: readonly HttpRuleMatch[];
  /** Requests matching one of these are denied. */
  readonly deniedWhen?: readonly HttpRuleMatch[];
}

export interface AuthorizationDecision {
  readonly allowed: boolean;
  readonly reason: string;
  /** Only when the request was "any HTTP request" and the answer depends on which. */
  readonly http?: HttpAccess;
}

/** `operations`, shared by the policies of an inventory, lets them share their compiled operations. */
export function compilePolicy(policy: AuthorizationPolicy, trustDomains: readonly string[], operations?: SharedOperations): CompiledPolicy {
  const context = { policyNamespace: policy.namespace, lenient: policy.action !== 'ALLOW', trustDomains, operations };
  return { policy, rules: policy.rules.map((rule, index) => compileRule(rule, index, context)) };
}

/** What istiod can build for CUSTOM policies, from the mesh config (when the manifests carry it). */
export interface ExtAuthzProviders {
  /** Usable envoyExtAuthzHttp/Grpc providers; undefined when unknown (every provider is taken as usable). */
  readonly usable?: readonly string[];
  /** Those with a TCP ext_authz filter (envoyExtAuthzGrpc). */
  readonly servingTcp?: readonly string[];
}

/**
 * Which policies a proxy enforces for a workload (pilot/pkg/model/authorization.go
 * ListAuthorizationPolicies): those of the root namespace and of the workload's namespace that attach
 * to it (see `attaches`); dry-run policies only log; AUDIT only logs; unknown actions are dropped by
 * istiod. CUSTOM policies are placed by `customPlacement`.
 */
export function selectApplicable(
  workload: Workload,
  policies: readonly CompiledPolicy[],
  rootNamespace: string,
  providers: ExtAuthzProviders = {},
): ApplicablePolicies {
  const deny: CompiledPolicy[] = [];
  const httpDeny: CompiledPolicy[] = [];
  const allow: CompiledPolicy[] = [];
  const notEnforced: string[] = [];
  const attached = policies.filter(({ policy }) => (policy.namespace === rootNamespace || policy.namespace === workload.namespace)
    && attaches(policy, workload));
  // builder.go build() makes a rule set per provider for every CUSTOM policy, dry-run ones included,
  // so a dry-run policy's provider counts among the workload's providers.
  const customProviders = new Set(attached.filter(({ policy }) => policy.action === 'CUSTOM').map(({ policy }) => policy.provider ?? ''));
  for (const compiled of attached) {
    const { policy } = compiled;
    if (policy.action === 'CUSTOM') {
      const placement = customPlacement(policy, customProviders.size, providers);
      if (placement === 'deny') deny.push(compiled);
      else if (placement === 'httpDeny') httpDeny.push(compiled);
      else notEnforced.push(`CUSTOM ${policy.ref} (${placement})`);
    } else if (policy.dryRun) notEnforced.push(`${policy.action} ${policy.ref} (dry-run)`);
    else if (policy.action === 'ALLOW') allow.push(compiled);
    else if (policy.action === 'DENY') deny.push(compiled);
    else if (policy.action === 'AUDIT') notEnforced.push(`AUDIT ${policy.ref} (logging only)`);
  }
  return { deny, httpDeny, allow, notEnforced };
}

/**
 * Where istiod 1.30 puts a CUSTOM policy's rules (builder.go buildHTTP/buildTCP; CUSTOM rules are
 * built with action DENY):
 * - the workload has more than one provider (PILOT_ENABLE_MULTIPLE_CUSTOM_AUTHZ_PROVIDERS is off by
 *   default), or the provider is not one istiod can build: "will generate deny configs" from the
 *   enforced rules (getBadCustomDenyRules), the dry-run rules are dropped;
 * - a usable provider: the enforced rules are shadow rules that only trigger the external authorizer
 *   (not judged here), while the dry-run rules become the RBAC filter's enforced `rules`, whose action
 *   is DENY: what they match is denied. On TCP only a provider with a TCP filter (gRPC) gets them.
 * Without the mesh config (providers unknown) CUSTOM policies are left unenforced.
 * Returns the deny list to join, or why the policy is not enforced here.
 */
function customPlacement(policy: AuthorizationPolicy, providerCount: number, providers: ExtAuthzProviders): 'deny' | 'httpDeny' | string {
  const provider = policy.provider ?? '';
  const usable = providerCount === 1 && (providers.usable === undefined || providers.usable.includes(provider));
  if (!usable) return policy.dryRun ? 'dry-run; its provider is unusable or one of several, so istiod drops its rules' : 'deny';
  if (!policy.dryRun) return 'external authorizer';
  // Without the mesh config the provider may be one istiod cannot build, which drops the dry-run
  // rules: like an enforced CUSTOM policy of an unknown provider, it is left unenforced.
  if (providers.usable === undefined) return 'dry-run; its provider is unknown without the mesh config';
  return providers.servingTcp?.includes(provider) ? 'deny' : 'httpDeny';
}

/** The label on a Gateway API gateway's pods naming their Gateway (policyattachment.go workloadGatewayName). */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/**
 * policyattachment.go ShouldAttachPolicy for sidecars and gateways (waypoints are not modelled). A
 * policy without targetRefs attaches by selector (absent, or a subset of the workload's labels); Gateway
 * API gateways take those too (ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY, on by default). A policy with
 * targetRefs never attaches by selector: only to the pods of a Gateway one of them names (group
 * gateway.networking.k8s.io, kind Gateway, the pods' gateway-name label), in the policy's own namespace;
 * a reference to another namespace never matches.
 */
function attaches(policy: AuthorizationPolicy, workload: Workload): boolean {
  if (policy.targetRefs.length === 0) return !policy.selector || labelsSubsetOf(policy.selector, workload.labels);
  const gatewayName = workload.labels.get(GATEWAY_NAME_LABEL);
  if (gatewayName === undefined || policy.namespace !== workload.namespace) return false;
  return policy.targetRefs.some((ref) => (ref.namespace === undefined || ref.namespace === workload.namespace)
    && ref.group === GATEWAY_API_GROUP && ref.kind === 'Gateway' && ref.name === gatewayName);
}

/**
 * Istio's order (builder.go): DENY policies first (any matching rule denies), then, when ALLOW policies
 * exist, some rule of one of them must match. A policy without rules matches nothing, so an ALLOW
 * policy `spec: {}` denies everything.
 */
export function authorize(applicable: ApplicablePolicies, request: MeshRequest, destination: string): AuthorizationDecision {
  const note = notEnforcedNote(applicable);
  const deniedWhen: HttpRuleMatch[] = [];
  const denying = request.http === undefined || applicable.httpDeny.length === 0 ? applicable.deny : [...applicable.deny, ...applicable.httpDeny];
  for (const { policy, rules } of denying) {
    for (const rule of rules) {
      const { result, constraints } = evaluateRule(rule, request, true);
      if (result === YES) {
        return { allowed: false, reason: `denied by ${policy.ref} (${denyingRule(policy, rule.index)})${note}` };
      }
      if (result === MAYBE) deniedWhen.push(...constraints.map((constraint) => ({ policy: policy.ref, rule: rule.index, constraint })));
    }
  }
  const denyPart: HttpAccess | undefined = deniedWhen.length > 0 ? { deniedWhen } : undefined;
  if (applicable.allow.length === 0) {
    return { allowed: true, reason: `no ALLOW AuthorizationPolicy applies to ${destination}${note}`, http: denyPart };
  }
  const allowedWhen: HttpRuleMatch[] = [];
  for (const { policy, rules } of applicable.allow) {
    for (const rule of rules) {
      const { result, constraints } = evaluateRule(rule, request, false);
      if (result === YES) {
        return { allowed: true, reason: `allowed by ${policy.ref} (rule ${rule.index})${note}`, http: denyPart };
      }
      if (result === MAYBE) allowedWhen.push(...constraints.map((constraint) => ({ policy: policy.ref, rule: rule.index, constraint })));
    }
  }
  if (allowedWhen.length > 0) {
    const matching = [...new Set(allowedWhen.map((match) => match.policy))].join(', ');
    return { allowed: true, reason: `allowed for some HTTP requests by ${matching}${note}`, http: { allowedWhen, ...denyPart } };
  }
  return { allowed: false, reason: noAllowRuleMatches(applicable, destination) };
}

function denyingRule(policy: AuthorizationPolicy, index: number): string {
  if (policy.action !== 'CUSTOM') return `DENY rule ${index}`;
  if (policy.dryRun) {
    return `dry-run CUSTOM rule ${index}: istiod installs the rules of a dry-run CUSTOM policy as the RBAC filter's enforced rules, whose action is DENY`;
  }
  return `CUSTOM rule ${index}: istiod cannot use provider ${JSON.stringify(policy.provider ?? '')} (undefined or invalid in the mesh config, or one of several on the workload), so it denies what the rule matches`;
}

/** The denial when ALLOW policies apply and none of their rules matches; `reach` counts sources under it. */
export function noAllowRuleMatches(applicable: ApplicablePolicies, destination: string): string {
  const refs = applicable.allow.map(({ policy }) => policy.ref).join(', ');
  return `no rule of the ALLOW policies of ${destination} matches (${refs})${notEnforcedNote(applicable)}`;
}

function notEnforcedNote(applicable: ApplicablePolicies): string {
  return applicable.notEnforced.length > 0 ? `; not enforced: ${applicable.notEnforced.join(', ')}` : '';
}
