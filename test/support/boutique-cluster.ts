import * as fs from 'fs';
import * as path from 'path';
import { parseManifestText } from '../../analyzer';

type Json = Record<string, any>;

/** The synthesized intent of main.ts. */
export const DIST = path.resolve(__dirname, '../../dist/online-boutique.k8s.yaml');

/** The objects of a manifest file, as plain JSON. */
export function manifestObjects(file: string): Json[] {
  return parseManifestText(fs.readFileSync(file, 'utf8'), file).map((loaded) => loaded.object as Json);
}

/**
 * A Deployment with its ReplicaSet and one running Pod, as a cluster lists them (the Pod and
 * ReplicaSet name their owner, so the analyzer folds them into the Deployment).
 */
export function deployed(
  namespace: string,
  name: string,
  options: { labels: Record<string, string>; serviceAccount: string; ports?: Json[]; podLabels?: Record<string, string>; containers?: Json[] },
): Json[] {
  const hash = '6d4cf56db6';
  const template = {
    metadata: { labels: { ...options.labels, ...options.podLabels } },
    spec: { serviceAccountName: options.serviceAccount, containers: options.containers ?? [{ name: 'server', image: `example/${name}:1.0`, ports: options.ports ?? [] }] },
  };
  const owner = (kind: string, ownerName: string) => [{ apiVersion: 'apps/v1', kind, name: ownerName, uid: `uid-${ownerName}`, controller: true }];
  return [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace }, spec: { selector: { matchLabels: options.labels }, template } },
    {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: `${name}-${hash}`, namespace, ownerReferences: owner('Deployment', name) },
      spec: { selector: { matchLabels: { ...options.labels, 'pod-template-hash': hash } }, template: { ...template, metadata: { labels: { ...template.metadata.labels, 'pod-template-hash': hash } } } },
    },
    {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: `${name}-${hash}-x7k2p`, namespace, labels: { ...template.metadata.labels, 'pod-template-hash': hash }, ownerReferences: owner('ReplicaSet', `${name}-${hash}`) },
      spec: template.spec,
    },
  ];
}

/**
 * Online Boutique as deployed from dist/: the intent's objects, a workload per ServiceAccount of the
 * intent (labels `app: <name>`, its Service's target ports), and the platform the policies expect
 * (kube-dns, istiod, the ingress gateway as Istio deploys it for a Gateway API Gateway). redis-cart runs without
 * a sidecar, as stateful backends often do: NetworkPolicy is then its only protection.
 */
export function boutiqueCluster(): Json[] {
  const intent = manifestObjects(DIST);
  const objects: Json[] = [...intent];
  for (const namespace of ['default', 'kube-system', 'istio-system', 'istio-ingress']) objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  for (const account of intent.filter((o) => o.kind === 'ServiceAccount')) {
    const { name, namespace } = account.metadata;
    const service = intent.find((o) => o.kind === 'Service' && o.metadata.name === name && o.metadata.namespace === namespace);
    const ports = (service?.spec.ports ?? []).map((p: Json) => ({ name: p.name, containerPort: p.targetPort }));
    const podLabels: Record<string, string> = name === 'redis-cart' ? { 'sidecar.istio.io/inject': 'false' } : {};
    objects.push(...deployed(namespace, name, { labels: { app: name }, serviceAccount: name, ports, podLabels }));
  }
  objects.push(
    ...deployed('kube-system', 'coredns', { labels: { 'k8s-app': 'kube-dns' }, serviceAccount: 'coredns', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }] }),
    ...deployed('istio-system', 'istiod', { labels: { app: 'istiod' }, serviceAccount: 'istiod', ports: [{ name: 'grpc-xds', containerPort: 15012 }] }),
    // The Gateway API gateway Istio deploys for main.ts's `Gateway istio-gateway` (class istio,
    // kube-gateway.yaml): injection off, its own istio-proxy running `proxy router`.
    ...deployed('istio-ingress', 'istio-gateway-istio', {
      labels: { 'gateway.networking.k8s.io/gateway-name': 'istio-gateway' }, serviceAccount: 'istio-gateway-istio',
      podLabels: { 'sidecar.istio.io/inject': 'false' },
      containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3', args: ['proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local'], ports: [{ name: 'http', containerPort: 80 }] }],
    }),
  );
  return objects;
}
