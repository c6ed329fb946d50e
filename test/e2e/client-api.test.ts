/** `import { Tracking } from 'sluice'`: a program logs a run, and the CLI and search see it. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Tracking } from 'sluice';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

describe("the package's tracking API", () => {
  let repo: ScratchRepo;
  let tracking: Tracking;
  before(async () => {
    repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n', 'data.csv': 'a,b\n1,2\n' });
    tracking = await Tracking.open({ root: repo.root });
  });
  after(async () => {
    await tracking.close();
    repo.remove();
  });

  test('a run logged from code reads back with params, metrics, data and artifacts', async () => {
    writeFileSync(join(repo.root, 'model.onnx'), 'not really a model');
    const runId = await tracking.withRun({ experiment: 'api', name: 'from-code', tags: { team: 'risk' } }, async (run) => {
      await run.logParams({ algorithm: 'gbdt', max_depth: 6 });
      await run.logMetric('loss', 0.5, { step: 0 });
      await run.logMetric('loss', 0.25, { step: 1 });
      await run.logMetrics({ auc: 0.97 });
      await run.logInput(join(repo.root, 'data.csv'));
      await run.logArtifact(join(repo.root, 'model.onnx'), 'model/model.onnx');
      return run.id;
    });
    const run = await tracking.getRun(runId);
    assert.equal(run.info.status, 'FINISHED');
    assert.deepEqual(run.data.params, [{ key: 'algorithm', value: 'gbdt' }, { key: 'max_depth', value: '6' }]);
    assert.deepEqual(run.data.metrics.map((metric) => [metric.key, metric.value]), [['auc', 0.97], ['loss', 0.25]]);
    assert.deepEqual((await tracking.metricHistory(runId, 'loss')).map((metric) => metric.value), [0.5, 0.25]);
    assert.equal(run.inputs[0]?.dataset.name, 'data.csv');
    assert.match(run.inputs[0]!.dataset.digest, /^blake3:[0-9a-f]{64}$/);
    const shown = sluice(repo.root, ['runs', 'show', runId.slice(0, 8)]);
    assert.match(shown.stdout, /model\//);
  });

  test('a run whose work throws ends FAILED, and search finds runs by metric', async () => {
    await assert.rejects(tracking.withRun({ experiment: 'api', name: 'broken' }, async () => {
      throw new Error('boom');
    }), /boom/);
    const failed = await tracking.searchRuns({ experiments: ['api'], filter: "attributes.status = 'FAILED'" });
    assert.deepEqual(failed.items.map((run) => run.info.runName), ['broken']);
    const good = await tracking.searchRuns({ experiments: ['api'], filter: 'metrics.auc > 0.9' });
    assert.deepEqual(good.items.map((run) => run.info.runName), ['from-code']);
  });
});
