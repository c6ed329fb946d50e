/**
 * An ONNX model's graph as the compiler reads it: nodes with typed attributes, constant tensors
 * (initializers and Constant nodes) as typed arrays, and the declared inputs and outputs. Decoded
 * with the repository's protobuf schema (`onnx-schema.ts`); anything this reader cannot represent
 * (external data, sparse initializers, subgraphs) throws {@link UnsupportedGraph}, which makes the
 * model fall back to onnxruntime rather than fail.
 */
import { AttributeType, DataType, ModelProto } from '../onnx-schema.js';
import { UnsupportedGraph } from './unsupported.js';

/** Element types the compiled runtime handles; int64 values are held as JS numbers. */
export type ElementType = 'float32' | 'int64' | 'string';

/** A constant tensor: float32 data as a Float32Array, int64 as numbers, strings as strings. */
export interface Constant {
  readonly type: ElementType;
  readonly dims: readonly number[];
  readonly data: Float32Array | readonly number[] | readonly string[];
}

/** A graph input or output as declared: its element type and dimensions (symbolic ones as strings). */
export interface DeclaredValue {
  readonly name: string;
  readonly type: ElementType | 'other';
  readonly shape: readonly (number | string)[] | undefined;
}

/** A node's attributes, read by name with the type the operator defines. */
export class Attributes {
  constructor(private readonly values: ReadonlyMap<string, DecodedAttribute>) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  int(name: string, fallback?: number): number {
    const value = this.values.get(name);
    if (value === undefined || value.type !== AttributeType.INT) return required(name, fallback);
    return toNumber(value.i);
  }

  float(name: string, fallback?: number): number {
    const value = this.values.get(name);
    if (value === undefined || value.type !== AttributeType.FLOAT) return required(name, fallback);
    return value.f ?? 0;
  }

  string(name: string, fallback?: string): string {
    const value = this.values.get(name);
    if (value === undefined || value.type !== AttributeType.STRING) return required(name, fallback);
    return decodeText(value.s);
  }

  ints(name: string): number[] | undefined {
    const value = this.values.get(name);
    return value?.type === AttributeType.INTS ? (value.ints ?? []).map(toNumber) : undefined;
  }

  floats(name: string): number[] | undefined {
    const value = this.values.get(name);
    return value?.type === AttributeType.FLOATS ? [...(value.floats ?? [])] : undefined;
  }

  strings(name: string): string[] | undefined {
    const value = this.values.get(name);
    return value?.type === AttributeType.STRINGS ? (value.strings ?? []).map(decodeText) : undefined;
  }

  tensor(name: string): Constant | undefined {
    const value = this.values.get(name);
    return value?.type === AttributeType.TENSOR && value.t ? decodeTensor(value.t) : undefined;
  }

  /** Names of attributes whose types the compiler never reads (subgraphs, lists of tensors). */
  unreadable(): string[] {
    return [...this.values.values()].filter((value) => value.type === AttributeType.GRAPH || value.type === AttributeType.GRAPHS || value.type === AttributeType.TENSORS).map((value) => value.name ?? '');
  }
}

export interface GraphNode {
  readonly name: string;
  readonly opType: string;
  /** '' for the default domain (ai.onnx). */
  readonly domain: string;
  /** Input names; '' for an optional input left out. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Attributes;
}

export interface OnnxGraph {
  /** Operator set version by domain ('' for ai.onnx). */
  readonly opsets: ReadonlyMap<string, number>;
  /** Inputs the caller feeds (initializers listed as inputs are constants, not feeds). */
  readonly inputs: readonly DeclaredValue[];
  readonly outputs: readonly DeclaredValue[];
  readonly constants: ReadonlyMap<string, Constant>;
  readonly nodes: readonly GraphNode[];
}

interface DecodedTensor {
  dims?: unknown[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: unknown[];
  double_data?: number[];
  string_data?: Uint8Array[];
  raw_data?: Uint8Array;
  name?: string;
  external_data?: unknown[];
}

interface DecodedAttribute {
  name?: string;
  type?: number;
  f?: number;
  i?: unknown;
  s?: Uint8Array;
  t?: DecodedTensor;
  floats?: number[];
  ints?: unknown[];
  strings?: Uint8Array[];
}

interface DecodedValueInfo {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: unknown; dim_param?: string }[] } } };
}

interface DecodedModel {
  opset_import?: { domain?: string; version?: unknown }[];
  graph?: {
    node?: { input?: string[]; output?: string[]; name?: string; op_type?: string; domain?: string; attribute?: DecodedAttribute[] }[];
    initializer?: DecodedTensor[];
    sparse_initializer?: unknown[];
    input?: DecodedValueInfo[];
    output?: DecodedValueInfo[];
  };
}

function required<T>(name: string, fallback: T | undefined): T {
  if (fallback === undefined) throw new UnsupportedGraph(`attribute ${name} is missing or not of the expected type`);
  return fallback;
}

