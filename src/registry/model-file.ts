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
import { joinArtifactPath, verifyingStream, type Tag, type TrackingService } from '../tracking/index.js';
import { invalidRegistryValue, modelFileUnavailable, notAnOnnxModel, registeredModelExists } from './errors.js';
import type { Lineage, ModelSignature, ModelVersion } from './entities.js';
import { findLineage } from './lineage.js';
import { validateAlias, validateModelName, type RegistryService } from './registry-service.js';

/**
 * Loaded when a file is registered or read, not with the registry: ONNX parsing (protobufjs) and
 * the XGBoost importer are about half a megabyte of code that every command opening the registry
 * (each `sluice run`, to record its run) would otherwise load for nothing.
 */
const inference = () => import('../inference/index.js');
const importers = () => import('../import/index.js');

export interface RegisterFileInput {
  /** A local file, or `runs:/RUN_ID/PATH`. */
  readonly source: string;
  readonly name: string;
  readonly alias?: string | undefined;
  readonly description?: string | undefined;
  readonly tags?: readonly Tag[] | undefined;
  /** Where temp files go. */
  readonly tempDir: string;
  /** Sluice's version, written into an ONNX model converted on the way (an XGBoost JSON). */
  readonly producerVersion?: string | undefined;
}

/** Why a file did not load, without the path it was loaded from (often a temp copy). */
function reasonOf(error: unknown): string {
  const root = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const text = (root instanceof Error ? root.message : String(root)).split('\n')[0]!.trim();
  return text || 'onnxruntime could not read it';
}

/**
 * Reads an ONNX file's signature. A file that does not load as an ONNX model, or has no inputs
 * or outputs, fails with SLUICE_REGISTRY_NOT_ONNX naming `label` (what the user gave: a path or
 * a `runs:/` URI), never the temp copy.
 */
