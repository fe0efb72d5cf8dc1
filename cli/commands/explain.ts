import { apiGrants, reach } from '../../analyzer';
import { explainMarkdown } from '../../analyzer/report/explain';
import { MESH_OPTIONS, ParsedArgs, allowOnly, formatOption } from '../args';
import { inventoryFrom } from '../inputs';
import { CliIo, EXIT_OK } from '../io';

/** `explain <paths...>`: Markdown for a pull request. */
export function runExplain(args: ParsedArgs, io: CliIo): number {
  allowOnly(args, 'explain', ['stand-ins', ...MESH_OPTIONS]);
  formatOption(args, ['markdown'], 'markdown');
  const inventory = inventoryFrom(args.positionals, args);
  io.stdout(explainMarkdown(reach(inventory), apiGrants(inventory)));
  return EXIT_OK;
}
