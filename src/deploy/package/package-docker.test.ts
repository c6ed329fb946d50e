/**
 * `packageModel` in the docker format (the default) on the breast-cancer fixture: a Docker build
 * context that serves the model with `sluice serve`, with a manifest recording what was packaged.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { hashFileSync } from '../../core/index.js';
import { stopProcess, track, within } from '../../../test/support/processes.js';
import { BASE_IMAGE_BYTES, findSluiceRoot, imagePlatform, packageManifestSchema, productionDependencies, readSluiceVersion, type PackageResult } from './index.js';
import { instruction, instructions, MODEL, packagingDir, read, SERVE_ARGS } from './package-test-support.js';

const { packageInto, path } = packagingDir();

describe('the docker format (the default)', () => {
  let result: PackageResult;
  // The default: vendored here (Linux, glibc, Node 20). Done once for the file: it copies ~190 MB.
  before(async () => (result = await packageInto('docker', { dependencies: undefined })));

  test('writes the model under a name made from its file, a tarball of Sluice, its dependencies, the Dockerfile, a README and sluice-package.json', () => {
    assert.equal(result.name, 'bc-logreg');
    assert.equal(result.format, 'docker');
    const version = readSluiceVersion(findSluiceRoot());
    assert.deepEqual([...result.files].sort(), ['.dockerignore', 'Dockerfile', 'README.md', 'model/bc-logreg.onnx', 'node_modules', `sluice-${version}.tgz`, 'sluice-package.json'].sort());
    for (const file of result.files) assert.ok(existsSync(join(result.outDir, file)), file);
    assert.deepEqual(readFileSync(join(result.outDir, 'model/bc-logreg.onnx')), readFileSync(MODEL));
    assert.equal(result.deployFile, undefined);
  });

  test('the image is tagged with the start of the model\'s hash, so another model gets another tag', () => {
    assert.equal(result.image, `sluice-bc-logreg:${hashFileSync(MODEL).slice(0, 12)}`);
  });

  test('the Dockerfile unpacks Sluice beside its vendored dependencies, with no npm or network step, and runs `sluice serve` as a non-root user', () => {
    const dockerfile = read(result, 'Dockerfile');
    const tarball = result.files.find((file) => file.endsWith('.tgz'))!;
    assert.deepEqual(instruction(dockerfile, 'FROM'), ['node:20-slim']);
    assert.deepEqual(instruction(dockerfile, 'ADD'), [`${tarball} /opt/`]);
    assert.ok(instruction(dockerfile, 'COPY').includes('node_modules /opt/package/node_modules'));
    for (const run of instruction(dockerfile, 'RUN')) assert.doesNotMatch(run, /\bnpm\b|curl|wget|apt-get/, run);
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
    const dockerfile = read(result, 'Dockerfile');
    const copied = [...instruction(dockerfile, 'ADD'), ...instruction(dockerfile, 'COPY')].map((copy) => copy.split(/\s+/)[0]!);
    assert.equal(copied.length, 4);
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

  test('the vendored dependencies are Sluice\'s production closure: every dependency, no devDependency', () => {
    const root = findSluiceRoot();
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const closure = productionDependencies(root);
    for (const path of closure) assert.ok(existsSync(join(result.outDir, path, 'package.json')), path);
    for (const name of Object.keys(manifest.dependencies)) assert.ok(closure.includes(`node_modules/${name}`), name);
    for (const name of Object.keys(manifest.devDependencies)) {
      if (!closure.includes(`node_modules/${name}`)) assert.ok(!existsSync(join(result.outDir, 'node_modules', name)), `devDependency ${name} is not vendored`);
    }
    assert.ok(!existsSync(join(result.outDir, 'node_modules', 'typescript')));
  });

  test('onnxruntime-node keeps only the binaries of the image\'s platform', () => {
    const napi = readdirSync(join(result.outDir, 'node_modules', 'onnxruntime-node', 'bin')).map((version) => join(result.outDir, 'node_modules', 'onnxruntime-node', 'bin', version));
    for (const dir of napi) {
      assert.deepEqual(readdirSync(dir), ['linux']);
      assert.deepEqual(readdirSync(join(dir, 'linux')), [process.arch]);
    }
  });

  test('sluice-package.json gives the expected image size: the base image plus the context it adds', () => {
    const { build } = packageManifestSchema.parse(JSON.parse(read(result, 'sluice-package.json')));
    const tarball = result.files.find((file) => file.endsWith('.tgz'))!;
    assert.deepEqual([build.dependencies, build.platform, build.base_image, build.note], ['vendored', imagePlatform(), 'node:20-slim', null]);
    assert.ok(build.vendored_packages > 50, `${build.vendored_packages} packages`);
    const vendored = build.context_bytes - statSync(join(result.outDir, tarball)).size - readFileSync(MODEL).byteLength;
    assert.ok(vendored > 50_000_000, `node_modules: ${vendored} bytes`);
    assert.ok(build.expected_image_bytes! > BASE_IMAGE_BYTES + vendored, `${build.expected_image_bytes}`);
  });

  test('Sluice unpacked beside the vendored node_modules (what the image holds) serves the model', async (t) => {
    const tarball = result.files.find((file) => file.endsWith('.tgz'))!;
    const image = join(path(), 'image');
    mkdirSync(image);
    const unpacked = spawnSync('tar', ['xzf', join(result.outDir, tarball), '-C', image], { encoding: 'utf8' });
    assert.equal(unpacked.status, 0, unpacked.stderr);
    symlinkSync(join(result.outDir, 'node_modules'), join(image, 'package', 'node_modules'));
    // Outside this repository, so nothing resolves from Sluice's own node_modules.
    const child = track(spawn(process.execPath, [join(image, 'package', 'bin', 'sluice'), 'serve', `bc-logreg=${join(result.outDir, 'model', 'bc-logreg.onnx')}`, '--port', '0', '--no-prediction-log', '--quiet'], { cwd: image, stdio: ['ignore', 'ignore', 'pipe'] }));
    t.after(() => stopProcess(child));
    let stderr = '';
    const url = await within(
      new Promise<string>((resolve, reject) => {
        child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
          const match = / at (http:\/\/[\d.]+:\d+)/.exec(stderr);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`sluice serve exited with ${code}: ${stderr}`)));
      }),
      60_000,
      'the banner of the unpacked sluice serve',
    );
    const response = await fetch(`${url}/v2/models/bc-logreg/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 30], datatype: 'FP32', data: new Array(30).fill(1) }] }), signal: AbortSignal.timeout(30_000) });
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(await stopProcess(child).then((exit) => exit.code), 0);
  });
});

describe('the docker format with --dependencies install', () => {
  let result: PackageResult;
  before(async () => (result = await packageInto('install', { dependencies: 'install' })));

  test('npm installs production dependencies only at build time, downloading no onnxruntime binaries, and the manifest says why', () => {
    const dockerfile = read(result, 'Dockerfile');
    const tarball = result.files.find((file) => file.endsWith('.tgz'))!;
    assert.ok(instruction(dockerfile, 'RUN').some((run) => run.startsWith('ONNXRUNTIME_NODE_INSTALL=skip npm install --global --omit=dev') && run.includes(`./${tarball}`)));
    assert.ok(!result.files.includes('node_modules'));
    const { build } = packageManifestSchema.parse(JSON.parse(read(result, 'sluice-package.json')));
    assert.deepEqual([build.dependencies, build.platform, build.expected_image_bytes], ['install', null, null]);
    assert.match(build.note!, /--dependencies install/);
  });
});
