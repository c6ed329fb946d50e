/** Reading Markdown tables back, as a renderer would, to check what a report shows. */

/** The cells of a table row, split on pipes that are not escaped. */
export function tableCells(line: string): string[] {
  const cells = line.trim().split(/(?<!\\)\|/);
  return cells.slice(1, -1).map((cell) => cell.trim());
}

/** Every table in `markdown`: header cells and body rows (the delimiter row dropped). */
export function markdownTables(markdown: string): { header: string[]; rows: string[][] }[] {
  const tables: { header: string[]; rows: string[][] }[] = [];
  const lines = markdown.split('\n');
  for (let k = 0; k < lines.length; k++) {
    if (!lines[k]!.startsWith('|') || !/^\|[\s:|-]+\|$/.test(lines[k + 1] ?? '')) continue;
    const header = tableCells(lines[k]!);
    const rows: string[][] = [];
    for (k += 2; k < lines.length && lines[k]!.startsWith('|'); k++) rows.push(tableCells(lines[k]!));
    tables.push({ header, rows });
  }
  return tables;
}
