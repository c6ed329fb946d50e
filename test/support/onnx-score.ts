/**
 * Scores a CSV with an ONNX model whose inputs are one float column each (as Sluice's trainer and
 * XGBoost importer write them), straight through onnxruntime: an oracle independent of Sluice's
 * own scoring code. Empty fields are missing values (NaN).
 */
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

export interface Scored {
  readonly output: string;
  readonly width: number;
  /** One array per row. */
  readonly rows: number[][];
}

export async function scoreCsv(model: string, csv: string): Promise<Scored> {
  const [headerLine, ...lines] = readFileSync(csv, 'utf8').trim().split('\n');
  const header = headerLine!.split(',');
  const values = lines.map((line) => line.split(','));
  const session = await ort.InferenceSession.create(model);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of session.inputNames) {
      const column = header.indexOf(name);
      if (column < 0) throw new Error(`${csv} has no column ${name}`);
      feeds[name] = new ort.Tensor('float32', Float32Array.from(values.map((row) => (row[column] === '' ? Number.NaN : Number(row[column])))), [values.length, 1]);
    }
    const output = session.outputNames[0]!;
    const tensor = (await session.run(feeds))[output]!;
    const width = Number(tensor.dims[1] ?? 1);
    const data = tensor.data as Float32Array;
    return { output, width, rows: values.map((_, row) => Array.from(data.subarray(row * width, (row + 1) * width))) };
  } finally {
    await session.release();
  }
}
