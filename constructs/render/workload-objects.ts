import { k8s } from 'cdk8s-plus-27';
import type { MeshNamespace } from '../namespace';
import { sortBy } from '../order';
import { Ownership } from '../ownership';
import type { MeshPlan } from '../plan';
import type { MeshService } from '../service';
import { Manifest } from './manifest';

type Labels = Readonly<Record<string, string>>;

/** The label that turns on sidecar injection: by revision when the mesh names one. */
export function injectionLabels(revision: string | undefined): Labels {
  return revision ? { 'istio.io/rev': revision } : { 'istio-injection': 'enabled' };
}

/** The Namespace, labelled for sidecar injection; the mesh's labels win over the namespace's own. */
export function namespaceObject(plan: MeshPlan, namespace: MeshNamespace, labels: Labels): Manifest | undefined {
  if (namespace.ownership === Ownership.EXTERNAL) return undefined;
  const injection = injectionLabels(plan.mesh.platform.controlPlane.revision);
  return k8s.KubeNamespace.manifest({ metadata: { name: namespace.name, labels: { ...namespace.labels, ...labels, ...injection } } });
}

/**
 * One ServiceAccount per identity. The token is mounted only for services that hold API grants:
 * everything else has no business talking to the API server.
 */
export function serviceAccountObjects(plan: MeshPlan, namespace: MeshNamespace, labels: Labels): Manifest[] {
  const tokenNeeded = new Map<string, boolean>();
  for (const service of namespace.services) {
    if (service.ownership === Ownership.EXTERNAL) continue;
    const needsToken = plan.grantsHeldBy(service).length > 0;
    tokenNeeded.set(service.serviceAccountName, (tokenNeeded.get(service.serviceAccountName) ?? false) || needsToken);
  }
  return sortBy(tokenNeeded.keys(), (name) => name).map((name) => k8s.KubeServiceAccount.manifest({
    metadata: { name, namespace: namespace.name, labels: { ...labels } },
    automountServiceAccountToken: tokenNeeded.get(name),
  }));
}

/** The Service that gives the workload its name `<svc>.<ns>.svc.<cluster-domain>`. */
export function serviceObject(service: MeshService, labels: Labels): Manifest | undefined {
  if (service.ownership === Ownership.EXTERNAL || service.ports.length === 0) return undefined;
  const ports = [...service.ports].sort((a, b) => a.port - b.port || (a.name < b.name ? -1 : 1));
  return k8s.KubeService.manifest({
    metadata: { name: service.name, namespace: service.namespaceName, labels: { ...labels } },
    spec: {
      selector: { ...service.selector },
      ports: ports.map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: k8s.IntOrString.fromNumber(p.containerPort),
        protocol: p.transport,
        appProtocol: p.appProtocol,
      })),
    },
  });
}
