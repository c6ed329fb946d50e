/** Stage ordering, parallelism and failure handling, independent of what stages do. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scheduleStages, type Stage, type StageOutcome } from './index.js';

/** Minimal stages with the given upstream edges. */
function pipeline(edges: Record<string, string[]>): { stages: Stage[]; upstream: Map<string, Set<string>> } {
  const stages = Object.keys(edges).map((name) => ({ name }) as Stage);
  return { stages, upstream: new Map(Object.entries(edges).map(([name, parents]) => [name, new Set(parents)])) };
}

function outcome(stage: Stage, status: StageOutcome['status']): StageOutcome {
  return { stage: stage.name, status, changes: [], startedAt: 0, durationMs: 0 };
}

describe('stage scheduler', () => {
  test('never runs more than `jobs` stages at once, and runs independent ones together', async () => {
    const { stages, upstream } = pipeline({ a: [], b: [], c: [], d: [] });
    let running = 0;
    let peak = 0;
    await scheduleStages(
      stages,
      async (stage) => {
        peak = Math.max(peak, ++running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return outcome(stage, 'ran');
      },
      { jobs: 2, keepGoing: false, upstream },
    );
    assert.equal(peak, 2);
  });

  test('a stage starts only after all its upstream stages finished', async () => {
    const { stages, upstream } = pipeline({ a: [], b: [], c: ['a', 'b'] });
    const finished: string[] = [];
    await scheduleStages(
      stages,
      async (stage) => {
        if (stage.name === 'c') assert.deepEqual([...finished].sort(), ['a', 'b']);
        await new Promise((resolve) => setTimeout(resolve, stage.name === 'a' ? 10 : 1));
        finished.push(stage.name);
        return outcome(stage, 'ran');
      },
      { jobs: 3, keepGoing: false, upstream },
    );
    assert.equal(finished.at(-1), 'c');
  });

  test('after a failure, downstream stages are skipped and nothing new starts', async () => {
    const { stages, upstream } = pipeline({ a: [], b: ['a'], c: [] });
    const outcomes = await scheduleStages(stages, async (stage) => outcome(stage, stage.name === 'a' ? 'failed' : 'ran'), { jobs: 1, keepGoing: false, upstream });
    assert.deepEqual([...outcomes.values()].map((o) => [o.stage, o.status]), [['a', 'failed'], ['b', 'skipped'], ['c', 'not-run']]);
  });

  test('with keepGoing, independent stages still run after a failure', async () => {
    const { stages, upstream } = pipeline({ a: [], b: ['a'], c: [] });
    const outcomes = await scheduleStages(stages, async (stage) => outcome(stage, stage.name === 'a' ? 'failed' : 'ran'), { jobs: 1, keepGoing: true, upstream });
    assert.equal(outcomes.get('b')?.status, 'skipped');
    assert.equal(outcomes.get('c')?.status, 'ran');
  });

  test('when recording an outcome fails, nothing new starts and the running stages finish before the error is thrown', async () => {
    const { stages, upstream } = pipeline({ a: [], b: [], c: [] });
    const started: string[] = [];
    const finished: string[] = [];
    const run = scheduleStages(
      stages,
      async (stage) => {
        started.push(stage.name);
        await new Promise((resolve) => setTimeout(resolve, stage.name === 'a' ? 1 : 50));
        finished.push(stage.name);
        return outcome(stage, 'ran');
      },
      { jobs: 2, keepGoing: false, upstream },
      (recorded) => {
        if (recorded.stage === 'a') throw new Error('the tracking server went away');
      },
    );
    await assert.rejects(run, /the tracking server went away/);
    assert.deepEqual(started, ['a', 'b']);
    assert.deepEqual(finished, ['a', 'b']);
  });

  test('a stage that throws is reported as failed with the message', async () => {
    const { stages, upstream } = pipeline({ a: [] });
    const outcomes = await scheduleStages(stages, async () => { throw new Error('disk full'); }, { jobs: 1, keepGoing: false, upstream });
    assert.deepEqual([outcomes.get('a')?.status, outcomes.get('a')?.message], ['failed', 'disk full']);
  });
});
