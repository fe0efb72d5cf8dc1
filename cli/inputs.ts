import { Inventory, inventoryForAccess } from '../analyzer';
import { InputError } from '../analyzer/errors';
import { ParsedArgs, single } from './args';

/** The global options every analysis takes. */
export function meshOptions(args: ParsedArgs): { trustDomain?: string; rootNamespace?: string } {
  const trustDomain = single(args, 'trust-domain');
  const rootNamespace = single(args, 'root-namespace');
  return { ...(trustDomain ? { trustDomain } : {}), ...(rootNamespace ? { rootNamespace } : {}) };
}

/** What reach, explain and diff analyze: the documents that can change a verdict. */
export function inventoryFrom(paths: readonly string[], args: ParsedArgs): Inventory {
  if (paths.length === 0) throw new InputError('no manifest path given');
  return inventoryForAccess(paths, meshOptions(args));
}
