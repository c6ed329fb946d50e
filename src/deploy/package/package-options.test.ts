/**
 * `packageModel` settings and errors, in every format: names, images, replicas and ports reach
 * the Dockerfile and manifests; bad names, missing models and occupied directories are clear errors.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { deriveKubernetesName } from './index.js';
import { instruction, MODEL, objectsIn, ofKind, packagingDir, read } from './package-test-support.js';

const workspace = packagingDir();
const { packageInto } = workspace;

describe('settings', () => {
  test('--name, --image, --replicas, --max-replicas and --port reach the Dockerfile and every manifest', async () => {
    const result = await packageInto('custom', { format: 'k8s', name: 'fraud-detector', image: 'registry.example.com/ml/fraud:7', replicas: 3, maxReplicas: 4, port: 9000 });
    const dockerfile = read(result, 'Dockerfile');
    assert.deepEqual(JSON.parse(instruction(dockerfile, 'CMD')[0]!), ['fraud-detector=/models/fraud-detector.onnx', '--host', '0.0.0.0', '--port', '9000', '--prediction-log', '/home/node/sluice-predictions']);
    assert.deepEqual(instruction(dockerfile, 'EXPOSE'), ['9000']);
    assert.match(instruction(dockerfile, 'HEALTHCHECK')[0]!, /127\.0\.0\.1:9000\/v2\/health\/ready/);
    assert.ok(result.files.includes('model/fraud-detector.onnx'));
    const objects = objectsIn(result, 'k8s.yaml');
    const [container] = ofKind(objects, 'Deployment').spec.template.spec.containers;
    assert.equal(container!.image, 'registry.example.com/ml/fraud:7');
    assert.equal(container!.ports[0]!.containerPort, 9000);
    assert.equal(ofKind(objects, 'Deployment').spec.template.metadata.annotations?.['prometheus.io/port'], '9000');
    assert.deepEqual([ofKind(objects, 'HorizontalPodAutoscaler').spec.minReplicas, ofKind(objects, 'HorizontalPodAutoscaler').spec.maxReplicas], [3, 4]);
    for (const object of objects) assert.equal(object.metadata.name, 'fraud-detector');
  });

  test('a registered version is named after its registered model and tagged with its version number', async () => {
    const result = await packageInto('registered', { model: { path: MODEL, source: 'models:/Breast_Cancer@champion', registered: { name: 'Breast_Cancer', version: 3 } } });
    assert.equal(result.name, 'breast-cancer');
    assert.equal(result.image, 'sluice-breast-cancer:3');
    assert.deepEqual(result.manifest.model.registered, { name: 'Breast_Cancer', version: 3, uri: 'models:/Breast_Cancer/3' });
    assert.equal(result.manifest.model.source, 'models:/Breast_Cancer@champion');
  });

  test('derived names are valid Kubernetes names', () => {
    assert.equal(deriveKubernetesName('bc_logreg'), 'bc-logreg');
    assert.equal(deriveKubernetesName('Fraud Model (v2)'), 'fraud-model-v2');
    assert.equal(deriveKubernetesName('2024-model'), 'model-2024-model');
    assert.equal(deriveKubernetesName(`${'a'.repeat(62)}_b`), 'a'.repeat(62));
    assert.equal(deriveKubernetesName('x'.repeat(80), 47).length, 47);
  });
});


describe('errors', () => {
  for (const [name, problem] of [
    ['Fraud', /uppercase/],
    ['fraud_detector', /contains "_"/],
    ['7-models', /start with a letter/],
    ['fraud-', /end with a letter or digit/],
    ['a'.repeat(64), /64 characters long, and at most 63/],
  ] as const) {
    test(`--name ${name.length > 20 ? `${name.slice(0, 10)}… (${name.length} characters)` : name} is refused, saying why`, async () => {
      await assert.rejects(packageInto(`bad-name-${name.length}-${name[0]}`, { name }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'SLUICE_PACKAGE_INVALID_NAME');
        assert.match(error.message, problem);
        return true;
      });
    });
  }

  test('KServe names leave room for the -predictor-00001 that KServe appends', async () => {
    await assert.rejects(packageInto('long-kserve', { format: 'kserve', name: 'm'.repeat(50) }), /at most 47 are allowed \(KServe appends -predictor-00001/);
  });

  test('a file name with nothing to make a name from asks for --name', async () => {
    const odd = join(workspace.path(), '___.onnx');
    writeFileSync(odd, readFileSync(MODEL));
    await assert.rejects(packageInto('odd', { model: { path: odd, source: odd } }), (error: Error & { code?: string; hint?: string }) => {
      assert.equal(error.code, 'SLUICE_PACKAGE_NO_NAME');
      assert.match(error.hint ?? '', /--name/);
      return true;
    });
  });

  test('KServe refuses a port its queue-proxy sidecar takes', async () => {
    await assert.rejects(packageInto('knative-port', { format: 'kserve', port: 9090 }), { code: 'SLUICE_PACKAGE_RESERVED_PORT' });
  });

  test('an invalid image reference is refused', async () => {
    await assert.rejects(packageInto('bad-image', { image: 'Registry/Model:latest tag' }), { code: 'SLUICE_PACKAGE_INVALID_IMAGE' });
  });

  test('a missing model is SLUICE_PACKAGE_MODEL_NOT_FOUND, and no directory is left behind', async () => {
    const missing = join(workspace.path(), 'nope.onnx');
    await assert.rejects(packageInto('missing', { model: { path: missing, source: missing } }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'SLUICE_PACKAGE_MODEL_NOT_FOUND');
      assert.ok(error.message.includes(missing));
      return true;
    });
    assert.equal(existsSync(join(workspace.path(), 'missing')), false);
  });

  test('a file that is not an ONNX model fails at packaging time, not in the cluster', async () => {
    const broken = join(workspace.path(), 'broken.onnx');
    writeFileSync(broken, 'not a model');
    await assert.rejects(packageInto('broken', { model: { path: broken, source: broken } }), { code: 'SLUICE_INFERENCE_INVALID_MODEL' });
    assert.equal(existsSync(join(workspace.path(), 'broken')), false);
  });

  test('a non-empty directory is refused without --force; with it, an earlier package is replaced and other files are kept', async () => {
    const dir = join(workspace.path(), 'occupied');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await assert.rejects(packageInto('occupied'), (error: Error & { code?: string; hint?: string }) => {
      assert.equal(error.code, 'SLUICE_PACKAGE_OUT_DIR_NOT_EMPTY');
      assert.match(error.hint ?? '', /--force/);
      return true;
    });
    const first = await packageInto('occupied', { format: 'k8s', force: true });
    assert.ok(existsSync(join(dir, 'k8s.yaml')));
    const second = await packageInto('occupied', { format: 'kserve', force: true, name: 'other' });
    assert.equal(existsSync(join(dir, 'k8s.yaml')), false, 'the earlier package\'s manifest is gone');
    assert.equal(existsSync(join(dir, first.manifest.model.file)), false, 'and so is its model');
    assert.ok(existsSync(join(dir, 'kserve.yaml')));
    assert.ok(existsSync(join(dir, second.manifest.model.file)));
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine');
  });

  test('an output path that is a file is refused', async () => {
    writeFileSync(join(workspace.path(), 'a-file'), '');
    await assert.rejects(packageInto('a-file'), { code: 'SLUICE_PACKAGE_OUT_NOT_DIRECTORY' });
  });
});
