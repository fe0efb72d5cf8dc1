import { Construct } from 'constructs';
import { CHILDREN_ANCHOR_ID } from './children-anchor';

/**
 * Namespaces and services are constructs named by their Kubernetes name, so an empty name or a
 * second declaration of one name cannot become a construct at all: they fail at once (not with the
 * other problems at synth), saying what to do instead. @internal
 */
export function assertDeclarable(scope: Construct, what: 'namespace' | 'service', name: string, call: string): void {
  const where = scope.node.path || 'app';
  // Kubernetes: Namespace names are DNS-1123 labels, Service names DNS-1035 labels (a letter first).
  const kind = what === 'namespace' ? "a DNS-1123 label such as 'web'" : "a DNS-1035 label (lowercase letters, digits and '-', starting with a letter) such as 'orders'";
  if (name === '') throw new Error(`${where}: ${call}('') needs a ${what} name, ${kind}`);
  const taken = scope.node.tryFindChild(name);
  // A namespace's anchor (children-anchor.ts) holds this id; other names that are not labels, this one
  // in a mesh included, are reported with all problems at synth.
  if (taken && name === CHILDREN_ANCHOR_ID) throw new Error(`${where}: ${call}('${name}'): a ${what} name must be ${kind}`);
  if (taken) {
    throw new Error(`${where}: ${what} '${name}' is declared twice; keep the one the first ${call}('${name}') returned and use it again`);
  }
}
