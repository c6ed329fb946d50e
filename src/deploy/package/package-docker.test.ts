/**
 * `packageModel` in the docker format (the default) on the breast-cancer fixture: a Docker build
 * context that serves the model with `sluice serve`, with a manifest recording what was packaged.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { hashFileSync } from '../../core/index.js';
import { findSluiceRoot, packageManifestSchema, readSluiceVersion, type PackageResult } from './index.js';
import { instruction, instructions, MODEL, packagingDir, read, SERVE_ARGS } from './package-test-support.js';

const { packageInto } = packagingDir();

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
