/**
 * What a package records about its model: size, hashes and the signature the server will see.
 * Loading the model here also means a file onnxruntime cannot load fails now, not in the cluster.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createStreamHasher } from '../../core/index.js';
import { loadOnnxModel, type TensorInfo } from '../../inference/index.js';

/** An input or output: element type and shape, unknown dimensions as null, symbolic ones by name. */
export interface TensorSummary {
  readonly name: string;
  readonly type: string;
  readonly shape: readonly (number | string | null)[] | null;
}

export interface ModelSummary {
  readonly sizeBytes: number;
  /** Hex digests of the file: BLAKE3 (Sluice's object ids) and SHA-256 (what most other tools show). */
  readonly blake3: string;
  readonly sha256: string;
  readonly producer: string | null;
  readonly inputs: readonly TensorSummary[];
  readonly outputs: readonly TensorSummary[];
}

function summarizeTensor(tensor: TensorInfo): TensorSummary {
  if (!tensor.isTensor) return { name: tensor.name, type: tensor.type, shape: null };
  return { name: tensor.name, type: tensor.type, shape: tensor.shape.map((dimension) => (typeof dimension === 'number' && dimension < 0 ? null : dimension)) };
}

/** Both digests in one read of the file: models can be gigabytes. */
async function hashModel(path: string): Promise<{ blake3: string; sha256: string }> {
  const blake3 = createStreamHasher();
  const sha256 = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) {
    blake3.update(chunk as Buffer);
    sha256.update(chunk as Buffer);
  }
  return { blake3: blake3.digest(), sha256: sha256.digest('hex') };
}

export async function summarizeModel(path: string): Promise<ModelSummary> {
  const model = await loadOnnxModel(path);
  try {
    const hashes = await hashModel(path);
    return {
      sizeBytes: model.sizeBytes,
      ...hashes,
      producer: model.producer ?? null,
      inputs: model.inputs.map(summarizeTensor),
      outputs: model.outputs.map(summarizeTensor),
    };
  } finally {
    await model.release();
  }
}
