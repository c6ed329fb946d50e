/** The DAG built from outs and deps, and the mistakes it refuses. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { AppError } from '../core/index.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { buildGraph, parsePipeline, renderDag, selectStages } from './index.js';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
  mkdirSync(join(temp.path, 'data'));
  writeFileSync(join(temp.path, 'data', 'raw.csv'), 'x\n');
});
afterEach(() => temp.remove());

const graphOf = (text: string) => buildGraph(parsePipeline(temp.path, text), { checkDepsExist: true });

function graphError(text: string): AppError {
  try {
    graphOf(text);
  } catch (error) {
    return error as AppError;
  }
  assert.fail('expected the DAG to be refused');
}

describe('pipeline DAG', () => {
  test('a dep inside an out directory connects the stages', () => {
    const graph = graphOf('stages:\n  train:\n    cmd: t\n    deps: [data/prepared/train.csv]\n    outs: [model]\n  prepare:\n    cmd: p\n    deps: [data/raw.csv]\n    outs: [data/prepared/]\n');
    assert.deepEqual(graph.order.map((stage) => stage.name), ['prepare', 'train']);
    assert.deepEqual([...graph.upstream.get('train')!], ['prepare']);
  });

  test('a dep on a directory that contains an out connects the stages', () => {
    const graph = graphOf('stages:\n  a:\n    cmd: a\n    outs: [data/features.csv]\n  b:\n    cmd: b\n    deps: [data]\n    outs: [report.txt]\n');
    assert.deepEqual([...graph.upstream.get('b')!], ['a']);
  });

  test('independent stages keep their definition order', () => {
    const graph = graphOf('stages:\n  z:\n    cmd: z\n  a:\n    cmd: a\n  m:\n    cmd: m\n');
    assert.deepEqual(graph.order.map((stage) => stage.name), ['z', 'a', 'm']);
  });

  test('a cycle is printed stage by stage', () => {
    const error = graphError('stages:\n  a:\n    cmd: a\n    deps: [c.txt]\n    outs: [a.txt]\n  b:\n    cmd: b\n    deps: [a.txt]\n    outs: [b.txt]\n  c:\n    cmd: c\n    deps: [b.txt]\n    outs: [c.txt]\n');
    assert.equal(error.code, 'SLUICE_PIPELINE_CYCLE');
    assert.match(error.message, /cycle: b → c → a → b\./);
    // At the dep that closes the loop's first edge: c reads b.txt, which b writes.
    assert.deepEqual([error.location?.line, error.location?.column], [12, 12]);
  });

  test('a cycle through after: is printed stage by stage, at the after entry', () => {
    const error = graphError('stages:\n  a:\n    cmd: a\n    outs: [a.txt]\n    after: [b]\n  b:\n    cmd: b\n    deps: [a.txt]\n');
    assert.equal(error.code, 'SLUICE_PIPELINE_CYCLE');
    assert.match(error.message, /cycle: b → a → b\./);
    assert.deepEqual([error.location?.line, error.location?.column], [5, 13]);
  });

  test('after: a foreach name waits for all its items, and selecting the stage brings them', () => {
    const graph = graphOf('stages:\n  e:\n    foreach: [x, y]\n    do:\n      cmd: e\n  last:\n    cmd: l\n    after: [e]\n');
    assert.deepEqual([...graph.upstream.get('last')!], ['e@x', 'e@y']);
    assert.deepEqual(selectStages(graph, ['last']).map((stage) => stage.name), ['e@x', 'e@y', 'last']);
  });

  test('a stage a validate stage needs is not made to wait for it', () => {
    writeFileSync(join(temp.path, 's.yaml'), 'version: 1\n');
    const graph = graphOf('stages:\n  v:\n    uses: validate\n    with:\n      data: data/raw.csv\n      schema: s.yaml\n      reference: ref.csv\n  ref:\n    cmd: r\n    deps: [data/raw.csv]\n    outs: [ref.csv]\n  use:\n    cmd: u\n    deps: [data/raw.csv]\n');
    assert.deepEqual(graph.order.map((stage) => stage.name), ['ref', 'v', 'use']);
    assert.deepEqual([...graph.upstream.get('use')!], ['v']);
  });

  test('two stages writing one path are refused at the second out', () => {
    const error = graphError('stages:\n  a:\n    cmd: a\n    outs: [model.pkl]\n  b:\n    cmd: b\n    outs: [model.pkl]\n');
    assert.equal(error.code, 'SLUICE_PIPELINE_DUPLICATE_OUTPUT');
    assert.deepEqual([error.location?.line, error.location?.column], [7, 12]);
    assert.match(error.message, /Stages "a" and "b" both write model\.pkl/);
  });

  test('an out inside another stage\'s out directory is refused', () => {
    const error = graphError('stages:\n  a:\n    cmd: a\n    outs: [model]\n  b:\n    cmd: b\n    outs: [model/extra.bin]\n');
    assert.equal(error.code, 'SLUICE_PIPELINE_DUPLICATE_OUTPUT');
    assert.match(error.message, /overlaps model written by "a"/);
  });

  test('a dep that does not exist and that no stage makes is refused where it is declared', () => {
    const error = graphError('stages:\n  train:\n    cmd: t\n    deps: [data/raw.csv, data/missing.csv]\n');
    assert.equal(error.code, 'SLUICE_PIPELINE_MISSING_DEP');
    assert.deepEqual([error.location?.line, error.location?.column], [4, 26]);
  });

  test('a path that is both dep and out of one stage is refused', () => {
    assert.equal(graphError('stages:\n  a:\n    cmd: a\n    deps: [data/raw.csv]\n    outs: [data]\n').code, 'SLUICE_PIPELINE_DEP_IS_OUTPUT');
  });

  test('selecting a stage brings its upstream, and a foreach name selects all its items', () => {
    const graph = graphOf('stages:\n  p:\n    cmd: p\n    outs: [p.txt]\n  e:\n    foreach: [x, y]\n    do:\n      cmd: e\n      deps: [p.txt]\n      outs: ["${item}.txt"]\n  other:\n    cmd: o\n');
    assert.deepEqual(selectStages(graph, ['e']).map((stage) => stage.name), ['p', 'e@x', 'e@y']);
    assert.deepEqual(selectStages(graph, ['e@y']).map((stage) => stage.name), ['p', 'e@y']);
  });

  test('an unknown target suggests the closest stage', () => {
    const graph = graphOf('stages:\n  train:\n    cmd: t\n');
    assert.throws(() => selectStages(graph, ['trian']), /There is no stage "trian"\. Did you mean "train"\?/);
  });

  test('the DAG renders as Mermaid and dot with one edge per dependency', () => {
    const graph = graphOf('stages:\n  a:\n    cmd: a\n    outs: [a.txt]\n  b:\n    cmd: b\n    deps: [a.txt]\n');
    assert.equal(renderDag(graph, 'mermaid'), 'flowchart TD\n  s0["a"]\n  s1["b"]\n  s0 --> s1\n');
    assert.match(renderDag(graph, 'dot'), /"a" -> "b";/);
  });
});
