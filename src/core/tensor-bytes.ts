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

/** The typed array of each fixed-size numeric datatype (BOOL is one byte per element, BYTES has no fixed size). */
const NUMBER_ARRAYS = {
  INT8: Int8Array,
  UINT8: Uint8Array,
  INT16: Int16Array,
  UINT16: Uint16Array,
  INT32: Int32Array,
  UINT32: Uint32Array,
  FP32: Float32Array,
  FP64: Float64Array,
} as const;
const BIGINT_ARRAYS = { INT64: BigInt64Array, UINT64: BigUint64Array } as const;

function typedArrayOf(datatype: string): (typeof NUMBER_ARRAYS)[keyof typeof NUMBER_ARRAYS] | (typeof BIGINT_ARRAYS)[keyof typeof BIGINT_ARRAYS] | undefined {
  return NUMBER_ARRAYS[datatype as keyof typeof NUMBER_ARRAYS] ?? BIGINT_ARRAYS[datatype as keyof typeof BIGINT_ARRAYS];
}

/** Bytes per element of each fixed-size datatype. */
function elementBytes(datatype: string): number | undefined {
  return datatype === 'BOOL' ? 1 : typedArrayOf(datatype)?.BYTES_PER_ELEMENT;
}

// Typed arrays read and write in the platform's order; the wire is little-endian.
const LITTLE_ENDIAN = endianness() === 'LE';

function view(bytes: Uint8Array, datatype: string, count: number): ArrayLike<number | bigint> {
  // A copy: a slice of a request body need not be aligned for a typed array over it.
  const aligned = new Uint8Array(bytes).buffer;
  // Only datatypes elementBytes knows reach here.
  const Typed = typedArrayOf(datatype)!;
  return new Typed(aligned, 0, count);
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
  const size = elementBytes(datatype);
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
    default: {
      const numbers = NUMBER_ARRAYS[datatype as keyof typeof NUMBER_ARRAYS];
      if (numbers) return typedBytes(numbers.from(data as number[]));
      const bigints = BIGINT_ARRAYS[datatype as keyof typeof BIGINT_ARRAYS];
      if (bigints) {
        const array = new bigints(data.length);
        data.forEach((value, k) => (array[k] = BigInt(value as number)));
        return typedBytes(array);
      }
      // Outputs come from onnxruntime, whose types all have a datatype above (FP16 aside).
      throw new Error(`no binary form for datatype ${datatype}`);
    }
  }
}

function typedBytes(array: ArrayBufferView): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}
