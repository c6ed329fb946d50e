/**
 * `retrain: {data: REMOTE}`: the monitored workspace is a clone whose training data is behind.
 * Upstream, a new version of data/train.csv was added, pushed to a directory remote and its pointer
 * committed; the clone pulled the commit (`git pull`) but not the data, so its working copy still
 * holds the old version and its cache lacks the new one. The retrain action pulls the versions the
 * pointers name from the remote, checks them out and trains on them: the challenger's lineage
 * names the new version.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ScratchRepo } from '../support/cli.js';
import { cloneBehindUpstream, driftedTrafficThenMonitor, driftMonitor, lineageDigests, modelVersions, newTrainingData, pointerHash, retrainOutcome, TRAIN } from '../support/retrain.js';

const YAML = `
deploy:
  production: {model: breast-cancer, port: 0}
${driftMonitor('[{retrain: {data: store}}]')}`;

let upstream: ScratchRepo;
/** The monitored workspace: a clone of upstream. */
let clone: string;

before(() => {
  ({ upstream, clone } = cloneBehindUpstream(YAML));
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
