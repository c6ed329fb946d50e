/** Parsed pipelines kept between commands: used while nothing the parse read has changed, and never otherwise. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { parsePipeline } from './load-pipeline.js';
import { ParamsReader } from './params.js';
import { readParsedPipeline, rememberParsedPipeline } from './parse-cache.js';

const BUILD = 'build-a';
const PIPELINE = 'stages:\n  train:\n    cmd: node train.mjs ${train.C}\n    deps: [data.csv]\n    outs: [model.txt]\n';

describe('parse cache', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let root: string;

  beforeEach(() => {
    temp = makeTempDir('sluice-parse-cache-');
    root = temp.path;
    mkdirSync(join(root, '.sluice'));
    writeFileSync(join(root, 'params.yaml'), 'train:\n  C: 1\n');
  });
  afterEach(() => temp.remove());

  /** Parses `text` as a command does and keeps the result. */
  const parseAndRemember = (text: string, build = BUILD) => {
    const params = new ParamsReader(root);
    const pipeline = parsePipeline(root, text, params);
    rememberParsedPipeline(root, text, params, pipeline, build);
    return pipeline;
  };

  test('the next command gets the stages the last one parsed, until sluice.yaml changes', () => {
    const parsed = parseAndRemember(PIPELINE);
    const remembered = readParsedPipeline(root, PIPELINE, BUILD);
    assert.deepEqual(remembered?.stages, parsed.stages);
    assert.equal(remembered?.paramsFile, 'params.yaml');
    assert.equal(readParsedPipeline(root, PIPELINE.replace('train.mjs', 'fit.mjs'), BUILD), undefined);
  });

  test('a changed params file, or one appearing where none was, is parsed again', () => {
    parseAndRemember(PIPELINE);
    writeFileSync(join(root, 'params.yaml'), 'train:\n  C: 10\n');
    assert.equal(readParsedPipeline(root, PIPELINE, BUILD), undefined);

    const plain = 'params: tuning.yaml\nstages:\n  train:\n    cmd: node train.mjs\n    outs: [model.txt]\n';
    parseAndRemember(plain);
    assert.ok(readParsedPipeline(root, plain, BUILD));
    writeFileSync(join(root, 'tuning.yaml'), 'seed: 1\n');
    assert.equal(readParsedPipeline(root, plain, BUILD), undefined);
  });

  test('another build of Sluice never reads it', () => {
    parseAndRemember(PIPELINE);
    assert.equal(readParsedPipeline(root, PIPELINE, 'build-b'), undefined);
  });

  test('a build without an id (not the bundle) neither writes nor reads one', () => {
    const params = new ParamsReader(root);
    rememberParsedPipeline(root, PIPELINE, params, parsePipeline(root, PIPELINE, params));
    assert.equal(existsSync(join(root, '.sluice', 'tmp', 'pipeline.bin')), false);
    parseAndRemember(PIPELINE);
    assert.equal(readParsedPipeline(root, PIPELINE), undefined);
  });

  test('an error found after loading still points at the line in sluice.yaml', () => {
    const parsed = parseAndRemember(PIPELINE);
    const remembered = readParsedPipeline(root, PIPELINE, BUILD)!;
    const at = ['stages', 'train', 'deps', 0] as const;
    assert.deepEqual(remembered.document.locate(at), parsed.document.locate(at));
    assert.equal(remembered.document.locate(at).line, 4);
  });

  test('a damaged entry is parsed again, and outside an initialised workspace nothing is written', () => {
    parseAndRemember(PIPELINE);
    writeFileSync(join(root, '.sluice', 'tmp', 'pipeline.bin'), 'not a parsed pipeline');
    assert.equal(readParsedPipeline(root, PIPELINE, BUILD), undefined);

    const bare = makeTempDir('sluice-parse-cache-bare-');
    try {
      writeFileSync(join(bare.path, 'params.yaml'), 'train:\n  C: 1\n');
      const params = new ParamsReader(bare.path);
      rememberParsedPipeline(bare.path, PIPELINE, params, parsePipeline(bare.path, PIPELINE, params), BUILD);
      assert.equal(existsSync(join(bare.path, '.sluice')), false);
    } finally {
      bare.remove();
    }
  });
});
