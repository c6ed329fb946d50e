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
    const [line, column] = firstError.linePos?.[0] ? [firstError.linePos[0].line, firstError.linePos[0].col] : [];
    const reason = (firstError.message.split('\n')[0] ?? firstError.code).replace(/ at line \d+, column \d+:?$/, '');
    throw yamlSyntax({ file, reason: reason.charAt(0).toLowerCase() + reason.slice(1) }, {
      location: { file, line, column },
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
