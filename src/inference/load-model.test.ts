/** What loading a model says when the path is not a model file. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sharedFixture } from '../../test/support/fixtures.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { loadOnnxModel } from './index.js';

const isInvalidModel = (pattern: RegExp) => (error: Error & { code?: string }) => error.code === 'SLUICE_INFERENCE_INVALID_MODEL' && pattern.test(error.message);

describe('loading a model from a path that is not a model file', () => {
  test('a folder holding a model names the file to pass', async () => {
    const dir = makeTempDir();
    try {
      const folder = join(dir.path, 'mlflow-model');
      mkdirSync(folder);
      copyFileSync(sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), join(folder, 'model.onnx'));
      await assert.rejects(loadOnnxModel(folder), isInvalidModel(/it is a directory; pass the model file inside it \(.*mlflow-model\/model\.onnx\)/));
    } finally {
      dir.remove();
    }
  });

  test('a folder with no model says so', async () => {
    const dir = makeTempDir();
    try {
      await assert.rejects(loadOnnxModel(dir.path), isInvalidModel(/it is a directory, and holds no \.onnx file/));
    } finally {
      dir.remove();
    }
  });
});
