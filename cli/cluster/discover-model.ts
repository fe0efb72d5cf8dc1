import { Inventory, KubeObject, LoadedObject, Service, ServicePort, Workload, buildInventory } from '../../analyzer';
import { compareStrings } from '../../analyzer/load/files';
import { ScaffoldGateway, gatewayNotes, gatewaySignal, selectsGateway } from './discover-gateways';
import { meshPortName, meshServiceName } from './discover-names';
import { objectFinder } from './object-identity';

/** The port factories of the construct library (`MeshPort.grpc(...)`...). */
export type ScaffoldProtocol = 'http' | 'http2' | 'grpc' | 'tcp' | 'udp';

export interface ScaffoldPort {
  readonly name: string;
  /** The Service port's own name, when the library refuses it and `name` stands for it. */
  readonly kubernetesName?: string;
  readonly protocol: ScaffoldProtocol;
  /** The Service port, which clients dial. */
  readonly port: number;
  readonly containerPort: number;
}

/** A mesh service to declare: a Kubernetes Service with the pods it selects, or a workload no Service selects (a pure consumer). */
export interface ScaffoldService {
  readonly namespace: string;
  readonly name: string;
  /** The Service's or workload's own name, when the library refuses it and `name` stands for it. */
  readonly kubernetesName?: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly serviceAccountName: string;
  readonly ports: readonly ScaffoldPort[];
  /** `namespace/name` of the workloads whose pods it selects. */
  readonly workloads: readonly string[];
}

/** The services found, and how Kubernetes Services and workloads map onto them. */
export interface DiscoveredServices {
  readonly services: readonly ScaffoldService[];
  /** `namespace/name` of every Kubernetes Service with a selector, to the mesh service that stands for it and its port names by Service port. */
  readonly serviceRefs: ReadonlyMap<string, { readonly service: ScaffoldService; readonly portNames: ReadonlyMap<number, string> }>;
  /** Kubernetes Services without selector: their endpoints are not pods we know. */
  readonly selectorless: ReadonlySet<string>;
  /** Kubernetes Services in front of gateways, to the gateway workloads they select. */
  readonly gatewayServices: ReadonlyMap<string, readonly string[]>;
  /** Gateway workloads: left out, since gateways are no mesh services. */
  readonly gateways: readonly ScaffoldGateway[];
  /** Workload id to the mesh service that calls on its behalf. */
  readonly consumers: ReadonlyMap<string, ScaffoldService>;
  /** The workloads looked at (top owners only: a Deployment, not its ReplicaSets and Pods). */
  readonly workloads: readonly Workload[];
  readonly notes: readonly string[];
}

/**
 * Namespaces that host the platform: the mesh refuses to lock them down, and their workloads call
 * every application (health checks, DNS answers) without that being an edge to declare.
 */
export const PLATFORM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'istio-system']);

/**
 * The mesh services of a set of objects: one per Kubernetes Service that selects pods (Services that
 * select exactly the same workloads fold into one, since the mesh emits one Service per service), and
 * one per workload that no Service selects.
 */
