/**
 * Writing a model Sluice produced (trained, converted) only once it checks: the bytes go to a
 * temp file beside `out` first, `check` loads and tests that file, and only then is `out`
 * written (atomically). A model that fails its check leaves `out` as it was.
 */
import { rmSync } from 'node:fs';
import { tempPathBeside, writeFileAtomic } from '../core/index.js';

export async function writeCheckedModel<T>(out: string, bytes: Uint8Array, check: (path: string) => Promise<T>): Promise<T> {
  const temp = `${tempPathBeside(out)}.onnx`;
  try {
    writeFileAtomic(temp, bytes);
    const checked = await check(temp);
    // Written again rather than renamed: a path that cannot take it (a folder) is said plainly.
    writeFileAtomic(out, bytes);
    return checked;
  } finally {
    rmSync(temp, { force: true });
  }
}
