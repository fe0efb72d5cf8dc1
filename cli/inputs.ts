import { Inventory, LoadedObject, inventoryForAccess } from '../analyzer';
import { InputError } from '../analyzer/errors';
import { ParsedArgs, single } from './args';
import { readDeclaredAccess } from './verify/declared';
import { declaredWorkloads } from './verify/stand-ins';

/** A namespace name as the API server takes it: a DNS-1123 label. */
export function isNamespaceName(name: string): boolean {
  return name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

/** The namespace an option names; bad input when it is no namespace name. */
export function namespaceName(value: string, option: string): string {
  if (!isNamespaceName(value)) throw new InputError(`${option} ${JSON.stringify(value)} is not a namespace name (DNS-1123 label)`);
  return value;
}

/** The global options every analysis takes. */
export function meshOptions(args: ParsedArgs): { trustDomain?: string; rootNamespace?: string } {
  const trustDomain = single(args, 'trust-domain');
  const rootNamespace = single(args, 'root-namespace');
  if (trustDomain !== undefined && !/^[A-Za-z0-9_]([A-Za-z0-9._-]*[A-Za-z0-9_])?$/.test(trustDomain)) {
    throw new InputError(`--trust-domain ${JSON.stringify(trustDomain)} is not a trust domain (a DNS name such as cluster.local)`);
  }
  if (rootNamespace !== undefined && !isNamespaceName(rootNamespace)) {
    throw new InputError(`--root-namespace ${JSON.stringify(rootNamespace)} is not a namespace name (DNS-1123 label such as istio-system)`);
  }
  return { ...(trustDomain ? { trustDomain } : {}), ...(rootNamespace ? { rootNamespace } : {}) };
}

/** What reach, explain and diff analyze: the documents that can change a verdict. */
export function inventoryFrom(paths: readonly string[], args: ParsedArgs, workloadPaths: readonly string[] = []): Inventory {
  if (paths.length === 0) throw new InputError('no manifest path given');
  return inventoryForAccess(paths, meshOptions(args), workloadPaths, standInsOf(args));
}

/**
 * `--stand-ins FILE` (repeatable): pods for the services that a synth's declared access names (the
 * file `cdk8s synth` writes beside dist/), for manifests that carry policies but not the workloads
 * they are for. Meshes in name order, files in the order given: a later declaration of a service wins.
 */
export function standInsOf(args: ParsedArgs): LoadedObject[] {
  return (args.options.get('stand-ins') ?? []).flatMap((file) => {
    const meshes = readDeclaredAccess(file);
    return Object.keys(meshes).sort().flatMap((mesh) => declaredWorkloads(meshes[mesh]));
  });
}