export function discoverServices(objects: readonly LoadedObject[], inScope: (namespace: string) => boolean): DiscoveredServices {
  const inventory: Inventory = buildInventory(objects);
  const notes: string[] = [];
  const find = objectFinder(objects);
  const candidates = inventory.workloads.filter((w) => !w.ownedByListedWorkload && inScope(w.namespace));
  const gatewaySignals = new Map(candidates.flatMap((w) => {
    const signal = gatewaySignal(w);
    return signal ? [[w.id, signal] as const] : [];
  }));
  const workloads = candidates.filter((w) => !gatewaySignals.has(w.id));
  const selected = new Map<Service, Workload[]>();
  const selectorless = new Set<string>();
  const gatewayServices = new Map<string, string[]>();
  for (const service of inventory.services.filter((s) => inScope(s.namespace))) {
    const ref = `${service.namespace}/${service.name}`;
    if (!service.selector) {
      selectorless.add(ref);
      continue;
    }
    const selector = service.selector;
    const pods = candidates.filter((w) => w.namespace === service.namespace && [...selector].every(([k, v]) => w.labels.get(k) === v));
    const applications = pods.filter((w) => !gatewaySignals.has(w.id));
    if (applications.length === 0 && (pods.length > 0 || selectsGateway(selector))) gatewayServices.set(ref, pods.map((w) => w.id));
    else selected.set(service, applications);
  }

  const services: ScaffoldService[] = [];
  const serviceRefs = new Map<string, { service: ScaffoldService; portNames: Map<number, string> }>();
  const bySelectedSet = new Map<string, ServiceDraft>();
  for (const [service, pods] of [...selected].sort(([a, podsA], [b, podsB]) => keeperRank(a, podsA, b, podsB))) {
    const ref = `${service.namespace}/${service.name}`;
    const setKey = `${service.namespace}/${pods.map((w) => w.id).join(',')}`;
    const keeper = pods.length > 0 ? bySelectedSet.get(setKey) : undefined;
    if (keeper) {
      notes.push(`Service ${ref} selects the same pods as ${keeper.namespace}/${keeper.name}: declared once, as ${keeper.name}`);
      serviceRefs.set(ref, { service: keeper, portNames: foldPorts(keeper, service, pods, notes) });
      continue;
    }
    const scaffold = scaffoldService(service, pods, notes);
    services.push(scaffold);
    if (pods.length > 0) bySelectedSet.set(setKey, scaffold);
    serviceRefs.set(ref, { service: scaffold, portNames: new Map(scaffold.ports.map((p) => [p.port, p.name])) });
  }

  const consumers = new Map<string, ScaffoldService>();
  for (const service of services) {
    for (const id of service.workloads) {
      const first = consumers.get(id);
      if (!first) consumers.set(id, service);
      // The mesh rejects selectors that select the same pods: its policies would apply twice.
      else {
        notes.push(`workload ${id} is selected by Services ${first.name} and ${service.name}: its calls are declared from ${first.name}; `
          + 'give the two selectors labels that tell them apart');
      }
    }
  }
  for (const workload of workloads.filter((w) => !consumers.has(w.id))) {
    const consumer = consumerService(workload, find(workload.kind, workload.namespace, workload.name), services, notes);
    services.push(consumer);
    consumers.set(workload.id, consumer);
  }
  services.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));
  const gateways = candidates.flatMap((workload): ScaffoldGateway[] => {
    const signal = gatewaySignals.get(workload.id);
    if (!signal) return [];
    return [{
      workload: workload.id,
      namespace: workload.namespace,
      serviceAccountName: workload.serviceAccount,
      labels: signal.labels ?? podSelector(workload, find(workload.kind, workload.namespace, workload.name)),
      because: signal.because,
      services: [...gatewayServices].filter(([, selected]) => selected.includes(workload.id)).map(([ref]) => ref).sort(compareStrings),
    }];
  }).sort((a, b) => compareStrings(a.workload, b.workload));
  for (const [ref, selected] of gatewayServices) {
    if (selected.length === 0) notes.push(`Service ${ref} selects gateway pods, none of which were read: left out, as gateways are no mesh services`);
  }
  notes.push(...gatewayNotes(gateways, new Set(services.map((s) => s.namespace))));
  return { services, serviceRefs, selectorless, gatewayServices, gateways, consumers, workloads, notes };
}

/** The Service that names its pods' workload goes first, then by name: it keeps its name when others fold into it. */
function keeperRank(a: Service, podsA: readonly Workload[], b: Service, podsB: readonly Workload[]): number {
  const namesOwnWorkload = (service: Service, pods: readonly Workload[]) => (pods.some((w) => w.name === service.name) ? 0 : 1);
  return compareStrings(a.namespace, b.namespace) || namesOwnWorkload(a, podsA) - namesOwnWorkload(b, podsB) || compareStrings(a.name, b.name);
}

/** A service whose port list may still grow (ports of Services folded into it). */
interface ServiceDraft extends ScaffoldService {
  readonly ports: ScaffoldPort[];
}

function scaffoldService(service: Service, pods: readonly Workload[], notes: string[]): ServiceDraft {
  const ref = `${service.namespace}/${service.name}`;
  const accounts = [...new Set(pods.map((w) => w.serviceAccount))].sort(compareStrings);
  if (pods.length === 0) notes.push(`Service ${ref} selects no workload here; its ServiceAccount is assumed to be ${service.name}`);
  if (accounts.length > 1) notes.push(`the pods of Service ${ref} run as several ServiceAccounts (${accounts.join(', ')}); declared with ${accounts[0]}`);
  if (accounts[0] === 'default') {
    notes.push(`the pods of Service ${ref} run as the namespace's default ServiceAccount: give them their own, or Istio cannot tell them from other pods`);
  }
  const name = meshServiceName(service.name);
  const taken = new Set<string>();
  return {
    namespace: service.namespace,
    name,
    ...(name !== service.name ? { kubernetesName: service.name } : {}),
    selector: Object.fromEntries([...service.selector ?? []].sort(([a], [b]) => compareStrings(a, b))),
    serviceAccountName: accounts[0] ?? service.name,
    ports: service.ports.flatMap((port) => scaffoldPort(ref, port, pods, notes, taken)),
    workloads: pods.map((w) => w.id),
  };
}

/** Ports of a folded Service that its keeper lacks are added to the keeper; returns the folded Service's port names. */
function foldPorts(keeper: ServiceDraft, folded: Service, pods: readonly Workload[], notes: string[]): Map<number, string> {
  const names = new Map<number, string>();
  const ports = keeper.ports;
  const taken = new Set<string>(); // the folded Service's own names; a clash with the keeper's leaves the port out
  for (const port of folded.ports.flatMap((p) => scaffoldPort(`${folded.namespace}/${folded.name}`, p, pods, notes, taken))) {
    const same = ports.find((p) => p.containerPort === port.containerPort && p.protocol === port.protocol);
    if (same) {
      names.set(port.port, same.name);
    } else if (!ports.some((p) => p.name === port.name || p.port === port.port)) {
      ports.push(port);
      names.set(port.port, port.name);
    }
  }
  return names;
}

