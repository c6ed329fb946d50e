/**
 * Reads `metadata_props` (and the producer) from an ONNX file. onnxruntime's JavaScript API does
 * not expose them, and they carry what evaluation needs: `feature_names`, `classes`,
 * `positive_class`. Only ModelProto's top-level fields are read; the graph (with all the
 * weights) is skipped without decoding.
 */
import protobuf from 'protobufjs';

/** ModelProto field numbers, from onnx/onnx.proto. */
const PRODUCER_NAME = 2;
const PRODUCER_VERSION = 3;
const METADATA_PROPS = 14;
/** StringStringEntryProto. */
const KEY = 1;
const VALUE = 2;
const LENGTH_DELIMITED = 2;

export interface OnnxFileInfo {
  readonly producer: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
}

export function readOnnxFileInfo(bytes: Uint8Array): OnnxFileInfo {
  const reader = protobuf.Reader.create(bytes);
  const metadata: Record<string, string> = {};
  let producerName: string | undefined;
  let producerVersion: string | undefined;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (wireType === LENGTH_DELIMITED && field === METADATA_PROPS) {
      const end = reader.uint32() + reader.pos;
      let key = '';
      let value = '';
      while (reader.pos < end) {
        const entryTag = reader.uint32();
        if (entryTag >>> 3 === KEY) key = reader.string();
        else if (entryTag >>> 3 === VALUE) value = reader.string();
        else reader.skipType(entryTag & 7);
      }
      metadata[key] = value;
    } else if (wireType === LENGTH_DELIMITED && field === PRODUCER_NAME) {
      producerName = reader.string();
    } else if (wireType === LENGTH_DELIMITED && field === PRODUCER_VERSION) {
      producerVersion = reader.string();
    } else {
      reader.skipType(wireType);
    }
  }
  const producer = producerName ? `${producerName}${producerVersion ? ` ${producerVersion}` : ''}` : undefined;
  return { producer, metadata };
}

/** A metadata value that holds a list: JSON (`["a","b"]`) or comma-separated (`a,b`). */
export function metadataList(metadata: Readonly<Record<string, string>>, key: string): string[] | undefined {
  const raw = metadata[key];
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // Not JSON: a comma-separated list.
  }
  return raw.split(',').map((item) => item.trim());
}
