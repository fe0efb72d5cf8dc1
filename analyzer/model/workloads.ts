import { SourceRef } from '../errors';
import { ObjectReader, asRecord } from './fields';
import { labelsFrom } from './labels';
import { ContainerPort, PROTOCOLS, Protocol, Workload, WorkloadKind } from './types';

/** A workload as read from its manifest, before facts that depend on other objects (sidecar, owners). */
export interface WorkloadDraft
  extends Pick<Workload, 'kind' | 'namespace' | 'name' | 'labels' | 'annotations' | 'serviceAccount' | 'ports' | 'podIPs' | 'phase'> {
  readonly hostNetwork: boolean;
  readonly owners: readonly { readonly kind: string; readonly name: string; readonly controller: boolean }[];
  /** metadata.generateName of a Pod (set on pods a controller made). */
  readonly generateName?: string;
  /** The role of an `istio-proxy` container the pod already runs (injected earlier, or a gateway's own). */
  readonly runningProxy?: ProxyRole;
  readonly source: SourceRef;
}

/** The proxy type in istio-proxy's command line (`pilot-agent proxy sidecar|router ...`). */
export type ProxyRole = 'sidecar' | 'router';
const PROXY_CONTAINER = 'istio-proxy';

/** Where each controller kind keeps its pod template. */
const TEMPLATE_PATHS: Readonly<Record<Exclude<WorkloadKind, 'Pod'>, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** The path of a controller kind's pod template (own properties only: a kind named "constructor" is no controller). */
export function templatePathOf(kind: string): readonly string[] | undefined {
  return Object.prototype.hasOwnProperty.call(TEMPLATE_PATHS, kind) ? TEMPLATE_PATHS[kind as keyof typeof TEMPLATE_PATHS] : undefined;
}

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return kind === 'Pod' || templatePathOf(kind) !== undefined;
}

export function readWorkload(reader: ObjectReader): WorkloadDraft {
  const kind = reader.kind as WorkloadKind;
  const object = reader.object as Record<string, unknown>;
  let metadata: Readonly<Record<string, unknown>> | undefined;
  let podSpec: Readonly<Record<string, unknown>> | undefined;
  let templatePath: string;
  if (kind === 'Pod') {
    metadata = reader.record(object.metadata, 'metadata');
    podSpec = reader.record(object.spec, 'spec');
    templatePath = '';
  } else {
    const path = TEMPLATE_PATHS[kind].join('.');
    let template: unknown = object;
    for (const step of TEMPLATE_PATHS[kind]) template = asRecord(template)?.[step];
    const record = reader.record(template, path);
    metadata = reader.record(record?.metadata, `${path}.metadata`);
    podSpec = reader.record(record?.spec, `${path}.spec`);
    templatePath = `${path}.`;
  }
  const runningProxy = readRunningProxy(podSpec);
  return {
    kind,
    namespace: reader.namespace,
    name: reader.name,
    labels: labelsFrom(metadata?.labels, `${templatePath}metadata.labels`, reader.fail),
    annotations: labelsFrom(metadata?.annotations, `${templatePath}metadata.annotations`, reader.fail),
    // The API server fills in "default" when a pod names no service account.
    serviceAccount: reader.string(podSpec?.serviceAccountName, `${templatePath}spec.serviceAccountName`)
      || reader.string(podSpec?.serviceAccount, `${templatePath}spec.serviceAccount`) || 'default',
    ports: readContainerPorts(reader, podSpec, `${templatePath}spec`),
    podIPs: kind === 'Pod' ? readPodIPs(reader) : [],
    ...(kind === 'Pod' ? readPhase(reader) : {}),
    hostNetwork: podSpec?.hostNetwork === true,
    owners: readOwners(reader),
    ...(kind === 'Pod' && typeof metadata?.generateName === 'string' ? { generateName: metadata.generateName } : {}),
    ...(runningProxy ? { runningProxy } : {}),
    source: reader.loaded.source,
  };
}

