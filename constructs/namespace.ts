import { Construct } from 'constructs';
import { anchorChildren } from './children-anchor';
import { assertDeclarable } from './declaration';
import { Mesh } from './mesh';
import { compare } from './order';
import { Ownership } from './ownership';
import { IMeshPeer, MeshPeerConfig } from './peer';
import { MeshService, MeshServiceProps } from './service';

/** Properties of a {@link MeshNamespace}. */
export interface MeshNamespaceProps {
  /**
   * Whether the mesh emits the Namespace object (with the sidecar injection label), or it exists
   * already and only the objects inside it are emitted.
   * @default Ownership.MESH
   */
  readonly ownership?: Ownership;
  /** Extra labels of the Namespace object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

const NAMESPACE_SYMBOL = Symbol.for('cdk8s-mesh-policy.MeshNamespace');

/**
 * A namespace managed by the mesh: default-deny networking, STRICT (or the mesh's) mTLS and an
 * allow-nothing authorization baseline, with the services declared in it. As a peer it stands for
 * every pod of the namespace.
 */
export class MeshNamespace extends Construct implements IMeshPeer {
  /** Brand check that works across copies of this package. */
  public static isMeshNamespace(x: unknown): x is MeshNamespace {
    return x !== null && typeof x === 'object' && NAMESPACE_SYMBOL in x;
  }

  public readonly name: string;
  public readonly ownership: Ownership;
  public readonly labels: Readonly<Record<string, string>>;
  /** The mesh this namespace belongs to. */
  public readonly mesh: Mesh;

  constructor(scope: Mesh, id: string, props: MeshNamespaceProps = {}) {
    super(scope, id);
    // Before any service: see anchorChildren.
    anchorChildren(this);
    Object.defineProperty(this, NAMESPACE_SYMBOL, { value: true });
    this.name = id;
    this.mesh = scope;
    this.ownership = props.ownership ?? Ownership.MESH;
    this.labels = { ...(props.labels ?? {}) };
    this.mesh._declared();
    this.node.addValidation({ validate: () => this.mesh._errorsAt(this.node.path) });
  }

  /** Declares a service in this namespace: `ns.addService('orders', { ports: [MeshPort.grpc(50051)] })`. */
  public addService(name: string, props: MeshServiceProps = {}): MeshService {
    assertDeclarable(this, 'service', name, 'addService');
    return new MeshService(this, name, props);
  }

  /** The services declared in this namespace, by name. */
  public get services(): MeshService[] {
    return this.node.children.filter(MeshService.isMeshService).sort((a, b) => compare(a.name, b.name));
  }

  public toMeshPeer(): MeshPeerConfig {
    return { kind: 'namespace', namespace: this.name };
  }
}
