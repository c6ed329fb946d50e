/**
 * The code a graph compiles to: one JavaScript function with a loop over rows, each node's
 * kernel appending the statements that compute its outputs for the current row. Values live in
 * the caller's input arrays, the output arrays being filled, or per-row scratch arrays allocated
 * once at compile time; float32 scratch and outputs are Float32Arrays, so every store rounds to
 * float32 as onnxruntime's kernels do. Constants are captured as typed arrays, or written into
 * the source as literals where a kernel unrolls its loops.
 */
import type { Constant, ElementType } from './onnx-graph.js';
import { isBatched, rowSize, type Shape } from './shapes.js';
import { UnsupportedGraph } from './unsupported.js';

/** Where a batched value's current row lives: `array[offset + index]`. */
export interface Storage {
  readonly array: string;
  /** The identifier of the row's first index, or '' when the array holds just one row. */
  readonly offset: string;
}

/** A value of the graph during compilation: a constant, or a batched value with a storage. */
export interface Value {
  readonly name: string;
  readonly type: ElementType;
  readonly shape: Shape;
  readonly constant?: Constant | undefined;
  readonly storage?: Storage | undefined;
}

/** Element loops at most this long are written out statement by statement. */
const UNROLL_LIMIT = 64;
/** Multiply-adds at most this many are unrolled; beyond, loops (and a function small enough for V8 to optimise). */
const UNROLL_PRODUCTS = 2048;

export interface EmitterOptions {
  /** false: every kernel loops over typed arrays (what an interpreter's kernels do), for comparison. */
  readonly unroll?: boolean;
}

/** A number as a JavaScript literal that reads back as the same double. */
export function literal(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Object.is(value, -0)) return '-0';
  return value < 0 ? `(${value})` : String(value);
}

export class Emitter {
  /** Multiply-adds per row so far (matrix products), to tell when onnxruntime would be as fast. */
  products = 0;

  constructor(private readonly options: EmitterOptions = {}) {}

  /** Whether a loop over `count` elements is written out (`products`: multiply-adds, for matrix products). */
  unrolls(count: number, kind: 'elements' | 'products' = 'elements'): boolean {
    if (this.options.unroll === false) return false;
    return count <= (kind === 'elements' ? UNROLL_LIMIT : UNROLL_PRODUCTS);
  }

  private readonly captures = new Map<string, unknown>();
  private readonly constantNames = new Map<Value, string>();  private readonly rowLines: string[] = [];
  private counter = 0;

  /** Captures a value for the generated code; returns the identifier it is known by. */
  capture(prefix: string, value: unknown): string {
    const name = `${prefix}${this.counter++}`;
    this.captures.set(name, value);
    return name;
  }

