/**
 * MLflow's search filter language: comparisons joined by AND, such as
 * `metrics.roc_auc > 0.95 and params.algorithm = 'gbdt' and tags.team = 'risk'`.
 *
 * Written by hand: the grammar is a small, quirky subset of SQL (keys split at the first dot,
 * backticked and double-quoted keys, per-entity value types) that no SQL parser on npm reads the
 * way MLflow does. Accepted strings mean what they mean in MLflow; rejected ones get a message
 * that says where the problem is. Deliberate differences: `''` inside a string is an escaped
 * quote, and `IN` lists keep upper-case items (MLflow drops them, a MySQL workaround).
 */
import { invalidSearch } from '../errors.js';
import {
  LIST_COMPARATORS,
  NUMERIC_COMPARATORS,
  STRING_COMPARATORS,
  type Comparator,
  type EntityType,
  type ListComparator,
  type NumericComparator,
  type SearchVocabulary,
  type StringComparator,
} from './vocabulary.js';

/** One comparison, typed by what it compares. */
export type FilterClause =
  | { readonly type: 'metric'; readonly key: string; readonly comparator: NumericComparator; readonly value: number }
  | { readonly type: 'param' | 'tag'; readonly key: string; readonly comparator: StringComparator; readonly value: string }
  | { readonly type: 'attribute'; readonly key: string; readonly comparator: NumericComparator; readonly value: number }
  | { readonly type: 'attribute' | 'dataset'; readonly key: string; readonly comparator: StringComparator; readonly value: string }
  | { readonly type: 'attribute' | 'dataset'; readonly key: string; readonly comparator: ListComparator; readonly value: readonly string[] };

/** An identifier as written: `metrics.acc`, ``tags.`my key` ``, `status`. */
export interface Identifier {
  readonly type: EntityType;
  readonly key: string;
}

type Value = { readonly kind: 'number'; readonly raw: string } | { readonly kind: 'string'; readonly text: string } | { readonly kind: 'list'; readonly items: readonly string[] };

const NUMBER = /-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE]-?\d+)?/y;
const WORD = /[\p{L}\p{N}_]+/uy;
const DOTTED = /[\p{L}\p{N}_.]+/uy;
const SYMBOL_COMPARATOR = /(?:==|!=|<>|>=|<=|=<|=>|=|<|>)/y;

/** A cursor over the text, with the error helpers every step needs. */
export class Scanner {
  position = 0;

  constructor(
    readonly text: string,
    private readonly what: string,
  ) {}

  get done(): boolean {
    this.skipSpace();
    return this.position >= this.text.length;
  }

  skipSpace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position]!)) this.position += 1;
  }

  fail(problem: string): never {
    throw invalidSearch({ what: this.what, text: this.text, problem });
  }

  /** Fails naming what was expected and what is at the cursor. */
  expected(what: string): never {
    const rest = this.text.slice(this.position);
    this.fail(rest ? `expected ${what} at column ${this.position + 1}, found ${JSON.stringify(rest.length > 30 ? `${rest.slice(0, 30)}…` : rest)}` : `expected ${what} at the end`);
  }

  match(pattern: RegExp): string | undefined {
    this.skipSpace();
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.text);
    if (!found) return undefined;
    this.position += found[0].length;
    return found[0];
  }

  /** A keyword, case-insensitive, not followed by a word character. */
  keyword(word: string): boolean {
    this.skipSpace();
    const candidate = this.text.slice(this.position, this.position + word.length);
    const after = this.text[this.position + word.length];
    if (candidate.toUpperCase() !== word || (after !== undefined && /[\p{L}\p{N}_]/u.test(after))) return false;
    this.position += word.length;
    return true;
  }

  /** A quoted run of text; `''` inside single quotes (or doubled delimiters) stands for one. */
  quoted(): string | undefined {
    this.skipSpace();
    const quote = this.text[this.position];
    if (quote !== "'" && quote !== '"' && quote !== '`') return undefined;
    let value = '';
    let index = this.position + 1;
    for (;;) {
      const next = this.text.indexOf(quote, index);
      if (next === -1) this.fail(`the ${quote} opened at column ${this.position + 1} is never closed`);
      value += this.text.slice(index, next);
      if (this.text[next + 1] === quote) {
        value += quote;
        index = next + 2;
        continue;
      }
      this.position = next + 1;
      return value;
    }
  }

  /** `entity.key`, `entity.'key'`, ``entity.`key` ``, or a bare attribute name. */
  identifier(vocabulary: SearchVocabulary): Identifier {
    this.skipSpace();
    const start = this.position;
    const head = this.text[this.position] === '`' ? this.quoted() : this.match(WORD);
    if (head === undefined) this.expected('a key such as metrics.accuracy, params.model or tags.team');
    if (this.text[this.position] !== '.') return { type: 'attribute', key: attributeName(head, vocabulary, this) };
    this.position += 1;
    const entity = vocabulary.prefixes[head];
    if (entity === undefined) {
      this.position = start;
      const valid = [...new Set(Object.values(vocabulary.prefixes))];
      this.fail(`invalid entity type '${head}'. Valid values are ${valid.map((name) => `'${name}'`).join(', ')} (as in metrics.x, params.x, tags.x)`);
    }
    const key = this.quoted() ?? this.match(DOTTED);
    if (key === undefined || key === '') this.expected(`a ${entity} key after '${head}.'`);
    if (entity === 'attribute') return { type: 'attribute', key: attributeName(key, vocabulary, this) };
    if (entity === 'dataset' && !vocabulary.datasetKeys.includes(key)) {
      this.fail(`invalid dataset key '${key}'. Valid keys are ${vocabulary.datasetKeys.map((name) => `'${name}'`).join(', ')}`);
    }
    return { type: entity, key };
  }
}

