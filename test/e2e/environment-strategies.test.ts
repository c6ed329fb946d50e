/**
 * `sluice serve --env` with the other strategies (issue 14's acceptance): blue/green preview,
 * switch and rollback under load drop no request; shadow traffic never changes a response and its
 * comparison is reported; A/B keeps every user key on one arm. Real processes, real HTTP.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { sluice, type ScratchRepo } from '../support/cli.js';
import { deploy, environmentRepo, environmentState, load, rolloutStatus, ROWS } from '../support/environment.js';
import { pollUntil } from '../support/processes.js';
import { post, startServe, type ServedProcess } from '../support/serve.js';

function yamlWith(strategy: string): string {
  return `stages: {}
deploy:
  production:
    model: bc
    port: 8080
    strategy:
${strategy}`;
}

const logregP1 = readFileSync(sharedFixture('breast_cancer', 'test_predictions.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => Number(line.split(',')[3]));

describe('sluice serve --env: blue/green, shadow, A/B', () => {
  let repo: ScratchRepo | undefined;
  let server: ServedProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    repo?.remove();
    repo = undefined;
  });

  test('blue/green: the preview answers x-sluice-preview: 1; switch and rollback under load drop no request', async () => {
    repo = environmentRepo(yamlWith('      blueGreen: {autoPromotionEnabled: false, scaleDownDelaySeconds: 60}'));
    server = await startServe(repo.root, ['--env', 'production']);
    deploy(repo, 'models:/bc/2');
    await pollUntil(async () => ((await environmentState(server!.url)).candidateVersion === 2 ? true : undefined), 'the preview to be loaded', 10_000);
    const preview = await post(`${server.url}/predict`, { rows: [ROWS[0]!.features] }, 'application/json', { 'x-sluice-preview': '1' });
    assert.equal(preview.headers.get('x-sluice-model-version'), '2');
    const active = await post(`${server.url}/predict`, { rows: [ROWS[0]!.features] });
    assert.equal(active.headers.get('x-sluice-model-version'), '1');

    let stop = false;
    const running = load({ url: server.url, count: 50_000, concurrency: 4, until: () => stop, timeoutMs: 90_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sluice(repo.root, ['rollout', 'promote', '--env', 'production']).code, 0);
    await pollUntil(async () => ((await environmentState(server!.url)).stableVersion === 2 ? true : undefined), 'the switch to v2', 10_000);
    assert.ok((await environmentState(server.url)).loadedVersions.includes(1), 'the old active version stays loaded for the scale-down delay');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rolledBack = sluice(repo.root, ['rollout', 'rollback', '--env', 'production']);
    assert.equal(rolledBack.code, 0, rolledBack.stderr);
    await pollUntil(async () => ((await environmentState(server!.url)).stableVersion === 1 ? true : undefined), 'the switch back to v1', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    const answers = await running;
    assert.ok(answers.length > 100, `${answers.length} answers`);
    assert.deepEqual(answers.filter((answer) => answer.status !== 200), [], 'no request dropped or failed');
    const versions = answers.map((answer) => answer.version);
    const firstV2 = versions.indexOf('2');
    const lastV2 = versions.lastIndexOf('2');
    assert.ok(firstV2 > 0 && lastV2 < versions.length - 1, 'v1, then v2 after the switch, then v1 after the rollback');
    assert.equal(rolloutStatus(repo).stableVersion, 1);
  });

  test('shadow: every response is the stable version\'s; the candidate\'s answers are compared and reported', async () => {
    repo = environmentRepo(yamlWith('      shadow: {percent: 100}'));
    server = await startServe(repo.root, ['--env', 'production']);
    deploy(repo, 'models:/bc/2');
    await pollUntil(async () => ((await environmentState(server!.url)).candidateVersion === 2 ? true : undefined), 'the shadow to be loaded', 10_000);
    const answers = await load({ url: server.url, count: ROWS.length, concurrency: 4 });
    for (const answer of answers) {
      assert.equal(answer.status, 200);
      assert.equal(answer.version, '1');
      const p1 = Object.values(answer.body.predictions![0]!.probabilities)[1]!;
      assert.ok(Math.abs(p1 - logregP1[answer.row]!) <= 1e-5, `row ${answer.row}: ${p1} is the stable model's ${logregP1[answer.row]}`);
    }
    const state = await pollUntil(async () => {
      const current = await environmentState(server!.url);
      return (current.shadow?.rows ?? 0) >= ROWS.length ? current : undefined;
    }, 'every shadow answer compared', 10_000);
    // The weak model disagrees with the strong one on some rows (their accuracies are 0.77 and 0.99).
    assert.ok(state.shadow!.agreement! < 0.95 && state.shadow!.agreement! > 0.5, `agreement ${state.shadow!.agreement}`);
    await pollUntil(() => (/Shadow: \d+ answers compared; same prediction/.test(sluice(repo!.root, ['rollout', 'status', '--env', 'production']).stdout) ? true : undefined), 'the comparison in rollout status', 5_000);
    await server.stop();
    const logDir = join(repo.root, '.sluice', 'predictions', 'environments', 'production');
    const lines = readdirSync(logDir).filter((file) => file.startsWith('predictions-')).flatMap((file) => readFileSync(join(logDir, file), 'utf8').trim().split('\n')).map((line) => JSON.parse(line) as { version: string; shadow?: boolean });
    assert.equal(lines.filter((line) => line.shadow === true && line.version === '2').length, ROWS.length);
    assert.equal(lines.filter((line) => line.shadow === undefined && line.version === '1').length, ROWS.length);
  });

  test('A/B: every user key stays on one arm over 1,000 requests, and both arms serve', async () => {
    repo = environmentRepo(yamlWith('      ab: {weight: 50, userKey: {header: x-user-id}}'));
    server = await startServe(repo.root, ['--env', 'production']);
    deploy(repo, 'models:/bc/2');
    await pollUntil(async () => ((await environmentState(server!.url)).candidateVersion === 2 ? true : undefined), 'the B arm to be loaded', 10_000);
    const users = Array.from({ length: 100 }, (_, k) => `user-${k}`);
    const answers = await load({ url: server.url, count: 1000, concurrency: 8, headers: (i) => ({ 'x-user-id': users[i % users.length]! }) });
    assert.equal(answers.length, 1000);
    const arms = new Map<string, Set<string | null>>();
    for (const answer of answers) {
      assert.equal(answer.status, 200);
      const user = users[answer.index % users.length]!;
      arms.set(user, (arms.get(user) ?? new Set()).add(answer.version));
    }
    for (const [user, versions] of arms) assert.equal(versions.size, 1, `${user} saw versions ${[...versions].join(', ')}`);
    const onCandidate = [...arms.values()].filter((versions) => versions.has('2')).length;
    assert.ok(onCandidate > 20 && onCandidate < 80, `${onCandidate} of 100 users on the B arm`);
  });
});
