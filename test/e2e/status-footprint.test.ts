/**
 * What a no-op `sluice status` loads. Opening the metadata store (Kysely, better-sqlite3, the
 * migrations) was most of a warm status, and one import through a domain's index can bring it
 * back unnoticed: this watches every module the CLI loads, through a module hook. A status
 * answered from its snapshot must load less still: no zod, YAML, commander or pipeline loader.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { ageFiles, scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

/**
 * Records each loaded module's URL, and what its source holds: Kysely (bundled into a chunk, it
 * has no URL of its own), and the packages and modules esbuild marks with `// path` comments.
 */
const HOOKS = `
import { appendFileSync } from 'node:fs';
const MARKERS = {
  kysely: /\\bKysely = class\\b|\\bclass _?Kysely\\b/,
  zod: /^\\/\\/ node_modules\\/zod\\//m,
  yaml: /^\\/\\/ node_modules\\/yaml\\//m,
  commander: /^\\/\\/ node_modules\\/commander\\//m,
  'pipeline loader': /^\\/\\/ src\\/pipeline\\/load-pipeline\\.ts$/m,
  'workspace config': /^\\/\\/ src\\/workspace\\/config\\.ts$/m,
};
export async function load(url, context, next) {
  const result = await next(url, context);
  const source = result.source === undefined || result.source === null ? '' : String(result.source);
  const found = Object.keys(MARKERS).filter((name) => MARKERS[name].test(source));
  appendFileSync(process.env.SLUICE_TEST_LOAD_LOG, url + '\\t' + found.join(',') + '\\n');
  return result;
}
`;

/** What one `sluice status` loaded: each module's URL and the markers its source holds. */
interface Loaded {
  readonly url: string;
  readonly markers: readonly string[];
}

function statusLoading(repo: ScratchRepo, name: string): Loaded[] {
  const hooks = join(repo.outside, 'hooks.mjs');
  const register = join(repo.outside, 'register.mjs');
  const log = join(repo.outside, `${name}.tsv`);
  writeFileSync(hooks, HOOKS);
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const result = sluice(repo.root, ['status'], { NODE_OPTIONS: `--import ${pathToFileURL(register).href}`, SLUICE_TEST_LOAD_LOG: log });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'Pipeline is up to date.\n');
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [url, markers] = line.split('\t');
      return { url: url!, markers: markers ? markers.split(',') : [] };
    });
}

const withMarker = (loaded: readonly Loaded[], marker: string): string[] => loaded.filter((module) => module.markers.includes(marker)).map((module) => module.url);

describe('a no-op sluice status', () => {
  let repo: ScratchRepo;
  /** The full check (no snapshot yet), then the status answered from the snapshot it wrote. */
  let full: Loaded[];
  let fast: Loaded[];
  before(() => {
    repo = scratchRepo({
      'sluice.yaml': 'stages:\n  count:\n    cmd: ls data > count.txt\n    deps: [data]\n    outs: [count.txt]\n',
      'data/a.txt': 'a',
      'data/sub/b.txt': 'b',
    });
    assert.equal(sluice(repo.root, ['run']).code, 0);
    for (const name of ['sluice.db', 'sluice.db-wal', 'sluice.db-shm']) rmSync(join(repo.root, '.sluice', name), { force: true });
    ageFiles(repo.root);
    full = statusLoading(repo, 'full');
    fast = statusLoading(repo, 'fast');
  });
  after(() => repo.remove());

  test('loads no database code: neither Kysely nor a driver, and creates no database', () => {
    assert.ok(full.some(({ url }) => url.includes('/dist/bundle/')), 'the hook saw the bundle');
    assert.deepEqual(withMarker(full, 'kysely'), []);
    assert.deepEqual(full.filter(({ url }) => /better-sqlite3|node_modules\/pg\//.test(url)), []);
    assert.equal(existsSync(join(repo.root, '.sluice', 'sluice.db')), false);
  });

  test('loads neither DuckDB nor onnxruntime', () => {
    assert.deepEqual(full.filter(({ url }) => /duckdb|onnxruntime/.test(url)), []);
  });

  test('answered from its snapshot, loads only the entry and the fast path: no zod, YAML, commander, pipeline loader or workspace config', () => {
    const heavy = ['zod', 'yaml', 'commander', 'pipeline loader', 'workspace config'];
    // The full check does load them, so the hook would see them.
    for (const marker of heavy) assert.notDeepEqual(withMarker(full, marker), [], `the full check loads ${marker}`);
    for (const marker of heavy) assert.deepEqual(withMarker(fast, marker), [], `the fast path loads ${marker}`);
    const bundled = fast.filter(({ url }) => url.includes('/dist/')).map(({ url }) => url.slice(url.indexOf('/dist/')));
    assert.deepEqual(bundled, ['/dist/bundle/sluice.js', '/dist/bundle/status-fast-path.js']);
  });
});
