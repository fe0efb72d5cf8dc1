import { CheckResult, Inventory, LoadedObject, MeshOptions, buildInventory, check } from '../../analyzer';

/** Manifests as plain objects, turned into an inventory as if read from one file. */
export function inventoryOf(objects: readonly object[], options: MeshOptions = {}): Inventory {
  const loaded: LoadedObject[] = objects.map((object, document) => ({
    object: object as LoadedObject['object'],
    source: { file: 'test.yaml', document },
  }));
  return buildInventory(loaded, options);
}

export interface PortSpec {
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly name?: string;
}

export function namespace(name: string, labels: Record<string, string> = {}): object {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

interface PodOptions {
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly ports?: readonly PortSpec[];
  readonly ip?: string;
  readonly serviceAccount?: string;
}

export function pod(id: string, options: PodOptions = {}): object {
  const [ns, name] = id.split('/');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: options.labels ?? { app: name }, annotations: options.annotations ?? {} },
    spec: {
      ...(options.serviceAccount ? { serviceAccountName: options.serviceAccount } : {}),
      containers: [{ name: 'main', image: 'example', ports: (options.ports ?? []).map(containerPort) }],
    },
    ...(options.ip ? { status: { podIP: options.ip } } : {}),
  };
}

/** A Deployment whose pods carry `app: <name>` and run as service account `<name>`. */
export function deployment(id: string, options: PodOptions = {}): object {
  const [ns, name] = id.split('/');
  const labels = options.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: options.annotations ?? {} },
        spec: {
          serviceAccountName: options.serviceAccount ?? name,
          containers: [{ name: 'main', image: 'example', ports: (options.ports ?? []).map(containerPort) }],
        },
      },
    },
  };
}

/** A Service selecting `app: <name>`; ports as [name, port, targetPort?]. */
export function service(id: string, ports: readonly (readonly [string, number, (number | string)?])[], selector?: Record<string, string>): object {
  const [ns, name] = id.split('/');
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: {
      selector: selector ?? { app: name },
      ports: ports.map(([portName, port, targetPort]) => ({ name: portName, port, targetPort: targetPort ?? port, protocol: 'TCP' })),
    },
  };
}

export function networkPolicy(id: string, spec: object): object {
  const [ns, name] = id.split('/');
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

export function authorizationPolicy(id: string, spec: object, annotations: Record<string, string> = {}): object {
  const [ns, name] = id.split('/');
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns, annotations }, spec };
}

export function peerAuthentication(id: string, spec: object): object {
  const [ns, name] = id.split('/');
  return { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: { name, namespace: ns }, spec };
}

/** A meshed namespace with a client and a server Deployment (server port 8080 declared as HTTP). */
export function meshedPair(extra: readonly object[] = [], serverPortName = 'http'): object[] {
  return [
    namespace('shop', { 'istio-injection': 'enabled' }),
    deployment('shop/web'),
    deployment('shop/api', { ports: [{ port: 8080 }] }),
    service('shop/api', [[serverPortName, 8080]]),
    ...extra,
  ];
}

/** Shorthand for one check. */
export function verdict(
  objects: readonly object[],
  request: { from: string; to: string; port: number; protocol?: 'TCP' | 'UDP' | 'SCTP'; method?: string; path?: string; host?: string; headers?: Record<string, string> },
  options: MeshOptions = {},
): CheckResult {
  return check(inventoryOf(objects, options), request);
}

function containerPort(spec: PortSpec): object {
  return { containerPort: spec.port, protocol: spec.protocol ?? 'TCP', ...(spec.name ? { name: spec.name } : {}) };
}
