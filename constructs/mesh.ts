import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { assertDeclarable } from './declaration';
import { DeclaredAccess, declaredAccess } from './declared-access';
import { MeshIntent } from './intent';
import { MeshNamespace, MeshNamespaceProps } from './namespace';
import { compare } from './order';
import { PlatformProps, ResolvedPlatform, resolvePlatform } from './platform';
import { Manifest, renderMesh, renderNamespaces } from './render';
import { meshOwnLabels } from './render/manifest';
import { MeshService } from './service';
import { canonicalManifest } from './synth/canonical';
import { recordDeclaredAccess } from './synth/declared-access-file';
import { userApiObjects } from './synth/user-objects';
import { collectProblems } from './validation/checks';
import { MeshValidationError, Severity, ValidationProblem } from './validation/problem';

/** Properties of a {@link Mesh}: the platform it runs on, and labels. */
export interface MeshProps extends PlatformProps {
  /** Labels added to every emitted object. @default - only the mesh's own labels */
  readonly labels?: Readonly<Record<string, string>>;
}

const MESH_SYMBOL = Symbol.for('cdk8s-mesh-policy.Mesh');
const MANIFESTS_ID = 'Manifests';

/**
 * A service mesh declaration: one cdk8s Chart holding the namespaces, services and access rules,
 * which synthesizes NetworkPolicies, RBAC, Istio PeerAuthentication and AuthorizationPolicy and
 * the Namespaces, ServiceAccounts and Services they protect. One chart for the whole mesh keeps
 * synth linear (cdk8s re-validates the whole app for every chart).
 */
export class Mesh extends Chart {
  public static isMesh(x: unknown): x is Mesh {
    return x !== null && typeof x === 'object' && MESH_SYMBOL in x;
  }

  /** The mesh a construct belongs to. */
  public static of(construct: IConstruct): Mesh {
    for (let scope: IConstruct | undefined = construct; scope; scope = scope.node.scope) {
      if (Mesh.isMesh(scope)) return scope;
    }
    throw new Error(`${construct.node.path} is not inside a Mesh`);
  }

  /** Platform settings with defaults applied. */
  public readonly platform: ResolvedPlatform;
  /** Labels on every emitted object. */
  public readonly commonLabels: Readonly<Record<string, string>>;
  /** `MeshProps.labels` as given, for validation. @internal */
  public readonly _userLabels: Readonly<Record<string, string>>;
  /** @internal */
  public readonly _intent: MeshIntent;
  /**
   * Set by `MeshApp` while it synthesizes: validation then only validates, since MeshApp renders
   * the objects straight to YAML instead of through ApiObjects. @internal
   */
  public _deferMaterialization = false;
  private materializedVersion?: string;
  private warnedVersion?: string;
  private problemCache?: { readonly version: string; readonly problems: readonly ValidationProblem[]; readonly errorsByPath: Map<string, string[]> };
  private declaredConstructs = 0;

  constructor(scope: Construct, id: string, props: MeshProps = {}) {
    super(scope, id, { disableResourceNameHashes: true });
    Object.defineProperty(this, MESH_SYMBOL, { value: true });
    this.platform = resolvePlatform(props);
    this._userLabels = { ...(props.labels ?? {}) };
    this.commonLabels = { ...this._userLabels, ...meshOwnLabels(id) };
    this._intent = new MeshIntent();
    // cdk8s validates the whole tree before it serializes any chart: the one moment at which
    // every declaration is known, so the objects are rendered then, in a deterministic order.
    this.node.addValidation({ validate: () => this.validateAndMaterialize() });
  }

  /** Declares a namespace of the mesh. */
  public addNamespace(name: string, props: MeshNamespaceProps = {}): MeshNamespace {
    assertDeclarable(this, 'namespace', name, 'addNamespace');
    return new MeshNamespace(this, name, props);
  }

  /** The namespaces of the mesh, by name. */
  public get namespaces(): MeshNamespace[] {
    return this.node.children.filter(MeshNamespace.isMeshNamespace).sort((a, b) => compare(a.name, b.name));
  }

  /** All services of the mesh, by namespace and name. */
  public get services(): MeshService[] {
    return this.namespaces.flatMap((ns) => ns.services);
  }

