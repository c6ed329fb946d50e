/**
 * MLflow's order_by clauses: one `<key> [ASC|DESC]` per list element, such as
 * `metrics.roc_auc DESC` or `attributes.start_time`. Keys are read as filters read them.
 */
import type { SearchVocabulary } from './vocabulary.js';
import { Scanner, type Identifier } from './filter.js';

export interface OrderClause extends Identifier {
  readonly ascending: boolean;
}

/** The most keys one search orders by. */
export const MAX_ORDER_KEYS = 20;

/** Parses order_by clauses; a key named twice is an error, as in MLflow. */
export function parseOrderBy(clauses: readonly string[] | undefined, vocabulary: SearchVocabulary): OrderClause[] {
  const parsed: OrderClause[] = [];
  for (const text of clauses ?? []) {
    if (text.trim() === '') continue;
    const scanner = new Scanner(text, 'order_by clause');
    const identifier = scanner.identifier(vocabulary);
    let ascending = true;
    if (scanner.keyword('DESC')) ascending = false;
    else scanner.keyword('ASC');
    if (!scanner.done) scanner.expected('ASC or DESC after the key, and nothing else (one key per order_by element)');
    if (identifier.type === 'attribute' ? !vocabulary.orderableAttributes.includes(identifier.key) : !vocabulary.orderableEntities.includes(identifier.type)) {
      const keys = [...vocabulary.orderableAttributes, ...vocabulary.orderableEntities.map((entity) => `${entity}s.<key>`)];
      scanner.fail(`cannot order ${vocabulary.name} by ${identifier.type === 'attribute' ? identifier.key : `${identifier.type} keys`}; order by one of ${keys.join(', ')}`);
    }
    if (parsed.some((clause) => clause.type === identifier.type && clause.key === identifier.key)) {
      scanner.fail(`${identifier.type === 'attribute' ? identifier.key : `${identifier.type} '${identifier.key}'`} is ordered by twice`);
    }
    parsed.push({ ...identifier, ascending });
    // Each metric or param key ordered by is a join in SQL (SQLite caps a query at 64 tables).
    if (parsed.length > MAX_ORDER_KEYS) scanner.fail(`order_by holds at most ${MAX_ORDER_KEYS} keys`);
  }
  return parsed;
}
