/**
 * The check a compiled graph passes before it serves: its outputs on the probe rows against
 * onnxruntime's, every element, within 1e-5 (absolute up to magnitude 1, so for probabilities;
 * relative beyond). Names, element types and dimensions must match exactly, and so must integer
 * and string outputs (labels).
 */
import type { Tensor } from 'onnxruntime-node';
import type { CompiledGraph } from './compile.js';
import type { RowData } from './emitter.js';

export const TOLERANCE = 1e-5;

/** Whether two float outputs agree: both NaN, equal, or within the tolerance. */
export function closeEnough(ours: number, theirs: number): boolean {
  if (Number.isNaN(ours) || Number.isNaN(theirs)) return Number.isNaN(ours) && Number.isNaN(theirs);
  if (ours === theirs) return true;
  return Math.abs(ours - theirs) <= TOLERANCE * Math.max(1, Math.abs(theirs));
}

function position(index: number, width: number): string {
  return width === 1 ? `row ${index}` : `row ${Math.floor(index / width)}, element ${index % width}`;
}

/** The first difference between the compiled outputs and onnxruntime's, described; undefined when they agree. */
export function compareOutputs(compiled: CompiledGraph, rows: number, ours: readonly RowData[], theirs: Readonly<Record<string, Tensor>>): string | undefined {
  for (const [k, output] of compiled.outputs.entries()) {
    const reference = theirs[output.name];
    if (!reference) return `onnxruntime returned no ${output.name}`;
    const dims = [rows, ...output.rowShape];
    if (reference.type !== output.type) return `${output.name} is ${output.type}, onnxruntime's is ${reference.type}`;
    if (reference.dims.length !== dims.length || reference.dims.some((dim, axis) => Number(dim) !== dims[axis])) {
      return `${output.name} has dimensions [${dims.join(', ')}], onnxruntime's [${reference.dims.join(', ')}]`;
    }
    const mine = ours[k]!;
    const expected = reference.data as RowData;
    const width = output.rowShape.reduce((product, size) => product * size, 1);
    for (let index = 0; index < expected.length; index++) {
      const a = mine[index]!;
      const b = expected[index]!;
      const same = typeof a === 'number' && typeof b === 'number' ? closeEnough(a, b) : a === b;
      if (!same) return `${output.name} ${position(index, width)}: ${String(a)} (compiled) vs ${String(b)} (onnxruntime)`;
    }
  }
  return undefined;
}
