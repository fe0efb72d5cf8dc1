import type { LoadedObject, Workload } from '../../analyzer';
import { compareStrings } from '../../analyzer/load/files';
import { DiscoveredServices, ScaffoldService } from './discover-model';
import { objectFinder } from './object-identity';

/** Where an edge was read from: one environment variable of one container. */
export interface EdgeEvidence {
  readonly workload: string;
  readonly container: string;
  readonly variable: string;
  /** With credentials in URLs masked. */
  readonly value: string;
  /** Where the value came from when not written in the pod template, e.g. "ConfigMap shop/addresses". */
  readonly from?: string;
}

/** One variable of a container's environment and, when it was not written in the template, its ConfigMap. */
interface EnvValue {
  readonly value: string;
  readonly from?: string;
}

/** `from` calls `to` on these ports (names of `to`'s ports; empty: every port). */
export interface ScaffoldEdge {
  readonly from: string;
  readonly to: string;
  readonly ports: readonly string[];
  readonly evidence: readonly EdgeEvidence[];
}

/** An address in the environment that names no Service we know. */
export interface UnresolvedAddress extends EdgeEvidence {
  readonly reason: string;
}

/** The namespaces the objects mention, and those being discovered. */
export interface NamespaceScope {
  readonly known: ReadonlySet<string>;
  readonly inScope: (namespace: string) => boolean;
}

interface Dialed {
  readonly host: string;
  readonly port?: number;
}

