/**
 * `resources:` and `labels:` on a stage: what executors that place stages (the queue's workers,
 * `sluice export argo`) read, loaded as written and checked at their line in sluice.yaml.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { AppError } from '../core/index.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { isStageLabel, parsePipeline } from './index.js';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
  writeFileSync(join(temp.path, 'params.yaml'), 'seed: 1\n');
});
afterEach(() => temp.remove());

const load = (text: string) => parsePipeline(temp.path, text);

function loadError(text: string): AppError {
  try {
    load(text);
  } catch (error) {
    return error as AppError;
  }
  assert.fail('expected the pipeline to be refused');
}

describe('stage resources and labels', () => {
  test('a stage without them has no resources and no labels', () => {
    const [stage] = load('stages:\n  train: {cmd: echo hi}\n').stages;
    assert.deepEqual([stage!.resources, stage!.labels], [{}, []]);
  });

  test('resources and labels load as written', () => {
    const [stage] = load('stages:\n  train:\n    cmd: echo hi\n    resources: {cpu: 500m, memory: 4Gi, gpu: 1}\n    labels: [gpu, cloud.google.com/gke-nodepool=highmem]\n').stages;
    assert.deepEqual(stage!.resources, { cpu: '500m', memory: '4Gi', gpu: 1 });
    assert.deepEqual(stage!.labels, ['gpu', 'cloud.google.com/gke-nodepool=highmem']);
  });

  test('every item of a foreach stage carries the labels of its do block', () => {
    const { stages } = load('stages:\n  evaluate:\n    foreach: [a, b]\n    do:\n      cmd: echo ${item}\n      labels: [bigmem]\n');
    assert.deepEqual(stages.map((stage) => [stage.name, stage.labels]), [['evaluate@a', ['bigmem']], ['evaluate@b', ['bigmem']]]);
  });

  test('a built-in step keeps its resources', () => {
    const [stage] = load('stages:\n  check:\n    uses: validate\n    with: {data: d.csv, schema: s.yaml}\n    resources: {cpu: 2}\n').stages;
    assert.deepEqual(stage!.resources, { cpu: 2 });
  });

  test('a label in another format is refused at its line, with the format to use', () => {
    const error = loadError('stages:\n  train:\n    cmd: echo hi\n    labels: [gpu, "needs a gpu"]\n');
    assert.equal(error.code, 'SLUICE_CORE_INVALID_FILE');
    assert.equal(error.location?.line, 4);
    assert.match(error.message, /a label is a name such as gpu or bigmem/);
  });

  test('a memory size without a Kubernetes unit is refused', () => {
    const error = loadError('stages:\n  train:\n    cmd: echo hi\n    resources: {memory: 4 gigabytes}\n');
    assert.match(error.message, /memory must be a size such as 512Mi/);
  });

  test('an unknown resource is refused rather than ignored', () => {
    const error = loadError('stages:\n  train:\n    cmd: echo hi\n    resources: {gpus: 1}\n');
    assert.match(error.message, /gpus/);
  });
});

describe('the label grammar', () => {
  test('names and KEY=VALUE pairs with Kubernetes keys and values are labels', () => {
    for (const label of ['gpu', 'big-mem_2', 'pool=highmem', 'example.com/pool=a.b-c', 'zone=eu-west-1a']) assert.ok(isStageLabel(label), label);
  });

  test('spaces, empty values, two equals signs and over-long names are not', () => {
    for (const label of ['', 'a b', 'pool=', 'a=b=c', '-gpu', 'x'.repeat(64), 'Example.com/pool']) assert.ok(!isStageLabel(label), label);
  });
});
