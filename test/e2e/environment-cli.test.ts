/**
 * The environment commands' edges: `sluice deploy --target k8s --out DIR` writes the manifests and
 * says what did not translate, and needs --out.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sluice, type ScratchRepo } from '../support/cli.js';
import { environmentRepo } from '../support/environment.js';

const YAML = `stages: {}
deploy:
  production:
    model: bc
    port: 8080
    strategy:
      canary:
        steps:
          - setWeight: 20
          - pause: {duration: 30s}
        analysis:
          metrics:
            - name: errors
              interval: 1m
              successCondition: result < 0.01
              provider: {requests: {metric: error_rate}}
            - name: live-accuracy
              interval: 1m
              successCondition: result >= 0.9
              provider: {feedback: {metric: accuracy, minSamples: 30}}
`;

describe('environment commands', () => {
  let repo: ScratchRepo;
  before(() => (repo = environmentRepo(YAML)));
  after(() => repo.remove());

  test('deploy --target k8s --out DIR writes the Argo Rollout and KServe manifests and warns about what did not translate', () => {
    const out = join(repo.root, 'k8s');
    const result = sluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production', '--target', 'k8s', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    for (const file of ['rollout.yaml', 'kserve.yaml', 'README.md']) assert.ok(existsSync(join(out, file)), file);
    assert.match(readFileSync(join(out, 'rollout.yaml'), 'utf8'), /kind: Rollout/);
    assert.match(result.stdout, /Wrote rollout\.yaml, kserve\.yaml, README\.md/);
    assert.match(result.stderr, /warning: metric "live-accuracy" \(feedback/);
    // Manifests only: no rollout was started.
    assert.equal(JSON.parse(sluice(repo.root, ['rollout', 'status', '--env', 'production', '--json']).stdout).rollout, null);
  });

  test('deploy --target k8s without --out exits 2 saying to name the directory', () => {
    const result = sluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production', '--target', 'k8s']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--out DIR/);
  });
});
