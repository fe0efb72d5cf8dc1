import type { Mesh } from '../mesh';
import type { MeshNamespace } from '../namespace';
import { MeshPlan } from '../plan';
import { allowNothingPolicy, namespacePeerAuthentication, plaintextPortsPeerAuthentication, serviceAuthorizationPolicy } from './istio';
import { BASELINE_NAMES, Manifest } from './manifest';
import {
  defaultDenyPolicy, metricsScrapingPolicy, namespaceEgressPolicy, platformEgressPolicy, serviceEgressPolicy, serviceIngressPolicy,
} from './network-policies';
import { grantObjects } from './rbac';
import { namespaceObject, serviceAccountObjects, serviceObject } from './workload-objects';

export type { Manifest } from './manifest';

/** Kinds in the order they are written: what a kind refers to comes before it. */
const KIND_ORDER = ['Namespace', 'ServiceAccount', 'Service', 'NetworkPolicy', 'PeerAuthentication', 'AuthorizationPolicy', 'Role', 'RoleBinding'];

function renderNamespace(plan: MeshPlan, namespace: MeshNamespace): Manifest[] {
  const labels = plan.mesh.commonLabels;
  const ns = namespace.name;
  const services = namespace.services;
  const objects: Array<Manifest | undefined> = [
    namespaceObject(plan, namespace, labels),
    ...serviceAccountObjects(plan, namespace, labels),
    ...services.map((s) => serviceObject(s, labels)),
    defaultDenyPolicy(ns, labels),
    platformEgressPolicy(plan, ns, labels),
    metricsScrapingPolicy(plan, ns, labels),
    namespaceEgressPolicy(plan, namespace, labels),
    ...services.flatMap((s) => [serviceIngressPolicy(plan, s, labels), serviceEgressPolicy(plan, s, labels)]),
    namespacePeerAuthentication(plan, ns, labels),
    ...services.map((s) => plaintextPortsPeerAuthentication(plan, s, labels)),
    allowNothingPolicy(ns, labels),
    ...services.map((s) => serviceAuthorizationPolicy(plan, s, labels)),
    ...grantObjects(plan, ns, labels),
  ];
  const rank = (m: Manifest) => KIND_ORDER.indexOf(m.kind);
  const denies = (m: Manifest) => (NAMESPACE_DENIALS.has(`${m.kind}/${m.metadata.name}`) ? 1 : 0);
  return objects
    .filter((m): m is Manifest => m !== undefined)
    .sort((a, b) => rank(a) - rank(b) || denies(a) - denies(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

/**
 * The namespace-wide lockdowns, written after the other objects of their kind: `kubectl apply`
 * creates objects in file order, so on a namespace whose pods already serve traffic the exceptions
 * (DNS egress, each edge, the plaintext ports) exist before the lockdown does, not a moment after.
 */
const NAMESPACE_DENIALS = new Set([
  `NetworkPolicy/${BASELINE_NAMES.defaultDeny}`,
  `PeerAuthentication/${BASELINE_NAMES.peerAuthentication}`,
  `AuthorizationPolicy/${BASELINE_NAMES.allowNothing}`,
]);

/**
 * The objects of the mesh one namespace at a time, in a deterministic order, so that a writer can
 * stream a mesh of 50,000 services without holding every object in memory.
 */
export function* renderNamespaces(mesh: Mesh): Generator<Manifest[]> {
  const plan = new MeshPlan(mesh);
  for (const namespace of plan.namespaces) yield renderNamespace(plan, namespace);
}

/** Every object of the mesh, namespace by namespace, in a deterministic order. */
export function renderMesh(mesh: Mesh): Manifest[] {
  return [...renderNamespaces(mesh)].flat();
}
