/** HTML helpers shared by the reports' self-contained pages. */
import { escapeXml } from './svg/escape.js';

/** An HTML table; every cell is text, escaped here. `numeric` columns are right-aligned (class "n"). */
export function htmlTable(headers: readonly string[], rows: readonly (readonly string[])[], numeric: ReadonlySet<number> = new Set(), rowClass?: (row: readonly string[], index: number) => string | undefined): string {
  const head = headers.map((header) => `<th>${escapeXml(header)}</th>`).join('');
  const body = rows
    .map((row, index) => {
      const name = rowClass?.(row, index);
      return `<tr${name ? ` class="${escapeXml(name)}"` : ''}>${row.map((cell, k) => `<td${numeric.has(k) ? ' class="n"' : ''}>${escapeXml(cell)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table><tr>${head}</tr>\n${body}\n</table>`;
}
