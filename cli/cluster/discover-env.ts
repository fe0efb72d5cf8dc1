import type { KubeObject, LoadedObject, Workload } from '../../analyzer';
import { nameOf, namespaceOf } from './object-identity';

/** The DNS domain of cluster Services unless `discover --cluster-domain` names the kubelet's other one. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** One variable of a container's environment as far as `discover` can know it. */
export interface EnvValue {
  /** Undefined when only a source that is not read sets it (a Secret, the pod's status). */
  readonly value?: string;
  /** The ConfigMap it was read from, when not written in the pod template. */
  readonly from?: string;
  /**
   * Set when the container may get another value than `value`: how an unread source sets or may set
   * it, phrased to follow "the value is" ("set from Secret web/db key url (Secrets are not read)").
   */
  readonly hidden?: string;
}

export interface ContainerEnvironment {
  readonly container: string;
  readonly env: ReadonlyMap<string, EnvValue>;
}

/** What the kubelet takes environment variables from, besides the pod template. */
export interface EnvSources {
  /** The `data` of a ConfigMap, when it was read. */
  configMap(namespace: string, name: unknown): Readonly<Record<string, unknown>> | undefined;
  /** The Service variables (`ORDERS_SERVICE_HOST`...) of a pod in the namespace. */
  serviceVariables(namespace: string, enableServiceLinks: boolean): ReadonlyMap<string, string>;
}

/** What the kubelet accepts as an environment variable name from a ConfigMap key (others are skipped, with an event). */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * The environment of each container (init containers too) as the kubelet builds it
 * (pkg/kubelet/kubelet_pods.go, makeEnvironmentVariables): `envFrom` sources in order, each with its
 * prefix and each overriding the earlier ones; then `env` in order, overriding all of them: a
 * non-empty `value` with `$(VAR)` references expanded (third_party/forked/golang/expansion) against
 * the variables defined so far, then the Service variables; else `valueFrom`. Secrets are never read:
 * what they set, or may set (an `envFrom` Secret's keys are unknown), is marked `hidden`.
 */
export function containerEnvironments(object: KubeObject, workload: Workload, sources: EnvSources): ContainerEnvironment[] {
  let spec: unknown = object;
  const path = workload.kind === 'Pod' ? ['spec'] : workload.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template', 'spec'] : ['spec', 'template', 'spec'];
  for (const step of path) spec = (spec as Record<string, unknown> | undefined)?.[step];
  const podSpec = (spec ?? {}) as { containers?: unknown[]; initContainers?: unknown[]; enableServiceLinks?: unknown };
  const serviceVariables = sources.serviceVariables(workload.namespace, podSpec.enableServiceLinks !== false);
  return [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])].map((raw) => {
    const container = (raw ?? {}) as { name?: string; env?: Array<EnvVar | null>; envFrom?: Array<EnvFromSource | null> };
    const builder = new EnvironmentBuilder(workload, sources, serviceVariables);
    for (const from of container.envFrom ?? []) if (from) builder.addSource(from);
    for (const variable of container.env ?? []) if (typeof variable?.name === 'string') builder.addVariable(variable.name, variable);
    return { container: container.name ?? '', env: builder.env };
  });
}

interface EnvVar {
  readonly name?: unknown;
  readonly value?: unknown;
  readonly valueFrom?: {
    readonly configMapKeyRef?: KeyRef;
    readonly secretKeyRef?: KeyRef;
    readonly fieldRef?: { readonly fieldPath?: unknown };
  };
}

interface KeyRef {
  readonly name?: unknown;
  readonly key?: unknown;
  readonly optional?: unknown;
}

interface EnvFromSource {
  readonly prefix?: unknown;
  readonly configMapRef?: { readonly name?: unknown };
  readonly secretRef?: { readonly name?: unknown };
}

/** An `envFrom` source whose keys are unknown: it may set any variable that starts with its prefix. */
interface UnreadSource {
  readonly prefix: string;
  readonly description: string;
}

class EnvironmentBuilder {
  public readonly env = new Map<string, EnvValue>();
  private readonly unread: UnreadSource[] = [];

  public constructor(
    private readonly workload: Workload,
    private readonly sources: EnvSources,
    private readonly serviceVariables: ReadonlyMap<string, string>,
  ) {}

