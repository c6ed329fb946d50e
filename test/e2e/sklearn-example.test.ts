/** examples/sklearn: a Python training stage whose ONNX model Sluice evaluates. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../support/fixtures.js';
import { scratchRepo, sluice } from '../support/cli.js';

const python = spawnSync('/usr/bin/python3', ['-c', 'import sklearn, pandas, onnx'], { encoding: 'utf8' });

test('the scikit-learn example trains in Python and evaluates in Sluice', { skip: python.status !== 0 && 'needs Debian python3-sklearn, python3-pandas and python3-onnx' }, () => {
  const repo = scratchRepo({ 'README.md': 'scratch\n' });
  try {
    cpSync(join(REPO_ROOT, 'examples', 'sklearn'), repo.root, { recursive: true });
    const result = sluice(repo.root, ['run']);
    assert.equal(result.code, 0, result.stderr);
    const metrics = JSON.parse(readFileSync(join(repo.root, 'metrics', 'test.json'), 'utf8')) as { roc_auc?: number };
    assert.ok(metrics.roc_auc !== undefined && metrics.roc_auc > 0.99, `roc_auc ${metrics.roc_auc}`);
  } finally {
    repo.remove();
  }
});
