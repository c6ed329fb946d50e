/**
 * sluice.yaml as users write it: what loads, and how each kind of mistake is reported
 * (code, `file:line:col`, and a fix).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { AppError } from '../core/index.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { parsePipeline } from './index.js';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
  writeFileSync(join(temp.path, 'params.yaml'), 'prepare:\n  seed: 42\n  split: 0.2\ntrain:\n  lr: 0.1\n  layers: [8, 4]\nsplits: [test, holdout]\n');
});
afterEach(() => temp.remove());

const load = (text: string) => parsePipeline(temp.path, text);

/** Asserts that loading fails with `code` at `line:column`, and returns the error. */
function failsWith(text: string, code: string, line: number, column: number): AppError {
  let caught: unknown;
  try {
    load(text);
  } catch (error) {
    caught = error;
  }
  const error = caught as AppError;
  assert.ok(error, 'expected an error');
  assert.equal(error.code, code, error.message);
  assert.deepEqual([error.location?.file, error.location?.line, error.location?.column], ['sluice.yaml', line, column], error.message);
  return error;
}

describe('loading sluice.yaml', () => {
  test('the sections other domains read (gates, deploy, monitor) sit beside the stages', () => {
    const pipeline = load('stages:\n  train: {cmd: echo hi}\ndeploy:\n  production: {model: bc}\nmonitor:\n  production: {window: {every: 100}, checks: {data_drift: {}}}\n');
    assert.deepEqual(pipeline.stages.map((stage) => stage.name), ['train']);
  });

  test('a stage resolves its paths against its working directory', () => {
    const [stage] = load('stages:\n  train:\n    wd: src\n    cmd: python train.py\n    deps: [train.py, ../data/train.csv]\n    outs: [../model/]\n').stages;
    assert.equal(stage!.wd, 'src');
    assert.deepEqual(stage!.deps.map((dep) => dep.path), ['src/train.py', 'data/train.csv']);
    assert.equal(stage!.outs[0]!.path, 'model');
  });

  test('metrics and plots are kept out of the cache by default, outs are cached', () => {
    const [stage] = load('stages:\n  s:\n    cmd: x\n    outs: [a, {b: {persist: true}}, {c: {cache: false}}]\n    metrics: [m.json]\n    plots: [p.csv]\n').stages;
    assert.deepEqual(
      stage!.outs.map((out) => [out.path, out.kind, out.cache, out.persist]),
      [
        ['a', 'out', true, false],
        ['b', 'out', true, true],
        ['c', 'out', false, false],
        ['m.json', 'metrics', false, false],
        ['p.csv', 'plots', false, false],
      ],
    );
  });

  test('${...} takes values from params.yaml, and those params become dependencies', () => {
    const [stage] = load('stages:\n  prepare:\n    cmd: python prepare.py --seed ${prepare.seed} --first ${train.layers.0}\n').stages;
    assert.deepEqual(stage!.cmd, ['python prepare.py --seed 42 --first 8']);
    assert.deepEqual(stage!.params.map((param) => [param.file, param.key, param.implicit]), [
      ['params.yaml', 'prepare.seed', true],
      ['params.yaml', 'train.layers.0', true],
    ]);
  });

  test('an explicitly listed param section covers the keys used inside it', () => {
    const [stage] = load('stages:\n  train:\n    cmd: python train.py --lr ${train.lr}\n    params: [train]\n').stages;
    assert.deepEqual(stage!.params.map((param) => param.key), ['train']);
  });

  test('\\${ stays a literal ${', () => {
    const [stage] = load('stages:\n  s:\n    cmd: echo \\${HOME}\n').stages;
    assert.deepEqual(stage!.cmd, ['echo ${HOME}']);
  });

  test('foreach over a list makes one stage per item, named stage@item', () => {
    const stages = load('stages:\n  evaluate:\n    foreach: [test, holdout]\n    do:\n      cmd: eval ${item}\n      metrics: ["metrics/${item}.json"]\n').stages;
    assert.deepEqual(stages.map((stage) => [stage.name, stage.cmd[0], stage.outs[0]!.path]), [
      ['evaluate@test', 'eval test', 'metrics/test.json'],
      ['evaluate@holdout', 'eval holdout', 'metrics/holdout.json'],
    ]);
  });

  test('foreach over a mapping exposes key and item, and foreach may name a list in params', () => {
    const mapped = load('stages:\n  fit:\n    foreach: {small: {n: 1}, large: {n: 9}}\n    do:\n      cmd: fit ${key} ${item.n}\n').stages;
    assert.deepEqual(mapped.map((stage) => [stage.name, stage.cmd[0]]), [['fit@small', 'fit small 1'], ['fit@large', 'fit large 9']]);
    const fromParams = load('stages:\n  e:\n    foreach: ${splits}\n    do:\n      cmd: e ${item}\n').stages;
    assert.deepEqual(fromParams.map((stage) => stage.name), ['e@test', 'e@holdout']);
  });

  test('${item} works in params keys, so each foreach item can read its own params', () => {
    writeFileSync(join(temp.path, 'params.yaml'), 'train:\n  small: {n: 1}\n  large: {n: 2}\n');
    const stages = load('stages:\n  t:\n    foreach: [small, large]\n    do:\n      cmd: t\n      params: ["train.${item}"]\n').stages;
    assert.deepEqual(stages.map((stage) => stage.params[0]!.key), ['train.small', 'train.large']);
  });

  test('matrix makes one stage per combination', () => {
    const stages = load('stages:\n  train:\n    matrix:\n      model: [lr, mlp]\n      lr: [0.1, 0.01]\n    cmd: train ${item.model} ${item.lr}\n    outs: ["models/${item.model}-${item.lr}"]\n').stages;
    assert.deepEqual(stages.map((stage) => stage.name), ['train@lr-0.1', 'train@lr-0.01', 'train@mlp-0.1', 'train@mlp-0.01']);
    assert.equal(stages[3]!.cmd[0], 'train mlp 0.01');
  });
});

