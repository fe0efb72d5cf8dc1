import { loadManifests } from '../../analyzer';
import { InputError } from '../../analyzer/errors';
import { lintManifests } from '../../analyzer/lint';
import { DEFAULT_ROOT_NAMESPACE, DEFAULT_TRUST_DOMAIN } from '../../analyzer/model/mesh-config';
import { MESH_OPTIONS, ParsedArgs, allowOnly, formatOption } from '../args';
import { meshOptions } from '../inputs';
import { CliIo, EXIT_FINDINGS, EXIT_OK } from '../io';

/**
 * `lint <paths...>`: objects the API server or Istio would reject (errors) and risky ones (warnings).
 * Objects go to the linter as parsed, without building an inventory, so that a malformed policy is a
 * finding rather than a load failure. Exits 1 when there is an error, like other linters.
 */
export function runLint(args: ParsedArgs, io: CliIo): number {
  allowOnly(args, 'lint', MESH_OPTIONS);
  const format = formatOption(args, ['text', 'json'], 'text');
  // Validated as the other commands do: a malformed trust domain would make every principal look foreign.
  const { trustDomain, rootNamespace } = meshOptions(args);
  if (args.positionals.length === 0) throw new InputError('no manifest path given');
  const objects = loadManifests(args.positionals).map((loaded) => loaded.object);
  const problems = lintManifests(objects, {
    trustDomain: trustDomain ?? DEFAULT_TRUST_DOMAIN,
    rootNamespace: rootNamespace ?? DEFAULT_ROOT_NAMESPACE,
  });
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ problems })}\n`);
  } else {
    io.stdout(problems.map((p) => `${p.severity} ${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}: ${p.message}\n`).join('')
      || 'no problems\n');
  }
  return problems.some((problem) => problem.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}