/** Variable names that hold an address even when the value is a bare host name. */
const ADDRESS_NAME = /_(ADDR|ADDRESS|HOST|HOSTNAME|URL|URI|ENDPOINT|SERVER)$/;
/** Ports implied by URL schemes that commonly omit them. */
const SCHEME_PORTS: Readonly<Record<string, number>> = {
  http: 80, https: 443, ws: 80, wss: 443, redis: 6379, postgres: 5432, postgresql: 5432, mysql: 3306, mongodb: 27017, amqp: 5672,
};
const URL_PATTERN = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]+)(?::(\d{1,5}))?/i;
const HOST_PORT_PATTERN = /^([a-z0-9.-]+):(\d{1,5})$/i;
/** A DNS name whose first label starts with a letter, as Service names do (DNS-1035); "12:30" is not an address. */
const HOST_NAME = /^[a-z][-a-z0-9]*(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\.?$/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const LOOPBACK = new Set(['localhost', '0.0.0.0', '127.0.0.1', '[::1]', '[::]']);

/**
 * Edges from the workloads' environment: values such as `host:port`, `http://host:port/path` and
 * `grpc://host:port`, and bare hosts in variables named `*_ADDR`, `*_URL`, `*_HOST` (with a sibling
 * `*_PORT`)... Hosts resolve like cluster DNS does for the caller's pod: `svc` in the caller's
 * namespace, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.<cluster-domain>`, `pod.svc.ns.svc...`; the dialed
 * Service port maps to the destination's port name.
 */
export function inferEdges(
  objects: readonly LoadedObject[],
  discovered: DiscoveredServices,
  namespaces: NamespaceScope,
): { edges: ScaffoldEdge[]; unresolved: UnresolvedAddress[] } {
  const edges = new Map<string, { from: ScaffoldService; to: ScaffoldService; ports: Set<string> | 'all'; evidence: EdgeEvidence[] }>();
  const unresolved: UnresolvedAddress[] = [];
  const find = objectFinder(objects);
  const configMaps = configMapData(objects);
  for (const workload of discovered.workloads) {
    const consumer = discovered.consumers.get(workload.id);
    const object = find(workload.kind, workload.namespace, workload.name);
    if (!consumer || !object) continue;
    for (const { container, env } of containerEnvironments(object, workload, configMaps)) {
      for (const [variable, { value, from }] of env) {
        for (const dialed of addressesIn(variable, value, env)) {
          const evidence: EdgeEvidence = { workload: workload.id, container, variable, value: maskCredentials(value), ...(from ? { from } : {}) };
          const target = resolve(dialed, workload.namespace, discovered, namespaces);
          if ('reason' in target) {
            unresolved.push({ ...evidence, reason: target.reason });
            continue;
          }
          if (target.service === consumer) continue; // a workload naming its own Service is not an edge
          const key = `${consumer.namespace}/${consumer.name}\u0000${target.service.namespace}/${target.service.name}`;
          const edge = edges.get(key) ?? { from: consumer, to: target.service, ports: new Set<string>(), evidence: [] };
          edges.set(key, edge);
          if (target.port === 'all') edge.ports = 'all';
          else if (edge.ports !== 'all') edge.ports.add(target.port);
          const known = edge.evidence.some((e) => e.workload === evidence.workload && e.variable === variable && e.value === evidence.value);
          if (!known) edge.evidence.push(evidence);
        }
      }
    }
  }
  const result = [...edges.values()].map((edge): ScaffoldEdge => ({
    from: `${edge.from.namespace}/${edge.from.name}`,
    to: `${edge.to.namespace}/${edge.to.name}`,
    ports: edge.ports === 'all' ? [] : [...edge.ports].sort(compareStrings),
    evidence: [...edge.evidence].sort((a, b) => compareStrings(`${a.workload} ${a.variable}`, `${b.workload} ${b.variable}`)),
  }));
  const unresolvedKey = (u: UnresolvedAddress) => `${u.workload}\u0000${u.variable}\u0000${u.value}`;
  return {
    edges: result.sort((a, b) => compareStrings(a.to, b.to) || compareStrings(a.from, b.from)),
    unresolved: [...new Map(unresolved.map((u) => [unresolvedKey(u), u])).values()].sort((a, b) => compareStrings(unresolvedKey(a), unresolvedKey(b))),
  };
}

/** The `data` of every ConfigMap, by "namespace/name" (binaryData never holds addresses). */
function configMapData(objects: readonly LoadedObject[]): Map<string, Readonly<Record<string, unknown>>> {
  const data = new Map<string, Readonly<Record<string, unknown>>>();
  for (const { object } of objects) {
    if (object.kind !== 'ConfigMap') continue;
    const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
    const values = object.data;
    if (values && typeof values === 'object') data.set(`${metadata.namespace ?? 'default'}/${metadata.name}`, values as Record<string, unknown>);
  }
  return data;
}

/** What the kubelet accepts as an environment variable name from a ConfigMap key (others are skipped, with an event). */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * The environment of each container (init containers too) as the kubelet builds it
 * (pkg/kubelet/kubelet_pods.go, makeEnvironmentVariables): first `envFrom` ConfigMaps in order, with
 * their prefix, later sources overriding earlier ones; then `env`, which overrides them, its literal
 * values with `$(VAR)` references expanded against what is defined so far, and `configMapKeyRef`
 * values taken as they are. Secrets are never read; fieldRef and resourceFieldRef values hold no
 * addresses.
 */
function containerEnvironments(
  object: LoadedObject['object'],
  workload: Workload,
  configMaps: ReadonlyMap<string, Readonly<Record<string, unknown>>>,
): Array<{ container: string; env: Map<string, EnvValue> }> {
  let spec: unknown = object;
  const path = workload.kind === 'Pod' ? ['spec'] : workload.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template', 'spec'] : ['spec', 'template', 'spec'];
  for (const step of path) spec = (spec as Record<string, unknown> | undefined)?.[step];
  const podSpec = (spec ?? {}) as { containers?: unknown[]; initContainers?: unknown[] };
  const configMap = (name: unknown) => (typeof name === 'string' ? configMaps.get(`${workload.namespace}/${name}`) : undefined);
  const source = (name: unknown) => `ConfigMap ${workload.namespace}/${String(name)}`;
  return [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])].map((raw) => {
    const container = (raw ?? {}) as { name?: string; env?: Array<EnvVar | null>; envFrom?: Array<EnvFromSource | null> };
    const env = new Map<string, EnvValue>();
    for (const from of container.envFrom ?? []) {
      const data = configMap(from?.configMapRef?.name);
      for (const [key, value] of Object.entries(data ?? {})) {
        const name = `${typeof from?.prefix === 'string' ? from.prefix : ''}${key}`;
        if (typeof value === 'string' && ENV_VAR_NAME.test(name)) env.set(name, { value, from: source(from?.configMapRef?.name) });
      }
    }
    for (const variable of container.env ?? []) {
      if (typeof variable?.name !== 'string') continue;
      if (typeof variable.value === 'string') {
        env.set(variable.name, { value: variable.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env.get(name)?.value ?? whole) });
        continue;
      }
      const ref = variable.valueFrom?.configMapKeyRef;
      const value = typeof ref?.key === 'string' ? configMap(ref.name)?.[ref.key] : undefined;
      if (typeof value === 'string') env.set(variable.name, { value, from: `${source(ref?.name)} key ${ref?.key}` });
      else env.delete(variable.name); // defined in the template from a source we do not read: no longer the envFrom value
    }
    return { container: container.name ?? '', env };
  });
}

