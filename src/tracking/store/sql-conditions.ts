/**
 * SQL for one filter comparison, the same meaning on SQLite and PostgreSQL: `=`, `!=` and `LIKE`
 * are case-sensitive everywhere, `ILIKE` is not, and `\` escapes `%` and `_` in patterns.
 * SQLite's LIKE ignores ASCII case, so a case-sensitive LIKE there is a GLOB of the same pattern.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Comparator } from '../search/index.js';

export type Dialect = 'sqlite' | 'postgres';

/** `column <comparator> value`, for a column given as SQL. */
export function comparison(dialect: Dialect, column: RawBuilder<unknown>, comparator: Comparator, value: string | number | readonly string[]): RawBuilder<SqlBool> {
  switch (comparator) {
    case '=':
    case '!=':
    case '>':
    case '>=':
    case '<':
    case '<=':
      return sql<SqlBool>`${column} ${sql.raw(comparator === '!=' ? '<>' : comparator)} ${value as string | number}`;
    case 'LIKE':
      return dialect === 'postgres' ? sql<SqlBool>`${column} LIKE ${value as string}` : sql<SqlBool>`${column} GLOB ${likeToGlob(value as string)}`;
    case 'ILIKE':
      return dialect === 'postgres' ? sql<SqlBool>`${column} ILIKE ${value as string}` : sql<SqlBool>`lower(${column}) LIKE lower(${value as string}) ESCAPE '\\'`;
    case 'IN':
    case 'NOT IN': {
      const items = value as readonly string[];
      const list = sql.join(items.map((item) => sql`${item}`));
      return comparator === 'IN' ? sql<SqlBool>`${column} IN (${list})` : sql<SqlBool>`${column} NOT IN (${list})`;
    }
  }
}

/** A LIKE pattern as a GLOB pattern: `%` → `*`, `_` → `?`, GLOB's own specials and `\`-escaped characters bracketed. */
export function likeToGlob(pattern: string): string {
  let glob = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index]!;
    if (char === '\\' && index + 1 < pattern.length) {
      glob += literalGlob(pattern[index + 1]!);
      index += 1;
    } else if (char === '%') glob += '*';
    else if (char === '_') glob += '?';
    else glob += literalGlob(char);
  }
  return glob;
}

function literalGlob(char: string): string {
  return char === '*' || char === '?' || char === '[' ? `[${char}]` : char;
}
