/**
 * `sluice ci` in a project that is a folder of its repository (a monorepo's ml/): it runs there,
 * and posts a comment and a commit status of its own, beside those of the repository's other projects.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchRepo, sluice, sluiceAsync } from '../support/cli.js';
import { startFakeGithub } from '../support/fake-ci-services.js';

const PIPELINE = ['stages:', '  count:', '    cmd: wc -c < in.txt > metrics.json', '    deps: [in.txt]', '    metrics: [metrics.json]', ''].join('\n');

test('sluice ci --post github in ml/ of a repository posts the comment and the status sluice/gate (ml)', async (t) => {
  const repo = scratchRepo({ 'ml/sluice.yaml': PIPELINE, 'ml/in.txt': 'hello\n', 'web/README.md': 'another project\n' });
  t.after(() => repo.remove());
  const project = join(repo.root, 'ml');
  assert.equal(sluice(project, ['init']).code, 0);
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'sluice init');

  const github = await startFakeGithub();
  t.after(() => github.close());
  const event = join(repo.outside, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 5, head: { sha: 'e'.repeat(40) } } }));
  const env = { GITHUB_ACTIONS: 'true', GITHUB_API_URL: github.api.origin, GITHUB_REPOSITORY: 'acme/mono', GITHUB_SHA: 'f'.repeat(40), GITHUB_EVENT_PATH: event, GITHUB_TOKEN: 'ghs_test' };
  const posted = await sluiceAsync(project, ['ci', '--post', 'github'], env);
  assert.equal(posted.code, 0, posted.stderr);
  assert.match(posted.stderr, /commit status sluice\/gate \(ml\)/);
  assert.match(github.comments.get(5)?.[0]?.body ?? '', /^<!-- sluice-ci-report ml -->\n/);
  assert.deepEqual(github.statuses.map((status) => [status.body.context, status.body.state]), [['sluice/gate (ml)', 'success']]);
});