function attributeName(raw: string, vocabulary: SearchVocabulary, scanner: Scanner): string {
  const name = vocabulary.attributeAliases[raw] ?? raw;
  if (vocabulary.numericAttributes.includes(name) || vocabulary.stringAttributes.includes(name)) return name;
  const valid = [...vocabulary.stringAttributes, ...vocabulary.numericAttributes];
  return scanner.fail(`invalid attribute key '${raw}'. Valid keys are ${valid.map((key) => `'${key}'`).join(', ')}`);
}

/**
 * The most clauses one filter holds, and items one IN list: each clause may be a join in SQL,
 * which SQLite caps at 64 tables, and each item a bound variable (a few thousand at most).
 */
export const MAX_FILTER_CLAUSES = 50;
export const MAX_IN_ITEMS = 1000;

/** Parses a filter into clauses (none for an empty or absent filter). */
export function parseFilter(text: string | undefined, vocabulary: SearchVocabulary): FilterClause[] {
  if (text === undefined || text.trim() === '') return [];
  const scanner = new Scanner(text, 'filter');
  const clauses: FilterClause[] = [];
  while (scanner.keyword('AND')); // MLflow tolerates stray ANDs.
  while (!scanner.done) {
    clauses.push(parseClause(scanner, vocabulary));
    if (clauses.length > MAX_FILTER_CLAUSES) scanner.fail(`a filter holds at most ${MAX_FILTER_CLAUSES} clauses; narrow the search in steps instead`);
    if (scanner.done) break;
    if (!scanner.keyword('AND')) {
      if (scanner.keyword('OR')) scanner.fail('only AND joins clauses; run one search per alternative instead of OR');
      scanner.expected('AND between clauses');
    }
    while (scanner.keyword('AND'));
  }
  return clauses;
}

function parseClause(scanner: Scanner, vocabulary: SearchVocabulary): FilterClause {
  const identifier = scanner.identifier(vocabulary);
  const comparator = parseComparator(scanner);
  const value = parseValue(scanner);
  return typeClause(identifier, comparator, value, vocabulary, scanner);
}

function parseComparator(scanner: Scanner): string {
  const symbol = scanner.match(SYMBOL_COMPARATOR);
  if (symbol !== undefined) return symbol;
  if (scanner.keyword('LIKE')) return 'LIKE';
  if (scanner.keyword('ILIKE')) return 'ILIKE';
  if (scanner.keyword('IN')) return 'IN';
  if (scanner.keyword('NOT')) {
    if (scanner.keyword('IN')) return 'NOT IN';
    if (scanner.keyword('LIKE')) return 'NOT LIKE';
    if (scanner.keyword('ILIKE')) return 'NOT ILIKE';
    return 'NOT';
  }
  if (scanner.keyword('IS')) scanner.fail("IS NULL is not supported; a run without the key never matches a clause on it, so filter on a value instead");
  return scanner.expected('a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN)');
}