describe('mistakes in sluice.yaml', () => {
  test('an unknown stage key names the closest valid key', () => {
    const error = failsWith('stages:\n  train:\n    cmd: python train.py\n    dep: [a.csv]\n', 'SLUICE_CORE_INVALID_FILE', 4, 5);
    assert.match(error.message, /stage "train" has an unknown key "dep"\. Did you mean "deps"\?/);
  });

  test('an unknown out option names the closest valid option', () => {
    const error = failsWith('stages:\n  train:\n    cmd: x\n    outs:\n      - model.pkl:\n          cach: false\n', 'SLUICE_CORE_INVALID_FILE', 6, 11);
    assert.match(error.message, /unknown key "cach"\. Did you mean "cache"\?/);
  });

  test('a plot option of the wrong type is located at the option', () => {
    const error = failsWith('stages:\n  train:\n    cmd: x\n    plots:\n      - loss.csv:\n          x: step\n          y: 3\n', 'SLUICE_CORE_INVALID_FILE', 7, 14);
    assert.match(error.message, /y must be a column name or a list of column names/);
  });

  test('a stage without cmd says the key is required', () => {
    const error = failsWith('stages:\n  train:\n    deps: [a]\n', 'SLUICE_CORE_INVALID_FILE', 2, 3);
    assert.match(error.message, /stage "train" is missing the required key "cmd"/);
  });

  test('a value of the wrong type says what was expected', () => {
    const error = failsWith('stages:\n  train:\n    cmd: x\n    deps: data.csv\n', 'SLUICE_CORE_INVALID_FILE', 4, 11);
    assert.match(error.message, /must be a list, not the string "data\.csv"/);
  });

  test('a train stage taking its params from a section params.yaml lacks says so plainly', () => {
    const error = failsWith('stages:\n  fit:\n    uses: train\n    with: {data: d.csv, target: y, algorithm: gbdt, params: gbdt, out: m.onnx}\n', 'SLUICE_CORE_INVALID_FILE', 4, 61);
    assert.match(error.message, /stage "fit" takes its params from "gbdt", but params\.yaml has no section of that name/);
  });

  test('a param missing from params.yaml names the closest key', () => {
    const error = failsWith('stages:\n  prepare:\n    cmd: x\n    params: [prepare.sed]\n', 'SLUICE_PIPELINE_PARAM_MISSING', 4, 14);
    assert.match(error.message, /reads the param "prepare\.sed", which params\.yaml does not define\. Did you mean "prepare\.seed"\?/);
  });

  test('an undefined ${...} names the closest param', () => {
    const error = failsWith('stages:\n  train:\n    cmd: python train.py --lr ${train.lrr}\n', 'SLUICE_PIPELINE_UNDEFINED_VARIABLE', 3, 10);
    assert.match(error.message, /Did you mean \$\{train\.lr\}\?/);
  });

  test('interpolating a whole mapping into a command is refused', () => {
    failsWith('stages:\n  train:\n    cmd: python train.py ${train}\n', 'SLUICE_PIPELINE_BAD_INTERPOLATION', 3, 10);
  });

  test('a params file that does not exist is reported at the stage that reads it', () => {
    const error = failsWith('stages:\n  s:\n    cmd: x\n    params:\n      - other.yaml: [a]\n', 'SLUICE_PIPELINE_PARAMS_FILE_MISSING', 5, 22);
    assert.match(error.message, /reads params from other\.yaml, which does not exist/);
  });

  test('a path outside the repository is refused', () => {
    const error = failsWith('stages:\n  s:\n    cmd: x\n    deps: [../../etc/passwd]\n', 'SLUICE_PIPELINE_BAD_PATH', 4, 12);
    assert.match(error.message, /outside the repository/);
  });

  test('two foreach items with the same value give a duplicate stage name', () => {
    failsWith('stages:\n  e:\n    foreach: [a, a]\n    do:\n      cmd: x\n', 'SLUICE_PIPELINE_DUPLICATE_STAGE', 2, 3);
  });

  test('a stage name with @ is refused', () => {
    failsWith('stages:\n  "a@b":\n    cmd: x\n', 'SLUICE_PIPELINE_BAD_STAGE_NAME', 2, 3);
  });

  test('broken YAML points at the syntax error', () => {
    const error = failsWith('stages:\n  e:\n    deps: [a, b/${item}.csv]\n    cmd: x\n', 'SLUICE_CORE_YAML_SYNTAX', 3, 18);
    assert.match(error.hint ?? '', /must be quoted/);
  });

  test('a params path that is a directory is a clear error', () => {
    mkdirSync(join(temp.path, 'pdir'));
    assert.throws(() => load('stages:\n  s:\n    cmd: x\n    params:\n      - pdir:\n'), { code: 'SLUICE_PIPELINE_PARAMS_FILE_UNREADABLE' });
  });

  test('params from a second file are read relative to the working directory', () => {
    mkdirSync(join(temp.path, 'sub'));
    writeFileSync(join(temp.path, 'sub', 'p.yaml'), 'a: 1\n');
    const [stage] = load('stages:\n  s:\n    wd: sub\n    cmd: x\n    params:\n      - p.yaml: [a]\n').stages;
    assert.deepEqual(stage!.params.map((param) => [param.file, param.key]), [['sub/p.yaml', 'a']]);
  });
});
