/**
 * `sluice package` through the real CLI: a registered champion becomes a Docker build context
 * and Kubernetes manifests named after the registered model, and the command prints the commands
 * to build and deploy it. Nothing is built: no Docker daemon is assumed.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { packagedObjectSchema, packageManifestSchema } from '../../src/deploy/index.js';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';
import { sharedFixture } from '../support/fixtures.js';

const MODEL = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');

describe('sluice package', () => {
  let repo: ScratchRepo;
  before(() => {
    repo = scratchRepo({ 'README.md': 'scratch\n' });
    assert.equal(sluice(repo.root, ['init']).code, 0);
    const registered = sluice(repo.root, ['models', 'register', MODEL, '--name', 'breast-cancer', '--alias', 'champion']);
    assert.equal(registered.code, 0, registered.stderr);
  });
  after(() => repo.remove());

  test('packages models:/NAME@ALIAS for Kubernetes, named and tagged after the registered version', () => {
    const result = sluice(repo.root, ['package', 'models:/breast-cancer@champion', '--out', 'deploy', '--format', 'k8s']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Packaged models:\/breast-cancer@champion \(version 1\) as "breast-cancer" \(k8s\) in deploy:\n/);
    assert.match(result.stdout, /\n {2}docker build -t sluice-breast-cancer:1 deploy\n {2}docker push sluice-breast-cancer:1\n {2}kubectl apply -f deploy\/k8s\.yaml\n/);
    assert.match(result.stdout, /\nImage: about \d+ MB \(node:20-slim about 200 MB, plus Sluice and \d+ production packages vendored for linux\/\w+, and the model; context \d+ MB\)\. The build runs no npm and needs no network\.\n/);

    const dir = join(repo.root, 'deploy');
    for (const file of ['Dockerfile', '.dockerignore', 'README.md', 'k8s.yaml', 'model/breast-cancer.onnx', 'sluice-package.json']) assert.ok(existsSync(join(dir, file)), file);
    assert.deepEqual(readFileSync(join(dir, 'model/breast-cancer.onnx')), readFileSync(MODEL));

    const manifest = packageManifestSchema.parse(JSON.parse(readFileSync(join(dir, 'sluice-package.json'), 'utf8')));
    assert.equal(manifest.model.source, 'models:/breast-cancer@champion');
    assert.deepEqual(manifest.model.registered, { name: 'breast-cancer', version: 1, uri: 'models:/breast-cancer/1' });

    const objects = parseAllDocuments(readFileSync(join(dir, 'k8s.yaml'), 'utf8')).map((document) => packagedObjectSchema.parse(document.toJS()));
    assert.deepEqual(objects.map((object) => `${object.kind}/${object.metadata.name}`), ['Deployment/breast-cancer', 'Service/breast-cancer', 'HorizontalPodAutoscaler/breast-cancer']);
    const deployment = objects[0]!;
    assert.ok(deployment.kind === 'Deployment');
    assert.equal(deployment.spec.template.spec.containers[0]!.image, 'sluice-breast-cancer:1');
    assert.deepEqual(deployment.spec.template.spec.containers[0]!.args, ['breast-cancer=/models/breast-cancer.onnx', '--host', '0.0.0.0', '--port', '8080', '--prediction-log', '/home/node/sluice-predictions', '--workers', '2']);
  });

  test('a second run into the same directory needs --force', () => {
    const refused = sluice(repo.root, ['package', 'models:/breast-cancer/1', '--out', 'deploy']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /The output directory .*deploy is not empty\. .*--force.*\[SLUICE_PACKAGE_OUT_DIR_NOT_EMPTY\]/);
    const forced = sluice(repo.root, ['package', 'models:/breast-cancer/1', '--out', 'deploy', '--force', '--json', '--dependencies', 'install']);
    assert.equal(forced.code, 0, forced.stderr);
    const result = JSON.parse(forced.stdout) as { format: string; files: string[]; image: string };
    assert.equal(result.format, 'docker');
    assert.equal(result.image, 'sluice-breast-cancer:1');
    assert.equal(existsSync(join(repo.root, 'deploy', 'k8s.yaml')), false, 'the k8s package it replaced is gone');
  });

  test('a plain file is named after its file name; the docker format prints build and run commands', () => {
    const result = sluice(repo.root, ['package', MODEL, '--out', 'plain', '--dependencies', 'install']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /as "bc-logreg" \(docker\) in plain:/);
    assert.match(result.stdout, /\nImage: dependencies installed by npm at build time, as asked \(--dependencies install\); context \d+ MB plus node:20-slim and what npm installs\.\n/);
    assert.match(result.stdout, /\n {2}docker build -t sluice-bc-logreg:[0-9a-f]{12} plain\n {2}docker run --rm -p 8080:8080 sluice-bc-logreg:[0-9a-f]{12}\n/);
  });

  test('an invalid --name, an unknown alias, a bad --port or --dependencies are clear errors, exit 2', () => {
    const badName = sluice(repo.root, ['package', MODEL, '--out', 'x1', '--name', 'Breast_Cancer']);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /"Breast_Cancer" cannot name a model server: it has uppercase letters\..*\[SLUICE_PACKAGE_INVALID_NAME\]/);
    const unknown = sluice(repo.root, ['package', 'models:/breast-cancer@nope', '--out', 'x2']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /alias nope not found/);
    const badPort = sluice(repo.root, ['package', MODEL, '--out', 'x3', '--port', '80']);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /--port must be at least 1024/);
    const missing = sluice(repo.root, ['package', 'nope.onnx', '--out', 'x4']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /The model file nope\.onnx does not exist\..*\[SLUICE_PACKAGE_MODEL_NOT_FOUND\]/);
    const badDependencies = sluice(repo.root, ['package', MODEL, '--out', 'x5', '--dependencies', 'npm']);
    assert.equal(badDependencies.code, 2);
    assert.match(badDependencies.stderr, /--dependencies must be vendored or install/);
    for (const dir of ['x1', 'x2', 'x3', 'x4', 'x5']) assert.equal(existsSync(join(repo.root, dir)), false, `${dir} is not created`);
  });
});
