import { ApiGrant } from './grant';
import { compare, sortedUnique } from './order';
import { MeshPeerConfig, peerKey } from './peer';
import { MeshPort } from './port';
import type { MeshService } from './service';

/** Options of `allowFrom` / `allowTo`. */
export interface AccessOptions {
  /**
   * Destination ports that the peer may use: port names of the destination service (or its
   * `MeshPort` objects). For `allowTo` an IP block or a namespace outside the mesh, the `MeshPort`s
   * to open (their container ports, which NetworkPolicy matches).
   * @default - every port of the destination; with `methods`/`paths`, every HTTP/gRPC port
   */
  readonly ports?: readonly (string | MeshPort)[];
  /** HTTP methods the peer may use (HTTP/gRPC ports only), e.g. `['GET', 'POST']`. @default - any method */
  readonly methods?: readonly string[];
  /**
   * Request paths (Istio syntax: exact, `prefix*`, `*suffix`, `*`), e.g. `['/api/*']` or
   * `['/shop.Orders/*']` for a gRPC service. HTTP/gRPC ports only.
   * @default - any path
   */
  readonly paths?: readonly string[];
}

/** One declared edge "peer may call destination", as written on the destination. @internal */
export interface IngressEdge {
  readonly destination: MeshService;
  readonly peer: MeshPeerConfig;
  /** Requested destination port names, sorted; undefined means "the default ports". */
  readonly portNames?: readonly string[];
  readonly methods: readonly string[];
  readonly paths: readonly string[];
}

/** Egress from a mesh service to what the mesh does not manage: addresses outside the cluster, or the pods of a namespace. @internal */
export interface ExternalEgressEdge {
  readonly consumer: MeshService;
  readonly peer: Extract<MeshPeerConfig, { kind: 'ipBlock' | 'namespace' }>;
  readonly ports: readonly MeshPort[];
  /** Port references that were names; a peer outside the mesh has no named ports (reported by validation). */
  readonly unresolvedPortNames: readonly string[];
  /** Methods or paths were given, which nothing can enforce on egress (reported by validation). */
  readonly httpFields: boolean;
}

/**
 * Everything the user declared about access, collected by methods and rendered late, so that the
 * order of calls does not matter and repeated declarations merge. @internal
 */
export class MeshIntent {
  private readonly ingress = new Map<string, IngressEdge>();
  private readonly externalEgress = new Map<string, ExternalEgressEdge>();
  private readonly apiGrants = new Map<string, ApiGrant>();
  private readonly misuse: Array<{ readonly path: string; readonly message: string }> = [];
  private changes = 0;

  /** Changes with every declaration, so that renderings can be cached. */
  public get version(): number {
    return this.changes;
  }

  public addIngress(destination: MeshService, peer: MeshPeerConfig, options: AccessOptions): void {
    const edge: IngressEdge = {
      destination,
      peer,
      portNames: options.ports ? sortedUnique(options.ports.map((p) => (typeof p === 'string' ? p : p.name))) : undefined,
      methods: sortedUnique(options.methods ?? []),
      paths: sortedUnique(options.paths ?? []),
    };
    const key = [destination.node.path, peerKey(peer), edge.portNames?.join(',') ?? '*', edge.methods.join(','), edge.paths.join(',')].join('|');
    if (!this.ingress.has(key)) this.ingress.set(key, edge);
    this.changes++;
  }

  public addExternalEgress(consumer: MeshService, peer: ExternalEgressEdge['peer'], options: AccessOptions): void {
    const refs = options.ports ?? [];
    const ports = refs.filter((p): p is MeshPort => typeof p !== 'string');
    const edge: ExternalEgressEdge = {
      consumer,
      peer,
      ports: [...ports].sort((a, b) => a.containerPort - b.containerPort || compare(a.transport, b.transport)),
      unresolvedPortNames: sortedUnique(refs.filter((p): p is string => typeof p === 'string')),
      httpFields: (options.methods ?? []).length > 0 || (options.paths ?? []).length > 0,
    };
    const portKey = edge.ports.map((p) => `${p.transport}/${p.containerPort}`).join(',');
    const key = [consumer.node.path, peerKey(peer), portKey, edge.unresolvedPortNames.join(',')].join('|');
    if (!this.externalEgress.has(key)) this.externalEgress.set(key, edge);
    this.changes++;
  }

  public addGrant(grant: ApiGrant): ApiGrant {
    const existing = this.apiGrants.get(grant.key);
    if (existing) return existing;
    this.apiGrants.set(grant.key, grant);
    this.changes++;
    return grant;
  }

  public get ingressEdges(): IngressEdge[] {
    return [...this.ingress.values()];
  }

  public get externalEgressEdges(): ExternalEgressEdge[] {
    return [...this.externalEgress.values()];
  }

  public get grants(): ApiGrant[] {
    return [...this.apiGrants.values()];
  }

  /** A call that declares nothing, kept to be reported with the other problems at synth. */
  public addMisuse(path: string, message: string): void {
    this.misuse.push({ path, message });
    this.changes++;
  }

  public get misuses(): ReadonlyArray<{ readonly path: string; readonly message: string }> {
    return this.misuse;
  }
}
