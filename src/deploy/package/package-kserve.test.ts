/**
 * `packageModel` in the kserve format: the Docker context plus one InferenceService whose custom
 * predictor serves the image over the v2 protocol.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { InferenceService, PackageResult } from './index.js';
import { objectsIn, ofKind, packagingDir, SERVE_ARGS } from './package-test-support.js';

const { packageInto } = packagingDir();

describe('the kserve format', () => {
  let result: PackageResult;
  let isvc: InferenceService;
  before(async () => {
    result = await packageInto('kserve', { format: 'kserve' });
    isvc = ofKind(objectsIn(result, 'kserve.yaml'), 'InferenceService');
  });

  test('writes the Docker context and kserve.yaml with one valid InferenceService', () => {
    for (const file of ['Dockerfile', '.dockerignore', 'README.md', 'model/bc-logreg.onnx', 'sluice-package.json', 'kserve.yaml']) assert.ok(result.files.includes(file), file);
    assert.equal(result.deployFile, 'kserve.yaml');
    assert.equal(isvc.apiVersion, 'serving.kserve.io/v1beta1');
    assert.equal(isvc.metadata.name, 'bc-logreg');
  });

  test('the predictor is a custom kserve-container serving the image over v2 on port 8080, named http1', () => {
    const [container] = isvc.spec.predictor.containers;
    assert.equal(container!.name, 'kserve-container');
    assert.equal(container!.image, result.image);
    assert.deepEqual(container!.args, [...SERVE_ARGS, '--workers', '2'], 'one worker per core of the CPU limit (2), not of the node');
    assert.deepEqual(container!.ports, [{ name: 'http1', containerPort: 8080, protocol: 'TCP' }]);
    assert.deepEqual(container!.env, [{ name: 'PROTOCOL', value: 'v2' }]);
  });

  test('readiness is the v2 ready endpoint on the served port', () => {
    const [container] = isvc.spec.predictor.containers;
    assert.deepEqual(container!.readinessProbe.httpGet, { path: '/v2/health/ready', port: 8080 });
    assert.deepEqual(container!.livenessProbe.httpGet, { path: '/v2/health/live', port: 8080 });
    assert.equal(isvc.spec.predictor.annotations?.['prometheus.io/path'], '/metrics');
  });
});
