/**
 * `npm run lint` (eslint.config.js) as a specification: on a copy of src/ with deliberately wrong
 * files added, each wrong import, cycle and oversized file is reported under the right rule, and
 * the allowed imports pass.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/fixtures.js';
import { makeTempDir } from '../support/temp-dir.js';

interface LintMessage {
  readonly ruleId: string | null;
  readonly message: string;
  readonly line: number;
}

const lines = (count: number, text: (index: number) => string): string =>
  Array.from({ length: count }, (_, index) => text(index)).join('\n');

/** Files written into the copy, by path relative to it. */
const FIXTURES: Record<string, string> = {
  'src/cli/fixture-output.ts': `export const printed = 'cli';\n`,
  'src/registry/fixture-internal.ts': `export const internal = 'registry';\n`,
  'src/evaluation/imports-cli.ts': `import * as output from '../cli/fixture-output.js';\nexport const used = output;\n`,
  'src/evaluation/imports-http.ts': `import * as http from '../http/index.js';\nexport const used = http;\n`,
  'src/evaluation/past-index.ts': `import type * as uri from '../registry/fixture-internal.js';\nexport type Used = typeof uri;\n`,
  'src/evaluation/past-index-lazily.ts': `export const load = async (): Promise<unknown> => import('../registry/fixture-internal.js');\n`,
  'src/evaluation/through-index.ts':
    `import * as registry from '../registry/index.js';\nimport * as own from './index.js';\nexport const used = [registry, own];\n`,
  'src/evaluation/past-index.test.ts': `import * as uri from '../registry/fixture-internal.js';\nexport const used = uri;\n`,
  'src/cli/serves-http.ts': `import * as http from '../http/index.js';\nexport const used = http;\n`,
  'src/evaluation/cycle-a.ts': `import { b } from './cycle-b.js';\nexport type A = { readonly next: number };\nexport const a = (): number => b;\n`,
  'src/evaluation/cycle-b.ts': `import type { A } from './cycle-a.js';\nexport const b = 1;\nexport type B = A;\n`,
  'src/evaluation/long-file.ts': `${lines(401, (index) => `export const value${index} = ${index};`)}\n`,
  'src/evaluation/long-function.ts': `export function long(): number {\n  let total = 0;\n${lines(80, () => '  total += 1;')}\n  return total;\n}\n`,
  'src/evaluation/long-function-explained.ts':
    `// eslint-disable-next-line max-lines-per-function -- one flat table, clearer in one place\nexport function long(): number {\n  let total = 0;\n${lines(80, () => '  total += 1;')}\n  return total;\n}\n`,
};

describe('lint', { timeout: 180_000 }, () => {
  const copy = makeTempDir('sluice-lint-');
  const results = new Map<string, LintMessage[]>();

  before(async () => {
    for (const path of ['src', 'scripts/eslint', 'eslint.config.js', 'package.json', 'tsconfig.json']) {
      cpSync(join(REPO_ROOT, path), join(copy.path, path), { recursive: true });
    }
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy.path, 'node_modules'), 'dir');
    for (const [path, text] of Object.entries(FIXTURES)) {
      mkdirSync(dirname(join(copy.path, path)), { recursive: true });
      writeFileSync(join(copy.path, path), text);
    }
    const eslint = join(REPO_ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
    const run = promisify(execFile)(process.execPath, [eslint, '--format', 'json', ...Object.keys(FIXTURES)], {
      cwd: copy.path,
      timeout: 150_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    // eslint exits 1 when it reports problems; its JSON report is on stdout either way.
    const stdout = await run.then(
      (done) => done.stdout,
      (failed: { stdout?: string; stderr?: string }) => {
        if (!failed.stdout) throw new Error(`eslint did not report: ${failed.stderr ?? String(failed)}`);
        return failed.stdout;
      },
    );
    for (const file of JSON.parse(stdout) as { filePath: string; messages: LintMessage[] }[]) {
      results.set(file.filePath.slice(copy.path.length + 1), file.messages);
    }
  });
  after(() => copy.remove());

  const messagesOf = (path: string): LintMessage[] => {
    const messages = results.get(path);
    assert.ok(messages, `eslint reported nothing for ${path}`);
    return messages;
  };
  const assertOnly = (path: string, ruleId: string, pattern: RegExp): void => {
    const messages = messagesOf(path);
    assert.equal(messages.length, 1, JSON.stringify(messages));
    assert.equal(messages[0]?.ruleId, ruleId);
    assert.match(messages[0]?.message ?? '', pattern);
  };

  test('a domain importing the CLI adapter is reported', () => {
    assertOnly('src/evaluation/imports-cli.ts', 'import-x/no-restricted-paths', /Only src\/cli\/ may import the cli adapter/);
  });

  test('a domain importing the HTTP adapter is reported, even through its index', () => {
    assertOnly('src/evaluation/imports-http.ts', 'import-x/no-restricted-paths', /Only src\/cli\/ and src\/http\/ may import the http adapter/);
  });

  test('the CLI may import the HTTP adapter through its index', () => {
    assert.deepEqual(messagesOf('src/cli/serves-http.ts'), []);
  });

  test('a type-only import reaching past another domain’s index is reported', () => {
    assertOnly('src/evaluation/past-index.ts', 'import-x/no-restricted-paths', /through its index: '\.\.\/registry\/index\.js'/);
  });

  test('a dynamic import reaching past another domain’s index is reported', () => {
    assertOnly('src/evaluation/past-index-lazily.ts', 'import-x/no-restricted-paths', /through its index/);
  });

  test('another domain’s index and any file of the own domain may be imported', () => {
    assert.deepEqual(messagesOf('src/evaluation/through-index.ts'), []);
  });

  test('a test file may reach into another domain', () => {
    assert.deepEqual(messagesOf('src/evaluation/past-index.test.ts'), []);
  });

  test('an import cycle closed by a type-only import is reported on both files', () => {
    assertOnly('src/evaluation/cycle-a.ts', 'sluice/no-import-cycle', /cycle-a\.ts → src\/evaluation\/cycle-b\.ts → \(import type\) src\/evaluation\/cycle-a\.ts/);
    assertOnly('src/evaluation/cycle-b.ts', 'sluice/no-import-cycle', /cycle-b\.ts → \(import type\) src\/evaluation\/cycle-a\.ts → src\/evaluation\/cycle-b\.ts/);
  });

  test('a file over 400 lines is reported', () => {
    assertOnly('src/evaluation/long-file.ts', 'max-lines', /too many lines \(401\)/);
  });

  test('a function over 80 lines is reported', () => {
    assertOnly('src/evaluation/long-function.ts', 'max-lines-per-function', /too many lines \(84\)/);
  });

  test('a function over 80 lines passes with a comment saying why', () => {
    assert.deepEqual(messagesOf('src/evaluation/long-function-explained.ts'), []);
  });
});