/** Istio's protocol names (and Kubernetes' standard appProtocols) to the mesh API's factories; the rest is opaque TCP to it. */
const PROTOCOLS: Readonly<Record<string, ScaffoldProtocol>> = {
  'http': 'http', 'grpc-web': 'http', 'kubernetes.io/ws': 'http', 'http2': 'http2', 'h2c': 'http2', 'kubernetes.io/h2c': 'http2',
  'grpc': 'grpc', 'tcp': 'tcp', 'https': 'tcp', 'tls': 'tcp', 'kubernetes.io/wss': 'tcp', 'mongo': 'tcp', 'mysql': 'tcp', 'redis': 'tcp',
};

/**
 * Istio's protocol selection: `appProtocol`, else the port name's prefix up to the first `-` (istio.io,
 * "Protocol Selection"). The name is one the library accepts and `taken` does not hold yet; it is added.
 */
function scaffoldPort(ref: string, port: ServicePort, pods: readonly Workload[], notes: string[], taken: Set<string>): ScaffoldPort[] {
  if (port.protocol === 'SCTP') {
    notes.push(`Service ${ref} port ${port.port} is SCTP, which the mesh does not declare; left out`);
    return [];
  }
  const name = port.name ?? '';
  const declared = (port.appProtocol ?? (name.startsWith('grpc-web') ? 'grpc-web' : name.split('-')[0])).toLowerCase();
  let protocol: ScaffoldProtocol = port.protocol === 'UDP' ? 'udp' : PROTOCOLS[declared];
  if (!protocol) {
    notes.push(`Service ${ref} port ${port.port} declares no protocol (name ${JSON.stringify(name)}); declared as TCP, name it http-... or grpc-... if it speaks HTTP`);
    protocol = 'tcp';
  }
  const target = containerPort(ref, port, pods, notes);
  if (SIDECAR_PORTS.has(target) && (protocol !== 'udp' || target === SIDECAR_DNS_PORT)) {
    notes.push(`Service ${ref} port ${port.port} targets ${target}, a port of the Istio sidecar (metrics, health or proxy), not of the app; left out, as the library refuses it: to let Prometheus scrape the sidecars, set the Mesh's metricsScraper`);
    return [];
  }
  const meshName = meshPortName(port.name, protocol, port.port, taken);
  taken.add(meshName);
  return [{
    name: meshName,
    ...(port.name !== undefined && meshName !== port.name ? { kubernetesName: port.name } : {}),
    protocol,
    port: port.port,
    containerPort: target,
  }];
}

/**
 * Ports the Istio sidecar takes in every injected pod (istio.io, "Ports used by Istio"): a Service
 * port targeting one (often 15090 for a ServiceMonitor) reaches the sidecar, not the app. Only the
 * DNS proxy's is also UDP.
 */
const SIDECAR_PORTS: ReadonlySet<number> = new Set([15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090]);
const SIDECAR_DNS_PORT = 15053;

/** `targetPort` as a number: named target ports resolve through the selected pods' container ports. */
function containerPort(ref: string, port: ServicePort, pods: readonly Workload[], notes: string[]): number {
  if (typeof port.targetPort === 'number') return port.targetPort;
  const named = pods.flatMap((w) => w.ports).find((p) => p.name === port.targetPort && p.protocol === port.protocol);
  if (named) return named.port;
  notes.push(`Service ${ref} port ${port.port} targets the container port named ${port.targetPort}, which no selected pod declares; container port assumed ${port.port}`);
  return port.port;
}

/** A workload no Service selects: it only calls others. Its selector and ServiceAccount are its pods' own, whatever its name. */
function consumerService(workload: Workload, controller: KubeObject | undefined, services: readonly ScaffoldService[], notes: string[]): ScaffoldService {
  const taken = (candidate: string) => services.some((s) => s.namespace === workload.namespace && s.name === candidate);
  const meshName = meshServiceName(workload.name);
  let name = meshName;
  for (let n = 1; taken(name); n++) name = meshServiceName(workload.name, n === 1 ? '-client' : `-client${n}`);
  if (name !== meshName) notes.push(`workload ${workload.id} is not selected by the Service of the same name; declared as ${name}`);
  return {
    namespace: workload.namespace,
    name,
    ...(meshName !== workload.name ? { kubernetesName: workload.name } : {}),
    selector: podSelector(workload, controller),
    serviceAccountName: workload.serviceAccount,
    ports: [],
    workloads: [workload.id],
  };
}

/** The labels that select a workload's pods: its controller's selector, the stable part of its labels. */
function podSelector(workload: Workload, controller: KubeObject | undefined): Record<string, string> {
  const matchLabels = ((controller?.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels);
  // Without a controller selector, the pod's own labels, less those Istio's injector adds to every pod.
  const selector = matchLabels && Object.keys(matchLabels).length > 0
    ? matchLabels
    : Object.fromEntries([...workload.labels].filter(([key]) => !/^(security|service)\.istio\.io\//.test(key)));
  return Object.fromEntries(Object.entries(selector).sort(([a], [b]) => compareStrings(a, b)));
}
