import { Construct } from 'constructs';

/**
 * Namespaces and services are constructs named by their Kubernetes name, so an empty name or a
 * second declaration of one name cannot become a construct at all: they fail at once (not with the
 * other problems at synth), saying what to do instead. @internal
 */
export function assertDeclarable(scope: Construct, what: 'namespace' | 'service', name: string, call: string): void {
  const where = scope.node.path || 'app';
  if (name === '') throw new Error(`${where}: ${call}('') needs a ${what} name, a DNS-1123 label such as '${what === 'namespace' ? 'web' : 'orders'}'`);
  if (scope.node.tryFindChild(name)) {
    throw new Error(`${where}: ${what} '${name}' is declared twice; keep the one the first ${call}('${name}') returned and use it again`);
  }
}
