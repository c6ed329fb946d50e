/**
 * What Sluice adds to a version an MLflow client creates from a source URI. When the source is
 * a Sluice artifact holding a model file (a file, or a directory with one .onnx file), that file
 * must be an ONNX model (SLUICE_REGISTRY_NOT_ONNX otherwise, as on the CLI) and the version gets
 * its hash, size, signature and lineage, so it is served and traced like `sluice models register`.
 * Other sources (an MLflow model folder without ONNX, storage Sluice does not hold) are recorded
 * as they are, with none of these, as MLflow's server records them; Sluice will not serve them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Artifacts, TrackingService } from '../tracking/index.js';
import type { Lineage, ModelSignature } from './entities.js';
import { findLineage } from './lineage.js';
import { readSignature } from './model-file.js';

export interface ArtifactSourceFacts {
  readonly objectId?: string;
  readonly sizeBytes?: number;
  readonly signature?: ModelSignature;
  readonly lineage?: Lineage | undefined;
}

/** The model file a Sluice artifact path names: itself, or the one .onnx file of a directory. */
async function modelFileAt(artifacts: Artifacts, path: string): Promise<{ path: string; objectId: string; size: number } | undefined> {
  const artifact = await artifacts.stat(path).catch(() => undefined);
  if (artifact) return { path, objectId: artifact.objectId, size: artifact.size };
  const onnx = (await artifacts.list(path).catch(() => [])).filter((entry) => !entry.isDir && entry.path.endsWith('.onnx'));
  if (onnx.length !== 1) return undefined;
  const file = `${path}/${onnx[0]!.path}`;
  const found = await artifacts.stat(file);
  return found && { path: file, objectId: found.objectId, size: found.size };
}

export async function describeArtifactSource(tracking: TrackingService, artifacts: Artifacts, source: string, runId: string | undefined): Promise<ArtifactSourceFacts> {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/+(.+)$/.exec(source);
  if (!match) return {};
  const file = await modelFileAt(artifacts, match[1]!.replace(/\/+$/, ''));
  if (!file) return {};
  const dir = await mkdtemp(join(tmpdir(), 'sluice-register-'));
  try {
    const local = join(dir, file.path.split('/').pop()!);
    await artifacts.download(file.path, local);
    const signature = await readSignature(local, source);
    const lineage = await findLineage(tracking, file.objectId, runId);
    return { objectId: file.objectId, sizeBytes: file.size, signature, lineage };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
