// Builders for lint tests: small, valid Kubernetes objects that a test then breaks in one place.
import { LintOptions, LintProblem, lintManifests } from '../../analyzer/lint';

export const OPTIONS: LintOptions = { trustDomain: 'cluster.local', rootNamespace: 'istio-system' };

export function lint(objects: unknown[], options: LintOptions = OPTIONS): LintProblem[] {
  return lintManifests(objects, options);
}

export function errors(problems: readonly LintProblem[]): LintProblem[] {
  return problems.filter((p) => p.severity === 'error');
}

export function warnings(problems: readonly LintProblem[]): LintProblem[] {
  return problems.filter((p) => p.severity === 'warning');
}

/** The problems of one object, by kind and name. */
export function about(problems: readonly LintProblem[], kind: string, name: string): LintProblem[] {
  return problems.filter((p) => p.kind === kind && p.name === name);
}

export function namespace(name: string, labels: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function authorizationPolicy(name: string, spec: unknown, metadata: Record<string, unknown> = {}, ns = 'shop') {
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns, ...metadata }, spec };
}

export function peerAuthentication(name: string, spec: unknown, metadata: Record<string, unknown> = {}, ns = 'shop') {
  return { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace: ns, ...metadata }, spec };
}

export function requestAuthentication(name: string, spec: unknown, metadata: Record<string, unknown> = {}, ns = 'shop') {
  return { apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name, namespace: ns, ...metadata }, spec };
}

export function networkPolicy(name: string, spec: unknown, ns = 'shop') {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

export interface DeploymentProps {
  readonly ns?: string;
  readonly labels?: Record<string, string>;
  readonly serviceAccount?: string;
  readonly ports?: Array<{ containerPort: number; name?: string; protocol?: string }>;
  readonly podLabels?: Record<string, string>;
}

export function deployment(name: string, props: DeploymentProps = {}) {
  const labels = props.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: props.ns ?? 'shop', labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels: { ...labels, ...(props.podLabels ?? {}) } },
        spec: {
          serviceAccountName: props.serviceAccount ?? name,
          containers: [{ name: 'main', image: `registry.example.com/${name}:1.0`, ports: props.ports ?? [{ containerPort: 8080, protocol: 'TCP' }] }],
        },
      },
    },
  };
}

export function service(name: string, ports: Array<Record<string, unknown>>, ns = 'shop', selector: Record<string, string> = { app: name }) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector, ports } };
}

/** An injected namespace with one HTTP workload "api" (container port 8080) and its Service. */
export function meshedShop(): unknown[] {
  return [
    namespace('shop', { 'istio-injection': 'enabled' }),
    deployment('api'),
    service('api', [{ name: 'http', port: 80, targetPort: 8080 }]),
  ];
}
