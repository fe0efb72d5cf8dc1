import type { ApiGrant } from './grant';
import type { ExternalEgressEdge, IngressEdge } from './intent';
import type { Mesh } from './mesh';
import type { MeshNamespace } from './namespace';
import type { MeshPort } from './port';
import type { MeshService } from './service';

/** An edge with its destination ports looked up. @internal */
export interface ResolvedEdge {
  readonly edge: IngressEdge;
  /** Destination ports the edge opens, in the destination's port order. */
  readonly ports: readonly MeshPort[];
  /** Requested port names that the destination does not declare. */
  readonly unknownPortNames: readonly string[];
}

/**
 * The destination ports of an edge: the named ones, or by default every port (every HTTP/gRPC
 * port when the edge restricts methods or paths, since those only exist on HTTP). @internal
 */
export function resolveEdge(edge: IngressEdge): ResolvedEdge {
  const declared = edge.destination.ports;
  if (edge.portNames === undefined) {
    const httpOnly = edge.methods.length > 0 || edge.paths.length > 0;
    return { edge, ports: declared.filter((p) => !httpOnly || p.isHttp), unknownPortNames: [] };
  }
  const byName = new Map(declared.map((p) => [p.name, p]));
  return {
    edge,
    ports: declared.filter((p) => edge.portNames!.includes(p.name)),
    unknownPortNames: edge.portNames.filter((name) => !byName.has(name)),
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The declarations of a mesh indexed the way the renderers consume them: per destination, per
 * consumer, per namespace. Built once per rendering, in linear time. @internal
 */
export class MeshPlan {
  public readonly namespaces: readonly MeshNamespace[];
  private readonly ingress = new Map<MeshService, ResolvedEdge[]>();
  private readonly serviceEgress = new Map<MeshService, ResolvedEdge[]>();
  private readonly namespaceEgress = new Map<string, ResolvedEdge[]>();
  private readonly externalEgress = new Map<MeshService, ExternalEgressEdge[]>();
  private readonly grantsByHolder = new Map<MeshService, ApiGrant[]>();
  private readonly grantsByNamespace = new Map<string, ApiGrant[]>();

  constructor(public readonly mesh: Mesh) {
    this.namespaces = mesh.namespaces;
    for (const edge of mesh._intent.ingressEdges) {
      const resolved = resolveEdge(edge);
      push(this.ingress, edge.destination, resolved);
      if (edge.peer.kind === 'service') push(this.serviceEgress, edge.peer.service, resolved);
      if (edge.peer.kind === 'namespace') push(this.namespaceEgress, edge.peer.namespace, resolved);
    }
    for (const edge of mesh._intent.externalEgressEdges) push(this.externalEgress, edge.consumer, edge);
    for (const grant of mesh._intent.grants) {
      push(this.grantsByHolder, grant.holder, grant);
      push(this.grantsByNamespace, grant.namespaceName, grant);
    }
  }

  /** Edges whose destination is `service`. */
  public ingressOf(service: MeshService): readonly ResolvedEdge[] {
    return this.ingress.get(service) ?? [];
  }

  /** Edges whose consumer is `service`. */
  public egressOf(service: MeshService): readonly ResolvedEdge[] {
    return this.serviceEgress.get(service) ?? [];
  }

  /** Edges whose consumer is every pod of the namespace. */
  public namespaceEgressOf(namespace: string): readonly ResolvedEdge[] {
    return this.namespaceEgress.get(namespace) ?? [];
  }

  public externalEgressOf(service: MeshService): readonly ExternalEgressEdge[] {
    return this.externalEgress.get(service) ?? [];
  }

  public grantsHeldBy(service: MeshService): readonly ApiGrant[] {
    return this.grantsByHolder.get(service) ?? [];
  }

  public grantsIn(namespace: string): readonly ApiGrant[] {
    return this.grantsByNamespace.get(namespace) ?? [];
  }
}
