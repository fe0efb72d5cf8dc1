import { ApiRequest, authorizeApi, inventoryForRbac } from '../../analyzer';
import { InputError } from '../../analyzer/errors';
import { serviceAccountUser } from '../../analyzer/rbac/subjects';
import { ParsedArgs, allowOnly, formatOption, single } from '../args';
import { namespaceName } from '../inputs';
import { CliIo, EXIT_OK } from '../io';

/**
 * `can-i <paths...> --as NS/SA --verb V --resource R[/SUB] [--group G] [--namespace NS] [--name NAME]`:
 * `kubectl auth can-i` against manifests, for ServiceAccounts. Like kubectl, a "resource" that starts
 * with "/" is a non-resource URL (`--verb get --resource /healthz`). Exits 0 whether allowed or not
 * (the answer is the output); bad input exits 2.
 */
export function runCanI(args: ParsedArgs, io: CliIo): number {
  allowOnly(args, 'can-i', ['as', 'verb', 'resource', 'group', 'namespace', 'name']);
  const format = formatOption(args, ['text', 'json'], 'text');
  const request = readApiRequest(args);
  if (args.positionals.length === 0) throw new InputError('no manifest path given');
  const { allowed, reason } = authorizeApi(inventoryForRbac(args.positionals), request);
  io.stdout(format === 'json' ? `${JSON.stringify({ allowed, reason })}\n` : `${allowed ? 'yes' : 'no'} (${reason})\n`);
  return EXIT_OK;
}

function readApiRequest(args: ParsedArgs): ApiRequest {
  const serviceAccount = single(args, 'as');
  const verb = single(args, 'verb');
  const resource = single(args, 'resource');
  if (!serviceAccount || !verb || !resource) throw new InputError('can-i needs --as NAMESPACE/SERVICEACCOUNT, --verb and --resource');
  serviceAccountUser(serviceAccount, '--as');
  if (resource.startsWith('/')) {
    const scoped = ['group', 'namespace', 'name'].filter((option) => args.options.has(option));
    if (scoped.length > 0) {
      throw new InputError(`--resource ${resource} is a non-resource URL, which has no ${scoped.map((o) => `--${o}`).join(', ')}; leave ${scoped.length > 1 ? 'them' : 'it'} out`);
    }
    return { serviceAccount, verb, nonResourceURL: resource };
  }
  const apiGroup = single(args, 'group') ?? '';
  // kubectl spells the group into the resource ("deployments.apps"); here it would silently ask for a
  // resource that does not exist, so say how to write it instead.
  const [qualified, subresource] = resource.split(/(?=\/)/);
  const dot = qualified.indexOf('.');
  if (dot >= 0 && !args.options.has('group')) {
    const hint = `--resource ${qualified.slice(0, dot)}${subresource ?? ''} --group ${qualified.slice(dot + 1)}`;
    throw new InputError(`--resource ${JSON.stringify(resource)}: give the API group with --group (${hint})`);
  }
  const given = single(args, 'namespace');
  // A malformed name would only ever be answered "no", as if the grant were missing.
  const namespace = given === undefined ? undefined : namespaceName(given, '--namespace');
  const name = single(args, 'name');
  return { serviceAccount, verb, apiGroup, resource, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) };
}
