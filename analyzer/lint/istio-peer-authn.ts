// PeerAuthentication admission, from istio/istio@1.30.3 pkg/config/validation/validation.go
// (ValidatePeerAuthentication, validateWorkloadSelector, validateMetadata) and the CRD's CEL rules
// (istio/api v1.30.3: "portLevelMtls requires selector", "port must be between 1-65535").

import { checkIstioAnnotations, validateWorkloadSelector } from './istio-common';
import { annotationsOf, Findings, isObject, JsonObject, objectField, show, stringMap } from './objects';

export function lintPeerAuthenticationAdmission(policy: JsonObject, findings: Findings): void {
  const spec = objectField(policy, 'spec');
  checkIstioAnnotations(annotationsOf(policy), undefined, findings);
  validateWorkloadSelector(spec, findings);
  const portLevelMtls = isObject(spec) ? spec.portLevelMtls : undefined;
  if (!isObject(portLevelMtls)) return; // absent, or mistyped (a schema error)
  const selectorLabels = stringMap(objectField(objectField(spec, 'selector'), 'matchLabels'));
  if (Object.keys(selectorLabels).length === 0) {
    findings.error(
      'spec.portLevelMtls requires a selector with matchLabels: a namespace- or mesh-wide PeerAuthentication cannot set port-level mTLS; add spec.selector.matchLabels for the workload, or move the ports into a workload policy',
    );
  }
  for (const port of Object.keys(portLevelMtls)) {
    // The map key is a uint32 for the webhook, read as a JSON number (golang/protobuf jsonpb): decimal
    // digits without a leading zero ("08080" fails there, though the CEL rule's int(key) would take it).
    if (!/^(0|[1-9][0-9]*)$/.test(port)) {
      findings.error(`spec.portLevelMtls key ${show(port)} is not a port number: use the container port, e.g. "8080"`);
    } else if (Number(port) < 1 || Number(port) > 65535) {
      findings.error(`spec.portLevelMtls port ${port} is outside 1-65535: use the container port number`);
    }
  }
}
