/**
 * What Sluice can add to a version an MLflow client creates from a source URI: when the source
 * is a Sluice artifact holding an ONNX model (a file, or a directory with one), the file's hash,
 * size, signature and lineage, so it can be served and traced like a `sluice models register`.
 * Other sources (an MLflow pickle, storage Sluice does not hold) are recorded as they are, with
 * none of these, as MLflow's server records them; Sluice will not serve them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArtifactStore, TrackingService } from '../tracking/index.js';
import type { Lineage, ModelSignature } from './entities.js';
import { notAnOnnxModel } from './errors.js';
import { findLineage } from './lineage.js';
import { findModelArtifact, readSignature } from './model-file.js';

export interface ArtifactSourceFacts {
  readonly objectId?: string;
  readonly sizeBytes?: number;
  readonly signature?: ModelSignature;
  readonly lineage?: Lineage | undefined;
}

export async function describeArtifactSource(tracking: TrackingService, artifacts: ArtifactStore, source: string, runId: string | undefined): Promise<ArtifactSourceFacts> {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/+(.+)$/.exec(source);
  if (!match) return {};
  const found = await findModelArtifact(artifacts, match[1]!.replace(/\/+$/, '')).catch(() => undefined);
  if (!found || 'problem' in found) return {};
  const dir = await mkdtemp(join(tmpdir(), 'sluice-register-'));
  try {
    const local = join(dir, found.path.split('/').pop()!);
    await artifacts.download(found.path, local);
    let signature: ModelSignature;
    try {
      signature = await readSignature(local, source);
    } catch (error) {
      if (notAnOnnxModel.is(error)) return {};
      throw error;
    }
    const lineage = await findLineage(tracking, found.artifact.objectId, runId);
    return { objectId: found.artifact.objectId, sizeBytes: found.artifact.size, signature, lineage };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