  /** A fresh identifier for a local variable of the row loop. */
  local(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  /** Appends statements to the row loop's body. */
  line(...lines: string[]): void {
    this.rowLines.push(...lines);
  }

  /** A per-row scratch array for a value of `type` with `size` elements per row. */
  scratch(type: ElementType, size: number): Storage {
    const array = type === 'float32' ? new Float32Array(size) : type === 'int64' ? new Float64Array(size) : new Array<string>(size).fill('');
    return { array: this.capture('t', array), offset: '' };
  }

  /** The expression reading element `index` (a number, or an expression) of `value`'s current row. */
  element(value: Value, index: number | string): string {
    if (value.storage) return at(value.storage, index);
    const constant = value.constant!;
    if (typeof index === 'number') {
      const item = constant.data[index]!;
      return typeof item === 'string' ? JSON.stringify(item) : literal(item);
    }
    return `${this.constantArray(value)}[${index}]`;
  }

  /** The identifier of a constant's data captured as an array (once per value). */
  constantArray(value: Value): string {
    const known = this.constantNames.get(value);
    if (known) return known;
    const name = this.capture('c', value.constant!.data);
    this.constantNames.set(value, name);
    return name;
  }

  /**
   * Reads of `value` through an index map (one operand index per output element): for an
   * unrolled loop an expression per element, for a loop over `j` one expression in `j`.
   */
  reader(value: Value, indices: readonly number[], unrolled: boolean): (element: number) => string {
    if (unrolled) return (element) => this.element(value, indices[element]!);
    const identity = indices.every((index, element) => index === element);
    const uniform = indices.every((index) => index === indices[0]);
    const index = identity ? 'j' : uniform ? String(indices[0] ?? 0) : `${this.capture('m', Int32Array.from(indices))}[j]`;
    const expression = this.element(value, index);
    return () => expression;
  }

  /** `array, offset` of a storage's current row, as the arguments of a helper call. */
  rowArguments(storage: Storage): string {
    return `${storage.array}, ${storage.offset || '0'}`;
  }

  /** The expression of element `index` of the current row in `storage`, to assign to. */
  target(storage: Storage, index: number | string): string {
    return at(storage, index);
  }

  /** Writes `count` elements: `write(k)` for each when unrolled, else one loop over `j`. */
  forEach(count: number, unrolled: boolean, statement: (element: number, index: string) => string): void {
    if (unrolled) for (let element = 0; element < count; element++) this.line(statement(element, String(element)));
    else this.line(`for (let j = 0; j < ${count}; j++) ${statement(0, 'j')}`);
  }

  /** The generated function: `run(n, inputs)` returns the output arrays. */
  build(inputs: readonly RowArray[], outputs: readonly RowArray[]): { source: string; run: CompiledRun } {
    const header = [
      '"use strict";',
      'return function run(n, inputs) {',
      ...inputs.map((input, k) => `  const ${input.array} = inputs[${k}];`),
      ...outputs.map((output) => `  const ${output.array} = ${allocation(output)};`),
      '  for (let r = 0; r < n; r++) {',
      ...[...inputs, ...outputs].filter((array) => array.offset !== '').map((array) => `    const ${array.offset} = r * ${array.size};`),
    ];
    const source = [...header, ...this.rowLines.map((line) => `    ${line}`), '  }', `  return [${outputs.map((output) => output.array).join(', ')}];`, '};'].join('\n');
    const names = [...this.captures.keys()];
    let factory: (...values: unknown[]) => CompiledRun;
    try {
      // The reason this module exists: straight-line code per graph, with the weights captured.
      factory = new Function(...names, source) as (...values: unknown[]) => CompiledRun;
    } catch (error) {
      throw new UnsupportedGraph(`the generated code does not parse (${(error as Error).message})`);
    }
    return { source, run: factory(...names.map((name) => this.captures.get(name))) };
  }
}

/** An input or output array of the generated function, with its per-row width. */
export interface RowArray extends Storage {
  readonly type: ElementType;
  readonly size: number;
}

export type RowData = Float32Array | BigInt64Array | string[];

/** The generated function: `n` rows in, one array per output (n × row size elements) out. */
export type CompiledRun = (n: number, inputs: readonly RowData[]) => RowData[];

/** The identity index map of `count` elements. */
export function identity(count: number): number[] {
  return Array.from({ length: count }, (_, k) => k);
}

function at(storage: Storage, index: number | string): string {
  if (storage.offset === '') return `${storage.array}[${index}]`;
  return index === 0 || index === '0' ? `${storage.array}[${storage.offset}]` : `${storage.array}[${storage.offset} + ${index}]`;
}

function allocation(output: RowArray): string {
  if (output.type === 'float32') return `new Float32Array(n * ${output.size})`;
  if (output.type === 'int64') return `new BigInt64Array(n * ${output.size})`;
  return `new Array(n * ${output.size}).fill("")`;
}

/** The row width of a batched value's shape, refusing constants where a row is needed. */
export function batchedRowSize(value: Value, op: string): number {
  if (!isBatched(value.shape) || !value.storage) throw new UnsupportedGraph(`${op} on a constant (the exporter left a constant subgraph unfolded)`);
  return rowSize(value.shape);
}
