/**
 * The `sluice worker` pool for Kubernetes: valid ServiceAccount and Deployment objects, a worker
 * per replica on the queue with its labels, placed and sized, and time to finish its stages on
 * SIGTERM.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kubernetesErrors } from './export-test-support.js';
import { workerDeployment, type WorkerDeploymentOptions } from './index.js';

const OPTIONS: WorkerDeploymentOptions = {
  name: 'sluice-worker',
  image: 'registry.example.com/ml/sluice:0.1.0',
  replicas: 3,
  concurrency: 2,
  labels: ['gpu', 'pool=highmem'],
  resources: { cpu: '2', memory: '8Gi', gpu: 1 },
  repository: 'https://github.com/acme/bc.git',
  gracePeriodSeconds: 900,
  remote: 'team',
  sluiceVersion: '0.1.0',
};

describe('the worker pool', () => {
  test('the ServiceAccount and the Deployment validate against the Kubernetes schemas', () => {
    const [serviceAccount, deployment] = workerDeployment(OPTIONS);
    assert.deepEqual(kubernetesErrors(serviceAccount), []);
    assert.deepEqual(kubernetesErrors(deployment), []);
  });

  test('each replica runs `sluice worker` on the queue with its concurrency and labels, in the checkout the init container cloned', () => {
    const [, deployment] = workerDeployment(OPTIONS);
    const pod = deployment.spec.template.spec;
    const [worker] = pod.containers;
    assert.equal(deployment.spec.replicas, 3);
    assert.deepEqual([...worker!.command, ...worker!.args], ['sluice', 'worker', '--queue', '$(SLUICE_QUEUE_URL)', '--concurrency', '2', '--remote', 'team', '--labels', 'gpu,pool=highmem']);
    assert.deepEqual(pod.initContainers[0]!.command.slice(0, 2), ['git', 'clone']);
    assert.equal(pod.initContainers[0]!.command.at(-1), worker!.workingDir);
    assert.deepEqual(pod.initContainers[0]!.env, [{ name: 'SLUICE_GIT_REPOSITORY', value: OPTIONS.repository }]);
  });

  test('the queue URL is a value when given, else the sluice-queue Secret', () => {
    const queueOf = (options: WorkerDeploymentOptions) => workerDeployment(options)[1].spec.template.spec.containers[0]!.env[0];
    assert.deepEqual(queueOf(OPTIONS), { name: 'SLUICE_QUEUE_URL', valueFrom: { secretKeyRef: { name: 'sluice-queue', key: 'url' } } });
    assert.deepEqual(queueOf({ ...OPTIONS, queueUrl: 'redis://redis:6379' }), { name: 'SLUICE_QUEUE_URL', value: 'redis://redis:6379' });
  });

  test('labels select nodes, resources are requested, and SIGTERM leaves the grace period for running stages', () => {
    const [, deployment] = workerDeployment(OPTIONS);
    const pod = deployment.spec.template.spec;
    assert.deepEqual(pod.nodeSelector, { 'sluice.dev/gpu': 'true', 'sluice.dev/pool': 'highmem' });
    assert.deepEqual(pod.containers[0]!.resources, { requests: { cpu: '2', memory: '8Gi' }, limits: { memory: '8Gi', 'nvidia.com/gpu': '1' } });
    assert.equal(pod.terminationGracePeriodSeconds, 900);
    assert.deepEqual(deployment.spec.strategy.rollingUpdate, { maxSurge: 1, maxUnavailable: 0 });
  });

  test("the pods run as the pool's own ServiceAccount without a Kubernetes API token", () => {
    const [serviceAccount, deployment] = workerDeployment({ ...OPTIONS, namespace: 'ml' });
    assert.equal(deployment.spec.template.spec.serviceAccountName, serviceAccount.metadata.name);
    assert.equal(deployment.spec.template.spec.automountServiceAccountToken, false);
    assert.deepEqual([serviceAccount.metadata.namespace, deployment.metadata.namespace], ['ml', 'ml']);
  });

  test('the selector matches the pod labels', () => {
    const [, deployment] = workerDeployment(OPTIONS);
    for (const [key, value] of Object.entries(deployment.spec.selector.matchLabels)) assert.equal(deployment.spec.template.metadata.labels[key], value);
  });
});