function parseValue(scanner: Scanner): Value {
  const number = scanner.match(NUMBER);
  if (number !== undefined) return { kind: 'number', raw: number };
  const text = scanner.quoted();
  if (text !== undefined) return { kind: 'string', text };
  scanner.skipSpace();
  if (scanner.text[scanner.position] === '(') {
    scanner.position += 1;
    const items: string[] = [];
    if (scanner.match(/\)/y) !== undefined) scanner.fail('an IN list must hold at least one quoted string');
    for (;;) {
      const item = scanner.quoted();
      if (item === undefined) scanner.expected('a quoted string in the IN list');
      items.push(item);
      if (items.length > MAX_IN_ITEMS) scanner.fail(`an IN list holds at most ${MAX_IN_ITEMS} values; search in several parts`);
      if (scanner.match(/,/y) !== undefined) {
        if (scanner.match(/\)/y) !== undefined) break; // ('a',) as in Python
        continue;
      }
      if (scanner.match(/\)/y) !== undefined) break;
      scanner.expected("',' or ')' in the IN list");
    }
    return { kind: 'list', items };
  }
  const word = scanner.match(DOTTED);
  if (word !== undefined) scanner.fail(`the value ${word} is not quoted; write '${word}' for a string`);
  return scanner.expected('a value: a number, a quoted string, or a list (...)');
}

function typeClause(identifier: Identifier, comparator: string, value: Value, vocabulary: SearchVocabulary, scanner: Scanner): FilterClause {
  const { type, key } = identifier;
  const numeric = type === 'metric' || (type === 'attribute' && vocabulary.numericAttributes.includes(key));
  if (numeric) {
    if (!isOneOf(comparator, NUMERIC_COMPARATORS)) scanner.fail(`invalid comparator '${comparator}' for ${describe(identifier)}; use one of ${NUMERIC_COMPARATORS.join(' ')}`);
    if (value.kind !== 'number') {
      scanner.fail(`expected a number for ${describe(identifier)}, found ${value.kind === 'string' ? `'${value.text}'` : 'a list'}`);
    }
    const parsed = Number(value.raw);
    if (type === 'metric') return { type, key, comparator, value: parsed };
    return { type: 'attribute', key, comparator, value: parsed };
  }
  if (value.kind === 'list' || isOneOf(comparator, LIST_COMPARATORS)) {
    const listAllowed = (type === 'attribute' && vocabulary.listAttributes.includes(key)) || type === 'dataset';
    if (!listAllowed) {
      const lists = vocabulary.listAttributes.map((name) => `'${name}'`).join(', ');
      scanner.fail(lists ? `only ${lists} ${vocabulary.listAttributes.length > 1 ? 'support' : 'supports'} comparison with a list of quoted strings` : 'lists are not supported in this search');
    }
    const allowed = vocabulary.allowsNotIn || type === 'dataset' ? LIST_COMPARATORS : (['IN'] as const);
    if (!isOneOf(comparator, allowed)) scanner.fail(`invalid comparator '${comparator}' for a list; use ${allowed.join(' or ')}`);
    if (value.kind !== 'list') scanner.fail(`${comparator} needs a list such as ('a', 'b')`);
    return { type: type as 'attribute' | 'dataset', key, comparator, value: value.items };
  }
  if (!isOneOf(comparator, STRING_COMPARATORS)) scanner.fail(`invalid comparator '${comparator}' for ${describe(identifier)}; use one of ${STRING_COMPARATORS.join(' ')}`);
  if (value.kind !== 'string') scanner.fail(`expected a quoted string value for ${describe(identifier)} (e.g. '${value.raw}'), got ${value.raw}`);
  if (type === 'param' || type === 'tag') return { type, key, comparator, value: value.text };
  return { type: type as 'attribute' | 'dataset', key, comparator, value: value.text };
}

function describe(identifier: Identifier): string {
  return identifier.type === 'attribute' ? `the attribute ${identifier.key}` : `${identifier.type} '${identifier.key}'`;
}

function isOneOf<T extends string>(value: string, options: readonly T[]): value is T {
  return (options as readonly string[]).includes(value);
}

export type { Comparator };