/**
 * The ports of the containers and of native sidecars (init containers with restartPolicy Always),
 * which run beside them and whose ports Services and named ports find (kubernetes pkg/api/v1/pod
 * FindPort searches both).
 */
function readContainerPorts(
  reader: ObjectReader,
  podSpec: Readonly<Record<string, unknown>> | undefined,
  specPath: string,
): ContainerPort[] {
  const ports: ContainerPort[] = [];
  const containers = (field: 'containers' | 'initContainers') =>
    (reader.list(podSpec?.[field], `${specPath}.${field}`) ?? []).map((container, index) => ({ container, path: `${specPath}.${field}[${index}]` }));
  const sidecars = containers('initContainers').filter(({ container }) => (container as { restartPolicy?: unknown } | null)?.restartPolicy === 'Always');
  [...containers('containers'), ...sidecars].forEach(({ container, path: containerPath }) => {
    const record = reader.record(container, containerPath);
    (reader.list(record?.ports, `${containerPath}.ports`) ?? []).forEach((raw, portIndex) => {
      const portPath = `${containerPath}.ports[${portIndex}]`;
      const port = reader.record(raw, portPath) ?? {};
      const name = reader.string(port.name, `${portPath}.name`);
      ports.push({
        port: reader.port(port.containerPort, `${portPath}.containerPort`),
        protocol: readProtocol(reader, port.protocol, `${portPath}.protocol`),
        ...(name ? { name } : {}),
      });
    });
  });
  return ports;
}

/**
 * Whether the pod spec already holds Istio's proxy: a container (or native sidecar init container)
 * named istio-proxy whose arguments say `sidecar` (a pod from a cluster dump, or `istioctl kube-inject`
 * output) or `router` (a gateway: Istio's Gateway API deployments, istio-ingressgateway). Lenient: a
 * malformed container here is reported by the port reader or the linter, not twice.
 */
function readRunningProxy(podSpec: Readonly<Record<string, unknown>> | undefined): ProxyRole | undefined {
  const containers = [podSpec?.containers, podSpec?.initContainers].flatMap((list) => (Array.isArray(list) ? list : []));
  for (const container of containers) {
    const record = asRecord(container);
    if (record?.name !== PROXY_CONTAINER || !Array.isArray(record.args)) continue;
    const role = record.args.find((arg): arg is ProxyRole => arg === 'sidecar' || arg === 'router');
    if (role) return role;
  }
  return undefined;
}

/** Protocol fields default to TCP everywhere in the core API. */
export function readProtocol(reader: ObjectReader, value: unknown, path: string): Protocol {
  if (value === undefined || value === null) return 'TCP';
  if (typeof value === 'string' && (PROTOCOLS as readonly string[]).includes(value)) return value as Protocol;
  return reader.fail(path, `expected TCP, UDP or SCTP, got ${JSON.stringify(value)}`);
}

function readPodIPs(reader: ObjectReader): string[] {
  const status = reader.record(reader.object.status, 'status');
  const ips = new Set<string>();
  const single = reader.string(status?.podIP, 'status.podIP');
  if (single) ips.add(single);
  (reader.list(status?.podIPs, 'status.podIPs') ?? []).forEach((entry, index) => {
    const ip = reader.string(reader.record(entry, `status.podIPs[${index}]`)?.ip, `status.podIPs[${index}].ip`);
    if (ip) ips.add(ip);
  });
  return [...ips];
}

function readPhase(reader: ObjectReader): { phase?: string } {
  const phase = reader.string(reader.record(reader.object.status, 'status')?.phase, 'status.phase');
  return phase ? { phase } : {};
}

function readOwners(reader: ObjectReader): { kind: string; name: string; controller: boolean }[] {
  const metadata = reader.record(reader.object.metadata, 'metadata');
  return (reader.list(metadata?.ownerReferences, 'metadata.ownerReferences') ?? []).flatMap((raw) => {
    const owner = reader.record(raw, 'metadata.ownerReferences') ?? {};
    return typeof owner.kind === 'string' && typeof owner.name === 'string' ? [{ kind: owner.kind, name: owner.name, controller: owner.controller === true }] : [];
  });
}
