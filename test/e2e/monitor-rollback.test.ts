/**
 * Live accuracy closing the loop: the weak three-feature model is deployed to production, the
 * test rows are replayed through the environment with their labels posted as feedback, and the
 * monitor inside the server measures its accuracy (0.766, below the rule's 0.9) and rolls the
 * environment back to the previous stable version, audited, with no command run by hand.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sluice, sluiceAsync, type ScratchRepo } from '../support/cli.js';
import { deploy, environmentRepo, environmentState, rolloutStatus } from '../support/environment.js';
import { sharedFixture } from '../support/fixtures.js';
import { pollUntil } from '../support/processes.js';
import { startServe, type ServedProcess } from '../support/serve.js';

let repo: ScratchRepo;
let server: ServedProcess | undefined;

before(() => {
  repo = environmentRepo(`deploy:
  production: {model: bc, port: 0}
monitor:
  production:
    window: {every: 171 predictions, min_rows: 100}
    reference: ${sharedFixture('breast_cancer', 'train.csv')}
    checks:
      performance: {metric: accuracy, min: 0.9, min_labels: 50}
    alerts:
      - {name: accuracy-drop, when: performance.accuracy < 0.9, severity: critical, actions: [rollback]}
`);
});
after(async () => {
  await server?.stop();
  repo?.remove();
});

test('a deployed model whose live accuracy falls below the rule is rolled back to the previous stable version', async () => {
  server = await startServe(repo.root, ['--env', 'production']);
  deploy(repo, 'models:/bc/2');
  await pollUntil(async () => ((await environmentState(server!.url)).stableVersion === 2 ? true : undefined), 'v2 to serve', 10_000);

  const replay = await sluiceAsync(repo.root, ['monitor', 'replay', '--env', 'production', '--data', sharedFixture('breast_cancer', 'test.csv'), '--labels', 'target', '--url', server.url]);
  assert.equal(replay.code, 0, replay.stderr);
  await pollUntil(async () => ((await environmentState(server!.url)).stableVersion === 1 ? true : undefined), 'the rollback to v1', 30_000, 200);

  assert.equal(rolloutStatus(repo).stableVersion, 1);
  const [window] = JSON.parse(sluice(repo.root, ['monitor', 'history', '--env', 'production', '--json']).stdout) as { versions: string[]; results: { check: string; values: { accuracy: number; labels: number } }[] }[];
  assert.deepEqual(window!.versions, ['2']);
  const performance = window!.results.find((result) => result.check === 'performance')!;
  assert.equal(performance.values.labels, 171);
  assert.equal(performance.values.accuracy.toFixed(4), '0.7661');
  const alerts = JSON.parse(sluice(repo.root, ['monitor', 'alerts', '--env', 'production', '--json']).stdout) as { rule: string; severity: string }[];
  assert.deepEqual(alerts.map((alert) => [alert.rule, alert.severity]), [['accuracy-drop', 'critical']]);
  const audit = sluice(repo.root, ['audit', '--json']);
  assert.match(audit.stdout, /monitor\.action\.rollback/);
  // The server's stderr reaches this process only while it awaits (the sluice calls above block it).
  await pollUntil(() => (/MONITOR ALERT critical: accuracy-drop on production/.test(server!.stderr()) ? true : undefined), 'the alert on the server\'s stderr', 10_000);
});
