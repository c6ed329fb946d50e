/**
 * YAML parsing that remembers where every value came from, so that errors can name
 * `file:line:col` instead of a path into the parsed object.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { SourceLocation } from './app-error.js';
import { yamlSyntax } from './errors.js';

/** A key path into a parsed document: map keys and sequence indexes. */
export type DocumentPath = readonly (string | number)[];

/** A parsed YAML file that can point back into its source. */
export interface LocatedDocument {
  readonly file: string;
  readonly value: unknown;
  /**
   * Where the node at `path` starts. With `{ key: true }`, points at the map key instead of its
   * value (better for "unknown key" errors). Falls back to the nearest ancestor that exists.
   */
  locate(path: DocumentPath, options?: { key?: boolean }): SourceLocation;
}

/** Parses YAML text; syntax errors become a `SLUICE_CORE_YAML_SYNTAX` error with a location. */
export function parseLocatedYaml(text: string, file: string): LocatedDocument {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const firstError = document.errors[0];
  if (firstError) {
    const reason = (firstError.message.split('\n')[0] ?? firstError.code).replace(/ at line \d+, column \d+:?$/, '');
    const { offset, continuation } = errorOffset(text, document.errors);
    const position = lineCounter.linePos(offset);
    const because = continuation ? `; line ${position.line} is indented deeper than the key above it, so YAML reads it as part of that key's value` : '';
    throw yamlSyntax({ file, reason: `${reason.charAt(0).toLowerCase()}${reason.slice(1)}${because}` }, {
      location: { file, line: position.line, column: position.col },
    });
  }
  const at = (offset: number): SourceLocation => {
    const position = lineCounter.linePos(offset);
    return { file, line: position.line, column: position.col };
  };
  return {
    file,
    value: document.toJS({ maxAliasCount: 1000 }) as unknown,
    locate(path, options = {}) {
      const range = findRange(document, path, options.key ?? false);
      return range === undefined ? { file } : at(range);
    },
  };
}

function findRange(document: Document, path: DocumentPath, pointAtKey: boolean): number | undefined {
  let node: Node | null | undefined = document.contents;
  let best: number | undefined = node?.range?.[0];
  for (const [index, segment] of path.entries()) {
    const isLast = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return best;
      const keyNode = pair.key as Node;
      if (isLast && pointAtKey) return keyNode.range?.[0] ?? best;
      node = pair.value as Node | null;
      best = node?.range?.[0] ?? keyNode.range?.[0] ?? best;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) return best;
      node = item;
      best = item.range?.[0] ?? best;
    } else {
      return best;
    }
  }
  return best;
}

/**
 * Where to point for a syntax error: the first character the parser could not place, skipping
 * the blank lines and indentation its reported range may start with (an indentation error after
 * a blank line is reported at the blank line). A key that YAML read as the continuation of the
 * value above (`MULTILINE_IMPLICIT_KEY`) is pointed at on its own line, where the user typed it.
 */
function errorOffset(text: string, errors: readonly { code: string; pos: [number, number] }[]): { offset: number; continuation: boolean } {
  const multiline = errors.find((error) => error.code === 'MULTILINE_IMPLICIT_KEY');
  if (multiline) {
    const lineStart = text.lastIndexOf('\n', multiline.pos[1] - 1) + 1;
    return { offset: skipBlank(text, lineStart), continuation: true };
  }
  return { offset: skipBlank(text, errors[0]!.pos[0]), continuation: false };
}

function skipBlank(text: string, from: number): number {
  let offset = from;
  while (offset < text.length && /\s/.test(text[offset]!)) offset++;
  return offset < text.length ? offset : from;
}
