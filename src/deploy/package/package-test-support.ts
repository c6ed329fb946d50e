/**
 * Shared setup of the packaging tests (package-*.test.ts): the fixture model, a temp directory per
 * test file, and readers for what a package holds (files, YAML objects checked by their schemas,
 * Dockerfile instructions). Not a test file itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, type TestContext } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { sharedFixture } from '../../../test/support/fixtures.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { packagedObjectSchema, packageModel, type PackagedObject, type PackageOptions, type PackageResult } from './index.js';

export const MODEL = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
export const CREATED = new Date('2025-01-02T03:04:05Z');
export const SERVE_ARGS = ['bc-logreg=/models/bc-logreg.onnx', '--host', '0.0.0.0', '--port', '8080', '--prediction-log', '/home/node/sluice-predictions'];

export interface PackagingDir {
  /** The temp directory (valid once the file's tests run). */
  path(): string;
  /**
   * Packages the fixture model (or `options.model`) into `dir` under the temp directory. Unless
   * `options` say otherwise the dependencies are left to npm at build time: vendoring copies
   * ~190 MB, done once, by the docker format's tests.
   */
  packageInto(dir: string, options?: Partial<PackageOptions>): Promise<PackageResult>;
}

/** A temp directory made before the calling file's tests and removed after them. */
export function packagingDir(): PackagingDir {
  let temp: ReturnType<typeof makeTempDir> | undefined;
  before(() => (temp = makeTempDir('sluice-package-')));
  after(() => temp?.remove());
  const path = () => temp!.path;
  return {
    path,
    packageInto: (dir, options = {}) => packageModel({ model: { path: MODEL, source: MODEL }, outDir: join(path(), dir), now: () => CREATED, dependencies: 'install', ...options }),
  };
}

export function read(result: PackageResult, file: string): string {
  return readFileSync(join(result.outDir, file), 'utf8');
}

/** Every YAML document of a file, each validated by the schema its `kind` selects. */
export function objectsIn(result: PackageResult, file: string): PackagedObject[] {
  return parseAllDocuments(read(result, file)).map((document) => {
    assert.deepEqual(document.errors, [], `${file} is valid YAML`);
    return packagedObjectSchema.parse(document.toJS());
  });
}

export function ofKind<K extends PackagedObject['kind']>(objects: readonly PackagedObject[], kind: K): Extract<PackagedObject, { kind: K }> {
  const found = objects.filter((object) => object.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0] as Extract<PackagedObject, { kind: K }>;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
export function instructions(dockerfile: string): string[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

export function instruction(dockerfile: string, keyword: string): string[] {
  return instructions(dockerfile)
    .filter((line) => line.startsWith(`${keyword} `))
    .map((line) => line.slice(keyword.length + 1).trim());
}

/** Whether a kubectl that can reach a cluster is here: a client-side dry run still asks the API server for its schemas. */
function kubectlSkipReason(): string | undefined {
  if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 20_000 }).error) return 'kubectl is not on PATH';
  const server = spawnSync('kubectl', ['version', '--request-timeout=5s', '-o', 'json'], { encoding: 'utf8', timeout: 20_000 });
  if (server.status !== 0 || !JSON.parse(server.stdout || '{}').serverVersion) return 'kubectl is on PATH but reaches no cluster, and `apply --dry-run=client` needs its API schemas';
  return undefined;
}

/** `kubectl apply --dry-run=client` accepts `file`; skipped (saying why) without a reachable cluster. */
export function kubectlDryRun(t: TestContext, file: string): void {
  const reason = kubectlSkipReason();
  if (reason) {
    t.diagnostic(`kubectl check skipped: ${reason}`);
    t.skip(reason);
    return;
  }
  const result = spawnSync('kubectl', ['apply', '--dry-run=client', '-f', file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
}
