/**
 * Building an ONNX model: inputs, outputs, constant tensors, nodes with typed attributes, and
 * metadata, encoded with protobufjs. Node names are derived from a counter, so the same sequence
 * of calls yields the same bytes.
 */
import { onnxSchema } from '../../inference/index.js';

const { AttributeType, DataType, ModelProto } = onnxSchema;

export type ElementType = 'float' | 'string' | 'int64';

/** An attribute value with its ONNX type spelled out (a JS number cannot say float or int). */
export type AttributeValue =
  | { readonly f: number }
  | { readonly i: number }
  | { readonly s: string }
  | { readonly floats: readonly number[] }
  | { readonly ints: readonly number[] }
  | { readonly strings: readonly string[] }
  | { readonly tensor: TensorValue };

export interface TensorValue {
  readonly dims: readonly number[];
  readonly floats?: readonly number[];
  readonly int64s?: readonly number[];
}

const ELEMENT_TYPES: Record<ElementType, number> = { float: DataType.FLOAT, string: DataType.STRING, int64: DataType.INT64 };

function encodeAttribute(name: string, value: AttributeValue): Record<string, unknown> {
  if ('f' in value) return { name, type: AttributeType.FLOAT, f: value.f };
  if ('i' in value) return { name, type: AttributeType.INT, i: value.i };
  if ('s' in value) return { name, type: AttributeType.STRING, s: Buffer.from(value.s) };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: [...value.ints] };
  if ('strings' in value) return { name, type: AttributeType.STRINGS, strings: value.strings.map((text) => Buffer.from(text)) };
  return { name, type: AttributeType.TENSOR, t: encodeTensor('', value.tensor) };
}

function encodeTensor(name: string, tensor: TensorValue): Record<string, unknown> {
  return tensor.int64s
    ? { name, dims: [...tensor.dims], data_type: DataType.INT64, int64_data: [...tensor.int64s] }
    : { name, dims: [...tensor.dims], data_type: DataType.FLOAT, float_data: [...(tensor.floats ?? [])] };
}

function valueInfo(name: string, type: ElementType, shape: readonly (number | string)[]): Record<string, unknown> {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: ELEMENT_TYPES[type],
        shape: { dim: shape.map((dimension) => (typeof dimension === 'number' ? { dim_value: dimension } : { dim_param: dimension })) },
      },
    },
  };
}

export class OnnxGraphBuilder {
  private readonly inputs: Record<string, unknown>[] = [];
  private readonly outputs: Record<string, unknown>[] = [];
  private readonly initializers: Record<string, unknown>[] = [];
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly domains = new Set<string>(['']);
  private counter = 0;

  input(name: string, type: ElementType, shape: readonly (number | string)[]): string {
    this.inputs.push(valueInfo(name, type, shape));
    return name;
  }

  output(name: string, type: ElementType, shape: readonly (number | string)[]): void {
    this.outputs.push(valueInfo(name, type, shape));
  }

  /** An output of type sequence(map(key → float)), as scikit-learn's ZipMap produces. */
  sequenceOfMapsOutput(name: string, keyType: 'int64' | 'string'): void {
    this.outputs.push({
      name,
      type: { sequence_type: { elem_type: { map_type: { key_type: ELEMENT_TYPES[keyType], value_type: { tensor_type: { elem_type: DataType.FLOAT } } } } } },
    });
  }

  /** A constant tensor; returns its name. */
  constant(prefix: string, tensor: TensorValue): string {
    const name = `${prefix}_${this.counter++}`;
    this.initializers.push(encodeTensor(name, tensor));
    return name;
  }

  /** Adds a node; returns the names of its outputs (given, or generated from the op type). */
  node(opType: string, inputs: readonly string[], options: { outputs?: readonly string[]; attributes?: Record<string, AttributeValue>; domain?: string } = {}): string[] {
    const id = this.counter++;
    const outputs = options.outputs ? [...options.outputs] : [`${opType.toLowerCase()}_${id}`];
    const domain = options.domain ?? '';
    this.domains.add(domain);
    this.nodes.push({
      input: [...inputs],
      output: outputs,
      name: `${opType}_${id}`,
      op_type: opType,
      attribute: Object.entries(options.attributes ?? {}).map(([name, value]) => encodeAttribute(name, value)),
      ...(domain ? { domain } : {}),
    });
    return outputs;
  }

  /** The model's bytes. ai.onnx opset 15 and ai.onnx.ml opset 3 (what onnxruntime 1.x supports everywhere). */
  build(options: { producerVersion: string; metadata: Record<string, string>; docString?: string }): Uint8Array {
    const opsets = [...this.domains].sort().map((domain) => ({ domain, version: domain === 'ai.onnx.ml' ? 3 : 15 }));
    const model = ModelProto.create({
      ir_version: 8,
      producer_name: 'sluice',
      producer_version: options.producerVersion,
      doc_string: options.docString ?? '',
      graph: { node: this.nodes, name: 'sluice_model', initializer: this.initializers, input: this.inputs, output: this.outputs },
      opset_import: opsets,
      metadata_props: Object.entries(options.metadata)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, value]) => ({ key, value })),
    });
    return ModelProto.encode(model).finish();
  }
}
