import { k8s } from 'cdk8s-plus-27';
import type { MeshPeerConfig } from '../peer';
import { resolveIngressGateway, ResolvedPlatform } from '../platform';
import type { MeshService } from '../service';

/** The label that the API server puts on every namespace, so namespaces can be selected by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const namespaceSelector = (namespace: string): k8s.LabelSelector => ({ matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } });

/** The NetworkPolicy peer of a mesh service, seen from a policy in `fromNamespace`. */
export function servicePeer(service: MeshService, fromNamespace: string): k8s.NetworkPolicyPeer {
  const podSelector = { matchLabels: { ...service.selector } };
  return service.namespaceName === fromNamespace ? { podSelector } : { namespaceSelector: namespaceSelector(service.namespaceName), podSelector };
}

/** Pods found by labels in a namespace, as a NetworkPolicy peer (always with its namespace). */
export function podsPeer(namespace: string, labels: Readonly<Record<string, string>>): k8s.NetworkPolicyPeer {
  return { namespaceSelector: namespaceSelector(namespace), podSelector: { matchLabels: { ...labels } } };
}

/** A peer of an edge as a NetworkPolicy peer of a policy in `fromNamespace`. */
export function networkPeer(peer: MeshPeerConfig, fromNamespace: string, platform: ResolvedPlatform): k8s.NetworkPolicyPeer {
  switch (peer.kind) {
    case 'service': return servicePeer(peer.service, fromNamespace);
    case 'namespace': return { namespaceSelector: namespaceSelector(peer.namespace) };
    case 'ingressGateway': {
      const gateway = resolveIngressGateway(platform, peer.gateway);
      return podsPeer(gateway.namespace, gateway.labels);
    }
    case 'ipBlock': return { ipBlock: { cidr: peer.cidr, except: peer.except.length ? [...peer.except] : undefined } };
  }
}

/** The Istio identity of a workload. */
export function principal(platform: ResolvedPlatform, namespace: string, serviceAccount: string): string {
  return `${platform.trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}
