/**
 * `sluice ui`: the workspace's server on loopback, its web UI's URL printed and opened in the
 * user's browser (here a stand-in named by $BROWSER that writes down what it was asked to open),
 * except with --no-open or in CI.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchRepo, sluice, startSluice, stopProcess } from '../support/cli.js';
import { pollUntil } from '../support/processes.js';

/** Starts `sluice ui ARGS` with `env`; resolves with its URL, what the stand-in browser opened, and a stop function. */
async function startUi(args: readonly string[], env: NodeJS.ProcessEnv) {
  const repo = scratchRepo({ 'README.md': 'ui\n' });
  assert.equal(sluice(repo.root, ['init']).code, 0);
  const opened = join(repo.outside, 'opened.txt');
  const browser = join(repo.outside, 'browser.sh');
  writeFileSync(browser, `#!/bin/sh\necho "$@" >> '${opened}'\n`, { mode: 0o755 });
  // No display: xdg-open then uses $BROWSER, as on a headless machine with one configured.
  const child = startSluice(repo.root, ['ui', ...args], { DISPLAY: '', WAYLAND_DISPLAY: '', BROWSER: browser, CI: '', ...env });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const url = await pollUntil(() => /Web UI: (\S+)/.exec(stderr)?.[1], 'the Web UI line', 20_000);
  return {
    url,
    stderr: () => stderr,
    opened: () => (existsSync(opened) ? readFileSync(opened, 'utf8').trim().split('\n') : []),
    stop: async () => {
      await stopProcess(child);
      repo.remove();
    },
  };
}

test('sluice ui serves the web UI on loopback and opens its URL in the browser', async (t) => {
  const ui = await startUi([], {});
  t.after(() => ui.stop());
  assert.match(ui.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.deepEqual(await pollUntil(() => (ui.opened().length > 0 ? ui.opened() : undefined), 'the browser to be asked', 10_000), [ui.url]);
  const page = await fetch(ui.url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="root"><\/div>/);
  const api = await fetch(`${ui.url}api/2.0/mlflow/experiments/search?max_results=10`);
  assert.equal(api.status, 200);
  assert.ok(Array.isArray(((await api.json()) as { experiments?: unknown[] }).experiments));
});

test('--no-open, and CI, print the URL and open nothing', async (t) => {
  for (const [args, env] of [[['--no-open'], {}], [[], { CI: 'true' }]] as const) {
    const ui = await startUi(args, env);
    t.after(() => ui.stop());
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(ui.opened(), [], `${args.join(' ')} ${JSON.stringify(env)}`);
    assert.equal((await fetch(ui.url)).status, 200);
  }
});
