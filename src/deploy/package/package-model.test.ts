/**
 * `packageModel` on the breast-cancer fixture: each format writes a Docker build context that
 * serves the model with `sluice serve`, manifests that validate and agree with one another, and
 * bad names, missing models and occupied directories are clear errors.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { hashFileSync } from '../../core/index.js';
import { sharedFixture } from '../../../test/support/fixtures.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import {
  deriveKubernetesName,
  findSluiceRoot,
  packagedObjectSchema,
  packageManifestSchema,
  packageModel,
  readSluiceVersion,
  type Deployment,
  type HorizontalPodAutoscaler,
  type InferenceService,
  type PackagedObject,
  type PackageOptions,
  type PackageResult,
  type Service,
} from './index.js';

const MODEL = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
const CREATED = new Date('2025-01-02T03:04:05Z');
const SERVE_ARGS = ['bc-logreg=/models/bc-logreg.onnx', '--host', '0.0.0.0', '--port', '8080'];

let temp: ReturnType<typeof makeTempDir>;
before(() => (temp = makeTempDir('sluice-package-')));
after(() => temp.remove());

function packageInto(dir: string, options: Partial<PackageOptions> = {}): Promise<PackageResult> {
  return packageModel({ model: { path: MODEL, source: MODEL }, outDir: join(temp.path, dir), now: () => CREATED, ...options });
}

function read(result: PackageResult, file: string): string {
  return readFileSync(join(result.outDir, file), 'utf8');
}

/** Every YAML document of a file, each validated by the schema its `kind` selects. */
function objectsIn(result: PackageResult, file: string): PackagedObject[] {
  return parseAllDocuments(read(result, file)).map((document) => {
    assert.deepEqual(document.errors, [], `${file} is valid YAML`);
    return packagedObjectSchema.parse(document.toJS());
  });
}

