/**
 * The environment commands' edges: `sluice deploy --target k8s --out DIR` writes the manifests and
 * says what did not translate, needs --out, checks the model as an embedded deploy does, honours
 * --strategy and refuses the flags that act on a local rollout; and a version an environment
 * serves is not deleted.
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

  test('deploy --out without --target k8s exits 2 and starts no rollout', () => {
    const result = sluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production', '--out', join(repo.root, 'k8s-forgot')]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /add --target k8s, or drop --out/);
    assert.equal(JSON.parse(sluice(repo.root, ['rollout', 'status', '--env', 'production', '--json']).stdout).rollout, null);
  });

  test('deploy --target k8s of another registered model is refused (exit 2), as an embedded deploy is', () => {
    const result = sluice(repo.root, ['deploy', 'models:/other/1', '--env', 'production', '--target', 'k8s', '--out', join(repo.root, 'k8s-other')]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /serves registered model "bc", not "other".*SLUICE_DEPLOY_WRONG_MODEL/s);
    assert.equal(existsSync(join(repo.root, 'k8s-other')), false);
  });

  test('deploy --target k8s --strategy bluegreen writes a blue/green rollout, not the configured canary', () => {
    const out = join(repo.root, 'k8s-bluegreen');
    const result = sluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production', '--target', 'k8s', '--out', out, '--strategy', 'bluegreen']);
    assert.equal(result.code, 0, result.stderr);
    const rollout = readFileSync(join(out, 'rollout.yaml'), 'utf8');
    assert.match(rollout, /blueGreen:/);
    assert.doesNotMatch(rollout, /canary:/);
  });

  test('deploy --target k8s --wait is refused (exit 2): Argo Rollouts runs that rollout', () => {
    const result = sluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production', '--target', 'k8s', '--out', join(repo.root, 'k8s-wait'), '--wait']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--wait acts on a rollout Sluice runs/);
  });

  test('the version an environment serves, and the candidate of a rollout in progress, are not deleted', () => {
    assert.equal(sluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production']).code, 0);
    try {
      for (const [version, reason] of [['2', /candidate of the rollout in progress on "production"/], ['1', /environment "production" serves version 1/]] as const) {
        const result = sluice(repo.root, ['models', 'delete', `bc/${version}`, '--force']);
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, reason);
        assert.equal(sluice(repo.root, ['models', 'show', `bc/${version}`]).code, 0, `bc/${version} is still registered`);
      }
    } finally {
      assert.equal(sluice(repo.root, ['rollout', 'abort', '--env', 'production']).code, 0);
    }
  });
});
