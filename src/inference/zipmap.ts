/**
 * scikit-learn classifiers exported by skl2onnx end in a ZipMap node whose output is a sequence of
 * maps (class → probability). onnxruntime's Node.js binding cannot return such values, so before
 * loading, the model is rewritten: the ZipMap node is dropped and the probability tensor it reads
 * becomes the graph output instead, with the ZipMap's class labels kept as the class names.
 *
 * The rewrite works on the protobuf wire format: fields of the model and the graph are copied byte
 * for byte except the ZipMap node and its output, so nothing else in the file can be lost.
 */
import protobuf from 'protobufjs';
import { NodeProto, ValueInfoProto, DataType } from './onnx-schema.js';

interface FieldRange {
  readonly field: number;
  readonly wireType: number;
  /** The whole field, tag included. */
  readonly start: number;
  readonly end: number;
  /** For length-delimited fields: the payload. */
  readonly payloadStart: number;
}

function fields(bytes: Uint8Array): FieldRange[] {
  const reader = protobuf.Reader.create(bytes);
  const ranges: FieldRange[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const wireType = tag & 7;
    let payloadStart = reader.pos;
    if (wireType === 2) {
      const length = reader.uint32();
      payloadStart = reader.pos;
      reader.skip(length);
    } else {
      reader.skipType(wireType);
    }
    ranges.push({ field: tag >>> 3, wireType, start, end: reader.pos, payloadStart });
  }
  return ranges;
}

const GRAPH = 7;
const NODE = 1;
const OUTPUT = 12;

export interface ZipMapRewrite {
  readonly bytes: Uint8Array;
  /** The class labels of the (first) ZipMap, in probability-column order. */
  readonly classes: readonly string[];
}

interface DecodedNode {
  op_type?: string;
  input?: string[];
  output?: string[];
  attribute?: { name?: string; ints?: (number | { toNumber(): number })[]; strings?: Uint8Array[] }[];
}

/** The rewritten model, or undefined when it has no ZipMap feeding a graph output. */
export function removeZipMap(bytes: Uint8Array): ZipMapRewrite | undefined {
  const modelFields = fields(bytes);
  const graphField = modelFields.find((range) => range.field === GRAPH && range.wireType === 2);
  if (!graphField) return undefined;
  const graphBytes = bytes.subarray(graphField.payloadStart, graphField.end);
  const graphFields = fields(graphBytes);
  const outputs = new Map<string, FieldRange>();
  for (const range of graphFields.filter((candidate) => candidate.field === OUTPUT)) {
    const info = ValueInfoProto.decode(graphBytes.subarray(range.payloadStart, range.end)) as unknown as { name?: string };
    if (info.name) outputs.set(info.name, range);
  }
  const dropped = new Set<FieldRange>();
  const replacements = new Map<FieldRange, Uint8Array>();
  let classes: string[] | undefined;
  for (const range of graphFields.filter((candidate) => candidate.field === NODE)) {
    const node = NodeProto.decode(graphBytes.subarray(range.payloadStart, range.end)) as unknown as DecodedNode;
    const output = node.output?.[0];
    const input = node.input?.[0];
    if (node.op_type !== 'ZipMap' || !output || !input || !outputs.has(output)) continue;
    const labels = node.attribute?.find((attribute) => attribute.name === 'classlabels_strings' || attribute.name === 'classlabels_int64s');
    const names = labels?.strings?.length ? labels.strings.map((text) => Buffer.from(text).toString('utf8')) : (labels?.ints ?? []).map((value) => String(typeof value === 'number' ? value : value.toNumber()));
    classes ??= names;
    dropped.add(range);
    const info = { name: input, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [{ dim_param: 'N' }, { dim_value: names.length }] } } } };
    replacements.set(outputs.get(output)!, encodeField(OUTPUT, ValueInfoProto.encode(ValueInfoProto.fromObject(info)).finish()));
  }
  if (!classes) return undefined;
  const graphParts = graphFields.flatMap((range) => (dropped.has(range) ? [] : [replacements.get(range) ?? graphBytes.subarray(range.start, range.end)]));
  const newGraph = encodeField(GRAPH, concat(graphParts));
  const modelParts = modelFields.map((range) => (range === graphField ? newGraph : bytes.subarray(range.start, range.end)));
  return { bytes: concat(modelParts), classes };
}

function encodeField(field: number, payload: Uint8Array): Uint8Array {
  return protobuf.Writer.create().uint32((field << 3) | 2).bytes(payload).finish();
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}
