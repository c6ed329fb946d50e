/** Markdown helpers shared by the reports. */

/** Text safe inside a Markdown table cell: pipes escaped, line breaks flattened. */
export function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