export async function readSignature(path: string, label: string = path): Promise<ModelSignature> {
  if (existsSync(path) && statSync(path).size === 0) throw notAnOnnxModel({ file: label, reason: 'the file is empty' });
  let model;
  try {
    model = await (await inference()).loadOnnxModel(path);
  } catch (error) {
    throw notAnOnnxModel({ file: label, reason: reasonOf(error) }, { cause: error });
  }
  try {
    if (model.inputs.length === 0 || model.outputs.length === 0) throw notAnOnnxModel({ file: label, reason: `its graph has ${model.inputs.length} inputs and ${model.outputs.length} outputs` });
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

/** A file to register, checked to be an ONNX model and stored. */
interface CheckedSource {
  readonly objectId: string;
  readonly size: number;
  readonly source: string;
  readonly runId?: string | undefined;
  readonly signature: ModelSignature;
  /** The file the model was converted from, where Sluice converted it (an XGBoost JSON). */
  readonly originalSource?: string;
}

/** `runs:/RUN_ID/PATH`: a run's artifact (or the one .onnx file of an artifact directory), checked. */
async function fromRun(tracking: TrackingService, artifacts: RegistryService['artifacts'], uri: string, runId: string, relative: string, tempDir: string): Promise<CheckedSource> {
  const run = await tracking.getRun(runId);
  const root = artifactPathOf(run.info.artifactUri);
  if (root === undefined) throw modelFileUnavailable({ uri, reason: `the run's artifacts are at ${run.info.artifactUri}, outside Sluice's artifact store` });
  let path = joinArtifactPath(root, relative.replace(/^\/+|\/+$/g, ''));
  let artifact = await artifacts.stat(path);
  if (!artifact) {
    // A model directory (MLflow's layout): use its one ONNX file.
    const onnx = (await artifacts.list(path)).filter((entry) => !entry.isDir && entry.path.endsWith('.onnx'));
    if (onnx.length !== 1) throw modelFileUnavailable({ uri, reason: onnx.length === 0 ? 'no artifact at that path' : 'the directory holds several .onnx files; name one' });
    path = joinArtifactPath(path, onnx[0]!.path);
    artifact = (await artifacts.stat(path))!;
  }
  await mkdir(tempDir, { recursive: true });
  const localPath = join(tempDir, `register-${randomBytes(6).toString('hex')}-${basename(path)}`);
  try {
    await artifacts.download(path, localPath);
    const signature = await readSignature(localPath, uri);
    return { objectId: artifact.objectId, size: artifact.size, source: `${run.info.artifactUri}/${relative.replace(/^\/+/, '')}`, runId, signature };
  } finally {
    await rm(localPath, { force: true });
  }
}

/** A local file: checked first, stored only when it is an ONNX model. */
async function fromFile(artifacts: RegistryService['artifacts'], path: string, name: string, original?: string): Promise<CheckedSource> {
  if (!existsSync(path)) throw invalidRegistryValue({ problem: `Cannot register ${path}: no such file. Give an ONNX file or runs:/RUN_ID/PATH.` });
  if (!statSync(path).isFile()) {
    // Imported here, on this error's path only: the inference module parses the ONNX schema as
    // it loads (tens of ms), which every command opening the registry would otherwise pay.
    const { onnxFilesIn } = await import('../inference/index.js');
    const inside = statSync(path).isDirectory() ? onnxFilesIn(path) : [];
    const which = inside.length > 0 ? ` Give the model file inside it: ${inside.join(', ')}.` : ' Give an ONNX file or runs:/RUN_ID/PATH.';
    throw invalidRegistryValue({ problem: `Cannot register ${path}: it is a directory, not a model file.${which}` });
  }
  const signature = await readSignature(path);
  const size = statSync(path).size;
  const objectId = `blake3:${await hashFile(path, size)}`;
  const dir = `registry/${name}/${objectId.slice(7, 19)}`;
  const stored = await artifacts.writeFile(`${dir}/${basename(path)}`, path);
  // The file it was converted from is kept beside it, and named on the version.
  const kept = original ? await artifacts.writeFile(`${dir}/original/${basename(original)}`, original) : undefined;
  return { objectId, size, source: `mlflow-artifacts:/${stored.path}`, signature, ...(kept ? { originalSource: `mlflow-artifacts:/${kept.path}` } : {}) };
}

/**
 * An XGBoost JSON given to register is converted to ONNX first (in `tempDir`); the ONNX file is
 * registered and the JSON kept as the version's original. Anything else is registered as given.
 */
async function fromLocalSource(artifacts: RegistryService['artifacts'], input: RegisterFileInput): Promise<CheckedSource> {
  const { importXgboost, isXgboostJson } = await importers();
  if (!isXgboostJson(input.source)) return fromFile(artifacts, input.source, input.name);
  await mkdir(input.tempDir, { recursive: true });
  const converted = join(input.tempDir, `${basename(input.source).replace(/\.json$/i, '')}.onnx`);
  try {
    await importXgboost({ file: input.source, out: converted, producerVersion: input.producerVersion ?? '0' });
    return await fromFile(artifacts, converted, input.name, input.source);
  } finally {
    await rm(converted, { force: true });
  }
}

/**
 * Registers a file as a new version (creating the model if needed), with hash, signature and
 * lineage found by content hash, and points `alias` at it. A file that is not an ONNX model is
 * refused (SLUICE_REGISTRY_NOT_ONNX) before anything is stored.
 */
export async function registerModelFile(registry: RegistryService, tracking: TrackingService, given: RegisterFileInput): Promise<ModelVersion> {
  // A bad name or alias is refused before anything is stored: a version registered without the alias
  // asked for would be registered again on the retry. The name is used as the registry keeps it
  // (trimmed), for every call below and the artifact's path.
  const input = { ...given, name: validateModelName(given.name) };
  if (input.alias !== undefined) validateAlias(input.alias);
  const runSource = /^runs:\/([^/]+)\/(.+)$/.exec(input.source);
  const checked = runSource
    ? await fromRun(tracking, registry.artifacts, input.source, runSource[1]!, runSource[2]!, input.tempDir)
    : await fromLocalSource(registry.artifacts, input);
  const lineage = await findLineage(tracking, checked.objectId, checked.runId);
  const existing = await registry.getRegisteredModel(input.name).catch(() => undefined);
  // Another command may create the model between the look and the create: it exists either way.
  if (!existing) await registry.createRegisteredModel({ name: input.name }).catch((error: unknown) => {
    if (!registeredModelExists.is(error)) throw error;
  });
  const championVersion = existing?.aliases.find((alias) => alias.alias === 'champion')?.version;
  const withBaseline: Lineage | undefined =
    championVersion === undefined ? lineage : { ...(lineage ?? { params: {}, metrics: {}, data: [], upstream: [] }), baseline: { name: input.name, version: championVersion } };
  const version = await registry.createModelVersion({
    name: input.name,
    source: checked.source,
    runId: checked.runId ?? lineage?.runId,
    description: input.description,
    tags: checked.originalSource ? [...(input.tags ?? []), { key: 'sluice.original_model', value: checked.originalSource }] : input.tags,
    objectId: checked.objectId,
    sizeBytes: checked.size,
    signature: checked.signature,
    lineage: withBaseline,
  });
  if (input.alias) await registry.setAlias(input.name, input.alias, version.version);
  return registry.getModelVersion(input.name, version.version);
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
    const stream = await registry.artifacts.readObject(version.objectId, artifactPathOf(version.source) ?? '');
    await pipeline(stream, verifyingStream(version.objectId, uri), createWriteStream(temp));
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
  return target;
}