interface EnvVar {
  readonly name?: unknown;
  readonly value?: unknown;
  readonly valueFrom?: { readonly configMapKeyRef?: { readonly name?: unknown; readonly key?: unknown } };
}

interface EnvFromSource {
  readonly prefix?: unknown;
  readonly configMapRef?: { readonly name?: unknown };
}

/** The addresses a variable holds: every comma- or space-separated `host:port`, URL, or (by its name) bare host. */
function addressesIn(variable: string, value: string, env: ReadonlyMap<string, EnvValue>): Dialed[] {
  return value.split(/[\s,;]+/).filter(Boolean).flatMap((token): Dialed[] => {
    const url = URL_PATTERN.exec(token);
    if (url) {
      const port = url[3] ? Number(url[3]) : SCHEME_PORTS[url[1].toLowerCase()];
      return [{ host: url[2].toLowerCase(), ...(port ? { port } : {}) }];
    }
    const hostPort = HOST_PORT_PATTERN.exec(token);
    if (hostPort && (HOST_NAME.test(hostPort[1]) || IPV4.test(hostPort[1]))) return [{ host: hostPort[1].toLowerCase(), port: Number(hostPort[2]) }];
    if (!ADDRESS_NAME.test(variable) || !HOST_NAME.test(token)) return [];
    // FOO_HOST=db with FOO_PORT=5432 beside it.
    const sibling = variable.endsWith('_HOST') ? env.get(`${variable.slice(0, -'_HOST'.length)}_PORT`)?.value : undefined;
    return [{ host: token.toLowerCase(), ...(sibling && /^\d{1,5}$/.test(sibling) ? { port: Number(sibling) } : {}) }];
  }).filter((dialed) => !LOOPBACK.has(dialed.host) && !dialed.host.startsWith('127.'));
}

/** Cluster DNS, from the caller's namespace: the Service and the port name it dials, or why not. */
function resolve(dialed: Dialed, callerNamespace: string, discovered: DiscoveredServices, namespaces: NamespaceScope):
  { service: ScaffoldService; port: string | 'all' } | { reason: string } {
  if (IPV4.test(dialed.host)) return { reason: 'an IP address, not a Service name' };
  const labels = dialed.host.replace(/\.$/, '').split('.');
  const [name, namespace] = labels.length === 1 ? [labels[0], callerNamespace]
    : labels.length === 2 && namespaces.known.has(labels[1]) ? [labels[0], labels[1]]
      : labels[2] === 'svc' ? [labels[0], labels[1]]
        : labels[3] === 'svc' ? [labels[1], labels[2]] // <pod>.<headless-svc>.<ns>.svc...
          : [];
  if (!name || !namespace) return { reason: 'not a cluster Service name (outside the cluster?)' };
  const ref = `${namespace}/${name}`;
  if (discovered.selectorless.has(ref)) return { reason: `Service ${ref} has no selector: its endpoints are not pods of the mesh` };
  const found = discovered.serviceRefs.get(ref);
  if (!found) {
    return {
      reason: !namespaces.known.has(namespace) ? `no Service ${name}: there is no namespace ${namespace}`
        : namespaces.inScope(namespace) ? `no Service ${name} in namespace ${namespace}` : `namespace ${namespace} is not discovered`,
    };
  }
  if (dialed.port === undefined) {
    const names = [...new Set(found.portNames.values())];
    return { service: found.service, port: names.length === 1 ? names[0] : 'all' };
  }
  const port = found.portNames.get(dialed.port);
  return port ? { service: found.service, port } : { reason: `Service ${ref} has no port ${dialed.port}` };
}

/** Never copy credentials from `scheme://user:password@host` into generated code. */
function maskCredentials(value: string): string {
  return value.replace(/(:\/\/)[^@/\s]*@/g, '$1***@');
}
