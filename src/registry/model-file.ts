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
import { joinArtifactPath, verifyingStream, type ArtifactStore, type StoredArtifact, type Tag, type TrackingService } from '../tracking/index.js';
import { invalidRegistryValue, modelFileUnavailable, notAnOnnxModel } from './errors.js';
import type { Lineage, ModelSignature, ModelVersion } from './entities.js';
import { findLineage } from './lineage.js';
import { validateAlias, validateModelName, type RegistryService } from './registry-service.js';

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

/**
 * Reads an ONNX file's signature, loading it in onnxruntime: a file that does not load fails
 * with SLUICE_REGISTRY_NOT_ONNX naming `source` (what the user gave, not a temp copy).
 */
export async function readSignature(path: string, source: string = path): Promise<ModelSignature> {
  let model;
  try {
    model = await loadOnnxModel(path);
  } catch (error) {
    // The runtime's own words, not the inference error's sentence (which names a temp copy).
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const reason = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0]!.trim() || 'it does not load';
    throw notAnOnnxModel({ source, reason: reason.replace(/\.$/, '') }, { cause: error });
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

/** A model file among a run's artifacts: the file itself, or the one ONNX file of a directory (MLflow's model layout). */
export async function findModelArtifact(artifacts: ArtifactStore, path: string): Promise<{ path: string; artifact: StoredArtifact } | { problem: string }> {
  const artifact = await artifacts.stat(path);
  if (artifact) return { path, artifact };
  const onnx = (await artifacts.list(path)).filter((entry) => !entry.isDir && entry.path.endsWith('.onnx'));
  if (onnx.length !== 1) return { problem: onnx.length === 0 ? 'no artifact at that path' : 'the directory holds several .onnx files; name one' };
  const file = joinArtifactPath(path, onnx[0]!.path);
  return { path: file, artifact: (await artifacts.stat(file))! };
}

/** A file to register, local and checked: where its bytes are, its hash and size, and its source URI. */
interface ModelFile {
  readonly localPath: string;
  readonly objectId: string;
  readonly size: number;
  readonly signature: ModelSignature;
  /** The source URI recorded with the version, once the file is stored. */
  readonly store: () => Promise<string>;
  readonly runId: string | undefined;
  readonly cleanup: () => Promise<void>;
}

async function runArtifactFile(registry: RegistryService, tracking: TrackingService, input: RegisterFileInput, runId: string, relative: string): Promise<ModelFile> {
  const run = await tracking.getRun(runId);
  const root = artifactPathOf(run.info.artifactUri);
  if (root === undefined) throw modelFileUnavailable({ uri: input.source, reason: `the run's artifacts are at ${run.info.artifactUri}, outside Sluice's artifact store` });
  const found = await findModelArtifact(registry.artifacts, joinArtifactPath(root, relative.replace(/^\/+|\/+$/g, '')));
  if ('problem' in found) throw modelFileUnavailable({ uri: input.source, reason: found.problem });
  await mkdir(input.tempDir, { recursive: true });
  const localPath = join(input.tempDir, `register-${randomBytes(6).toString('hex')}-${basename(found.path)}`);
  await registry.artifacts.download(found.path, localPath);
  const cleanup = async () => rm(localPath, { force: true });
  try {
    const signature = await readSignature(localPath, input.source);
    const source = `${run.info.artifactUri}/${relative.replace(/^\/+/, '')}`;
    return { localPath, objectId: found.artifact.objectId, size: found.artifact.size, signature, store: async () => source, runId, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function localFile(registry: RegistryService, input: RegisterFileInput): Promise<ModelFile> {
  if (!existsSync(input.source) || !statSync(input.source).isFile()) {
    throw invalidRegistryValue({ problem: `Cannot register ${input.source}: no such file. Give an ONNX file or runs:/RUN_ID/PATH.` });
  }
  // Checked before anything is stored: a file that is not a model never reaches the registry.
  const signature = await readSignature(input.source);
  const size = statSync(input.source).size;
  const objectId = `blake3:${await hashFile(input.source, size)}`;
  const store = async () => `mlflow-artifacts:/${(await registry.artifacts.writeFile(`registry/${input.name}/${objectId.slice(7, 19)}/${basename(input.source)}`, input.source)).path}`;
  return { localPath: input.source, objectId, size, signature, store, runId: undefined, cleanup: async () => undefined };
}

/**
 * Registers a file as a new version (creating the model if needed), with hash, signature and
 * lineage found by content hash, and points `alias` at it. The file must load as an ONNX model.
 */
export async function registerModelFile(registry: RegistryService, tracking: TrackingService, input: RegisterFileInput): Promise<ModelVersion> {
  const name = validateModelName(input.name);
  if (input.alias) validateAlias(input.alias);
  const runSource = /^runs:\/([^/]+)\/(.+)$/.exec(input.source);
  const file = runSource ? await runArtifactFile(registry, tracking, input, runSource[1]!, runSource[2]!) : await localFile(registry, input);
  try {
    const lineage = await findLineage(tracking, file.objectId, file.runId);
    const existing = await registry.findRegisteredModel(name);
    if (!existing) await registry.createRegisteredModel({ name });
    const championVersion = existing?.aliases.find((alias) => alias.alias === 'champion')?.version;
    const withBaseline: Lineage | undefined =
      championVersion === undefined ? lineage : { ...(lineage ?? { params: {}, metrics: {}, data: [], upstream: [] }), baseline: { name, version: championVersion } };
    const version = await registry.createModelVersion({
      name,
      source: await file.store(),
      runId: file.runId ?? lineage?.runId,
      description: input.description,
      tags: input.tags,
      objectId: file.objectId,
      sizeBytes: file.size,
      signature: file.signature,
      lineage: withBaseline,
    });
    if (input.alias) await registry.setAlias(name, input.alias, version.version);
    return registry.getModelVersion(name, version.version);
  } finally {
    await file.cleanup();
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
