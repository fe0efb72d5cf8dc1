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

// RBAC objects (rbac.authorization.k8s.io/v1); a rule's apiGroups default to the core group.
const RBAC = 'rbac.authorization.k8s.io/v1';

export interface Rule { verbs: string[]; resources: string[]; apiGroups?: string[]; resourceNames?: string[] }
export interface Subject { kind: string; name: string; namespace?: string }

const rules = (list: readonly Rule[]) => list.map((rule) => ({ apiGroups: [''], ...rule }));

export function role(id: string, ruleList: readonly Rule[]): object {
  const [namespace, name] = id.split('/');
  return { apiVersion: RBAC, kind: 'Role', metadata: { name, namespace }, rules: rules(ruleList) };
}

export function clusterRole(name: string, ruleList: readonly Rule[], extra: { labels?: Record<string, string>; aggregationRule?: object } = {}): object {
  const { labels, aggregationRule } = extra;
  return { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name, ...(labels ? { labels } : {}) }, rules: rules(ruleList), ...(aggregationRule ? { aggregationRule } : {}) };
}

export function roleBinding(id: string, roleRef: string, subjects: readonly Subject[]): object {
  const [namespace, name] = id.split('/');
  const [kind, roleName] = roleRef.split(' ');
  return { apiVersion: RBAC, kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: roleName }, subjects };
}

export function clusterRoleBinding(name: string, roleRef: string, subjects: readonly Subject[]): object {
  const [kind, roleName] = roleRef.split(' ');
  return { apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: roleName }, subjects };
}

export const sa = (id: string): Subject => ({ kind: 'ServiceAccount', name: id.split('/')[1], namespace: id.split('/')[0] });

/**
 * Runs `run` with a tunable threshold (an exported `{ name: value }` object, such as GROUPING or
 * LIST_LIMIT) set to `value`, and restores it after, also when `run` throws; after the promise
 * settles when `run` is asynchronous (a CLI command).
 */
export function withSetting<S extends Record<string, number>, T>(settings: S, name: keyof S, value: number, run: () => T): T {
  const saved = settings[name];
  const restore = () => { settings[name] = saved; };
  settings[name] = value as S[keyof S];
  let result: T;
  try {
    result = run();
  } catch (error) {
    restore();
    throw error;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}
