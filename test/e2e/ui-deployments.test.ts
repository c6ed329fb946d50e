/**
 * The deployments page (issue 18) in real headless Chromium against a real `sluice server` of a
 * workspace whose canary rollout is driven by real `sluice deploy` and `sluice rollout` commands:
 * the page shows the canary's weight moving (20 %, then 50 %) as the rollout goes, an editor's
 * Promote finishes it, and a reader's buttons are disabled. Any console error fails the test.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, recordErrors, SCREENSHOTS } from '../support/browser.js';
import { sharedFixture } from '../support/fixtures.js';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';
import { startSluiceServer, type ServedProcess } from '../support/serve.js';

const SLUICE_YAML = `stages: {}
deploy:
  production:
    model: bc
    port: 8080
    strategy:
      canary:
        steps:
          - setWeight: 20
          - pause: {}
          - setWeight: 50
          - pause: {}
`;

describe('the deployments page', { timeout: 120_000 }, () => {
  let repo: ScratchRepo;
  let server: ServedProcess;
  let browser: Browser;
  const tokens: Record<'reader' | 'editor', string> = { reader: '', editor: '' };
  const errors: string[] = [];

  before(async () => {
    repo = scratchRepo({ 'sluice.yaml': SLUICE_YAML });
    for (const args of [['init'], ['models', 'register', sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--name', 'bc', '--alias', 'production'], ['models', 'register', sharedFixture('breast_cancer', 'models', 'bc_mlp.onnx'), '--name', 'bc']]) {
      const result = sluice(repo.root, args);
      assert.equal(result.code, 0, `sluice ${args.join(' ')}: ${result.stderr}`);
    }
    for (const role of ['reader', 'editor'] as const) {
      const created = sluice(repo.root, ['token', 'create', '--role', role, '--name', `ui-${role}`, '--json']);
      assert.equal(created.code, 0, created.stderr);
      tokens[role] = (JSON.parse(created.stdout) as { secret: string }).secret;
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

  async function open(role: 'reader' | 'editor'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    await page.addInitScript(`sessionStorage.setItem('sluice-token', ${JSON.stringify(tokens[role])});`);
    recordErrors(page, errors);
    await page.goto(`${server.url}/?page=deployments`);
    return page;
  }

  const meter = (page: Page, weight: number) => page.locator(`[data-environment="production"] [role=meter][aria-valuenow="${weight}"]`);

  test('the canary weight moves on the page as the rollout goes, and an editor\'s Promote finishes it', async () => {
    const page = await open('editor');
    const card = page.locator('[data-environment="production"]');
    await meter(page, 0).waitFor();
    assert.match(await card.innerText(), /Stable: v1/);

    assert.equal(sluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production']).code, 0);
    await meter(page, 20).waitFor();
    assert.match(await card.innerText(), /Canary: v2 · Paused · step 2 of 4[\s\S]*stable 80%[\s\S]*canary 20%/);

    assert.equal(sluice(repo.root, ['rollout', 'promote', '--env', 'production']).code, 0);
    await meter(page, 50).waitFor();
    assert.match(await card.innerText(), /stable 50%[\s\S]*canary 50%/);
    await page.screenshot({ path: join(SCREENSHOTS, 'deployments.png') });

    await card.getByRole('button', { name: 'Promote' }).click();
    await card.getByText('Healthy').waitFor();
    await meter(page, 0).waitFor();
    assert.match(await card.innerText(), /Stable: v2/);
    const shown = sluice(repo.root, ['models', 'show', 'bc', '--json']);
    assert.equal((JSON.parse(shown.stdout) as { aliases: Record<string, number> }).aliases.production, 2, 'the alias moved to the canary');
    assert.deepEqual(errors, []);
  });

  test('a reader sees the rollout but its buttons are disabled, and the server refuses it', async () => {
    assert.equal(sluice(repo.root, ['deploy', 'models:/bc/1', '--env', 'production']).code, 0);
    const page = await open('reader');
    await meter(page, 20).waitFor();
    const promote = page.locator('[data-environment="production"]').getByRole('button', { name: 'Promote' });
    assert.equal(await promote.isDisabled(), true, 'disabled while the role is being checked, and after');
    await page.locator('[data-environment="production"] button[title*="editor or admin token"]').first().waitFor();
    assert.equal(await promote.isDisabled(), true);
    assert.match((await promote.getAttribute('title')) ?? '', /your token is a reader's: this needs an editor or admin token/);
    const refused = await fetch(`${server.url}/api/sluice/v1/deployments/production/promote`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.reader}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(refused.status, 403);
    assert.deepEqual(errors, []);
  });
});
