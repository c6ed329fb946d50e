/**
 * The v2 tensor byte layout (core/tensor-bytes.ts) as serving reads requests with it: bytes that
 * do not hold the tensor they claim to are the client's mistake, answered 400 with the layout's
 * explanation.
 */
import { TensorBytesError, valuesFromBytes as readValues } from '../core/index.js';
import { badInferenceRequest } from './errors.js';

/** The values of a tensor sent as bytes (see core's `valuesFromBytes`); a bad request when they do not fit. */
export function valuesFromBytes(name: string, datatype: string, shape: readonly number[], bytes: Uint8Array, where: string): ArrayLike<unknown> {
  try {
    return readValues(name, datatype, shape, bytes, where);
  } catch (error) {
    if (error instanceof TensorBytesError) throw badInferenceRequest({ problem: error.message }, { cause: error });
    throw error;
  }
}
