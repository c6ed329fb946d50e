/**
 * The data page (issue 18) in real headless Chromium against a real `sluice server` of a
 * workspace whose data was tracked by real commands: a table added with `sluice data add` and
 * committed twice (two versions). The page lists it with the version its pointer names and both
 * versions from git, and profiles it on request. Any console error fails the test.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, recordErrors, SCREENSHOTS } from '../support/browser.js';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';
import { sharedFixture } from '../support/fixtures.js';
import { startSluiceServer, type ServedProcess } from '../support/serve.js';

describe('the data page', { timeout: 120_000 }, () => {
  let repo: ScratchRepo;
  let server: ServedProcess;
  let browser: Browser;
  const hashes: string[] = [];

  before(async () => {
    repo = scratchRepo({ 'README.md': 'data\n' });
    assert.equal(sluice(repo.root, ['init']).code, 0);
    const lines = readFileSync(sharedFixture('breast_cancer', 'train.csv'), 'utf8').trim().split('\n');
    mkdirSync(join(repo.root, 'data'), { recursive: true });
    for (const [rows, message] of [[200, 'first 200 rows'], [lines.length - 1, 'all training rows']] as const) {
      writeFileSync(join(repo.root, 'data', 'train.csv'), `${lines.slice(0, rows + 1).join('\n')}\n`);
      const added = sluice(repo.root, ['data', 'add', 'data/train.csv']);
      assert.equal(added.code, 0, added.stderr);
      repo.git('add', '-A');
      repo.git('commit', '-qm', message);
      hashes.unshift(/hash: "(blake3:[0-9a-f]{64})"/.exec(readFileSync(join(repo.root, 'data', 'train.csv.sluice'), 'utf8'))![1]!);
    }
    server = await startSluiceServer(repo.root, []);
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    repo?.remove();
  });

  test('lists the tracked table with its two versions and profiles it on request', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1200 } });
    const errors: string[] = [];
    recordErrors(page, errors);
    await page.goto(`${server.url}/?page=data`);
    const card = page.locator('[data-target="data/train.csv"]');
    await card.waitFor();
    assert.match(await card.innerText(), new RegExp(`${hashes[0]!.slice(0, 19)}…[\\s\\S]*in the cache[\\s\\S]*in the working copy`));
    const versions = await card.locator('.versions tbody tr').allInnerTexts();
    assert.equal(versions.length, 2);
    assert.match(versions[0]!, new RegExp(`all training rows\\s+${hashes[0]!.slice(0, 19)}`));
    assert.match(versions[1]!, new RegExp(`first 200 rows\\s+${hashes[1]!.slice(0, 19)}`));
    await card.getByRole('button', { name: 'Profile' }).click();
    await card.locator('.profile [data-column="mean_radius"]').waitFor();
    assert.match(await card.locator('.count').innerText(), /398 rows/);
    await page.screenshot({ path: join(SCREENSHOTS, 'data.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });

  test('the profile of a path that is no tracked table is refused with a clear message', async () => {
    const answer = await fetch(`${server.url}/api/sluice/v1/data/profile?target=${encodeURIComponent('../secrets.csv')}`);
    assert.equal(answer.status, 404);
    assert.match(((await answer.json()) as { message: string }).message, /is not a tracked table/);
  });
});
