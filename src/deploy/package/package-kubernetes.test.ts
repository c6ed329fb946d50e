/**
 * `packageModel` in the k8s format: the Docker context plus a Deployment, a Service and a
 * HorizontalPodAutoscaler that validate and agree with one another.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { Deployment, HorizontalPodAutoscaler, PackagedObject, PackageResult, Service } from './index.js';
import { kubectlDryRun, objectsIn, ofKind, packagingDir, SERVE_ARGS } from './package-test-support.js';

const { packageInto } = packagingDir();

describe('the k8s format', () => {
  let result: PackageResult;
  let objects: PackagedObject[];
  let deployment: Deployment;
  let service: Service;
  let autoscaler: HorizontalPodAutoscaler;
  before(async () => {
    result = await packageInto('k8s', { format: 'k8s' });
    objects = objectsIn(result, 'k8s.yaml');
    deployment = ofKind(objects, 'Deployment');
    service = ofKind(objects, 'Service');
    autoscaler = ofKind(objects, 'HorizontalPodAutoscaler');
  });

  test('writes the Docker context and k8s.yaml: a Deployment, a Service and a HorizontalPodAutoscaler, each valid', () => {
    for (const file of ['Dockerfile', '.dockerignore', 'README.md', 'model/bc-logreg.onnx', 'sluice-package.json', 'k8s.yaml']) assert.ok(result.files.includes(file), file);
    assert.equal(result.deployFile, 'k8s.yaml');
    assert.deepEqual(objects.map((object) => object.kind), ['Deployment', 'Service', 'HorizontalPodAutoscaler']);
  });

  test('the three share one name, the Service selects the Deployment\'s pods, and the HPA scales that Deployment', () => {
    for (const object of objects) assert.equal(object.metadata.name, 'bc-logreg');
    const podLabels = deployment.spec.template.metadata.labels;
    for (const [key, value] of Object.entries(service.spec.selector)) assert.equal(podLabels[key], value, key);
    assert.deepEqual(autoscaler.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
  });

  test('the container runs the packaged image with the Dockerfile\'s serve arguments, and the Service forwards port 80 to it', () => {
    const [container] = deployment.spec.template.spec.containers;
    assert.equal(container!.image, result.image);
    assert.deepEqual(container!.args, [...SERVE_ARGS, '--workers', '2'], 'one worker per core of the CPU limit (2), not of the node');
    assert.deepEqual(container!.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    assert.deepEqual(service.spec.ports, [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    assert.equal(service.spec.type, 'ClusterIP');
  });

  test('readiness is probed on /v2/health/ready and liveness on /v2/health/live, on the container\'s port', () => {
    const [container] = deployment.spec.template.spec.containers;
    assert.deepEqual(container!.readinessProbe.httpGet, { path: '/v2/health/ready', port: 'http' });
    assert.deepEqual(container!.livenessProbe.httpGet, { path: '/v2/health/live', port: 'http' });
  });

  test('pods drain before SIGTERM, run as non-root on a read-only root with writable /tmp and prediction log, and announce their metrics', () => {
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    assert.deepEqual(container!.lifecycle?.preStop.exec.command, ['sleep', '5']);
    assert.ok(pod.terminationGracePeriodSeconds > 5);
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    assert.equal(pod.securityContext?.runAsUser, 1000, 'numeric, since the kubelet cannot check that the user "node" is not root');
    assert.equal(container!.securityContext.readOnlyRootFilesystem, true);
    // sluice serve creates its prediction log directory (--prediction-log /home/node/sluice-predictions) at start: it must be writable.
    assert.deepEqual(container!.volumeMounts, [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'predictions', mountPath: '/home/node/sluice-predictions' },
    ]);
    assert.deepEqual(pod.volumes?.map((volume) => volume.name), ['tmp', 'predictions']);
    assert.deepEqual(
      Object.fromEntries(Object.entries(deployment.spec.template.metadata.annotations ?? {}).filter(([key]) => key.startsWith('prometheus.io/'))),
      { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics' },
    );
    assert.deepEqual(Object.keys(container!.resources.requests).sort(), ['cpu', 'memory']);
    assert.deepEqual(Object.keys(container!.resources.limits).sort(), ['cpu', 'memory']);
  });

  test('the autoscaler holds CPU at 70 % between the replicas asked for and five times as many', () => {
    assert.equal(deployment.spec.replicas, 2);
    assert.equal(autoscaler.spec.minReplicas, 2);
    assert.equal(autoscaler.spec.maxReplicas, 10);
    assert.deepEqual(autoscaler.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
  });

  test('kubectl accepts the manifests in a client-side dry run', (t) => kubectlDryRun(t, join(result.outDir, 'k8s.yaml')));
});
