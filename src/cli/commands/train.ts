/** `sluice train`: fit a built-in model and write it as ONNX. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { ALGORITHMS, parseKeyValues, trainModel } from '../../training/index.js';
import { renderTable } from '../format/table.js';
import { parseOptions } from '../options.js';
import type { CliOutput } from '../output.js';

const trainOptionsSchema = z.object({
  data: z.string({ error: 'is required' }).min(1),
  target: z.string({ error: 'is required' }).min(1),
  algorithm: z.enum(ALGORITHMS as [string, ...string[]], { error: `must be one of ${ALGORITHMS.join(', ')}` }),
  params: z.array(z.string()).default([]),
  exclude: z.array(z.string()).default([]),
  features: z.array(z.string()).default([]),
  categorical: z.array(z.string()).default([]),
  task: z.enum(['auto', 'classification', 'regression'], { error: 'must be auto, classification or regression' }).default('auto'),
  out: z.string({ error: 'is required' }).min(1),
});

export async function trainCommand(rawOptions: unknown, version: string, output: CliOutput): Promise<number> {
  const options = parseOptions(trainOptionsSchema, rawOptions, 'train');
  const result = await trainModel({
    dataPath: options.data,
    target: options.target,
    algorithm: options.algorithm as (typeof ALGORITHMS)[number],
    params: parseKeyValues(options.params),
    exclude: options.exclude,
    features: options.features,
    categorical: options.categorical,
    task: options.task,
    outPath: resolve(options.out),
    producerVersion: version,
  });
  const rows = [
    ['algorithm', result.algorithm],
    ['task', result.task],
    ['classes', result.classes?.join(', ') ?? '—'],
    ['training rows', String(result.rows)],
    ['feature columns', String(result.featureColumns.length)],
    ['parameters', Object.entries(result.params).map(([key, value]) => `${key}=${value}`).join(' ') || '—'],
    ...(result.earlyStopping ? [['early stopping', `kept the best ${result.earlyStopping.bestRounds} of ${result.earlyStopping.roundsTrained} rounds (validation loss stopped improving)`]] : []),
    ['time', `${result.seconds.toFixed(2)} s`],
    ['model size', `${result.sizeBytes} bytes`],
    ['export check', `onnxruntime matches the trained model to ${result.exportDifference.toExponential(1)}`],
  ];
  output.stdout.write(`Trained ${options.out}\n\n${renderTable(['Property', 'Value'], rows)}`);
  return 0;
}
