import { InputError } from '../../analyzer/errors';
import { ParsedArgs, single } from '../args';
import { ConnectOptions } from './kubeconfig-client';

/** The options of the commands that read a cluster, besides the global ones. */
export const CLUSTER_OPTIONS = ['kubeconfig', 'context', 'namespace'] as const;

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function connectOptions(args: ParsedArgs): ConnectOptions {
  const kubeconfig = single(args, 'kubeconfig');
  const context = single(args, 'context');
  return { ...(kubeconfig ? { kubeconfig } : {}), ...(context ? { context } : {}) };
}

/** `--namespace a --namespace b` or `--namespace a,b`; undefined when not given. Sorted, without repeats. */
export function namespaceOption(args: ParsedArgs): string[] | undefined {
  const values = args.options.get('namespace');
  if (!values) return undefined;
  const names = [...new Set(values.flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean))].sort();
  for (const name of names) {
    if (name.length > 63 || !DNS_1123_LABEL.test(name)) throw new InputError(`--namespace ${JSON.stringify(name)} is not a namespace name (DNS-1123 label)`);
  }
  if (names.length === 0) throw new InputError('--namespace needs a namespace name');
  return names;
}