/** An int64 as protobufjs decodes it (number or Long) as a JS number. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof (value as { toNumber?: unknown }).toNumber === 'function') return (value as { toNumber(): number }).toNumber();
  return 0;
}

function decodeText(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes).toString('utf8') : '';
}

const ELEMENT_TYPES = new Map<number, ElementType>([
  [DataType.FLOAT, 'float32'],
  [DataType.INT64, 'int64'],
  [DataType.INT32, 'int64'],
  [DataType.STRING, 'string'],
]);

/** A TensorProto as a {@link Constant}. */
export function decodeTensor(tensor: DecodedTensor): Constant {
  const dims = (tensor.dims ?? []).map(toNumber);
  const count = dims.reduce((product, size) => product * size, 1);
  const type = ELEMENT_TYPES.get(tensor.data_type ?? 0);
  if (tensor.external_data?.length) throw new UnsupportedGraph(`tensor ${tensor.name ?? ''} keeps its data in an external file`);
  if (type === undefined) throw new UnsupportedGraph(`tensor ${tensor.name ?? ''} has element type ${tensor.data_type}, not float32, int64, int32 or string`);
  const raw = tensor.raw_data?.length ? tensor.raw_data : undefined;
  let data: Float32Array | number[] | string[];
  if (type === 'string') data = (tensor.string_data ?? []).map(decodeText);
  else if (tensor.data_type === DataType.FLOAT) data = raw ? readRaw(raw, 4, (view, at) => view.getFloat32(at, true)) : Float32Array.from(tensor.float_data ?? []);
  else if (tensor.data_type === DataType.INT32) data = raw ? readRaw(raw, 4, (view, at) => view.getInt32(at, true)) : [...(tensor.int32_data ?? [])];
  else data = raw ? readRaw(raw, 8, (view, at) => Number(view.getBigInt64(at, true))) : (tensor.int64_data ?? []).map(toNumber);
  if (data.length !== count) throw new UnsupportedGraph(`tensor ${tensor.name ?? ''} holds ${data.length} values for dims [${dims.join(', ')}]`);
  return { type, dims, data: type === 'float32' ? Float32Array.from(data as ArrayLike<number>) : data };
}

/** Little-endian values from raw_data (which need not be aligned for a typed-array view). */
function readRaw(raw: Uint8Array, size: number, read: (view: DataView, at: number) => number): number[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Array.from({ length: Math.floor(raw.byteLength / size) }, (_, k) => read(view, k * size));
}

function declared(info: DecodedValueInfo): DeclaredValue {
  const tensorType = info.type?.tensor_type;
  const type = tensorType ? (ELEMENT_TYPES.get(tensorType.elem_type ?? 0) ?? 'other') : 'other';
  const shape = tensorType?.shape?.dim?.map((dim) => (dim.dim_param ? dim.dim_param : dim.dim_value === undefined || dim.dim_value === null ? '?' : toNumber(dim.dim_value)));
  return { name: info.name ?? '', type: tensorType?.elem_type === DataType.INT32 ? 'other' : type, shape };
}

function decodeNode(node: NonNullable<NonNullable<DecodedModel['graph']>['node']>[number], index: number): GraphNode {
  const attributes = new Map<string, DecodedAttribute>();
  for (const attribute of node.attribute ?? []) attributes.set(attribute.name ?? '', attribute);
  return {
    name: node.name || `${node.op_type ?? 'node'}_${index}`,
    opType: node.op_type ?? '',
    domain: node.domain === 'ai.onnx' ? '' : (node.domain ?? ''),
    inputs: [...(node.input ?? [])],
    outputs: [...(node.output ?? [])],
    attributes: new Attributes(attributes),
  };
}

/** Decodes a model's bytes (after the ZipMap rewrite, if any) into the graph the compiler reads. */
export function readOnnxGraph(bytes: Uint8Array): OnnxGraph {
  const model = ModelProto.decode(bytes) as unknown as DecodedModel;
  const graph = model.graph;
  if (!graph) throw new UnsupportedGraph('the model has no graph');
  if (graph.sparse_initializer?.length) throw new UnsupportedGraph('the graph has sparse initializers');
  const opsets = new Map<string, number>();
  for (const opset of model.opset_import ?? []) opsets.set(opset.domain === 'ai.onnx' ? '' : (opset.domain ?? ''), toNumber(opset.version));
  const constants = new Map<string, Constant>();
  for (const tensor of graph.initializer ?? []) constants.set(tensor.name ?? '', decodeTensor(tensor));
  return {
    opsets,
    inputs: (graph.input ?? []).map(declared).filter((input) => !constants.has(input.name)),
    outputs: (graph.output ?? []).map(declared),
    constants,
    nodes: (graph.node ?? []).map(decodeNode),
  };
}
