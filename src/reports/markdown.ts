/** Markdown helpers shared by the reports. */

/** Text safe inside a Markdown table cell: pipes escaped, line breaks flattened, no HTML. */
export function escapeCell(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('|', '\\|').replaceAll('\n', ' ');
}
