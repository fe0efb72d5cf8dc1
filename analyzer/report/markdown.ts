/** A GitHub-flavoured Markdown table; cells are escaped so that `|` and newlines keep the layout. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '_none_\n';
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}

/** `|` and newlines would break the row; `<`, `>` and `&` in values (paths, hosts) would render as HTML. Line breaks `<br>` stay. */
function escapeCell(text: string): string {
  return text.split('<br>').map((part) => part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')).join('<br>')
    .replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
