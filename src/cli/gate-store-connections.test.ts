/**
 * A command opens the metadata store once: `sluice gate` against `models:/NAME@champion` resolves
 * the baseline, scores both models and records the run on one connection. The CLI runs in-process
 * with a store factory that counts the connections it opens.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { openMetadataStore, type StoreLocation } from '../store/index.js';
import { sharedFixture } from '../../test/support/fixtures.js';
import { scratchRepo, sluice, type ScratchRepo } from '../../test/support/cli.js';
import { runCli } from './program.js';

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

describe('sluice gate with a registry baseline', { timeout: 120_000 }, () => {
  let repo: ScratchRepo;
  const cwd = process.cwd();
  before(() => {
    const model = (name: string) => sharedFixture('breast_cancer', 'models', `${name}.onnx`);
    repo = scratchRepo({
      'sluice.yaml': `stages: {}\ngates:\n  model: ${model('bc_logreg')}\n  data: ${sharedFixture('breast_cancer', 'test.csv')}\n  target: target\n  baseline: models:/bc@champion\n  rules:\n    - metric: roc_auc\n      max_regression: 0.01\n`,
    });
    const registered = sluice(repo.root, ['models', 'register', model('bc_weak_logreg3'), '--name', 'bc', '--alias', 'champion']);
    assert.equal(registered.code, 0, registered.stderr);
    process.chdir(repo.root);
  });
  after(() => {
    process.chdir(cwd);
    repo.remove();
  });

  test('opens the metadata store once, resolving the baseline and recording the run on it', async () => {
    const opened: StoreLocation[] = [];
    const stdout = capture();
    const stderr = capture();
    const openStore = (location: StoreLocation) => {
      opened.push(location);
      return openMetadataStore(location);
    };
    const code = await runCli(['gate', '--json', join(repo.outside, 'gate.json')], '0.0.0-test', { stdout: stdout.stream, stderr: stderr.stream, openStore });
    assert.equal(code, 0, stderr.text());
    assert.match(stdout.text(), /against baseline models:\/bc@champion \(version 1\)/);
    assert.match(stdout.text(), /Recorded as run [0-9a-f]{8}/);
    assert.equal(opened.length, 1, `the store was opened ${opened.length} times`);
  });

  test('a baseline alias that names nothing yet is a first model, still on one connection', async () => {
    writeFileSync(join(repo.root, 'sluice.yaml'), `stages: {}\ngates:\n  model: ${sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx')}\n  data: ${sharedFixture('breast_cancer', 'test.csv')}\n  target: target\n  baseline: models:/bc@production\n  rules:\n    - metric: roc_auc\n      min: 0.9\n`);
    let opens = 0;
    const stdout = capture();
    const stderr = capture();
    const code = await runCli(['gate'], '0.0.0-test', { stdout: stdout.stream, stderr: stderr.stream, openStore: (location) => {
      opens++;
      return openMetadataStore(location);
    } });
    assert.equal(code, 0, stderr.text());
    assert.match(stdout.text(), /The baseline models:\/bc@production does not exist yet/);
    assert.equal(opens, 1);
  });
});
