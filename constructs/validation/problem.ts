/** How bad a validation problem is. */
export enum Severity {
  /** Synth stops; nothing is written. */
  ERROR = 'error',
  /** Synth goes on; the problem is printed. */
  WARNING = 'warning',
}

/** One problem found in a mesh declaration. */
export interface ValidationProblem {
  readonly severity: Severity;
  /** Construct path of the offending declaration, e.g. `shop/api/orders`. */
  readonly path: string;
  /** What is wrong, with the offending value and how to fix it. */
  readonly message: string;
}

/** Thrown by `Mesh.toManifests()` when the declaration has errors; lists all of them. */
export class MeshValidationError extends Error {
  constructor(public readonly problems: readonly ValidationProblem[]) {
    super(`Mesh validation failed with ${problems.length} error(s):\n${problems.map((p) => `  [${p.path}] ${p.message}`).join('\n')}`);
    this.name = 'MeshValidationError';
  }
}

/** Collects problems with their severity and path. @internal */
export class ProblemList {
  public readonly items: ValidationProblem[] = [];

  public error(path: string, message: string): void {
    this.items.push({ severity: Severity.ERROR, path, message });
  }

  public warning(path: string, message: string): void {
    this.items.push({ severity: Severity.WARNING, path, message });
  }
}
