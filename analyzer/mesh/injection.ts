import { Labels } from '../model/labels';
import { Namespace, Sidecar } from '../model/types';
import { ProxyRole } from '../model/workloads';

const INJECT = 'sidecar.istio.io/inject';
const REVISION = 'istio.io/rev';
const NAMESPACE_INJECTION = 'istio-injection';
const TEMPLATES = 'inject.istio.io/templates';

/** pkg/kube/inject/initializer.go IgnoredNamespaces: never injected, whatever their labels say. */
const IGNORED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

export interface PodFacts {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly hostNetwork: boolean;
  readonly runningProxy?: ProxyRole;
}

/**
 * Whether Istio's injector gives this pod a sidecar. Two steps, as in a cluster:
 * 1. one of the MutatingWebhookConfiguration's webhooks must select the pod
 *    (manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml): namespace label
 *    `istio-injection=enabled`, or namespace `istio.io/rev` (without `istio-injection`), or, in a
 *    namespace with neither label, pod label `sidecar.istio.io/inject=true` or pod label `istio.io/rev`;
 *    a pod label `sidecar.istio.io/inject=false` excludes the pod from every webhook;
 * 2. the injector's injectRequired (pkg/kube/inject/inject.go): hostNetwork pods and system namespaces
 *    are skipped; the pod label, else the deprecated annotation, `sidecar.istio.io/inject` decides, and
 *    without either the default policy (enabled) injects.
 * Any `istio.io/rev` value is assumed to name an installed revision.
 */
export function decideSidecar(pod: PodFacts, namespace: Namespace): Sidecar {
  // The injector skips pods that already run the proxy (inject.go injectRequired, "already injected"),
  // and Istio's gateway Deployments carry theirs, `proxy router`, with injection turned off.
  if (pod.runningProxy === 'router') return { injected: true, gateway: true, because: 'its istio-proxy container runs a gateway (proxy router)' };
  if (pod.runningProxy === 'sidecar') return { injected: true, gateway: false, because: 'its istio-proxy container is already injected' };
  const webhook = matchingWebhook(pod, namespace);
  if (!webhook) return notInjected(noWebhookReason(pod, namespace));
  if (pod.hostNetwork) return notInjected('hostNetwork pods are never injected');
  if (IGNORED_NAMESPACES.has(namespace.name)) return notInjected(`namespace ${namespace.name} is never injected`);
  const label = pod.labels.get(INJECT);
  const annotation = pod.annotations.get(INJECT);
  const choice = label ?? annotation;
  const chooser = label !== undefined ? `pod label ${INJECT}=${label}` : `pod annotation ${INJECT}=${annotation}`;
  if (choice === 'false') return notInjected(chooser);
  return injectedWith(pod, choice === 'true' ? `${webhook} and ${chooser}` : webhook);
}

function notInjected(because: string): Sidecar {
  return { injected: false, gateway: false, because };
}

/**
 * The webhook renders the templates the pod's `inject.istio.io/templates` annotation lists
 * (comma-separated; inject.go selectTemplates), else the default `sidecar`; the `gateway` template
 * (gateway-injection-template.yaml, used by Istio's gateway Helm chart) makes a router proxy.
 */
function injectedWith(pod: PodFacts, because: string): Sidecar {
  if (asksForGatewayTemplate(pod.annotations)) {
    return { injected: true, gateway: true, template: 'gateway', because: `${because}, with the gateway injection template` };
  }
  return { injected: true, gateway: false, template: 'sidecar', because };
}

function matchingWebhook(pod: PodFacts, namespace: Namespace): string | undefined {
  const namespaceInjection = namespace.labels.get(NAMESPACE_INJECTION);
  const namespaceRevision = namespace.labels.get(REVISION);
  const podInject = pod.labels.get(INJECT);
  const podRevision = pod.labels.get(REVISION);
  if (namespaceInjection !== undefined) {
    return namespaceInjection === 'enabled' && podInject !== 'false'
      ? `namespace label ${NAMESPACE_INJECTION}=enabled`
      : undefined;
  }
  // The rev webhooks match istio.io/rev In [<revision or tag>], never "", while the other webhooks
  // need the key to be absent (DoesNotExist): a present empty value selects no webhook at all.
  if (namespaceRevision !== undefined) {
    return podInject !== 'false' && namespaceRevision !== '' ? `namespace label ${REVISION}=${namespaceRevision}` : undefined;
  }
  if (podRevision !== undefined) {
    return podInject !== 'false' && podRevision !== '' ? `pod label ${REVISION}=${podRevision}` : undefined;
  }
  return podInject === 'true' ? `pod label ${INJECT}=true` : undefined;
}

function noWebhookReason(pod: PodFacts, namespace: Namespace): string {
  const namespaceInjection = namespace.labels.get(NAMESPACE_INJECTION);
  if (namespaceInjection !== undefined && namespaceInjection !== 'enabled') {
    return `namespace label ${NAMESPACE_INJECTION}=${namespaceInjection}`;
  }
  if (pod.labels.get(INJECT) === 'false') return `pod label ${INJECT}=false`;
  return `namespace ${namespace.name} has no injection label`;
}

/** Whether the pod's `inject.istio.io/templates` (comma-separated) lists the `gateway` template. */
export function asksForGatewayTemplate(annotations: Labels): boolean {
  return annotations.get(TEMPLATES)?.split(',').some((name) => name.trim() === 'gateway') ?? false;
}
