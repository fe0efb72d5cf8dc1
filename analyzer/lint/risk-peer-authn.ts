// Risky PeerAuthentications, from istio/istio@1.30.3 pilot/pkg/security/authn/policy_applier.go
// (ComposePeerAuthentication ignores policies with a selector in the root namespace) and the
// PeerAuthentication reference (a workload policy that selects nothing is likely a typo).

import { Inventory, workloadsIn } from './inventory';
import { Findings, JsonObject, objectField, refOf, show, stringMap } from './objects';
import { workloadSelectorMatches } from './selectors';

export function lintPeerAuthenticationRisks(policy: JsonObject, inventory: Inventory, rootNamespace: string, findings: Findings): void {
  const spec = objectField(policy, 'spec');
  const selector = objectField(spec, 'selector');
  if (Object.keys(stringMap(selector?.matchLabels)).length === 0) return;
  const namespace = refOf(policy).namespace;
  if (namespace === rootNamespace) {
    findings.warning(`a PeerAuthentication with a selector in the root namespace ${rootNamespace} is ignored by Istio (only selector-less mesh policies count there): move it to the workload's namespace or drop the selector`);
    return;
  }
  const candidates = workloadsIn(inventory, namespace);
  if (candidates.length > 0 && !candidates.some((w) => workloadSelectorMatches(spec, w.labels))) {
    findings.warning(`spec.selector ${show(selector)} matches no workload of namespace ${namespace} in the input (${candidates.map((w) => w.name).join(', ')}); likely a typo in the labels`);
  }
}
