import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';

/**
 * A stand-in Kubernetes API server for tests: plain HTTP on 127.0.0.1, read-only, speaking the real
 * paths and JSON shapes (lists without per-item kind/apiVersion for built-in kinds, Status objects for
 * errors, `limit`/`continue` paging). Objects are stored the way a real API server stores them: with
 * uid, resourceVersion, creationTimestamp and managedFields, the defaulted fields of the core API
 * (policyTypes, protocol, targetPort, clusterIP, podIP...) and empty lists dropped (Go's omitempty).
 */

type Json = Record<string, any>;

interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

const RESOURCE_TYPES: readonly ResourceType[] = [
  ['', 'v1', 'namespaces', 'Namespace', false], ['', 'v1', 'pods', 'Pod', true], ['', 'v1', 'services', 'Service', true],
  ['', 'v1', 'serviceaccounts', 'ServiceAccount', true], ['', 'v1', 'configmaps', 'ConfigMap', true],
  ['apps', 'v1', 'deployments', 'Deployment', true], ['apps', 'v1', 'replicasets', 'ReplicaSet', true],
  ['apps', 'v1', 'statefulsets', 'StatefulSet', true], ['apps', 'v1', 'daemonsets', 'DaemonSet', true],
  ['batch', 'v1', 'jobs', 'Job', true], ['batch', 'v1', 'cronjobs', 'CronJob', true],
  ['networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true],
  ['rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true], ['rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true],
  ['rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false],
  ['rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false],
  ['security.istio.io', 'v1', 'authorizationpolicies', 'AuthorizationPolicy', true],
  ['security.istio.io', 'v1', 'peerauthentications', 'PeerAuthentication', true],
].map(([group, version, plural, kind, namespaced]) => ({ group, version, plural, kind, namespaced } as ResourceType));

const BUILT_IN_GROUPS = new Set(['', 'apps', 'batch', 'networking.k8s.io', 'rbac.authorization.k8s.io']);
const CREATED = '2025-01-01T00:00:00Z';

export interface FakeApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `METHOD path?query` of every request, in order. */
  readonly requests: string[];
  /** Remote addresses of the requests (tests assert that traffic stays on the loopback). */
  readonly clients: Set<string>;
  /** Creates or replaces objects (like `kubectl apply`), with server-side fields and defaults. */
  apply(...objects: readonly Json[]): void;
  /** Edits a stored object as `kubectl edit` would: the function gets a copy of the user-facing object. */
  edit(kind: string, namespace: string | undefined, name: string, change: (object: Json) => void): void;
  remove(kind: string, namespace: string | undefined, name: string): void;
  /** Answers 403 Forbidden to requests whose path matches. */
  forbid(pattern: RegExp): void;
  /** Never answers requests whose path matches (an overloaded or half-reachable API server). */
  stall(pattern: RegExp): void;
  /** Answers the next `times` requests whose path matches with 429 Too Many Requests and Retry-After: 1 (API Priority and Fairness). */
  throttle(pattern: RegExp, times: number): void;
  /** A kubeconfig file (in a fresh temporary directory) pointing at this server. */
  writeKubeconfig(contextName?: string): string;
  close(): Promise<void>;
}

export async function startFakeApiServer(objects: readonly Json[] = []): Promise<FakeApiServer> {
  const store = new Map<string, Json>();
  const requests: string[] = [];
  const clients = new Set<string>();
  const forbidden: RegExp[] = [];
  const stalled: RegExp[] = [];
  const throttled: Array<{ pattern: RegExp; left: number }> = [];
  let revision = 1;
  let addresses = 0;

  const key = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? ''}/${name}`;
  const typeOf = (kind: string) => RESOURCE_TYPES.find((t) => t.kind === kind);

  function apply(...given: readonly Json[]): void {
    for (const original of given) {
      const type = typeOf(original.kind);
      if (!type) throw new Error(`fake API server: kind ${original.kind} is not served`);
      const object = structuredClone(original);
      object.metadata = { ...object.metadata };
      if (type.namespaced) object.metadata.namespace ??= 'default';
      const id = key(object.kind, object.metadata.namespace, object.metadata.name);
      const previous = store.get(id);
      store.set(id, stored(object, type, previous, ++revision, () => ++addresses));
    }
  }

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    clients.add(request.socket.remoteAddress ?? '');
    const send = (code: number, body: Json) => {
      response.writeHead(code, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (stalled.some((pattern) => pattern.test(url.pathname))) return;
    const busy = throttled.find((rule) => rule.left > 0 && rule.pattern.test(url.pathname));
    if (busy) {
      busy.left--;
      response.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' });
      response.end(JSON.stringify(status(429, 'TooManyRequests', 'Too many requests, please try again later.')));
      return;
    }
    if (forbidden.some((pattern) => pattern.test(url.pathname))) {
      send(403, status(403, 'Forbidden', `forbidden: User "system:anonymous" cannot list resource at ${url.pathname}`));
      return;
    }
    if (request.method !== 'GET') {
      send(405, status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
      return;
    }
    const route = parsePath(url.pathname);
    if (!route) {
      send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    const { type, namespace, name } = route;
    if (name) {
      const object = store.get(key(type.kind, namespace, name));
      if (object) send(200, object);
      else send(404, status(404, 'NotFound', `${type.plural} "${name}" not found`, { name, kind: type.plural }));
      return;
    }
    const all = [...store.values()]
      .filter((o) => o.kind === type.kind && (!namespace || o.metadata.namespace === namespace))
      .sort((a, b) => key(a.kind, a.metadata.namespace, a.metadata.name).localeCompare(key(b.kind, b.metadata.namespace, b.metadata.name)));
    const offset = Number(url.searchParams.get('continue') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 0) || all.length;
    const page = all.slice(offset, offset + limit);
    const more = offset + limit < all.length;
    send(200, {
      kind: `${type.kind}List`,
      apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
      metadata: { resourceVersion: String(revision), ...(more ? { continue: String(offset + limit) } : {}) },
      // Built-in list items carry no kind/apiVersion; custom resources (stored unstructured) do.
      items: page.map((o) => (BUILT_IN_GROUPS.has(type.group) ? omit(o, ['kind', 'apiVersion']) : o)),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  apply(...objects);

  return {
    url,
    requests,
    clients,
    apply,
    edit(kind, namespace, name, change) {
      const current = store.get(key(kind, namespace, name));
      if (!current) throw new Error(`fake API server: no ${kind} ${namespace}/${name}`);
      const copy = structuredClone(current);
      change(copy);
      apply(copy);
    },
    remove(kind, namespace, name) {
      if (!store.delete(key(kind, namespace, name))) throw new Error(`fake API server: no ${kind} ${namespace}/${name}`);
      revision++;
    },
    forbid(pattern) {
      forbidden.push(pattern);
    },
    stall(pattern) {
      stalled.push(pattern);
    },
    throttle(pattern, times) {
      throttled.push({ pattern, left: times });
    },
    writeKubeconfig(contextName = 'fake') {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fake-kubeconfig-')), 'config');
      // client-node refuses plain http unless TLS verification is off (there is no TLS to verify).
      fs.writeFileSync(file, [
        'apiVersion: v1', 'kind: Config', `current-context: ${contextName}`,
        'clusters:', '- name: fake', '  cluster:', `    server: ${url}`, '    insecure-skip-tls-verify: true',
        'users:', '- name: tester', '  user:', '    token: test-token',
        'contexts:', `- name: ${contextName}`, '  context:', '    cluster: fake', '    user: tester', '',
      ].join('\n'));
      return file;
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Stalled requests hold their connections open; close() alone would wait for them forever.
      server.closeAllConnections();
    }),
  };
}

function parsePath(pathname: string): { type: ResourceType; namespace?: string; name?: string } | undefined {
  const parts = pathname.split('/').filter(Boolean);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  const version = group ? parts[2] : 'v1';
  const find = (plural: string) => RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
  // /namespaces/{ns}/{plural}[/{name}], /{plural}[/{name}] (cluster-scoped or all namespaces).
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const type = find(rest[2]);
    return type?.namespaced && rest.length <= 4 ? { type, namespace: rest[1], name: rest[3] } : undefined;
  }
  const type = find(rest[0]);
  if (!type || rest.length > 2 || (rest.length === 2 && type.namespaced)) return undefined;
  return { type, name: rest[1] };
}

function status(code: number, reason: string, message: string, details: Json = {}): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code };
}

function omit(object: Json, keys: readonly string[]): Json {
  return Object.fromEntries(Object.entries(object).filter(([k]) => !keys.includes(k)));
}

/** What the API server keeps of an applied object. */
function stored(object: Json, type: ResourceType, previous: Json | undefined, revision: number, nextAddress: () => number): Json {
  const lastApplied = `${JSON.stringify(omit(object, ['status']))}\n`;
  const result = BUILT_IN_GROUPS.has(type.group) ? dropEmptyLists(object) : object;
  const { metadata } = result;
  metadata.uid = previous?.metadata.uid ?? fakeUid(`${type.kind}/${metadata.namespace ?? ''}/${metadata.name}`);
  metadata.resourceVersion = String(revision);
  metadata.creationTimestamp = previous?.metadata.creationTimestamp ?? CREATED;
  if (result.spec !== undefined) metadata.generation = (previous?.metadata.generation ?? 0) + 1;
  if (!previous) {
    metadata.annotations = { ...metadata.annotations, 'kubectl.kubernetes.io/last-applied-configuration': lastApplied };
  }
  metadata.managedFields = [{
    manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: result.apiVersion, time: CREATED,
    fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:annotations': { '.': {} } } },
  }];
  DEFAULTERS[type.kind]?.(result, nextAddress);
  return result;
}

/** Go's `omitempty` drops empty slices (and maps) when built-in objects are serialized back. */
function dropEmptyLists(value: any): any {
  if (Array.isArray(value)) return value.map(dropEmptyLists);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (Array.isArray(v) && v.length === 0) continue;
    if ((k === 'matchLabels' || k === 'labels' || k === 'annotations') && v && typeof v === 'object' && Object.keys(v as object).length === 0) continue;
    out[k] = dropEmptyLists(v);
  }
  return out;
}

function fakeUid(seed: string): string {
  let hash = 0;
  for (const char of seed) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  const hex = hash.toString(16).padStart(8, '0');
  return `${hex}-0000-4000-8000-${hex}${hex.slice(0, 4)}`;
}

/** The defaulting functions of the API server (pkg/apis/*\/v1/defaults.go) that touch what we read. */
const DEFAULTERS: Readonly<Record<string, (object: Json, nextAddress: () => number) => void>> = {
  Namespace: (ns) => {
    ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name };
    ns.spec = { finalizers: ['kubernetes'], ...ns.spec };
    ns.status = { phase: 'Active' };
  },
  Service: (svc, nextAddress) => {
    const spec = (svc.spec ??= {});
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    spec.internalTrafficPolicy ??= 'Cluster';
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.clusterIP ??= address('10.96', nextAddress());
    spec.clusterIPs ??= [spec.clusterIP];
    for (const port of spec.ports ?? []) {
      port.protocol ??= 'TCP';
      port.targetPort ??= port.port;
      if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') port.nodePort ??= 30000 + (nextAddress() % 2000);
    }
    if (spec.type === 'LoadBalancer') {
      spec.externalTrafficPolicy ??= 'Cluster';
      spec.allocateLoadBalancerNodePorts ??= true;
    }
    svc.status = { loadBalancer: {} };
  },
  NetworkPolicy: (policy) => {
    const spec = policy.spec;
    for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
      for (const port of rule.ports ?? []) port.protocol ??= 'TCP';
    }
    if (!spec.policyTypes) spec.policyTypes = spec.egress ? ['Ingress', 'Egress'] : ['Ingress'];
  },
  RoleBinding: (binding) => {
    binding.roleRef.apiGroup ||= 'rbac.authorization.k8s.io';
    for (const subject of binding.subjects ?? []) {
      if (!subject.apiGroup && subject.kind !== 'ServiceAccount') subject.apiGroup = 'rbac.authorization.k8s.io';
    }
  },
  Pod: (pod, nextAddress) => {
    defaultPodSpec(pod.spec);
    pod.spec.nodeName ??= 'node-1';
    const ip = address('10.244', nextAddress());
    pod.status = { phase: 'Running', hostIP: '172.18.0.3', podIP: ip, podIPs: [{ ip }], qosClass: 'BestEffort', startTime: CREATED, ...pod.status };
  },
  Deployment: (deployment) => {
    const spec = deployment.spec;
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    defaultPodSpec(spec.template.spec);
    deployment.status = { replicas: spec.replicas, readyReplicas: spec.replicas, observedGeneration: 1 };
  },
  ReplicaSet: (replicaSet) => {
    replicaSet.spec.replicas ??= 1;
    defaultPodSpec(replicaSet.spec.template.spec);
    replicaSet.status = { replicas: replicaSet.spec.replicas, observedGeneration: 1 };
  },
};

function address(prefix: string, serial: number): string {
  return `${prefix}.${Math.floor(serial / 250)}.${(serial % 250) + 1}`;
}

function defaultPodSpec(spec: Json): void {
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    container.imagePullPolicy ??= 'IfNotPresent';
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
    container.resources ??= {};
    for (const port of container.ports ?? []) port.protocol ??= 'TCP';
  }
}
