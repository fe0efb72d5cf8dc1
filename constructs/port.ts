/**
 * The application protocol spoken on a port. It decides three things: the Kubernetes transport
 * protocol (UDP or TCP), the Istio protocol selection (port name prefix and `appProtocol`), and
 * whether HTTP operations (methods, paths) may be used to restrict access to it.
 */
export enum PortProtocol {
  /** HTTP/1.1 (and HTTP/2 with prior knowledge negotiated by Istio). */
  HTTP = 'HTTP',
  /** HTTP/2 cleartext. */
  HTTP2 = 'HTTP2',
  /** gRPC (HTTP/2); methods and paths apply (`POST /package.Service/Method`). */
  GRPC = 'GRPC',
  /** Opaque TCP: Istio authorizes by identity and port only. */
  TCP = 'TCP',
  /** UDP: not intercepted by Istio sidecars; only NetworkPolicy protects it. */
  UDP = 'UDP',
}

/** Options of a service port. */
export interface MeshPortOptions {
  /**
   * Name of the port, used in the Service, in NetworkPolicy-independent references and by
   * `allowFrom(..., { ports: ['name'] })`. Istio reads the prefix before the first `-` as protocol.
   * @default `<protocol>-<port>`, e.g. `grpc-50051`
   */
  readonly name?: string;
  /**
   * Port the workload's container listens on (the Service `targetPort`). NetworkPolicies and Istio
   * authorization match this port, not the Service port.
   * @default the service port
   */
  readonly containerPort?: number;
}

const NAME_PREFIX: Record<PortProtocol, string> = {
  [PortProtocol.HTTP]: 'http',
  [PortProtocol.HTTP2]: 'http2',
  [PortProtocol.GRPC]: 'grpc',
  [PortProtocol.TCP]: 'tcp',
  [PortProtocol.UDP]: 'udp',
};

/**
 * A port of a mesh service: Service port, container port and protocol. Created through the
 * static factories, e.g. `MeshPort.grpc(50051)` or `MeshPort.http(80, { containerPort: 8080 })`.
 */
export class MeshPort {
  public static http(port: number, options: MeshPortOptions = {}): MeshPort {
    return new MeshPort(PortProtocol.HTTP, port, options);
  }
  public static http2(port: number, options: MeshPortOptions = {}): MeshPort {
    return new MeshPort(PortProtocol.HTTP2, port, options);
  }
  public static grpc(port: number, options: MeshPortOptions = {}): MeshPort {
    return new MeshPort(PortProtocol.GRPC, port, options);
  }
  public static tcp(port: number, options: MeshPortOptions = {}): MeshPort {
    return new MeshPort(PortProtocol.TCP, port, options);
  }
  public static udp(port: number, options: MeshPortOptions = {}): MeshPort {
    return new MeshPort(PortProtocol.UDP, port, options);
  }

  /** The Service port (what clients dial at `<svc>.<ns>.svc.<cluster-domain>:<port>`). */
  public readonly port: number;
  /** The container port behind it; the port that policies match. */
  public readonly containerPort: number;
  public readonly protocol: PortProtocol;
  public readonly name: string;
  /**
   * Whether `containerPort` was given rather than taken from the Service port: a defaulted one
   * shares the Service port's mistakes, which validation then reports once. @internal
   */
  public readonly _containerPortGiven: boolean;

  private constructor(protocol: PortProtocol, port: number, options: MeshPortOptions) {
    this.protocol = protocol;
    this.port = port;
    this.containerPort = options.containerPort ?? port;
    this._containerPortGiven = options.containerPort !== undefined;
    this.name = options.name ?? `${NAME_PREFIX[protocol]}-${port}`;
  }

  /** Kubernetes transport protocol of the port. */
  public get transport(): 'TCP' | 'UDP' {
    return this.protocol === PortProtocol.UDP ? 'UDP' : 'TCP';
  }

  /** True when Istio parses HTTP on this port, so methods and paths can be authorized. */
  public get isHttp(): boolean {
    return this.protocol === PortProtocol.HTTP || this.protocol === PortProtocol.HTTP2 || this.protocol === PortProtocol.GRPC;
  }

  /** Istio authorizes this port (sidecars do not intercept UDP). */
  public get isMeshAuthorized(): boolean {
    return this.protocol !== PortProtocol.UDP;
  }

  /** Value for the Service's `appProtocol`, which Istio uses for protocol selection. */
  public get appProtocol(): string | undefined {
    switch (this.protocol) {
      case PortProtocol.HTTP: return 'http';
      case PortProtocol.HTTP2: return 'http2';
      case PortProtocol.GRPC: return 'grpc';
      case PortProtocol.TCP: return 'tcp';
      default: return undefined;
    }
  }
}
