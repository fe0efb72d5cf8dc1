// ClusterRole aggregation, as kubernetes/kubernetes pkg/controller/clusterroleaggregation
// (syncClusterRole) keeps it: a ClusterRole with an aggregationRule gets, in place of its own rules,
// the rules of every other ClusterRole whose labels match any of its clusterRoleSelectors (selectors
// in order, matching roles by name, duplicates dropped). Manifests show the rules as written, so the
// controller's end state is computed here.

import { compareStrings } from '../load/files';
import { selectorMatches } from '../model/labels';
import { RbacRole, RbacRule } from '../model/types';

/** A rule in effect for a role, and the role that holds it in the manifests (another one when aggregated). */
export interface SourcedRule {
  readonly rule: RbacRule;
  readonly heldBy: RbacRole;
}

export class ClusterRoleAggregator {
  private readonly byName: readonly RbacRole[];
  private readonly effective = new Map<RbacRole, readonly SourcedRule[]>();

  constructor(clusterRoles: readonly RbacRole[]) {
    this.byName = [...clusterRoles].sort((a, b) => compareStrings(a.name, b.name));
  }

  /** The rules a ClusterRole has once the aggregation controller has run. */
  rulesOf(role: RbacRole): readonly SourcedRule[] {
    let rules = this.effective.get(role);
    if (!rules) {
      rules = role.aggregationRule ? this.aggregate(role, new Set()) : role.rules.map((rule) => ({ rule, heldBy: role }));
      this.effective.set(role, rules);
    }
    return rules;
  }

  /**
   * An aggregated role that matches another aggregated role receives that one's aggregated rules (the
   * controller re-syncs every aggregated role on each change until they settle). `visiting` stops
   * cycles: a role already being aggregated adds nothing beyond what the walk reaches anyway.
   */
  private aggregate(role: RbacRole, visiting: Set<RbacRole>): SourcedRule[] {
    visiting.add(role);
    const rules: SourcedRule[] = [];
    const seen = new Set<string>();
    for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
      for (const candidate of this.byName) {
        if (candidate === role || visiting.has(candidate) || !selectorMatches(selector, candidate.labels)) continue;
        const contributed = candidate.aggregationRule
          ? this.aggregate(candidate, visiting)
          : candidate.rules.map((rule) => ({ rule, heldBy: candidate }));
        for (const sourced of contributed) {
          const key = ruleKey(sourced.rule);
          if (seen.has(key)) continue;
          seen.add(key);
          rules.push(sourced);
        }
      }
    }
    visiting.delete(role);
    return rules;
  }
}

/** ruleExists compares with equality.Semantic.DeepEqual, for which an empty list equals an absent one. */
function ruleKey(rule: RbacRule): string {
  return JSON.stringify([rule.verbs, rule.apiGroups, rule.resources, rule.resourceNames, rule.nonResourceURLs]);
}
