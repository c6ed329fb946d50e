/**
 * Static shapes with one symbolic dimension, the batch: `'N'`, always first when present. The
 * compiled function runs row by row, so every shape question is answered once, at compile time:
 * how many elements a row holds, and which element of an operand each output element reads
 * (numpy broadcasting). Shapes that would mix rows (the batch anywhere but first, a dimension
 * that depends on it) are unsupported.
 */
import { UnsupportedGraph } from './unsupported.js';

export type Dim = number | 'N';
export type Shape = readonly Dim[];

export function isBatched(shape: Shape): boolean {
  return shape[0] === 'N';
}

/** The dimensions after the batch (all of them for a constant). */
export function rowDims(shape: Shape): number[] {
  return (isBatched(shape) ? shape.slice(1) : shape) as number[];
}

export function product(dims: readonly number[]): number {
  return dims.reduce((total, size) => total * size, 1);
}

/** Elements per row (for a constant, all of its elements). */
export function rowSize(shape: Shape): number {
  return product(rowDims(shape));
}

export function describeShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}

/** The shape of an elementwise result (multidirectional broadcasting). */
export function broadcastShapes(shapes: readonly Shape[]): Dim[] {
  const rank = Math.max(...shapes.map((shape) => shape.length));
  const result: Dim[] = [];
  for (let axis = 0; axis < rank; axis++) {
    let dim: Dim = 1;
    for (const shape of shapes) {
      const size = shape[axis - (rank - shape.length)] ?? 1;
      if (size === 1) continue;
      if (dim !== 1 && dim !== size) throw new UnsupportedGraph(`shapes ${shapes.map(describeShape).join(' and ')} do not broadcast with a variable batch`);
      dim = size;
    }
    result.push(dim);
  }
  if (result.slice(1).includes('N')) throw new UnsupportedGraph(`shapes ${shapes.map(describeShape).join(' and ')} put the batch on another axis than the first`);
  return result;
}

/**
 * For each element of a row of `target`, the index of the element of `operand` it reads after
 * broadcasting: within the operand's row when it is batched, within its data when constant.
 */
export function broadcastIndex(operand: Shape, target: Shape): number[] {
  const targetDims = rowDims(target);
  const offset = target.length - operand.length;
  const operandDims = operand.map((dim, axis) => (axis + offset === 0 && isBatched(target) ? 1 : dim)) as number[];
  const strides = new Array<number>(operandDims.length).fill(0);
  let stride = 1;
  for (let axis = operandDims.length - 1; axis >= 0; axis--) {
    strides[axis] = operandDims[axis] === 1 ? 0 : stride;
    stride *= operandDims[axis]!;
  }
  const batchAxes = isBatched(target) ? 1 : 0;
  const count = product(targetDims);
  const indices = new Array<number>(count);
  for (let element = 0; element < count; element++) {
    let rest = element;
    let index = 0;
    for (let axis = targetDims.length - 1; axis >= 0; axis--) {
      const size = targetDims[axis]!;
      const coordinate = rest % size;
      rest = Math.floor(rest / size);
      const operandAxis = axis + batchAxes - offset;
      if (operandAxis >= 0) index += coordinate * strides[operandAxis]!;
    }
    indices[element] = index;
  }
  return indices;
}

/** An axis attribute normalised to [0, rank); the batch axis (0) of a batched shape is refused. */
export function normalizeAxis(axis: number, shape: Shape, op: string): number {
  const normalized = axis < 0 ? axis + shape.length : axis;
  if (normalized < 0 || normalized >= shape.length) throw new UnsupportedGraph(`${op} axis ${axis} is out of range for shape ${describeShape(shape)}`);
  if (normalized === 0 && isBatched(shape)) throw new UnsupportedGraph(`${op} along the batch axis`);
  return normalized;
}
