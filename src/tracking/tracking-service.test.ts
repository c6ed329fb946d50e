/**
 * Tracking with MLflow's semantics, on SQLite and on PostgreSQL: experiments, runs, the logging
 * rules, latest metrics, search, lineage inputs and concurrent writers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORE_BACKENDS, type OpenedStore } from '../../test/support/stores.js';
import { createTrackingService, openTrackingStores, type TrackingService } from './index.js';

function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  return assert.rejects(promise, (error: Error & { code?: string }) => {
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

for (const [backend, open] of Object.entries(STORE_BACKENDS)) {
  describe(`tracking on ${backend}`, () => {
    let opened: OpenedStore;
    let tracking: TrackingService;
    let clock = 1_700_000_000_000;
    before(async () => {
      opened = await open();
      tracking = createTrackingService({ store: openTrackingStores(opened.store.connection).store, clock: () => clock++ });
    });
    after(async () => opened.dispose());

    test('the Default experiment has id 0 and proxied artifacts', async () => {
      const experiment = await tracking.ensureDefaultExperiment();
      assert.deepEqual([experiment.experimentId, experiment.name, experiment.artifactLocation], ['0', 'Default', 'mlflow-artifacts:/0']);
    });

    test('experiment ids count up, and a taken name is refused even after deletion', async () => {
      const first = await tracking.createExperiment({ name: 'ids-a' });
      const second = await tracking.createExperiment({ name: 'ids-b', tags: [{ key: 'team', value: 'risk' }] });
      assert.equal(Number(second.experimentId), Number(first.experimentId) + 1);
      await tracking.deleteExperiment(first.experimentId);
      await rejectsWith(tracking.createExperiment({ name: 'ids-a' }), 'SLUICE_TRACKING_EXPERIMENT_EXISTS', /already exists/);
    });

    test('an unknown or malformed experiment id is refused', async () => {
      await rejectsWith(tracking.getExperiment('999999'), 'SLUICE_TRACKING_EXPERIMENT_NOT_FOUND', /No Experiment with id=999999 exists/);
      await rejectsWith(tracking.getExperiment('abc'), 'SLUICE_TRACKING_INVALID_VALUE', /must be a valid integer/);
    });

    test('experiments are found by name pattern and tag, and deleted ones only on request', async () => {
      const kept = await tracking.createExperiment({ name: 'find-Kept', tags: [{ key: 'team', value: 'risk' }] });
      const gone = await tracking.createExperiment({ name: 'find-gone', tags: [{ key: 'team', value: 'risk' }] });
      await tracking.deleteExperiment(gone.experimentId);
      const active = await tracking.searchExperiments({ filter: "name LIKE 'find-%' and tags.team = 'risk'" });
      assert.deepEqual(active.items.map((experiment) => experiment.name), ['find-Kept']);
      const all = await tracking.searchExperiments({ filter: "name LIKE 'find-%'", viewType: 'ALL', orderBy: ['name ASC'] });
      assert.deepEqual(all.items.map((experiment) => experiment.name), ['find-Kept', 'find-gone']);
      assert.equal((await tracking.searchExperiments({ filter: "name LIKE 'find-k%'" })).items.length, 0, 'LIKE is case-sensitive');
      assert.equal((await tracking.searchExperiments({ filter: "name ILIKE 'find-k%'" })).items[0]?.experimentId, kept.experimentId);
    });

    test('run counts per experiment leave out deleted runs and count empty experiments as 0', async () => {
      const busy = await tracking.createExperiment({ name: 'count-busy' });
      const empty = await tracking.createExperiment({ name: 'count-empty' });
      const runs = await Promise.all([1, 2, 3].map(() => tracking.createRun({ experimentId: busy.experimentId })));
      await tracking.deleteRun(runs[0]!.info.runId);
      const counts = await tracking.countActiveRuns([busy.experimentId, empty.experimentId]);
      assert.deepEqual([counts.get(busy.experimentId), counts.get(empty.experimentId)], [2, 0]);
    });

    test('deleting a run tree soft-deletes the run and its nested runs, and restoring brings them all back', async () => {
      const experiment = await tracking.createExperiment({ name: 'tree' });
      const parent = await tracking.createRun({ experimentId: experiment.experimentId });
      const child = await tracking.createRun({ experimentId: experiment.experimentId, tags: [{ key: 'mlflow.parentRunId', value: parent.info.runId }] });
      const other = await tracking.createRun({ experimentId: experiment.experimentId });
      assert.deepEqual(await tracking.setRunTreeLifecycle(parent.info.runId, 'deleted'), [parent.info.runId, child.info.runId]);
      const stage = async (id: string) => (await tracking.getRun(id)).info.lifecycleStage;
      assert.deepEqual([await stage(parent.info.runId), await stage(child.info.runId), await stage(other.info.runId)], ['deleted', 'deleted', 'active']);
      await tracking.setRunTreeLifecycle(parent.info.runId, 'active');
      assert.deepEqual([await stage(parent.info.runId), await stage(child.info.runId)], ['active', 'active']);
    });

    test('a run gets a generated name, its name tag and an artifact URI under its experiment', async () => {
      const experiment = await tracking.createExperiment({ name: 'runs-basic' });
      const run = await tracking.createRun({ experimentId: experiment.experimentId, userId: 'ada' });
      assert.match(run.info.runId, /^[0-9a-f]{32}$/);
      assert.match(run.info.runName, /^[a-z]+-[a-z]+-\d+$/);
      assert.equal(run.info.artifactUri, `mlflow-artifacts:/${experiment.experimentId}/${run.info.runId}/artifacts`);
      const stored = await tracking.getRun(run.info.runId);
      assert.deepEqual(stored.data.tags, [{ key: 'mlflow.runName', value: run.info.runName }]);
      assert.equal(stored.info.status, 'RUNNING');
    });

    test('the latest metric is the highest step, then the latest timestamp; the history keeps every point', async () => {
      const run = await tracking.createRun({ runName: 'latest' });
      await tracking.logBatch(run.info.runId, {
        metrics: [
          { key: 'loss', value: 0.9, timestamp: 10, step: 0 },
          { key: 'loss', value: 0.5, timestamp: 5, step: 2 },
          { key: 'loss', value: 0.7, timestamp: 20, step: 1 },
        ],
      });
      await tracking.logMetric(run.info.runId, { key: 'loss', value: 0.4, timestamp: 6, step: 2 });
      await tracking.logMetric(run.info.runId, { key: 'loss', value: 0.4, timestamp: 6, step: 2 }); // an exact duplicate
      const stored = await tracking.getRun(run.info.runId);
      assert.deepEqual(stored.data.metrics, [{ key: 'loss', value: 0.4, timestamp: 6, step: 2 }]);
      const history = await tracking.getMetricHistory(run.info.runId, 'loss');
      assert.deepEqual(history.items.map((metric) => metric.value), [0.5, 0.4, 0.9, 0.7]);
    });

    test('NaN and infinities round-trip', async () => {
      const run = await tracking.createRun({ runName: 'special-values' });
      await tracking.logBatch(run.info.runId, {
        metrics: [
          { key: 'a', value: Number.NaN, timestamp: 1, step: 0 },
          { key: 'b', value: Number.POSITIVE_INFINITY, timestamp: 1, step: 0 },
          { key: 'c', value: Number.NEGATIVE_INFINITY, timestamp: 1, step: 0 },
        ],
      });
      const values = (await tracking.getRun(run.info.runId)).data.metrics.map((metric) => metric.value);
      assert.deepEqual(values, [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    });

    test('a param may be logged again with the same value but not changed, and a refused batch writes nothing', async () => {
      const run = await tracking.createRun({ runName: 'params' });
      await tracking.logParam(run.info.runId, 'lr', '0.1');
      await tracking.logParam(run.info.runId, 'lr', '0.1');
      await rejectsWith(
        tracking.logBatch(run.info.runId, { params: [{ key: 'depth', value: '6' }, { key: 'lr', value: '0.2' }], metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }] }),
        'SLUICE_TRACKING_PARAM_CHANGED',
        /key='lr' was already logged with value='0.1'.*new value '0.2'/,
      );
      const stored = await tracking.getRun(run.info.runId);
      assert.deepEqual(stored.data.params, [{ key: 'lr', value: '0.1' }]);
      assert.deepEqual(stored.data.metrics, []);
    });

    test('bad keys, duplicate params and oversized batches are refused before anything is written', async () => {
      const run = await tracking.createRun({ runName: 'limits' });
      await rejectsWith(tracking.logParam(run.info.runId, 'a#b', '1'), 'SLUICE_TRACKING_INVALID_VALUE', /Names may only contain/);
      await rejectsWith(tracking.logParam(run.info.runId, '../x', '1'), 'SLUICE_TRACKING_INVALID_VALUE', /'\.\.' segments/);
      await rejectsWith(
        tracking.logBatch(run.info.runId, { params: [{ key: 'k', value: '1' }, { key: 'k', value: '1' }] }),
        'SLUICE_TRACKING_INVALID_VALUE',
        /Duplicate parameter keys have been submitted: \['k'\]/,
      );
      const params = Array.from({ length: 101 }, (_, index) => ({ key: `p${index}`, value: '1' }));
      await rejectsWith(tracking.logBatch(run.info.runId, { params }), 'SLUICE_TRACKING_INVALID_VALUE', /at most 100 params\. Got 101 params/);
      await rejectsWith(tracking.logParam(run.info.runId, 'long', 'x'.repeat(6001)), 'SLUICE_TRACKING_INVALID_VALUE', /maximum length of 6000/);
    });

    test('a tag named mlflow.runName renames the run', async () => {
      const run = await tracking.createRun({ runName: 'before' });
      await tracking.setTag(run.info.runId, 'mlflow.runName', 'after');
      assert.equal((await tracking.getRun(run.info.runId)).info.runName, 'after');
    });

    test('a deleted run refuses writes until restored', async () => {
      const run = await tracking.createRun({ runName: 'deleted' });
      await tracking.deleteRun(run.info.runId);
      await rejectsWith(tracking.logParam(run.info.runId, 'a', '1'), 'SLUICE_TRACKING_INACTIVE', /must be in the 'active' state. Current state is deleted/);
      await tracking.restoreRun(run.info.runId);
      await tracking.logParam(run.info.runId, 'a', '1');
    });

    describe('run search', () => {
      let experimentId: string;
      const ids: Record<string, string> = {};
      before(async () => {
        experimentId = (await tracking.createExperiment({ name: 'search' })).experimentId;
        const runs = [
          { name: 'gbdt-good', auc: 0.97, algorithm: 'gbdt', team: 'risk' },
          { name: 'gbdt-weak', auc: 0.91, algorithm: 'gbdt', team: 'risk' },
          { name: 'logreg', auc: 0.96, algorithm: 'logreg', team: 'risk' },
          { name: 'other-team', auc: 0.99, algorithm: 'gbdt', team: 'growth' },
          { name: 'no-auc', auc: undefined, algorithm: 'gbdt', team: 'risk' },
        ];
        for (const spec of runs) {
          const run = await tracking.createRun({ experimentId, runName: spec.name, tags: [{ key: 'team', value: spec.team }] });
          ids[spec.name] = run.info.runId;
          await tracking.logBatch(run.info.runId, {
            params: [{ key: 'algorithm', value: spec.algorithm }],
            metrics: spec.auc === undefined ? [] : [{ key: 'roc_auc', value: spec.auc, timestamp: 1, step: 0 }],
          });
          await tracking.endRun(run.info.runId, spec.name === 'gbdt-weak' ? 'FAILED' : 'FINISHED');
        }
      });

      test('metric, param and tag clauses combine with AND', async () => {
        const page = await tracking.searchRuns({ experimentIds: [experimentId], filter: "metrics.roc_auc > 0.95 and params.algorithm = 'gbdt' and tags.team = 'risk'" });
        assert.deepEqual(page.items.map((run) => run.info.runName), ['gbdt-good']);
      });

      test('order by a metric puts runs without it last, in both directions', async () => {
        const descending = await tracking.searchRuns({ experimentIds: [experimentId], orderBy: ['metrics.roc_auc DESC'] });
        assert.deepEqual(descending.items.map((run) => run.info.runName), ['other-team', 'gbdt-good', 'logreg', 'gbdt-weak', 'no-auc']);
        const ascending = await tracking.searchRuns({ experimentIds: [experimentId], orderBy: ['metrics.roc_auc ASC'] });
        assert.deepEqual(ascending.items.map((run) => run.info.runName), ['gbdt-weak', 'logreg', 'gbdt-good', 'other-team', 'no-auc']);
      });

      test('pages ordered by a metric run on into the runs without it', async () => {
        const seen: string[] = [];
        let token: string | undefined;
        do {
          const page = await tracking.searchRuns({ experimentIds: [experimentId], orderBy: ['metrics.roc_auc DESC'], maxResults: 2, pageToken: token });
          seen.push(...page.items.map((run) => run.info.runName));
          token = page.nextPageToken;
        } while (token);
        assert.deepEqual(seen, ['other-team', 'gbdt-good', 'logreg', 'gbdt-weak', 'no-auc']);
      });

      test('a filter and an order on the same metric', async () => {
        const page = await tracking.searchRuns({ experimentIds: [experimentId], filter: 'metrics.roc_auc < 0.97', orderBy: ['metrics.roc_auc DESC'] });
        assert.deepEqual(page.items.map((run) => run.info.runName), ['logreg', 'gbdt-weak']);
      });

      test('order by a param, then by a metric to break ties', async () => {
        const page = await tracking.searchRuns({ experimentIds: [experimentId], orderBy: ['params.algorithm DESC', 'metrics.roc_auc ASC'] });
        assert.deepEqual(page.items.map((run) => run.info.runName), ['logreg', 'gbdt-weak', 'gbdt-good', 'other-team', 'no-auc']);
      });

      test('NaN sorts after real values and before missing ones, in both directions', async () => {
        const own = (await tracking.createExperiment({ name: 'nan-order' })).experimentId;
        for (const [name, value] of [['low', 0.1], ['nan', Number.NaN], ['high', 0.9], ['missing', undefined]] as const) {
          const run = await tracking.createRun({ experimentId: own, runName: name });
          if (value !== undefined) await tracking.logMetric(run.info.runId, { key: 'roc_auc', value, timestamp: 1 });
        }
        const order = async (direction: string) => (await tracking.searchRuns({ experimentIds: [own], orderBy: [`metrics.roc_auc ${direction}`] })).items.map((run) => run.info.runName);
        assert.deepEqual(await order('DESC'), ['high', 'low', 'nan', 'missing']);
        assert.deepEqual(await order('ASC'), ['low', 'high', 'nan', 'missing']);
      });

      test('attributes filter on status, names and ids', async () => {
        const failed = await tracking.searchRuns({ experimentIds: [experimentId], filter: "attributes.status = 'FAILED'" });
        assert.deepEqual(failed.items.map((run) => run.info.runName), ['gbdt-weak']);
        const named = await tracking.searchRuns({ experimentIds: [experimentId], filter: "run_name LIKE 'gbdt-%'", orderBy: ['attributes.run_name'] });
        assert.deepEqual(named.items.map((run) => run.info.runName), ['gbdt-good', 'gbdt-weak']);
        const byId = await tracking.searchRuns({ experimentIds: [experimentId], filter: `attributes.run_id IN ('${ids.logreg}', '${ids['no-auc']}')`, orderBy: ['attributes.run_name'] });
        assert.deepEqual(byId.items.map((run) => run.info.runName), ['logreg', 'no-auc']);
      });

      test('pages follow each other through the token and the last has none', async () => {
        const seen: string[] = [];
        let token: string | undefined;
        do {
          const page = await tracking.searchRuns({ experimentIds: [experimentId], maxResults: 2, pageToken: token, orderBy: ['attributes.run_name'] });
          seen.push(...page.items.map((run) => run.info.runName));
          token = page.nextPageToken;
        } while (token);
        assert.deepEqual(seen, ['gbdt-good', 'gbdt-weak', 'logreg', 'no-auc', 'other-team']);
      });

      test('runs of a deleted experiment are hidden, then back on restore', async () => {
        await tracking.deleteExperiment(experimentId);
        assert.equal((await tracking.searchRuns({ experimentIds: [experimentId] })).items.length, 0);
        assert.equal((await tracking.searchRuns({ experimentIds: [experimentId], viewType: 'DELETED_ONLY' })).items.length, 5);
        await tracking.restoreExperiment(experimentId);
        assert.equal((await tracking.searchRuns({ experimentIds: [experimentId] })).items.length, 5);
      });
    });

    test('inputs record data versions, found again by digest and by search', async () => {
      const run = await tracking.createRun({ runName: 'inputs' });
      const dataset = { name: 'data/train.csv', digest: 'blake3:abc123', sourceType: 'local', source: '{"uri": "data/train.csv"}' };
      await tracking.logInputs(run.info.runId, [{ dataset, tags: [{ key: 'mlflow.data.context', value: 'training' }] }]);
      await tracking.logInputs(run.info.runId, [{ dataset, tags: [{ key: 'mlflow.data.context', value: 'training' }] }]);
      const stored = await tracking.getRun(run.info.runId);
      assert.equal(stored.inputs.length, 1);
      assert.equal(stored.inputs[0]?.dataset.digest, 'blake3:abc123');
      assert.deepEqual((await tracking.findRunsByDatasetDigest('blake3:abc123')).map((info) => info.runId), [run.info.runId]);
      const found = await tracking.searchRuns({ experimentIds: ['0'], filter: "datasets.context = 'training' and datasets.digest = 'blake3:abc123'" });
      assert.deepEqual(found.items.map((item) => item.info.runId), [run.info.runId]);
    });

    test('fifty concurrent writers to one run lose nothing', async () => {
      const run = await tracking.createRun({ runName: 'concurrent' });
      await Promise.all(
        Array.from({ length: 50 }, (_, writer) =>
          tracking.logBatch(run.info.runId, {
            metrics: Array.from({ length: 20 }, (_, step) => ({ key: 'loss', value: writer + step / 100, timestamp: 1000 + writer, step })),
            params: [{ key: `writer_${writer}`, value: String(writer) }, { key: 'shared', value: 'same' }],
            tags: [{ key: `tag_${writer}`, value: 'x' }],
          }),
        ),
      );
      const stored = await tracking.getRun(run.info.runId);
      assert.equal(stored.data.params.length, 51);
      assert.equal(stored.data.tags.length, 51);
      const history = await tracking.getMetricHistory(run.info.runId, 'loss');
      assert.equal(history.items.length, 1000);
      assert.deepEqual(stored.data.metrics, [{ key: 'loss', value: 49.19, timestamp: 1049, step: 19 }]);
    });
  });
}