  public addSource(from: EnvFromSource): void {
    const prefix = typeof from.prefix === 'string' ? from.prefix : '';
    const namespace = this.workload.namespace;
    if (from.configMapRef) {
      const source = `ConfigMap ${namespace}/${String(from.configMapRef.name)}`;
      const data = this.sources.configMap(namespace, from.configMapRef.name);
      if (!data) {
        this.addUnread(prefix, `envFrom ${source}`, `${source} was not found`);
        return;
      }
      for (const [key, value] of Object.entries(data)) {
        const name = `${prefix}${key}`;
        if (typeof value === 'string' && ENV_VAR_NAME.test(name)) this.env.set(name, { value, from: source });
      }
    } else if (from.secretRef) {
      this.addUnread(prefix, `envFrom Secret ${namespace}/${String(from.secretRef.name)}`, 'Secrets are not read');
    }
  }

  public addVariable(name: string, variable: EnvVar): void {
    // The kubelet expands a non-empty value, else resolves valueFrom, else sets the empty value.
    if (typeof variable.value === 'string' && variable.value !== '') {
      this.env.set(name, this.expand(variable.value));
      return;
    }
    const valueFrom = variable.valueFrom;
    const namespace = this.workload.namespace;
    if (valueFrom?.configMapKeyRef) {
      const ref = valueFrom.configMapKeyRef;
      const source = `ConfigMap ${namespace}/${String(ref.name)} key ${String(ref.key)}`;
      const data = this.sources.configMap(namespace, ref.name);
      const value = typeof ref.key === 'string' ? data?.[ref.key] : undefined;
      if (typeof value === 'string') this.env.set(name, { value, from: source });
      else if (!data) this.env.set(name, { hidden: `set from ${source}, which was not found` });
      // An optional key that is missing leaves the variable as it was; a required one keeps the container from starting.
      else if (ref.optional !== true) this.env.set(name, { hidden: `set from ${source}, which does not exist (the container cannot start)` });
    } else if (valueFrom?.secretKeyRef) {
      const ref = valueFrom.secretKeyRef;
      this.env.set(name, { hidden: `set from Secret ${namespace}/${String(ref.name)} key ${String(ref.key)} (Secrets are not read)` });
    } else if (valueFrom?.fieldRef) {
      this.env.set(name, this.fieldValue(String(valueFrom.fieldRef.fieldPath)));
    } else if (valueFrom) {
      this.env.set(name, { hidden: `set from the pod's ${Object.keys(valueFrom).join(', ')}` });
    } else {
      this.env.set(name, { value: '' });
    }
  }

  /** Every variable defined so far that the source's prefix allows may now hold another value. */
  private addUnread(prefix: string, description: string, why: string): void {
    for (const [name, entry] of this.env) {
      if (!name.startsWith(prefix) || entry.value === undefined) continue;
      const after = entry.from ? `, listed after ${entry.from}` : '';
      this.env.set(name, { ...entry, hidden: `possibly set by ${description}${after} (${why})` });
    }
    this.unread.push({ prefix, description: `${description} (${why})` });
  }

  /** The downward API fields that are known before the pod runs; the rest (status.podIP...) is not. */
  private fieldValue(fieldPath: string): EnvValue {
    const known = new Map<string, string>([['metadata.namespace', this.workload.namespace], ['spec.serviceAccountName', this.workload.serviceAccount]]);
    if (this.workload.kind === 'Pod') known.set('metadata.name', this.workload.name);
    const value = known.get(fieldPath);
    return value !== undefined ? { value } : { hidden: `set from the pod's field ${fieldPath}` };
  }

  /**
   * `$(VAR)` expanded as the kubelet does: `$$` is a literal `$`, an unterminated `$(` and any other `$x`
   * stay as written, and so does a reference to a variable that nothing defines.
   */
  private expand(text: string): EnvValue {
    let value = '';
    let hidden: string | undefined;
    for (let i = 0; i < text.length; i++) {
      const next = text[i + 1];
      if (text[i] !== '$' || next === undefined) {
        value += text[i];
      } else if (next === '$') {
        value += '$';
        i += 1;
      } else if (next === '(' && text.indexOf(')', i + 2) >= 0) {
        const close = text.indexOf(')', i + 2);
        const name = text.slice(i + 2, close);
        const reference = this.lookup(name);
        value += reference.value ?? `$(${name})`;
        if (reference.hidden) hidden ??= `built from $(${name}), which is ${reference.hidden}`;
        i = close;
      } else {
        value += `$${next}`;
        i += 1;
      }
    }
    return { value, ...(hidden ? { hidden } : {}) };
  }

