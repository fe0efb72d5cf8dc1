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

/**
 * Thrown by `Mesh.toManifests()` when the declaration has errors; lists all of them, and the
 * warnings of the same declaration (a fix for one may be hinted at by the other).
 */
export class MeshValidationError extends Error {
  constructor(public readonly problems: readonly ValidationProblem[], public readonly warnings: readonly ValidationProblem[] = []) {
    const list = (items: readonly ValidationProblem[]) => items.map((p) => `  [${p.path}] ${p.message}`).join('\n');
    const alsoWarnings = warnings.length > 0 ? `\nand ${warnings.length} warning(s):\n${list(warnings)}` : '';
    super(`Mesh validation failed with ${problems.length} error(s):\n${list(problems)}${alsoWarnings}`);
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
