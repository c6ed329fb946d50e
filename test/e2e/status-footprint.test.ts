/**
 * What a no-op `sluice status` loads. Opening the metadata store (Kysely, better-sqlite3, the
 * migrations) was most of a warm status, and one import through a domain's index can bring it
 * back unnoticed: this watches every module the CLI loads, through a module hook.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

/** Records each loaded module's URL, and whether its source defines Kysely (bundled into a chunk, it has no URL of its own). */
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  const result = await next(url, context);
  const source = result.source === undefined || result.source === null ? '' : String(result.source);
  appendFileSync(process.env.SLUICE_TEST_LOAD_LOG, url + '\\t' + /\\bKysely = class\\b|\\bclass _?Kysely\\b/.test(source) + '\\n');
  return result;
}
`;

describe('a no-op sluice status', () => {
  let repo: ScratchRepo;
  let loaded: string[][];
  before(() => {
    repo = scratchRepo({
      'sluice.yaml': 'stages:\n  count:\n    cmd: ls data > count.txt\n    deps: [data]\n    outs: [count.txt]\n',
      'data/a.txt': 'a',
      'data/sub/b.txt': 'b',
    });
    assert.equal(sluice(repo.root, ['run']).code, 0);
    for (const name of ['sluice.db', 'sluice.db-wal', 'sluice.db-shm']) rmSync(join(repo.root, '.sluice', name), { force: true });
    const hooks = join(repo.root, 'hooks.mjs');
    const register = join(repo.root, 'register.mjs');
    const log = join(repo.root, 'loaded.tsv');
    writeFileSync(hooks, HOOKS);
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const result = sluice(repo.root, ['status'], { NODE_OPTIONS: `--import ${pathToFileURL(register).href}`, SLUICE_TEST_LOAD_LOG: log });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Pipeline is up to date.\n');
    loaded = readFileSync(log, 'utf8').trim().split('\n').map((line) => line.split('\t'));
  });
  after(() => repo.remove());

  test('loads no database code: neither Kysely nor a driver, and creates no database', () => {
    assert.ok(loaded.some(([url]) => url!.includes('/dist/bundle/')), 'the hook saw the bundle');
    assert.deepEqual(loaded.filter(([, kysely]) => kysely === 'true').map(([url]) => url), []);
    assert.deepEqual(loaded.filter(([url]) => /better-sqlite3|node_modules\/pg\//.test(url!)), []);
    assert.equal(existsSync(join(repo.root, '.sluice', 'sluice.db')), false);
  });

  test('loads neither DuckDB nor onnxruntime', () => {
    assert.deepEqual(loaded.filter(([url]) => /duckdb|onnxruntime/.test(url!)).map(([url]) => url), []);
  });
});
