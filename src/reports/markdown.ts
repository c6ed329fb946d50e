/** Markdown helpers shared by the reports. */

/** Text safe inside a Markdown table cell: pipes escaped, line breaks flattened, no HTML. */
export function escapeCell(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/**
 * User-provided text as plain inline Markdown, in a table cell or a sentence: what `escapeCell`
 * does, and Markdown's own marks (backticks, emphasis, links, strikethrough) backslash-escaped so
 * they show as typed instead of formatting.
 */
export function escapeInline(text: string): string {
  return escapeCell(text.replaceAll('\\', '\\\\').replace(/[`*_[\]~]/g, '\\$&')).replaceAll('\r', '');
}

/**
 * Text as a code span that survives any content: a fence longer than any backtick run inside,
 * lines flattened; in a table cell, pipes escaped (GFM unescapes `\|` inside code spans there,
 * and only there).
 */
export function codeSpan(text: string, inTable = false): string {
  const flat = text.replace(/\r?\n/g, ' ').replaceAll('|', inTable ? '\\|' : '|');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
