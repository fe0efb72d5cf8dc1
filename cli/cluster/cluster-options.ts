import { InputError } from '../../analyzer/errors';
import { dns1123SubdomainErrors } from '../../analyzer/lint/names';
import { ParsedArgs, single } from '../args';
import { namespaceName } from '../inputs';
import { DEFAULT_CLUSTER_DOMAIN } from './discover-env';
import { ConnectOptions } from './kubeconfig-client';

/** The options of the commands that read a cluster, besides the global ones. */
export const CLUSTER_OPTIONS = ['kubeconfig', 'context', 'namespace', 'request-timeout'] as const;

export function connectOptions(args: ParsedArgs): ConnectOptions {
  const kubeconfig = single(args, 'kubeconfig');
  const context = single(args, 'context');
  const timeout = single(args, 'request-timeout');
  return {
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(context ? { context } : {}),
    ...(timeout !== undefined ? { requestTimeoutMs: parseRequestTimeout(timeout) } : {}),
  };
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** kubectl's `--request-timeout`: a Go duration (`30s`, `1m30s`, `500ms`), a bare number of seconds, or 0 for none. */
export function parseRequestTimeout(value: string): number {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const whole = new RegExp(`^(?:${DURATION_PART.source})+$`);
  if (!whole.test(text)) {
    throw new InputError(`--request-timeout ${JSON.stringify(value)} is not a duration; write e.g. 30s, 2m or 0 (no timeout)`);
  }
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) ms += Number(amount) * UNIT_MS[unit];
  return Math.round(ms);
}

/** `--namespace a --namespace b` or `--namespace a,b`; undefined when not given. Sorted, without repeats. */
export function namespaceOption(args: ParsedArgs): string[] | undefined {
  const values = args.options.get('namespace');
  if (!values) return undefined;
  const names = [...new Set(values.flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean))].sort();
  for (const name of names) namespaceName(name, '--namespace');
  if (names.length === 0) throw new InputError('--namespace needs a namespace name');
  return names;
}

/**
 * `--cluster-domain`: the kubelet's `--cluster-domain`, under which a pod's DNS finds Services. A
 * DNS-1123 subdomain, as the library's `clusterDomain` must be, so that the scaffold that sets it synthesizes.
 */
export function clusterDomainOption(args: ParsedArgs): string {
  const domain = single(args, 'cluster-domain') ?? DEFAULT_CLUSTER_DOMAIN;
  const errors = dns1123SubdomainErrors(domain);
  if (errors.length > 0) {
    throw new InputError(`--cluster-domain ${JSON.stringify(domain)} is not a DNS domain (${errors.join('; ')}); give the kubelet's --cluster-domain, e.g. cluster.local`);
  }
  return domain;
}
