import { Construct } from 'constructs';
import { ApiGrant, ApiGrantOptions } from './grant';
import { AccessOptions } from './intent';
import { Mesh } from './mesh';
import { MeshNamespace } from './namespace';
import { sortedUnique } from './order';
import { Ownership } from './ownership';
import { describePeer, IMeshPeer, MeshPeerConfig } from './peer';
import { resolveIngressGateway } from './platform';
import { MeshPort } from './port';
import { stableKey } from './render/stable-key';

/** Properties of a {@link MeshService}. */
export interface MeshServiceProps {
  /** Ports the service serves. @default - none (a pure consumer, e.g. a load generator) */
  readonly ports?: readonly MeshPort[];
  /** Labels of the service's pods. @default { app: <name> } */
  readonly selector?: Readonly<Record<string, string>>;
  /** ServiceAccount the pods run as: their mesh identity. @default <name> */
  readonly serviceAccountName?: string;
  /**
   * Whether the mesh emits the Service and ServiceAccount, or they exist already (Helm, another
   * chart) and only the policies around them are emitted.
   * @default Ownership.MESH
   */
  readonly ownership?: Ownership;
}

const SERVICE_SYMBOL = Symbol.for('cdk8s-mesh-policy.MeshService');

/**
 * A workload of the mesh: pods selected by labels, running as one ServiceAccount (their
 * identity), serving named ports. Access is declared on it with `allowFrom`/`allowTo` and
 * `grantApi`; synth writes both sides of every edge.
 */
export class MeshService extends Construct implements IMeshPeer {
  /** Brand check that works across copies of this package. */
  public static isMeshService(x: unknown): x is MeshService {
    return x !== null && typeof x === 'object' && SERVICE_SYMBOL in x;
  }

  public readonly name: string;
  public readonly namespace: MeshNamespace;
  public readonly ports: readonly MeshPort[];
  public readonly selector: Readonly<Record<string, string>>;
  public readonly serviceAccountName: string;
  public readonly ownership: Ownership;
  private readonly mesh: Mesh;

  constructor(scope: MeshNamespace, id: string, props: MeshServiceProps = {}) {
    super(scope, id);
    Object.defineProperty(this, SERVICE_SYMBOL, { value: true });
    this.name = id;
    this.namespace = scope;
    this.mesh = Mesh.of(scope);
    this.ports = [...(props.ports ?? [])];
    this.selector = { ...(props.selector ?? { app: id }) };
    this.serviceAccountName = props.serviceAccountName ?? id;
    this.ownership = props.ownership ?? Ownership.MESH;
    this.mesh._declared();
    this.node.addValidation({ validate: () => this.mesh._errorsAt(this.node.path) });
  }

  /** Name of the namespace the service lives in. */
  public get namespaceName(): string {
    return this.namespace.name;
  }

  /** `<name>.<namespace>.svc.<cluster-domain>`: how other namespaces reach the service. */
  public get fqdn(): string {
    return `${this.name}.${this.namespaceName}.svc.${this.mesh.platform.clusterDomain}`;
  }

  /** The Istio identity of the pods: `<trust-domain>/ns/<namespace>/sa/<service-account>`. */
  public get principal(): string {
    return `${this.mesh.platform.trustDomain}/ns/${this.namespaceName}/sa/${this.serviceAccountName}`;
  }

  /** The port with this name. Throws when there is none. */
  public port(name: string): MeshPort {
    const port = this.ports.find((p) => p.name === name);
    if (!port) {
      throw new Error(`${this.node.path}: no port named '${name}' (ports: ${this.ports.map((p) => p.name).join(', ') || 'none'})`);
    }
    return port;
  }

  /**
   * Allows `peer` to call this service. Writes the ingress side here and, when the peer is managed
   * by the mesh, its egress side. Declaring the same access twice is harmless.
   */
  public allowFrom(peer: IMeshPeer, options: AccessOptions = {}): void {
    this.mesh._intent.addIngress(this, this.completeGateway(peer.toMeshPeer()), options);
  }

  /**
   * A gateway peer with every field known, so that the same gateway merges however it was named;
   * the mesh's own is kept as `Peer.ingressGateway()` writes it.
   */
  private completeGateway(config: MeshPeerConfig): MeshPeerConfig {
    if (config.kind !== 'ingressGateway' || !config.gateway) return config;
    const gateway = resolveIngressGateway(this.mesh.platform, config.gateway);
    return stableKey(gateway) === stableKey(this.mesh.platform.ingressGateway) ? { kind: 'ingressGateway' } : { kind: 'ingressGateway', gateway };
  }

  /**
   * Allows this service to call `peer`: the mirror of `peer.allowFrom(this)` for a mesh service;
   * for an IP block outside the cluster, or `Peer.namespace(...)` that the mesh does not manage (a
   * shared database, a Vault), opens egress to `options.ports` (MeshPort values): the mesh writes
   * no policies there, that namespace's own decide who gets in.
   */
  public allowTo(peer: IMeshPeer, options: AccessOptions = {}): void {
    const config = peer.toMeshPeer();
    if (config.kind === 'service') {
      config.service.allowFrom(this, options);
    } else if (config.kind === 'ipBlock' || config.kind === 'namespace') {
      this.mesh._intent.addExternalEgress(this, config, options);
    } else {
      this.mesh._intent.addMisuse(this.node.path, 'allowTo accepts a mesh service, Peer.namespace(...) outside the mesh or Peer.ipBlock(...), not the ingress gateway; '
        + `to let ${describePeer(config)} call this service, use allowFrom`);
    }
  }

  /**
   * Grants this service's ServiceAccount access to Kubernetes API objects in `namespace` (a
   * namespace of this mesh, given as construct or name): a Role
   * and RoleBinding there, the ServiceAccount token mounted, and egress to the API server.
   */
  public grantApi(namespace: MeshNamespace | string, options: ApiGrantOptions): ApiGrant {
    const sorted = (values: readonly string[] | undefined) => sortedUnique(values ?? []);
    return this.mesh._intent.addGrant(new ApiGrant(
      this,
      typeof namespace === 'string' ? namespace : namespace.name,
      options.apiGroups ? sorted(options.apiGroups) : [''],
      sorted(options.resources),
      sorted(options.verbs),
      sorted(options.resourceNames),
    ));
  }

  public toMeshPeer(): MeshPeerConfig {
    return { kind: 'service', service: this };
  }
}
