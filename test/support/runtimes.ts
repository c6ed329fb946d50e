/**
 * The compiled runtime beside onnxruntime, for tests: a model loaded with each, and an assertion
 * that both give the same outputs (names, element types, dimensions; values within the
 * verification's tolerance) for the same feeds.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOnnxModel, ort, type OnnxModel } from '../../src/inference/index.js';
import { closeEnough } from '../../src/inference/compiled/verify.js';

export interface ModelPair {
  /** Loaded with `runtime: 'auto'`. */
  readonly compiled: OnnxModel;
  /** Loaded with onnxruntime only. */
  readonly reference: OnnxModel;
  release(): Promise<void>;
}

export async function loadBoth(path: string): Promise<ModelPair> {
  const compiled = await loadOnnxModel(path, { runtime: 'auto' });
  const reference = await loadOnnxModel(path);
  return { compiled, reference, release: async () => void (await Promise.all([compiled.release(), reference.release()])) };
}

/** Writes model bytes under `dir` and loads them with both runtimes. */
export async function loadBytesBoth(dir: string, name: string, bytes: Uint8Array): Promise<ModelPair> {
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, bytes);
  return loadBoth(path);
}

/** A float32 tensor of `rows` (each an array of the row's elements) with dimensions [rows.length, ...rowShape]. */
export function floatTensor(rows: readonly (readonly number[])[], rowShape: readonly number[] = [rows[0]?.length ?? 0]): ort.Tensor {
  return new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, ...rowShape]);
}

export function stringTensor(values: readonly string[]): ort.Tensor {
  return new ort.Tensor('string', [...values], [values.length, 1]);
}

/** Runs both models on `feeds` and asserts the same outputs; returns the number of values compared. */
export async function assertSameOutputs(pair: ModelPair, feeds: Record<string, ort.Tensor>, label = ''): Promise<number> {
  assert.equal(pair.compiled.runtime.kind, 'compiled', `${label}: ${pair.compiled.runtime.reason}`);
  const ours = await pair.compiled.run(feeds);
  const theirs = await pair.reference.run(feeds);
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort(), `${label}: output names`);
  let compared = 0;
  for (const [name, expected] of Object.entries(theirs)) {
    const actual = ours[name]!;
    assert.equal(actual.type, expected.type, `${label} ${name}: element type`);
    assert.deepEqual(actual.dims.map(Number), expected.dims.map(Number), `${label} ${name}: dimensions`);
    const a = actual.data as ArrayLike<number | bigint | string>;
    const b = expected.data as ArrayLike<number | bigint | string>;
    for (let k = 0; k < b.length; k++) {
      const same = typeof a[k] === 'number' ? closeEnough(a[k] as number, b[k] as number) : a[k] === b[k];
      assert.ok(same, `${label} ${name}[${k}]: compiled ${String(a[k])}, onnxruntime ${String(b[k])}`);
      compared++;
    }
  }
  return compared;
}
