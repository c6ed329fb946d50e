/** A pass-through stream that fails at the end if the bytes do not hash to the expected id. */
import { Transform } from 'node:stream';
import { createStreamHasher } from '../../core/index.js';
import { artifactCorrupt } from '../errors.js';

export function verifyingStream(expectedId: string, path: string): Transform {
  const hasher = createStreamHasher();
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hasher.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = `blake3:${hasher.digest()}`;
      callback(actual === expectedId ? null : artifactCorrupt({ path, expected: expectedId, actual }));
    },
  });
}
