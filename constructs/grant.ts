import type { MeshService } from './service';

/** Kubernetes API access that a service is granted in a namespace. */
export interface ApiGrantOptions {
  /** Resources, e.g. `['configmaps']` or `['deployments/scale']`. */
  readonly resources: readonly string[];
  /** Verbs, e.g. `['get', 'list', 'watch']`. */
  readonly verbs: readonly string[];
  /** API groups of the resources. @default [''] (the core group) */
  readonly apiGroups?: readonly string[];
  /** Restrict the grant to these object names. @default - all objects of the resources */
  readonly resourceNames?: readonly string[];
}

/**
 * The record of a grant, returned by `MeshService.grantApi` (like aws-cdk's `iam.Grant`): the
 * Role and RoleBinding are emitted in `namespaceName`, with `holder`'s ServiceAccount as subject.
 */
export class ApiGrant {
  /** @internal */
  constructor(
    /** The service whose ServiceAccount receives the permissions. */
    public readonly holder: MeshService,
    /** The namespace whose objects may be used; must be a namespace of the holder's mesh. */
    public readonly namespaceName: string,
    public readonly apiGroups: readonly string[],
    public readonly resources: readonly string[],
    public readonly verbs: readonly string[],
    public readonly resourceNames: readonly string[],
  ) {}

  /** Identity of the rule for merging repeated grants. @internal */
  public get key(): string {
    return [this.holder.node.path, this.namespaceName, this.apiGroups, this.resources, this.verbs, this.resourceNames]
      .map((part) => (Array.isArray(part) ? part.join(',') : part)).join('|');
  }
}
