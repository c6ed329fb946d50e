/**
 * `retrain: {data: REMOTE}`: the monitored workspace is a clone whose training data is behind.
 * Upstream, a new version of data/train.csv was added, pushed to a directory remote and its pointer
 * committed; the clone pulled the commit (`git pull`) but not the data, so its working copy still
 * holds the old version and its cache lacks the new one. The retrain action pulls the versions the
 * pointers name from the remote, checks them out and trains on them: the challenger's lineage
 * names the new version.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sluice, type ScratchRepo } from '../support/cli.js';
import { driftedTrafficThenMonitor, driftMonitor, examplePipelineRepo, lineageDigests, modelVersions, newTrainingData, pointerHash, registerProduction, replaceFile, retrainOutcome, TRAIN } from '../support/retrain.js';

const YAML = `
deploy:
  production: {model: breast-cancer, port: 0}
${driftMonitor('[{retrain: {data: store}}]')}`;

let upstream: ScratchRepo;
/** The monitored workspace: a clone of upstream. */
let clone: string;

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

function ok(cwd: string, args: string[]): void {
  const result = sluice(cwd, args);
  assert.equal(result.code, 0, `sluice ${args.join(' ')}: ${result.stderr}`);
}

before(() => {
  upstream = examplePipelineRepo(YAML);
  ok(upstream.root, ['remote', 'add', 'store', join(upstream.outside, 'remote'), '--default']);
  ok(upstream.root, ['data', 'push']);
  upstream.git('add', '-A');
  upstream.git('commit', '-qm', 'a directory remote for the data');
  // The monitored workspace, with the data of the time and production's model.
  clone = join(upstream.outside, 'clone');
  git(upstream.outside, 'clone', '-q', upstream.root, clone);
  ok(clone, ['data', 'pull']);
  registerProduction(clone);
  // Upstream, the team adds the rows it labelled since, pushes them, commits the pointer.
  replaceFile(join(upstream.root, TRAIN), newTrainingData());
  ok(upstream.root, ['data', 'add', TRAIN]);
  ok(upstream.root, ['data', 'push']);
  upstream.git('commit', '-qam', 'training data: the rows labelled since');
  git(clone, 'pull', '-q', '--ff-only');
});
after(() => upstream?.remove());

test('with data: REMOTE, a retrain pulls the data version the pointers name and trains on it', async () => {
  const newest = pointerHash(clone);
  assert.equal(newest, pointerHash(upstream.root));
  // Behind: the working copy still holds the version before.
  assert.notEqual(readFileSync(join(clone, TRAIN), 'utf8'), newTrainingData());

  const action = retrainOutcome(await driftedTrafficThenMonitor(clone));
  assert.equal(action.ok, true, action.message);
  assert.match(action.message, /^pulled 1 objects from store; pipeline: 6 of 6 stages ran; gate against models:\/breast-cancer\/1 passed; registered models:\/breast-cancer\/2 as challenger$/);
  assert.equal(readFileSync(join(clone, TRAIN), 'utf8'), newTrainingData());
  assert.deepEqual(lineageDigests(clone, 'breast-cancer@challenger'), [newest]);
  assert.deepEqual(modelVersions(clone), [
    [1, ['production']],
    [2, ['challenger']],
  ]);
});
