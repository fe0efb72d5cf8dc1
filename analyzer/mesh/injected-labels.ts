// The labels Istio's injector adds to a pod it gives a proxy, from the injection templates
// (manifests/charts/istio-control/istio-discovery/files/injection-template.yaml and
// gateway-injection-template.yaml, metadata.labels). They
// are real pod labels once the pod runs: AuthorizationPolicy and PeerAuthentication selectors, Service
// selectors and NetworkPolicy podSelectors all see them.

import { Labels } from '../model/labels';
import { WorkloadKind } from '../model/types';

/** The endpoint label auto mTLS reads (mtls_checker.go): "istio" unless the pod sets its own. */
export const TLS_MODE_LABEL = 'security.istio.io/tlsMode';
const CANONICAL_NAME = 'service.istio.io/canonical-name';
const CANONICAL_REVISION = 'service.istio.io/canonical-revision';
const POD_TEMPLATE_HASH = 'pod-template-hash';
/** A Job a CronJob started: its name plus a scheduled-time suffix (pkg/kube/util.go cronJobNameRegexp). */
const CRON_JOB_RUN = /^(.+)-\d{8,10}$/;

export interface InjectedPod {
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly labels: Labels;
  readonly owners: readonly { readonly kind: string; readonly name: string; readonly controller?: boolean }[];
  /** metadata.generateName: set on pods a controller made. */
  readonly generateName?: string;
}

/**
 * The pod's labels with those the injection template adds; a label the pod already has (non-empty) is
 * kept. The gateway template (gateway-injection-template.yaml) adds the canonical labels but no
 * tlsMode, so clients' auto mTLS sends gateways plaintext.
 */
export function withInjectedLabels(pod: InjectedPod, template: 'sidecar' | 'gateway'): Labels {
  const labels = new Map(pod.labels);
  // Sprig's `default` passes over empty values as over missing ones.
  const first = (...candidates: Array<string | undefined>) => candidates.find((value) => value !== undefined && value !== '');
  const given = (key: string) => pod.labels.get(key);
  if (template === 'sidecar') labels.set(TLS_MODE_LABEL, first(given(TLS_MODE_LABEL), 'istio') as string);
  const name = first(given(CANONICAL_NAME), given('app.kubernetes.io/name'), given('app'), deploymentName(pod)) as string;
  labels.set(CANONICAL_NAME, name.slice(0, 63).replace(/^[-_.]+|[-_.]+$/g, ''));
  labels.set(CANONICAL_REVISION, first(given(CANONICAL_REVISION), given('app.kubernetes.io/version'), given('version'), 'latest') as string);
  return labels;
}

/**
 * The template's `.DeploymentMeta.Name` (pkg/kube/util.go GetDeployMetaFromPod): a controller's own
 * name; for a pod made by a controller (generateName set, owner marked controller), the owner's:
 * a ReplicaSet's less its pod-template-hash (the Deployment), a Job's less a CronJob's timestamp
 * suffix ("-" and 8 to 10 digits); any other pod, its own name.
 */
function deploymentName(pod: InjectedPod): string {
  if (pod.kind === 'Pod') {
    const owner = pod.owners.find((candidate) => candidate.controller);
    return pod.generateName && owner ? controllerName(owner.kind, owner.name, pod.labels) : pod.name;
  }
  return controllerName(pod.kind, pod.name, pod.labels);
}

function controllerName(kind: string, name: string, labels: Labels): string {
  if (kind === 'ReplicaSet') {
    const hash = labels.get(POD_TEMPLATE_HASH);
    return hash && name.endsWith(`-${hash}`) ? name.slice(0, -hash.length - 1) : name;
  }
  if (kind === 'Job') return CRON_JOB_RUN.exec(name)?.[1] ?? name;
  return name;
}
