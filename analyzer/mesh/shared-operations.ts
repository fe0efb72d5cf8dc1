import type { Alternative } from './authorization-rules';
import { AuthorizationOperation } from '../model/types';

/** An operation (`to[].operation`) compiled on its own, and whether it fails the rule that holds it. */
export interface CompiledOperation {
  readonly alternative: Alternative;
  readonly breaksRule: boolean;
}

/**
 * Compiled operations by content, shared by all the policies of an inventory. Policies repeat the same
 * few operations (a port; methods and paths on it) thousands of times, while their sources differ:
 * compiling each distinct operation once keeps the compiled policies, which live as long as the
 * inventory, about half as big.
 */
export class SharedOperations {
  private readonly compiled = new Map<string, CompiledOperation>();

  /** `lenient` (see RuleContext) decides whether invalid values fail the rule, so it is part of the key. */
  get(operation: AuthorizationOperation, lenient: boolean, compile: () => CompiledOperation): CompiledOperation {
    const key = `${lenient}${JSON.stringify(operation)}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      compiled = compile();
      this.compiled.set(key, compiled);
    }
    return compiled;
  }
}
