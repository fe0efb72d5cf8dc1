import { STATUS_CODES } from 'http';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as ClientNode from '@kubernetes/client-node';
import { InputError } from '../../analyzer/errors';
import type { KubeObject } from '../../analyzer';
import { loadClientNode } from './client-node';

/** Which cluster to talk to: kubectl's `--kubeconfig` and `--context`. */
export interface ConnectOptions {
  /** Default: like kubectl, $KUBECONFIG, then ~/.kube/config, then the in-cluster service account. */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Milliseconds an API call may take before the command gives up; 0 waits forever (kubectl's default). */
  readonly requestTimeoutMs?: number;
}

/** Longer than any list a healthy API server answers, short enough that a CI job does not hang until it is killed. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** The resources the cluster commands read. */
export type ResourceName =
  | 'namespaces' | 'pods' | 'services' | 'serviceaccounts' | 'configmaps'
  | 'deployments' | 'replicasets' | 'statefulsets' | 'daemonsets' | 'jobs' | 'cronjobs'
  | 'networkpolicies' | 'roles' | 'rolebindings' | 'clusterroles' | 'clusterrolebindings' | 'authorizationpolicies' | 'peerauthentications';

/** Read access to one cluster; objects come back as the API server's JSON, with `kind` and `apiVersion`. */
export interface ClusterClient {
  /** The API server URL, for messages. */
  readonly server: string;
  readonly context: string;
  /** Every object of the resource, in one namespace or in all; `undefined` when the API server does not serve the resource. */
  list(resource: ResourceName, namespace?: string): Promise<KubeObject[] | undefined>;
  /** One object; `undefined` when it does not exist. */
  get(resource: 'namespaces' | 'configmaps', namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
}

interface Apis {
  readonly core: ClientNode.CoreV1Api;
  readonly apps: ClientNode.AppsV1Api;
  readonly batch: ClientNode.BatchV1Api;
  readonly networking: ClientNode.NetworkingV1Api;
  readonly rbac: ClientNode.RbacAuthorizationV1Api;
  readonly custom: ClientNode.CustomObjectsApi;
}

/**
 * Call options that keep the response body readable after client-node has deserialized it: its model
 * classes rename fields (ipBlock `except` becomes `_except`) and turn timestamps into Dates, while we
 * compare and analyze the API server's own JSON.
 */
type CallOptions = ClientNode.ConfigurationOptions<ClientNode.ObservableMiddleware>;
interface Page { readonly limit: number; readonly _continue?: string }
type RawCall = Promise<{ readonly body: { text(): Promise<string> } }>;
type Lister = (apis: Apis, namespace: string | undefined, page: Page, options: CallOptions) => RawCall;

/** Istio's security API; clusters with Istio older than 1.22 serve only v1beta1. */
const ISTIO_GROUP = 'security.istio.io';
const ISTIO_VERSIONS = ['v1', 'v1beta1'];

const istioLister = (plural: string, version: string): Lister => (apis, namespace, page, options) => (namespace
  ? apis.custom.listNamespacedCustomObjectWithHttpInfo({ group: ISTIO_GROUP, version, plural, namespace, ...page }, options)
  : apis.custom.listCustomObjectForAllNamespacesWithHttpInfo({ group: ISTIO_GROUP, version, plural, ...page }, options));

type InNamespace = (apis: Apis, param: Page & { readonly namespace: string }, options: CallOptions) => RawCall;
type Everywhere = (apis: Apis, param: Page, options: CallOptions) => RawCall;

/** A built-in resource: listed with one call per namespace, or one for all namespaces. */
function builtIn(kind: string, apiVersion: string, inNamespace: InNamespace, everywhere: Everywhere) {
  const list: Lister = (apis, namespace, page, options) => (namespace ? inNamespace(apis, { namespace, ...page }, options) : everywhere(apis, page, options));
  return { kind, apiVersions: [apiVersion], list: [list] };
}

/** kind and apiVersion per resource (list items of built-in kinds carry neither), and the calls that list them. */
const RESOURCES: Readonly<Record<ResourceName, { readonly kind: string; readonly apiVersions: readonly string[]; readonly list: readonly Lister[] }>> = {
  namespaces: { kind: 'Namespace', apiVersions: ['v1'], list: [(a, _namespace, p, o) => a.core.listNamespaceWithHttpInfo(p, o)] },
  pods: builtIn('Pod', 'v1', (a, p, o) => a.core.listNamespacedPodWithHttpInfo(p, o), (a, p, o) => a.core.listPodForAllNamespacesWithHttpInfo(p, o)),
  services: builtIn('Service', 'v1', (a, p, o) => a.core.listNamespacedServiceWithHttpInfo(p, o), (a, p, o) => a.core.listServiceForAllNamespacesWithHttpInfo(p, o)),
  serviceaccounts: builtIn('ServiceAccount', 'v1', (a, p, o) => a.core.listNamespacedServiceAccountWithHttpInfo(p, o), (a, p, o) => a.core.listServiceAccountForAllNamespacesWithHttpInfo(p, o)),
  configmaps: builtIn('ConfigMap', 'v1', (a, p, o) => a.core.listNamespacedConfigMapWithHttpInfo(p, o), (a, p, o) => a.core.listConfigMapForAllNamespacesWithHttpInfo(p, o)),
  deployments: builtIn('Deployment', 'apps/v1', (a, p, o) => a.apps.listNamespacedDeploymentWithHttpInfo(p, o), (a, p, o) => a.apps.listDeploymentForAllNamespacesWithHttpInfo(p, o)),
  replicasets: builtIn('ReplicaSet', 'apps/v1', (a, p, o) => a.apps.listNamespacedReplicaSetWithHttpInfo(p, o), (a, p, o) => a.apps.listReplicaSetForAllNamespacesWithHttpInfo(p, o)),
  statefulsets: builtIn('StatefulSet', 'apps/v1', (a, p, o) => a.apps.listNamespacedStatefulSetWithHttpInfo(p, o), (a, p, o) => a.apps.listStatefulSetForAllNamespacesWithHttpInfo(p, o)),
  daemonsets: builtIn('DaemonSet', 'apps/v1', (a, p, o) => a.apps.listNamespacedDaemonSetWithHttpInfo(p, o), (a, p, o) => a.apps.listDaemonSetForAllNamespacesWithHttpInfo(p, o)),
  jobs: builtIn('Job', 'batch/v1', (a, p, o) => a.batch.listNamespacedJobWithHttpInfo(p, o), (a, p, o) => a.batch.listJobForAllNamespacesWithHttpInfo(p, o)),
  cronjobs: builtIn('CronJob', 'batch/v1', (a, p, o) => a.batch.listNamespacedCronJobWithHttpInfo(p, o), (a, p, o) => a.batch.listCronJobForAllNamespacesWithHttpInfo(p, o)),
  networkpolicies: builtIn('NetworkPolicy', 'networking.k8s.io/v1', (a, p, o) => a.networking.listNamespacedNetworkPolicyWithHttpInfo(p, o), (a, p, o) => a.networking.listNetworkPolicyForAllNamespacesWithHttpInfo(p, o)),
  roles: builtIn('Role', 'rbac.authorization.k8s.io/v1', (a, p, o) => a.rbac.listNamespacedRoleWithHttpInfo(p, o), (a, p, o) => a.rbac.listRoleForAllNamespacesWithHttpInfo(p, o)),
  rolebindings: builtIn('RoleBinding', 'rbac.authorization.k8s.io/v1', (a, p, o) => a.rbac.listNamespacedRoleBindingWithHttpInfo(p, o), (a, p, o) => a.rbac.listRoleBindingForAllNamespacesWithHttpInfo(p, o)),
  clusterroles: { kind: 'ClusterRole', apiVersions: ['rbac.authorization.k8s.io/v1'], list: [(a, _namespace, p, o) => a.rbac.listClusterRoleWithHttpInfo(p, o)] },
  clusterrolebindings: { kind: 'ClusterRoleBinding', apiVersions: ['rbac.authorization.k8s.io/v1'], list: [(a, _namespace, p, o) => a.rbac.listClusterRoleBindingWithHttpInfo(p, o)] },
  authorizationpolicies: { kind: 'AuthorizationPolicy', apiVersions: ISTIO_VERSIONS.map((v) => `${ISTIO_GROUP}/${v}`), list: ISTIO_VERSIONS.map((v) => istioLister('authorizationpolicies', v)) },
  peerauthentications: { kind: 'PeerAuthentication', apiVersions: ISTIO_VERSIONS.map((v) => `${ISTIO_GROUP}/${v}`), list: ISTIO_VERSIONS.map((v) => istioLister('peerauthentications', v)) },
};

/** Large clusters answer in pages; the API server may ignore the limit, which is fine. */
const PAGE_SIZE = 500;

/** Loads the kubeconfig like kubectl does and returns a client of its current (or the given) context. */
export async function connectCluster(options: ConnectOptions): Promise<ClusterClient> {
  const k8s = await loadClientNode();
  const config = loadKubeConfig(k8s, options);
  const cluster = config.getCurrentCluster();
  if (!cluster) {
    const context = config.getCurrentContext();
    throw new InputError(context
      ? `context ${JSON.stringify(context)} of the kubeconfig names no cluster`
      : 'the kubeconfig has no current context (is it empty?): pick one with --context NAME or kubectl config use-context NAME');
  }
  const server = cluster.server;
  const apis: Apis = {
    core: config.makeApiClient(k8s.CoreV1Api),
    apps: config.makeApiClient(k8s.AppsV1Api),
    batch: config.makeApiClient(k8s.BatchV1Api),
    networking: config.makeApiClient(k8s.NetworkingV1Api),
    rbac: config.makeApiClient(k8s.RbacAuthorizationV1Api),
    custom: config.makeApiClient(k8s.CustomObjectsApi),
  };
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const fail = (what: string, error: unknown): never => {
    // Our own messages (a call that timed out) are already complete.
    throw error instanceof InputError ? error : new InputError(describeFailure(server, what, error));
  };
  /**
   * One API call; when the API server is busy (429 Too Many Requests, API Priority and Fairness) it is
   * asked again after its Retry-After, as client-go does, a few times before giving up.
   */
  async function send<T>(what: string, call: (options: CallOptions) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await sendOnce(what, call);
      } catch (error) {
        if (statusOf(error) !== 429 || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, retryAfterMs(error)));
      }
    }
  }

  /** One API call, given up (and its connection closed, so that the process can exit) when it takes too long. */
  async function sendOnce<T>(what: string, call: (options: CallOptions) => Promise<T>): Promise<T> {
    if (timeoutMs === 0) return call(rawBodyOptions(k8s));
    let agent: { destroy(): void } | undefined;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        agent?.destroy();
        reject(new InputError(`the Kubernetes API server at ${server} did not answer ${what} within ${formatSeconds(timeoutMs)} (--request-timeout)`));
      }, timeoutMs);
    });
    const answer = call(rawBodyOptions(k8s, (used) => { agent = used; }));
    // Once the deadline has won, the call's own failure (its connection destroyed) has nobody to hear it.
    answer.catch(() => undefined);
    try {
      return await Promise.race([answer, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function listAll(resource: ResourceName, namespace: string | undefined): Promise<KubeObject[] | undefined> {
    const { kind, apiVersions, list } = RESOURCES[resource];
    const where = namespace ? ` in namespace ${namespace}` : '';
    for (let version = 0; version < list.length; version++) {
      const items: KubeObject[] = [];
      let page: Page = { limit: PAGE_SIZE };
      try {
        for (;;) {
          const current = page;
          const response = await send(`list ${resource}${where}`, (callOptions) => list[version](apis, namespace, current, callOptions));
          const body = JSON.parse(await response.body.text()) as { items?: Array<Record<string, unknown>>; metadata?: { continue?: string } };
          // Custom resources come with kind and apiVersion; built-in list items do not.
          for (const item of body.items ?? []) items.push({ apiVersion: apiVersions[version], kind, ...item } as KubeObject);
          if (!body.metadata?.continue) break;
          page = { limit: PAGE_SIZE, _continue: body.metadata.continue };
        }
        return items;
      } catch (error) {
        if (statusOf(error) !== 404) fail(`list ${resource}${where}`, error);
      }
    }
    // Istio's kinds are missing where Istio is not installed; every Kubernetes API server serves the
    // built-in ones (a list in a namespace that does not exist is empty, not 404). So a 404 there means
    // the kubeconfig points at something else, whose "nothing" must not read as "everything is missing".
    if (!apiVersions.some((apiVersion) => apiVersion.startsWith(`${ISTIO_GROUP}/`))) {
      throw new InputError(`${server} answered 404 Not Found to list ${resource}${where}, which every Kubernetes API server serves: `
        + 'is it one? Check the server of the kubeconfig\'s context (--kubeconfig, --context)');
    }
    return undefined;
  }

  return {
    server,
    context: config.getCurrentContext(),
    list: listAll,
    async get(resource, namespace, name) {
      const what = `get ${resource} ${namespace ? `${namespace}/` : ''}${name}`;
      try {
        const response = await send(what, (callOptions) => (resource === 'namespaces'
          ? apis.core.readNamespaceWithHttpInfo({ name }, callOptions)
          : apis.core.readNamespacedConfigMapWithHttpInfo({ name, namespace: namespace ?? 'default' }, callOptions)));
        const object = JSON.parse(await response.body.text()) as Record<string, unknown>;
        return { apiVersion: 'v1', kind: RESOURCES[resource].kind, ...object } as KubeObject;
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        return fail(what, error);
      }
    },
  };
}

/**
 * node-fetch bodies can be read once; this middleware reads it and puts back a body that can be read
 * again. It also hands over the request's agent (client-node makes one per request), the only handle
 * on its connection: the generated client takes no abort signal.
 */
function rawBodyOptions(k8s: typeof ClientNode, onAgent?: (agent: { destroy(): void }) => void): CallOptions {
  return {
    middlewareMergeStrategy: 'append',
    middleware: [{
      pre: (context) => {
        const agent = context.getAgent();
        if (agent && onAgent) onAgent(agent);
        return new k8s.Observable(Promise.resolve(context));
      },
      post: (context) => new k8s.Observable(context.body.text().then((text) => {
        context.body = { text: async () => text, binary: async () => Buffer.from(text) };
        return context;
      })),
    }],
  };
}

function loadKubeConfig(k8s: typeof ClientNode, options: ConnectOptions): ClientNode.KubeConfig {
  const config = new k8s.KubeConfig();
  const source = options.kubeconfig ?? describeDefaultKubeconfig();
  // client-node reads an empty file as no document and then fails on a property of it.
  const files = options.kubeconfig ? [options.kubeconfig] : (process.env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  const present = files.filter((file) => fs.existsSync(file));
  if (present.length > 0 && present.every((file) => readKubeconfig(file).trim() === '')) {
    throw new InputError(`kubeconfig ${present.join(', ')} is empty; pass the file kubectl uses (kubectl config view --raw)`);
  }
  try {
    if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
    else config.loadFromDefault();
  } catch (error) {
    throw new InputError(`cannot read kubeconfig ${source}: ${firstLine(error)}`);
  }
  if (options.context) {
    if (!config.getContexts().some((context) => context.name === options.context)) {
      const known = config.getContexts().map((context) => context.name).join(', ') || 'none';
      throw new InputError(`kubeconfig ${source} has no context ${JSON.stringify(options.context)} (contexts: ${known})`);
    }
    config.setCurrentContext(options.context);
  }
  return config;
}

/** A kubeconfig's text; a directory or an unreadable file is the user's to fix, not an internal error. */
function readKubeconfig(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read kubeconfig ${file}: ${firstLine(error)}`);
  }
}

/** client-node falls back to http://localhost:8080 when it finds no configuration; say so instead. */
function describeDefaultKubeconfig(): string {
  const candidates = process.env.KUBECONFIG
    ? process.env.KUBECONFIG.split(path.delimiter).filter(Boolean)
    : [path.join(os.homedir(), '.kube', 'config')];
  if (!candidates.some((file) => fs.existsSync(file)) && !process.env.KUBERNETES_SERVICE_HOST) {
    throw new InputError(`no kubeconfig found (looked at ${candidates.join(', ')}); pass --kubeconfig FILE`);
  }
  return candidates.join(path.delimiter);
}

/** Tries of one API call that the server answers 429. */
const MAX_ATTEMPTS = 4;

/** The server's Retry-After (seconds), else 1 s; at most 10 s, so that a CI job does not sit silent. */
function retryAfterMs(error: unknown): number {
  const headers = (error as { headers?: Record<string, string | undefined> } | undefined)?.headers ?? {};
  const seconds = Number(headers['retry-after'] ?? headers['Retry-After']);
  return Math.min(Number.isFinite(seconds) && seconds > 0 ? seconds : 1, 10) * 1000;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** One line: the API server's Status message, the connection failure, or client-node's own complaint. */
function describeFailure(server: string, what: string, error: unknown): string {
  const status = statusOf(error);
  if (status !== undefined) {
    const body = (error as { body?: unknown }).body;
    const parsed = typeof body === 'string' ? safeJson(body) : body;
    const message = (parsed as { message?: unknown } | undefined)?.message;
    const detail = typeof message === 'string' ? `: ${message}` : '';
    // 4xx: the server refused the request; 5xx: it failed at it.
    const verb = status >= 500 ? 'failed to' : 'refused to';
    return `the Kubernetes API server at ${server} ${verb} ${what} (HTTP ${status} ${STATUS_CODES[status] ?? ''}${detail})`.replace(' )', ')');
  }
  const reason = firstLine(error);
  if ((error as { name?: unknown } | undefined)?.name === 'SyntaxError') {
    return `the server at ${server} did not answer ${what} with JSON (is it a Kubernetes API server?): ${reason}`;
  }
  if (/HTTP protocol is not allowed/.test(reason)) {
    return `the kubeconfig points at ${server} over plain http, which @kubernetes/client-node only accepts with insecure-skip-tls-verify: true on the cluster`;
  }
  // node-fetch: "request to <url> failed, reason: connect ECONNREFUSED 127.0.0.1:6443".
  return `cannot reach the Kubernetes API server at ${server}: ${reason.replace(/^request to \S+ failed, reason: /, '')}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Duck-typed: errors created in another realm (client-node under jest) are not `instanceof Error` here. */
function firstLine(error: unknown): string {
  const candidate = (error as { message?: unknown } | undefined)?.message;
  const message = typeof candidate === 'string' ? candidate : String(error);
  return message.split('\n')[0];
}
