/** A worker's parsed pipelines: reused while sluice.yaml and the params it read are unchanged, parsed again otherwise. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { PipelineCache } from './pipeline-cache.js';

const PIPELINE = 'stages:\n  train:\n    cmd: node train.mjs ${train.C}\n    params: [train.C]\n    outs: [model.txt]\n';

function commandOf(cache: PipelineCache, root: string): string {
  return cache.load(root).stages.find((stage) => stage.name === 'train')!.cmd.join(' && ');
}

test('an unchanged checkout gets the pipeline parsed before; changed params or sluice.yaml are parsed again', () => {
  const temp = makeTempDir();
  try {
    writeFileSync(join(temp.path, 'sluice.yaml'), PIPELINE);
    writeFileSync(join(temp.path, 'params.yaml'), 'train:\n  C: 1\n');
    const cache = new PipelineCache();
    const first = cache.load(temp.path);
    assert.equal(cache.load(temp.path), first);
    assert.equal(commandOf(cache, temp.path), 'node train.mjs 1');
    writeFileSync(join(temp.path, 'params.yaml'), 'train:\n  C: 10\n');
    assert.equal(commandOf(cache, temp.path), 'node train.mjs 10');
    writeFileSync(join(temp.path, 'sluice.yaml'), PIPELINE.replace('train.mjs', 'fit.mjs'));
    assert.equal(commandOf(cache, temp.path), 'node fit.mjs 10');
  } finally {
    temp.remove();
  }
});