function ofKind<K extends PackagedObject['kind']>(objects: readonly PackagedObject[], kind: K): Extract<PackagedObject, { kind: K }> {
  const found = objects.filter((object) => object.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0] as Extract<PackagedObject, { kind: K }>;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(dockerfile: string): string[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

function instruction(dockerfile: string, keyword: string): string[] {
  return instructions(dockerfile)
    .filter((line) => line.startsWith(`${keyword} `))
    .map((line) => line.slice(keyword.length + 1).trim());
}

/** Whether a kubectl that can reach a cluster is here: a client-side dry run still asks the API server for its schemas. */
function kubectlSkipReason(): string | undefined {
  if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error) return 'kubectl is not on PATH';
  const server = spawnSync('kubectl', ['version', '--request-timeout=5s', '-o', 'json'], { encoding: 'utf8', timeout: 20_000 });
  if (server.status !== 0 || !JSON.parse(server.stdout || '{}').serverVersion) return 'kubectl is on PATH but reaches no cluster, and `apply --dry-run=client` needs its API schemas';
  return undefined;
}

function kubectlDryRun(t: TestContext, file: string): void {
  const reason = kubectlSkipReason();
  if (reason) {
    t.diagnostic(`kubectl check skipped: ${reason}`);
    t.skip(reason);
    return;
  }
  const result = spawnSync('kubectl', ['apply', '--dry-run=client', '-f', file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
}

describe('the docker format (the default)', () => {
  let result: PackageResult;
  before(async () => (result = await packageInto('docker')));

  test('writes the model under a name made from its file, a tarball of Sluice, the Dockerfile, a README and sluice-package.json', () => {
    assert.equal(result.name, 'bc-logreg');
    assert.equal(result.format, 'docker');
    const version = readSluiceVersion(findSluiceRoot());
    assert.deepEqual([...result.files].sort(), ['.dockerignore', 'Dockerfile', 'README.md', 'model/bc-logreg.onnx', `sluice-${version}.tgz`, 'sluice-package.json'].sort());
    for (const file of result.files) assert.ok(existsSync(join(result.outDir, file)), file);
    assert.deepEqual(readFileSync(join(result.outDir, 'model/bc-logreg.onnx')), readFileSync(MODEL));
    assert.equal(result.deployFile, undefined);
  });

  test('the image is tagged with the start of the model\'s hash, so another model gets another tag', () => {
    assert.equal(result.image, `sluice-bc-logreg:${hashFileSync(MODEL).slice(0, 12)}`);
  });

  test('the Dockerfile installs Sluice from the tarball and runs `sluice serve` on the model as a non-root user', () => {
    const dockerfile = read(result, 'Dockerfile');
    const tarball = result.files.find((file) => file.endsWith('.tgz'))!;
    assert.deepEqual(instruction(dockerfile, 'FROM'), ['node:20-slim']);
    assert.ok(instruction(dockerfile, 'RUN').some((run) => run.startsWith(`ONNXRUNTIME_NODE_INSTALL=skip npm install --global`) && run.includes(`./${tarball}`)));
    assert.deepEqual(instruction(dockerfile, 'USER'), ['node']);
    assert.equal(instruction(dockerfile, 'WORKDIR').at(-1), '/home/node');
    const afterUser = instructions(dockerfile).slice(instructions(dockerfile).indexOf('USER node'));
    assert.ok(afterUser.includes('RUN mkdir -p /home/node/sluice-predictions'), 'the node user owns the prediction log directory sluice serve makes at start');
    assert.deepEqual(instruction(dockerfile, 'EXPOSE'), ['8080']);
    assert.deepEqual(instruction(dockerfile, 'STOPSIGNAL'), ['SIGTERM']);
    assert.deepEqual(JSON.parse(instruction(dockerfile, 'ENTRYPOINT')[0]!), ['sluice', 'serve']);
    assert.deepEqual(JSON.parse(instruction(dockerfile, 'CMD')[0]!), SERVE_ARGS);
  });

  test('the health check asks the readiness endpoint with node, since the slim image has no curl', () => {
    const [healthcheck] = instruction(read(result, 'Dockerfile'), 'HEALTHCHECK');
    const command = JSON.parse(healthcheck!.slice(healthcheck!.indexOf('CMD ') + 4)) as string[];
    assert.equal(command[0], 'node');
    assert.match(command[2]!, /fetch\('http:\/\/127\.0\.0\.1:8080\/v2\/health\/ready'\)/);
  });

  test('everything the Dockerfile copies is in the context and let through by .dockerignore, and nothing else is', () => {
    const copied = instruction(read(result, 'Dockerfile'), 'COPY').map((copy) => copy.split(/\s+/)[0]!);
    assert.equal(copied.length, 3);
    for (const source of copied) assert.ok(existsSync(join(result.outDir, source)), source);
    const ignore = read(result, '.dockerignore').split('\n').filter((line) => line && !line.startsWith('#'));
    assert.equal(ignore[0], '*', 'everything is ignored first');
    assert.deepEqual(new Set(ignore.slice(1)), new Set(copied.map((source) => `!${source}`)));
  });

  test('the tarball is an npm package of the built CLI', () => {
    const tarball = result.files.find((file) => file.endsWith('.tgz'))!;
    const listing = spawnSync('tar', ['tzf', join(result.outDir, tarball)], { encoding: 'utf8' });
    assert.equal(listing.status, 0, listing.stderr);
    const entries = listing.stdout.split('\n');
    for (const entry of ['package/package.json', 'package/bin/sluice', 'package/dist/bundle/sluice.js']) assert.ok(entries.includes(entry), entry);
  });

  test('sluice-package.json records the source, both hashes, the signature and the image', () => {
    const manifest = packageManifestSchema.parse(JSON.parse(read(result, 'sluice-package.json')));
    assert.equal(manifest.name, 'bc-logreg');
    assert.equal(manifest.format, 'docker');
    assert.equal(manifest.created, '2025-01-02T03:04:05.000Z');
    assert.equal(manifest.sluice_version, readSluiceVersion(findSluiceRoot()));
    assert.equal(manifest.model.source, MODEL);
    assert.equal(manifest.model.registered, null);
    assert.equal(manifest.model.blake3, hashFileSync(MODEL));
    assert.equal(manifest.model.sha256, createHash('sha256').update(readFileSync(MODEL)).digest('hex'));
    assert.equal(manifest.model.size_bytes, readFileSync(MODEL).byteLength);
    assert.deepEqual(manifest.model.signature, {
      inputs: [{ name: 'input', type: 'float32', shape: ['N', 30] }],
      outputs: [{ name: 'probabilities', type: 'float32', shape: ['N', 2] }],
    });
    assert.deepEqual(manifest.serving.command, ['sluice', 'serve', ...SERVE_ARGS]);
    assert.deepEqual(manifest.serving.health, { live: '/v2/health/live', ready: '/v2/health/ready' });
    assert.deepEqual([...manifest.files].sort(), [...result.files].sort());
  });

  test('the README gives the build and run commands, and a v2 request the model accepts', () => {
    const readme = read(result, 'README.md');
    assert.ok(readme.includes(`docker build -t ${result.image} .`));
    assert.ok(readme.includes(`docker run --rm -p 8080:8080 ${result.image}`));
    const request = /-d '(\{.*\})'/.exec(readme);
    assert.ok(request, 'an example request');
    const body = JSON.parse(request[1]!) as { inputs: { name: string; shape: number[]; datatype: string; data: number[] }[] };
    assert.deepEqual(body.inputs.map(({ name, shape, datatype, data }) => ({ name, shape, datatype, values: data.length })), [{ name: 'input', shape: [1, 30], datatype: 'FP32', values: 30 }]);
  });
});

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
    assert.deepEqual(container!.args, SERVE_ARGS);
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
    // sluice serve creates its prediction log directory (./sluice-predictions) at start: it must be writable.
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
    assert.deepEqual(container!.args, SERVE_ARGS);
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

describe('settings', () => {
  test('--name, --image, --replicas, --max-replicas and --port reach the Dockerfile and every manifest', async () => {
    const result = await packageInto('custom', { format: 'k8s', name: 'fraud-detector', image: 'registry.example.com/ml/fraud:7', replicas: 3, maxReplicas: 4, port: 9000 });
    const dockerfile = read(result, 'Dockerfile');
    assert.deepEqual(JSON.parse(instruction(dockerfile, 'CMD')[0]!), ['fraud-detector=/models/fraud-detector.onnx', '--host', '0.0.0.0', '--port', '9000']);
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
    const odd = join(temp.path, '___.onnx');
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
    const missing = join(temp.path, 'nope.onnx');
    await assert.rejects(packageInto('missing', { model: { path: missing, source: missing } }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'SLUICE_PACKAGE_MODEL_NOT_FOUND');
      assert.ok(error.message.includes(missing));
      return true;
    });
    assert.equal(existsSync(join(temp.path, 'missing')), false);
  });

  test('a file that is not an ONNX model fails at packaging time, not in the cluster', async () => {
    const broken = join(temp.path, 'broken.onnx');
    writeFileSync(broken, 'not a model');
    await assert.rejects(packageInto('broken', { model: { path: broken, source: broken } }), { code: 'SLUICE_INFERENCE_INVALID_MODEL' });
    assert.equal(existsSync(join(temp.path, 'broken')), false);
  });

  test('a non-empty directory is refused without --force; with it, an earlier package is replaced and other files are kept', async () => {
    const dir = join(temp.path, 'occupied');
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
    writeFileSync(join(temp.path, 'a-file'), '');
    await assert.rejects(packageInto('a-file'), { code: 'SLUICE_PACKAGE_OUT_NOT_DIRECTORY' });
  });
});
