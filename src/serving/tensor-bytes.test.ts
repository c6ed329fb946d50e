/** The raw tensor layout shared by binary REST and gRPC: each datatype's bytes, and refusals. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GRPC_STATUS, grpcErrorResponse, isAppError } from '../core/index.js';
import { badInferenceRequest, servedModelNotFound, serverOverloaded } from './errors.js';
import { bytesFromValues } from '../core/index.js';
import { valuesFromBytes } from './tensor-bytes.js';
import { decodeV2Inputs } from './tensor-codec.js';

test('FP32, FP64, INT32 and INT64 values survive bytes and back, little-endian', () => {
  assert.deepEqual([...bytesFromValues('INT32', [1, -2])], [1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]);
  for (const [datatype, values] of [['FP32', [0.5, -2, 1024]], ['FP64', [0.1, -1e300, 3]], ['INT32', [7, -7, 2 ** 31 - 1]], ['INT64', [2 ** 40, -5, 0]]] as const) {
    assert.deepEqual(Array.from(valuesFromBytes('x', datatype, [3], bytesFromValues(datatype, values), 'test')), values, datatype);
  }
});

test('BOOL is one byte per element; BYTES a 4-byte little-endian length before each element', () => {
  assert.deepEqual([...bytesFromValues('BOOL', [true, false])], [1, 0]);
  const bytes = bytesFromValues('BYTES', ['ab', '', 'é']);
  assert.deepEqual([...bytes.subarray(0, 6)], [2, 0, 0, 0, 0x61, 0x62]);
  assert.deepEqual(valuesFromBytes('x', 'BYTES', [3], bytes, 'test'), ['ab', '', 'é']);
  assert.deepEqual(valuesFromBytes('x', 'BOOL', [2], Buffer.from([0, 1]), 'test'), [false, true]);
});

test('INT64 beyond 2^53 is read exactly, as a bigint', () => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64LE(2n ** 60n + 1n);
  assert.deepEqual(valuesFromBytes('x', 'INT64', [1], bytes, 'test'), [2n ** 60n + 1n]);
});

test('NaN or Infinity sent as FP32 bytes is refused like a JSON value out of range, naming the element', () => {
  const info = [{ name: 'input', type: 'float32', shape: ['N', 2] as (number | string)[], isTensor: true }];
  const finite = valuesFromBytes('input', 'FP32', [2, 2], bytesFromValues('FP32', [1, 2, 3, 4]), 'test');
  assert.deepEqual(Array.from(decodeV2Inputs([{ name: 'input', shape: [2, 2], datatype: 'FP32', data: finite }], info as never, 'm').tensors.input!.data as Float32Array), [1, 2, 3, 4]);
  const infinite = valuesFromBytes('input', 'FP32', [2, 2], bytesFromValues('FP32', [1, 2, Number.POSITIVE_INFINITY, 4]), 'test');
  assert.throws(() => decodeV2Inputs([{ name: 'input', shape: [2, 2], datatype: 'FP32', data: infinite }], info as never, 'm'), /Input "input" row 2 .*element 2\) is Infinity, which is not a finite FP32 value/);
});

test('bytes that are not shape × datatype, or a BYTES element cut short, are a bad request naming the sizes', () => {
  assert.throws(() => valuesFromBytes('input', 'FP32', [2, 3], Buffer.alloc(20), 'raw_input_contents'), (error: unknown) => {
    assert.ok(isAppError(error) && error.code === badInferenceRequest.code);
    assert.match(error.message, /Input "input" has 20 bytes of raw_input_contents, but its shape \[2,3\] of FP32 \(4 bytes each\) holds 24/);
    return true;
  });
  assert.throws(() => valuesFromBytes('s', 'BYTES', [1], Buffer.from([5, 0, 0, 0, 0x61]), 'binary_data_size'), /element 0 says 5 bytes, but only 1 are left/);
  assert.throws(() => valuesFromBytes('s', 'FP16', [1], Buffer.alloc(2), 'binary_data_size'), /FP16, which Sluice cannot read as binary data/);
});

test('errors map to gRPC status codes: bad input, unknown model, overload, anything else', () => {
  assert.equal(grpcErrorResponse(badInferenceRequest({ problem: 'no' }), 'r1').code, GRPC_STATUS.INVALID_ARGUMENT);
  assert.equal(grpcErrorResponse(servedModelNotFound({ name: 'm', known: [] }), 'r1').code, GRPC_STATUS.NOT_FOUND);
  assert.equal(grpcErrorResponse(serverOverloaded({ limit: 1 }), 'r1').code, GRPC_STATUS.UNAVAILABLE);
  const internal = grpcErrorResponse(new Error('secret detail'), 'r1');
  assert.deepEqual([internal.code, internal.logged, internal.details.includes('secret')], [GRPC_STATUS.INTERNAL, true, false]);
});
