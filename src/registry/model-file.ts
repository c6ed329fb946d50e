/**
 * Registering model files and getting them back: a local file or a run's artifact becomes a
 * version with its content hash, ONNX signature and lineage; a `models:/` URI becomes a local
 * file, verified against its hash, that evaluation, gates and the server can load.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { hashFile } from '../core/index.js';
import { loadOnnxModel } from '../inference/index.js';
import { joinArtifactPath, verifyingStream, type Tag, type TrackingService } from '../tracking/index.js';
import { invalidRegistryValue, modelFileUnavailable } from './errors.js';
import type { Lineage, ModelSignature, ModelVersion } from './entities.js';
import { findLineage } from './lineage.js';
import type { RegistryService } from './registry-service.js';

export interface RegisterFileInput {
  /** A local file, or `runs:/RUN_ID/PATH`. */
  readonly source: string;
  readonly name: string;
  readonly alias?: string | undefined;
  readonly description?: string | undefined;
  readonly tags?: readonly Tag[] | undefined;
  /** Where temp files go. */
  readonly tempDir: string;
}

/** Reads an ONNX file's signature; undefined for files that are not ONNX models. */
export async function readSignature(path: string): Promise<ModelSignature | undefined> {
  let model;
  try {
    model = await loadOnnxModel(path);
  } catch (error) {
    if (path.endsWith('.onnx')) throw error;
    return undefined;
  }
  try {
    const spec = (tensor: { name: string; type: string; shape: readonly (number | string)[]; isTensor: boolean }) => ({
      name: tensor.name,
      type: tensor.type,
      shape: tensor.isTensor ? tensor.shape.map((dimension) => (typeof dimension === 'number' && dimension < 0 ? null : dimension)) : undefined,
    });
    return { inputs: model.inputs.map(spec), outputs: model.outputs.map(spec), metadata: { ...model.metadata } };
  } finally {
    await model.release();
  }
}

/** `mlflow-artifacts:/1/abc/artifacts` → `1/abc/artifacts`; undefined for URIs Sluice does not store. */
function artifactPathOf(uri: string): string | undefined {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/+(.*)$/.exec(uri);
  return match ? match[1]!.replace(/\/+$/, '') : undefined;
}

/**
 * Registers a file as a new version (creating the model if needed), with hash, signature and
 * lineage found by content hash, and points `alias` at it.
 */
export async function registerModelFile(registry: RegistryService, tracking: TrackingService, input: RegisterFileInput): Promise<ModelVersion> {
  const artifacts = registry.artifacts;
  let objectId: string;
  let size: number;
  let source: string;
  let runId: string | undefined;
  let localPath: string;
  let cleanup = async () => undefined as void;

  const runSource = /^runs:\/([^/]+)\/(.+)$/.exec(input.source);
  if (runSource) {
    runId = runSource[1]!;
    const run = await tracking.getRun(runId);
    const root = artifactPathOf(run.info.artifactUri);
    if (root === undefined) throw modelFileUnavailable({ uri: input.source, reason: `the run's artifacts are at ${run.info.artifactUri}, outside Sluice's artifact store` });
    let path = joinArtifactPath(root, runSource[2]!.replace(/^\/+|\/+$/g, ''));
    let artifact = await artifacts.stat(path);
    if (!artifact) {
      // A model directory (MLflow's layout): use its one ONNX file.
      const onnx = (await artifacts.list(path)).filter((entry) => !entry.isDir && entry.path.endsWith('.onnx'));
      if (onnx.length !== 1) throw modelFileUnavailable({ uri: input.source, reason: onnx.length === 0 ? 'no artifact at that path' : 'the directory holds several .onnx files; name one' });
      path = joinArtifactPath(path, onnx[0]!.path);
      artifact = (await artifacts.stat(path))!;
    }
    objectId = artifact.objectId;
    size = artifact.size;
    source = `${run.info.artifactUri}/${runSource[2]!.replace(/^\/+/, '')}`;
    await mkdir(input.tempDir, { recursive: true });
    localPath = join(input.tempDir, `register-${randomBytes(6).toString('hex')}-${basename(path)}`);
    await artifacts.download(path, localPath);
    cleanup = async () => rm(localPath, { force: true });
  } else {
    if (!existsSync(input.source) || !statSync(input.source).isFile()) {
      throw invalidRegistryValue({ problem: `Cannot register ${input.source}: no such file. Give an ONNX file or runs:/RUN_ID/PATH.` });
    }
    localPath = input.source;
    size = statSync(localPath).size;
    objectId = `blake3:${await hashFile(localPath, size)}`;
    const stored = await artifacts.writeFile(`registry/${input.name}/${objectId.slice(7, 19)}/${basename(localPath)}`, localPath);
    source = `mlflow-artifacts:/${stored.path}`;
  }
  try {
    const signature = await readSignature(localPath);
    const lineage = await findLineage(tracking, objectId, runId);
    const existing = await registry.getRegisteredModel(input.name).catch(() => undefined);
    if (!existing) await registry.createRegisteredModel({ name: input.name });
    const championVersion = existing?.aliases.find((alias) => alias.alias === 'champion')?.version;
    const withBaseline: Lineage | undefined =
      championVersion === undefined ? lineage : { ...(lineage ?? { params: {}, metrics: {}, data: [], upstream: [] }), baseline: { name: input.name, version: championVersion } };
    const version = await registry.createModelVersion({
      name: input.name,
      source,
      runId: runId ?? lineage?.runId,
      description: input.description,
      tags: input.tags,
      objectId,
      sizeBytes: size,
      signature,
      lineage: withBaseline,
    });
    if (input.alias) await registry.setAlias(input.name, input.alias, version.version);
    return registry.getModelVersion(input.name, version.version);
  } finally {
    await cleanup();
  }
}

/**
 * A local copy of a version's model file, verified against its hash, cached by hash in
 * `cacheDir` so repeated evaluations do not fetch it again.
 */
export async function fetchModelFile(registry: RegistryService, version: ModelVersion, cacheDir: string): Promise<string> {
  const uri = `models:/${version.name}/${version.version}`;
  if (!version.objectId) throw modelFileUnavailable({ uri, reason: `it was registered from ${version.source} without a file Sluice keeps` });
  const target = join(cacheDir, `${version.objectId.slice(7)}.onnx`);
  if (existsSync(target)) return target;
  await mkdir(cacheDir, { recursive: true });
  const temp = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    const stream = await registry.artifacts.storage.read(version.objectId);
    await pipeline(stream, verifyingStream(version.objectId, uri), createWriteStream(temp));
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
  return target;
}
