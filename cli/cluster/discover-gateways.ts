import type { Workload } from '../../analyzer';
import { GATEWAY_NAME_LABEL } from '../../analyzer/mesh/authorization';
import { asksForGatewayTemplate } from '../../analyzer/mesh/injection';

/**
 * Istio gateways: pods that proxy traffic for others. They are platform, not mesh services: declared
 * as a service, the gateway's namespace would get the mesh's default-deny and the gateway's own calls
 * would need declaring. The mesh knows its ingress gateway from the Mesh's `ingressGateway` setting and
 * lets it call a service through `Peer.ingressGateway()`; further gateways through `Peer.ingressGateway(settings)`.
 */

/** A gateway workload left out of the scaffold. */
export interface ScaffoldGateway {
  /** `namespace/name` of the workload. */
  readonly workload: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  /** The pod labels that `ingressGateway.labels` would select it by. */
  readonly labels: Readonly<Record<string, string>>;
  /** The label, annotation or container that makes it a gateway. */
  readonly because: string;
  /** `namespace/name` of the Kubernetes Services in front of it (also left out). */
  readonly services: readonly string[];
}

/** The istio-ingressgateway of Istio's installation profiles and gateway chart. */
const CLASSIC_GATEWAY_LABEL = ['istio', 'ingressgateway'] as const;
const INJECTION_TEMPLATES = 'inject.istio.io/templates';

/**
 * Why the workload is a gateway, and the labels to select it by (undefined: its own selector), or
 * undefined when it is not one: the Gateway API label, the classic `istio: ingressgateway` label, the
 * `gateway` injection template (the gateway Helm chart's), or an istio-proxy container running `router`.
 */
export function gatewaySignal(workload: Workload): { because: string; labels?: Record<string, string> } | undefined {
  const gatewayName = workload.labels.get(GATEWAY_NAME_LABEL);
  if (gatewayName !== undefined) return { because: `label ${GATEWAY_NAME_LABEL}=${gatewayName}`, labels: { [GATEWAY_NAME_LABEL]: gatewayName } };
  const [key, value] = CLASSIC_GATEWAY_LABEL;
  if (workload.labels.get(key) === value) return { because: `label ${key}=${value}`, labels: { [key]: value } };
  if (asksForGatewayTemplate(workload.annotations)) {
    return { because: `annotation ${INJECTION_TEMPLATES}=${workload.annotations.get(INJECTION_TEMPLATES)}` };
  }
  // The analyzer marks pods whose istio-proxy container already runs `proxy router` (and injected
  // gateway templates, handled above) as gateways.
  if (workload.sidecar.gateway) return { because: 'its istio-proxy container runs a gateway (proxy router)' };
  return undefined;
}

/** Whether a selector can only mean gateway pods (a Service of a gateway none of whose pods were read). */
export function selectsGateway(selector: ReadonlyMap<string, string>): boolean {
  return selector.has(GATEWAY_NAME_LABEL) || selector.get(CLASSIC_GATEWAY_LABEL[0]) === CLASSIC_GATEWAY_LABEL[1];
}

/** What the scaffold's notes say about the gateways: what was left out, and how to declare them instead. */
export function gatewayNotes(gateways: readonly ScaffoldGateway[], declaredNamespaces: ReadonlySet<string>): string[] {
  const notes = gateways.map((gateway) => {
    const services = gateway.services.length > 0 ? `, as is Service ${gateway.services.join(', ')} in front of it` : '';
    const labels = Object.entries(gateway.labels).map(([key, value]) => `'${key}': '${value}'`).join(', ');
    const settings = `{ namespace: '${gateway.namespace}', serviceAccount: '${gateway.serviceAccountName}', labels: { ${labels} } }`;
    return `workload ${gateway.workload} is a gateway (${gateway.because}), not a mesh service: left out${services}. `
      + `If it is your ingress gateway, declare it in the Mesh's props, ingressGateway: ${settings}, `
      + `and let it call a service with service.allowFrom(Peer.ingressGateway()); if the Mesh has another ingress gateway, let this one call with service.allowFrom(Peer.ingressGateway(${settings}))`;
  });
  for (const namespace of [...new Set(gateways.map((gateway) => gateway.namespace))]) {
    notes.push(declaredNamespaces.has(namespace)
      ? `namespace ${namespace} holds a gateway and services: the mesh's default-deny would hold the gateway too, and the Mesh refuses `
        + 'to declare the namespace of its ingressGateway; run the gateway in a namespace of its own'
      : `namespace ${namespace} holds only gateways: not declared (the mesh's default-deny would cut them off)`);
  }
  return notes;
}
