/**
 * v2 tensors as raw bytes, the layout shared by the binary tensor data extension of REST
 * (Triton's `binary_tensor_data`) and gRPC's `raw_input_contents` / `raw_output_contents`:
 * little-endian, row-major, no padding; BOOL one byte per element; BYTES a 4-byte little-endian
 * length before each element. Bytes become (and come from) the flat `data` arrays of serving's
 * tensor codec, so every wire form reaches the model through the same checks; the prediction log
 * keeps such tensors as these bytes, which monitoring reads back (hence here, in core).
 *
 * Hand-written: the layout is a few lines per datatype, and no maintained package reads it.
 */
import { endianness } from 'node:os';

/** Bytes that do not hold the tensor they claim to (the message says how); serving answers it with a 400. */
export class TensorBytesError extends Error {
  override readonly name = 'TensorBytesError';
}

/** Bytes per element of each fixed-size datatype (BYTES has none: each element says its length). */
const ELEMENT_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  INT8: 1,
  UINT8: 1,
  INT16: 2,
  UINT16: 2,
  INT32: 4,
  UINT32: 4,
  FP32: 4,
  INT64: 8,
  UINT64: 8,
  FP64: 8,
};

// Typed arrays read and write in the platform's order; the wire is little-endian.
const LITTLE_ENDIAN = endianness() === 'LE';

function view(bytes: Uint8Array, datatype: string, count: number): ArrayLike<number | bigint> {
  // A copy: a slice of a request body need not be aligned for a typed array over it.
  const aligned = new Uint8Array(bytes).buffer;
  switch (datatype) {
    case 'INT8':
      return new Int8Array(aligned, 0, count);
    case 'UINT8':
      return new Uint8Array(aligned, 0, count);
    case 'INT16':
      return new Int16Array(aligned, 0, count);
    case 'UINT16':
      return new Uint16Array(aligned, 0, count);
    case 'INT32':
      return new Int32Array(aligned, 0, count);
    case 'UINT32':
      return new Uint32Array(aligned, 0, count);
    case 'FP32':
      return new Float32Array(aligned, 0, count);
    case 'INT64':
      return new BigInt64Array(aligned, 0, count);
    case 'UINT64':
      return new BigUint64Array(aligned, 0, count);
    default:
      return new Float64Array(aligned, 0, count);
  }
}

function unsupported(name: string, datatype: string): never {
  throw new TensorBytesError(`Input "${name}" has datatype ${datatype}, which Sluice cannot read as binary data; send BOOL, BYTES, INT8-64, UINT8-64, FP32 or FP64.`);
}

/**
 * The elements of a tensor sent as bytes, flat: a typed array for fixed-size numbers, booleans
 * for BOOL, strings for BYTES, and 64-bit integers as numbers when exact, else bigints (which
 * the codec range-checks). `shape` gives the count the bytes must hold; `where` names the bytes in
 * messages (e.g. `binary_data_size`).
 */
export function valuesFromBytes(name: string, datatype: string, shape: readonly number[], bytes: Uint8Array, where: string): ArrayLike<unknown> {
  if (!LITTLE_ENDIAN) throw new Error('binary tensors need a little-endian machine');
  const count = shape.reduce((product, size) => product * size, 1);
  if (datatype === 'BYTES') return stringsFromBytes(name, count, bytes, where);
  const size = ELEMENT_BYTES[datatype];
  if (size === undefined) unsupported(name, datatype);
  if (bytes.byteLength !== count * size) {
    throw new TensorBytesError(`Input "${name}" has ${bytes.byteLength} bytes of ${where}, but its shape ${JSON.stringify(shape)} of ${datatype} (${size} byte${size === 1 ? '' : 's'} each) holds ${count * size}.`);
  }
  if (datatype === 'BOOL') return Array.from(bytes, (byte) => byte !== 0);
  const values = view(bytes, datatype, count);
  // 64-bit integers as numbers where exact; others stay a typed array (the codec copies it whole).
  if (datatype === 'INT64' || datatype === 'UINT64') return Array.from(values, (value) => (typeof value === 'bigint' && value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value));
  return values;
}

function stringsFromBytes(name: string, count: number, bytes: Uint8Array, where: string): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: string[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    if (offset + 4 > buffer.length) throw new TensorBytesError(`Input "${name}" (BYTES): element ${values.length} has no complete 4-byte length in its ${where}.`);
    const length = buffer.readUInt32LE(offset);
    if (offset + 4 + length > buffer.length) throw new TensorBytesError(`Input "${name}" (BYTES): element ${values.length} says ${length} bytes, but only ${buffer.length - offset - 4} are left in its ${where}.`);
    values.push(buffer.toString('utf8', offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  if (values.length !== count) throw new TensorBytesError(`Input "${name}" (BYTES) holds ${values.length} elements in its ${where}, but its shape holds ${count}.`);
  return values;
}

/** A tensor's flat values (as tensor-codec.ts presents outputs) as bytes of `datatype`. */
export function bytesFromValues(datatype: string, data: readonly (number | string | boolean)[]): Buffer {
  if (!LITTLE_ENDIAN) throw new Error('binary tensors need a little-endian machine');
  switch (datatype) {
    case 'BYTES': {
      const parts = data.map((value) => Buffer.from(String(value), 'utf8'));
      const out = Buffer.allocUnsafe(parts.reduce((sum, part) => sum + 4 + part.length, 0));
      let offset = 0;
      for (const part of parts) {
        out.writeUInt32LE(part.length, offset);
        part.copy(out, offset + 4);
        offset += 4 + part.length;
      }
      return out;
    }
    case 'BOOL':
      return Buffer.from(data.map((value) => (value ? 1 : 0)));
    case 'INT8':
      return typedBytes(Int8Array.from(data as number[]));
    case 'UINT8':
      return typedBytes(Uint8Array.from(data as number[]));
    case 'INT16':
      return typedBytes(Int16Array.from(data as number[]));
    case 'UINT16':
      return typedBytes(Uint16Array.from(data as number[]));
    case 'INT32':
      return typedBytes(Int32Array.from(data as number[]));
    case 'UINT32':
      return typedBytes(Uint32Array.from(data as number[]));
    case 'FP32':
      return typedBytes(Float32Array.from(data as number[]));
    case 'INT64':
      return typedBytes(BigInt64Array.from(data as number[], (value) => BigInt(value)));
    case 'UINT64':
      return typedBytes(BigUint64Array.from(data as number[], (value) => BigInt(value)));
    case 'FP64':
      return typedBytes(Float64Array.from(data as number[]));
    default:
      // Outputs come from onnxruntime, whose types all have a datatype above (FP16 aside).
      throw new Error(`no binary form for datatype ${datatype}`);
  }
}

function typedBytes(array: ArrayBufferView): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}