  private lookup(name: string): EnvValue {
    const defined = this.env.get(name);
    if (defined) return defined;
    const value = this.serviceVariables.get(name);
    const unread = this.unread.filter((source) => name.startsWith(source.prefix)).map((source) => source.description);
    const hidden = unread.length > 0 ? `possibly set by ${unread.join(' or ')}` : undefined;
    return { ...(value !== undefined ? { value } : {}), ...(hidden ? { hidden } : {}) };
  }
}

/** The ConfigMaps and Services of the objects, as the kubelet would find them in a cluster with that DNS domain. */
export function envSources(objects: readonly LoadedObject[], clusterDomain: string): EnvSources {
  const configMaps = new Map<string, Readonly<Record<string, unknown>>>();
  const services: KubeObject[] = [];
  for (const { object } of objects) {
    // binaryData never becomes an environment variable.
    if (object.kind === 'ConfigMap') configMaps.set(`${namespaceOf(object)}/${nameOf(object)}`, (object.data ?? {}) as Record<string, unknown>);
    if (object.kind === 'Service') services.push(object);
  }
  return {
    configMap: (namespace, name) => (typeof name === 'string' ? configMaps.get(`${namespace}/${name}`) : undefined),
    serviceVariables: (namespace, enableServiceLinks) => serviceVariables(services, namespace, enableServiceLinks, clusterDomain),
  };
}

/** The API server's own Service, as every cluster has it, for inputs that do not list it. */
const MASTER_SERVICE: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default' }, spec: { ports: [{ name: 'https', port: 443 }] } };

/**
 * The kubelet's Service variables (getServiceEnvVarMap, pkg/kubelet/envvars FromServices): for
 * `kubernetes` in `default` always, for the pod's namespace's Services with enableServiceLinks
 * (default true), for each with a ClusterIP: `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT` (first port),
 * `<NAME>_SERVICE_PORT_<PORT NAME>`, and Docker link variables (`<NAME>_PORT=tcp://ip:port`...). The
 * ClusterIP stands here as the Service's DNS name, which resolves to it.
 */
function serviceVariables(services: readonly KubeObject[], namespace: string, enableServiceLinks: boolean, clusterDomain: string): Map<string, string> {
  const master = services.find((service) => namespaceOf(service) === 'default' && nameOf(service) === 'kubernetes') ?? MASTER_SERVICE;
  const byName = new Map<string, KubeObject>([['kubernetes', master]]);
  // A Service of the pod's namespace wins over the master Service of the same name.
  for (const service of enableServiceLinks ? services : []) if (namespaceOf(service) === namespace) byName.set(nameOf(service), service);
  const variables = new Map<string, string>();
  for (const service of byName.values()) {
    const spec = (service.spec ?? {}) as { clusterIP?: unknown; type?: unknown; ports?: Array<{ name?: unknown; port?: unknown; protocol?: unknown }> };
    const ports = (spec.ports ?? []).filter((p) => typeof p?.port === 'number');
    if (spec.clusterIP === 'None' || spec.type === 'ExternalName' || ports.length === 0) continue;
    const prefix = nameOf(service).toUpperCase().replace(/-/g, '_');
    const host = `${nameOf(service)}.${namespaceOf(service)}.svc.${clusterDomain}`;
    variables.set(`${prefix}_SERVICE_HOST`, host);
    variables.set(`${prefix}_SERVICE_PORT`, String(ports[0].port));
    ports.forEach((port, index) => {
      const protocol = typeof port.protocol === 'string' ? port.protocol : 'TCP';
      const url = `${protocol.toLowerCase()}://${host}:${String(port.port)}`;
      if (typeof port.name === 'string' && port.name) variables.set(`${prefix}_SERVICE_PORT_${port.name.toUpperCase().replace(/-/g, '_')}`, String(port.port));
      if (index === 0) variables.set(`${prefix}_PORT`, url);
      const portPrefix = `${prefix}_PORT_${String(port.port)}_${protocol.toUpperCase()}`;
      variables.set(portPrefix, url);
      variables.set(`${portPrefix}_PROTO`, protocol.toLowerCase());
      variables.set(`${portPrefix}_PORT`, String(port.port));
      variables.set(`${portPrefix}_ADDR`, host);
    });
  }
  return variables;
}
