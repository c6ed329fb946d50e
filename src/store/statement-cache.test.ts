/** CachedStatements: Kysely's SQLite queries reuse prepared statements, safely. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { CachedStatements } from './statement-cache.js';

/** An in-memory database whose prepare calls are counted. */
function countingDatabase(): { database: Database.Database; prepared: () => number } {
  const database = new Database(':memory:');
  database.exec('create table runs (id integer primary key, name text)');
  let count = 0;
  const prepare = database.prepare.bind(database);
  database.prepare = ((sql: string) => {
    count++;
    return prepare(sql);
  }) as typeof database.prepare;
  return { database, prepared: () => count };
}

describe('CachedStatements', () => {
  test('a query run again with other parameters is prepared once and gives its own results', () => {
    const { database, prepared } = countingDatabase();
    const statements = new CachedStatements(database);
    for (let id = 1; id <= 3; id++) statements.prepare('insert into runs (id, name) values (?, ?)').run([id, `run-${id}`]);
    assert.deepEqual(statements.prepare('select name from runs where id = ?').all([2]), [{ name: 'run-2' }]);
    assert.deepEqual(statements.prepare('select name from runs where id = ?').all([3]), [{ name: 'run-3' }]);
    assert.equal(prepared(), 2);
    statements.close();
  });

  test('a query with the same text as one still being streamed gets a statement of its own', () => {
    const { database } = countingDatabase();
    const statements = new CachedStatements(database);
    for (let id = 1; id <= 3; id++) statements.prepare('insert into runs (id, name) values (?, ?)').run([id, `run-${id}`]);
    const sql = 'select id from runs where id >= ? order by id';
    const outer = statements.prepare(sql).iterate([1]);
    const seen: unknown[] = [];
    for (const row of outer) {
      seen.push([row, statements.prepare(sql).all([3])]);
    }
    assert.deepEqual(seen, [[{ id: 1 }, [{ id: 3 }]], [{ id: 2 }, [{ id: 3 }]], [{ id: 3 }, [{ id: 3 }]]]);
    statements.close();
  });

  test('statements beyond its capacity push out the least recently used', () => {
    const { database, prepared } = countingDatabase();
    const statements = new CachedStatements(database);
    const first = 'select count(*) as n from runs where id > 0';
    statements.prepare(first).all([]);
    for (let k = 0; k < 300; k++) statements.prepare(`select ${k} as k`).all([]);
    const before = prepared();
    statements.prepare(first).all([]);
    assert.equal(prepared(), before + 1);
    statements.close();
  });
});
