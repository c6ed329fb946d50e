/**
 * The retrain action without `data: REMOTE` trains on the working copy, so it first checks that
 * the working copy holds the data versions the pointer files name (as `sluice data status` decides).
 * When a pointer moved without its data (a `git pull` in a clone) or tracked data was edited and
 * not added, it refuses before running anything: the pipeline does not run, nothing is
 * registered, and the action's outcome, reported with the alert and in the audit log, names the
 * path, how it differs, and how to fix it. Each test has its own workspace.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { sluice, type ScratchRepo } from '../support/cli.js';
import { cloneBehindUpstream, driftedTrafficThenMonitor, driftMonitor, examplePipelineRepo, modelVersions, newTrainingData, registerProduction, replaceFile, retrainOutcome, TRAIN } from '../support/retrain.js';

const YAML = `
deploy:
  production: {model: breast-cancer, port: 0}
${driftMonitor('[retrain]')}`;

/** What the pipeline writes: absent when it never ran. */
const CANDIDATE = 'models/candidate.onnx';

/** The retrain outcomes the audit log recorded. */
function auditedRetrains(root: string): { ok: boolean; message: string }[] {
  const audit = sluice(root, ['audit', '--json']);
  assert.equal(audit.code, 0, audit.stderr);
  const events = JSON.parse(audit.stdout) as { action: string; details: { ok: boolean; message: string } }[];
  return events.filter((event) => event.action === 'monitor.action.retrain').map((event) => ({ ok: event.details.ok, message: event.details.message }));
}

describe('the retrain action on a working copy whose tracked data is not the version its pointers name', () => {
  let repo: ScratchRepo | undefined;
  afterEach(() => {
    repo?.remove();
    repo = undefined;
  });

  test('a clone whose pointer moved (git pull) but whose data did not: refused before the pipeline runs, naming the path as not checked out and the ways to fix it', async () => {
    const behind = cloneBehindUpstream(YAML);
    repo = behind.upstream;
    const { clone } = behind;
    const before = readFileSync(join(clone, TRAIN), 'utf8');

    const action = retrainOutcome(await driftedTrafficThenMonitor(clone));
    assert.equal(action.ok, false, action.message);
    assert.match(action.message, /^The retraining of "production" did not start: tracked data is not the version its pointer names \(data\/train\.csv: not checked out \(the working copy holds another version; the version its pointer names is not in the local cache\)\)/);
    for (const fix of ['`sluice data checkout`', '`sluice data pull`', '`sluice data add PATH`', '`retrain: {data: REMOTE}`']) assert.ok(action.message.includes(fix), `${fix} in: ${action.message}`);
    assert.match(action.message, /\[SLUICE_MONITOR_RETRAIN_DATA_DIFFERS\]$/);
    assert.deepEqual(auditedRetrains(clone), [{ ok: false, message: action.message }]);
    // Nothing ran, nothing was registered, and the working copy was left as it was.
    assert.equal(existsSync(join(clone, CANDIDATE)), false);
    assert.deepEqual(modelVersions(clone), [[1, ['production']]]);
    assert.equal(readFileSync(join(clone, TRAIN), 'utf8'), before);
  });

  test('tracked data edited and not added again: refused before the pipeline runs, naming the path as modified', async () => {
    repo = examplePipelineRepo(YAML);
    registerProduction(repo.root);
    replaceFile(join(repo.root, TRAIN), newTrainingData());

    const action = retrainOutcome(await driftedTrafficThenMonitor(repo.root));
    assert.equal(action.ok, false, action.message);
    assert.match(action.message, /^The retraining of "production" did not start: tracked data is not the version its pointer names \(data\/train\.csv: modified \(an edit no version holds\)\)/);
    assert.ok(action.message.includes('`sluice data add PATH` records it as a new version'), action.message);
    assert.equal(existsSync(join(repo.root, CANDIDATE)), false);
    assert.deepEqual(modelVersions(repo.root), [[1, ['production']]]);
  });

  test('tracked data that no stage reads, edited and not added again, does not stop the retraining', async () => {
    repo = examplePipelineRepo(YAML);
    writeFileSync(join(repo.root, 'notes.csv'), 'note\nfirst\n');
    assert.equal(sluice(repo.root, ['data', 'add', 'notes.csv']).code, 0);
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'notes tracked, read by no stage');
    registerProduction(repo.root);
    replaceFile(join(repo.root, 'notes.csv'), 'note\nedited\n');

    const action = retrainOutcome(await driftedTrafficThenMonitor(repo.root));
    assert.equal(action.ok, true, action.message);
    assert.match(action.message, /^pipeline: 6 of 6 stages ran; gate against models:\/breast-cancer\/1 /);
  });
});
