// The facts the risk rules need about the rest of the input: namespaces, workloads (pod templates)
// and Services. Kept deliberately small and local to lint (the full analyzer has its own model).

import { templatePathOf } from '../model/workloads';
import {
  annotationsOf, arrayField, isObject, JsonObject, labelsOf, objectField, refOf, stringField, stringMap,
} from './objects';

export interface ContainerPort {
  readonly port: number;
  readonly name: string;
  readonly protocol: string;
}

export interface Workload {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork: boolean;
}

export interface ServicePort {
  readonly port: number;
  readonly name: string;
  readonly protocol: string;
  readonly appProtocol: string | undefined;
  /** Container port number or name; absent means "same as port". */
  readonly targetPort: number | string | undefined;
}

export interface Service {
  readonly namespace: string;
  readonly name: string;
  /** `undefined` for a Service without selector (endpoints managed elsewhere). */
  readonly selector: Readonly<Record<string, string>> | undefined;
  readonly ports: readonly ServicePort[];
}

export interface Inventory {
  /** Labels per namespace that has a Namespace object or any namespaced object in the input. */
  readonly namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly workloads: readonly Workload[];
  readonly services: readonly Service[];
  /** The same, indexed by namespace: every rule looks within one namespace. */
  readonly workloadsByNamespace: ReadonlyMap<string, readonly Workload[]>;
  readonly servicesByNamespace: ReadonlyMap<string, readonly Service[]>;
}

export function buildInventory(objects: readonly JsonObject[]): Inventory {
  const namespaceLabels = new Map<string, Record<string, string>>();
  const present = new Set(objects.map((o) => `${stringField(o, 'kind')}/${refOf(o).namespace}/${refOf(o).name}`));
  const workloads: Workload[] = [];
  const services: Service[] = [];
  for (const obj of objects) {
    const ref = refOf(obj);
    if (ref.kind === 'Namespace') {
      namespaceLabels.set(ref.name, { ...labelsOf(obj), 'kubernetes.io/metadata.name': ref.name });
      continue;
    }
    if (ref.namespace !== '' && !namespaceLabels.has(ref.namespace)) {
      namespaceLabels.set(ref.namespace, { 'kubernetes.io/metadata.name': ref.namespace });
    }
    if (ref.kind === 'Service') services.push(serviceOf(obj, ref.namespace, ref.name));
    const workload = workloadOf(obj, ref.kind, ref.namespace, ref.name);
    // A Pod of a ReplicaSet of a Deployment: count only the top-most controller present.
    if (workload && !ownedByPresentController(obj, ref.namespace, present)) workloads.push(workload);
  }
  return { namespaceLabels, workloads, services, workloadsByNamespace: groupByNamespace(workloads), servicesByNamespace: groupByNamespace(services) };
}

function groupByNamespace<T extends { readonly namespace: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.namespace);
    if (group) group.push(item);
    else groups.set(item.namespace, [item]);
  }
  return groups;
}

function ownedByPresentController(obj: JsonObject, namespace: string, present: ReadonlySet<string>): boolean {
  return (arrayField(objectField(obj, 'metadata'), 'ownerReferences') ?? []).some(
    (owner) => isObject(owner) && owner.controller === true && present.has(`${stringField(owner, 'kind')}/${namespace}/${stringField(owner, 'name')}`),
  );
}

function workloadOf(obj: JsonObject, kind: string, namespace: string, name: string): Workload | undefined {
  const template = kind === 'Pod' ? obj : templatePathOf(kind)?.reduce<unknown>((node, key) => objectField(node, key), obj);
  if (!isObject(template)) return undefined;
  const podSpec = objectField(template, 'spec');
  const containers = [
    ...(arrayField(podSpec, 'containers') ?? []),
    // Native sidecars (init containers that keep running) can serve ports too.
    ...(arrayField(podSpec, 'initContainers') ?? []).filter((c) => stringField(c, 'restartPolicy') === 'Always'),
  ];
  const ports = containers.flatMap((container) => (arrayField(container, 'ports') ?? []).flatMap((port): ContainerPort[] => {
    const number = isObject(port) ? port.containerPort : undefined;
    if (typeof number !== 'number') return [];
    return [{ port: number, name: stringField(port, 'name') ?? '', protocol: stringField(port, 'protocol') ?? 'TCP' }];
  }));
  return {
    kind, namespace, name,
    labels: labelsOf(template),
    annotations: annotationsOf(template),
    serviceAccount: stringField(podSpec, 'serviceAccountName') || stringField(podSpec, 'serviceAccount') || 'default',
    ports,
    hostNetwork: isObject(podSpec) && podSpec.hostNetwork === true,
  };
}

function serviceOf(obj: JsonObject, namespace: string, name: string): Service {
  const spec = objectField(obj, 'spec');
  const selector = objectField(spec, 'selector');
  const ports = (arrayField(spec, 'ports') ?? []).flatMap((port): ServicePort[] => {
    if (!isObject(port) || typeof port.port !== 'number') return [];
    const target = port.targetPort;
    return [{
      port: port.port,
      name: stringField(port, 'name') ?? '',
      protocol: stringField(port, 'protocol') ?? 'TCP',
      appProtocol: stringField(port, 'appProtocol'),
      targetPort: typeof target === 'number' || typeof target === 'string' ? target : undefined,
    }];
  });
  return { namespace, name, selector: selector && Object.keys(selector).length ? stringMap(selector) : undefined, ports };
}

export function workloadId(workload: Workload): string {
  return `${workload.kind} ${workload.namespace}/${workload.name}`;
}

export function workloadsIn(inventory: Inventory, namespace: string): readonly Workload[] {
  return inventory.workloadsByNamespace.get(namespace) ?? [];
}