  /** Every problem of the declaration (errors and warnings), in a stable order. */
  public problems(): ValidationProblem[] {
    return [...this.validationState().problems];
  }

  /** Errors found at one construct path, for the validation of that construct. @internal */
  public _errorsAt(path: string): string[] {
    return this.validationState().errorsByPath.get(path) ?? [];
  }

  /** Counts a namespace or service declared in the mesh, so cached results are recomputed. @internal */
  public _declared(): void {
    this.declaredConstructs++;
  }

  /** The declared services and edges as plain data, to check the synthesized output against. */
  public declaredAccess(): DeclaredAccess {
    return declaredAccess(this);
  }

  /**
   * The Kubernetes objects of the mesh as plain JSON, in output order and in the form cdk8s
   * writes them (keys sorted, `apiVersion`, `kind`, `metadata` first). Throws a
   * {@link MeshValidationError} listing every error when the declaration is invalid.
   */
  public toManifests(): Manifest[] {
    throwOnErrors(this.problems());
    return renderMesh(this).map((manifest) => canonicalManifest(manifest) as unknown as Manifest);
  }

  /**
   * The mesh's own errors; and, when the whole declaration is valid, its ApiObjects. The
   * namespaces and services report their own errors, so cdk8s prints each under its path.
   */
  private validateAndMaterialize(): string[] {
    const problems = this.problems();
    const valid = !problems.some((p) => p.severity === Severity.ERROR);
    if (!this._deferMaterialization && valid) this.materialize(problems);
    // cdk8s prints only the errors; the warnings of a failing declaration are printed here, once.
    if (!valid && this.warnedVersion !== this.declarationVersion()) {
      this.warnedVersion = this.declarationVersion();
      printWarnings(problems);
    }
    return this._errorsAt(this.node.path);
  }

  /** Replaces the ApiObjects of the chart by the current rendering, once per declaration state. */
  private materialize(problems: readonly ValidationProblem[]): void {
    const version = this.declarationVersion();
    if (version === this.materializedVersion) return;
    this.materializedVersion = version;
    printWarnings(problems);
    recordDeclaredAccess([this]);
    this.node.tryRemoveChild(MANIFESTS_ID);
    const holder = new Construct(this, MANIFESTS_ID);
    for (const manifest of renderMesh(this)) {
      new ApiObject(holder, `${manifest.kind}:${manifest.metadata.namespace ?? ''}:${manifest.metadata.name}`, manifest);
    }
  }

  /**
   * The documents of this chart in the order and form cdk8s writes them: ApiObjects the user
   * added to the chart, then the mesh's objects, namespace by namespace. @internal
   */
  public *_documents(): Generator<Record<string, unknown>> {
    const problems = this.problems();
    throwOnErrors(problems);
    printWarnings(problems);
    recordDeclaredAccess([this]);
    for (const apiObject of userApiObjects(this, this.node.tryFindChild(MANIFESTS_ID))) yield apiObject.toJson();
    for (const manifests of renderNamespaces(this)) {
      for (const manifest of manifests) yield canonicalManifest(manifest);
    }
  }

  /** Problems of the current declaration, computed once per declaration state. */
  private validationState() {
    const version = this.declarationVersion();
    if (this.problemCache?.version !== version) {
      const problems = collectProblems(this);
      const errorsByPath = new Map<string, string[]>();
      for (const p of problems.filter((problem) => problem.severity === Severity.ERROR)) {
        errorsByPath.set(p.path, [...(errorsByPath.get(p.path) ?? []), p.message]);
      }
      this.problemCache = { version, problems, errorsByPath };
    }
    return this.problemCache;
  }

  /** Identifies the state of the declaration: declarations only ever add. */
  private declarationVersion(): string {
    return `${this._intent.version}:${this.declaredConstructs}`;
  }
}

function throwOnErrors(problems: readonly ValidationProblem[]): void {
  const errors = problems.filter((p) => p.severity === Severity.ERROR);
  if (errors.length > 0) throw new MeshValidationError(errors, problems.filter((p) => p.severity === Severity.WARNING));
}

function printWarnings(problems: readonly ValidationProblem[]): void {
  for (const warning of problems.filter((p) => p.severity === Severity.WARNING)) {
    process.stderr.write(`Warning: [${warning.path}] ${warning.message}\n`);
  }
}
