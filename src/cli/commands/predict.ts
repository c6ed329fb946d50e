/**
 * `sluice predict`: scores a table file offline (like `mlflow models predict`) with a model file or
 * a registered version, writing CSV or Parquet; a progress line on a terminal.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { resolveModelPath } from '../../registry/index.js';
import { scoreFile } from '../../scoring/index.js';
import { parseOptions } from '../options.js';
import { cliActor, withServicesIfAny, type CliContext } from '../services.js';

const commaList = z
  .string()
  .transform((text) => text.split(',').map((name) => name.trim()))
  .refine((names) => names.every((name) => name.length > 0), { error: 'must be comma-separated names, none empty' });

const predictSchema = z.object({
  model: z.string({ error: 'is required: a model file or models:/NAME@ALIAS' }).min(1),
  data: z.string({ error: 'is required: the table to score (CSV, Parquet or JSON)' }).min(1),
  out: z.string({ error: 'is required: the file to write (.csv or .parquet)' }).min(1),
  columns: commaList.optional(),
  keep: z.array(z.string().min(1)).default([]),
  exclude: z.array(z.string().min(1)).default([]),
  batchSize: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(10_000_000).optional(),
  json: z.boolean().default(false),
});

export async function predictCommand(rawOptions: unknown, cli: CliContext): Promise<number> {
  const options = parseOptions(predictSchema, rawOptions, 'predict');
  const progress = cli.stderr.isTTY ? rowProgress(cli.stderr, options.data) : undefined;
  const result = await withServicesIfAny(cli, async (services) => {
    const model = await (services?.models(cliActor()) ?? resolveModelPath)(options.model);
    return {
      model,
      scored: await scoreFile({
        modelPath: resolve(model.path),
        modelLabel: model.label,
        dataPath: options.data,
        outPath: resolve(options.out),
        keep: options.keep,
        exclude: options.exclude,
        columns: options.columns,
        batchRows: options.batchSize,
        onProgress: progress?.update,
      }),
    };
  });
  progress?.finish();
  const { scored, model } = result;
  if (options.json) {
    cli.stdout.write(`${JSON.stringify({ model: model.label, data: options.data, out: options.out, format: scored.format, rows: scored.rows, unscored_rows: scored.unscored, columns: scored.columns, seconds: scored.seconds }, null, 2)}\n`);
    return 0;
  }
  const rate = scored.seconds > 0 ? ` (${Math.round(scored.rows / scored.seconds).toLocaleString('en-US')} rows/s)` : '';
  cli.stdout.write(`Scored ${scored.rows.toLocaleString('en-US')} rows of ${options.data} with ${model.label} in ${scored.seconds.toFixed(2)}s${rate}\n  wrote ${options.out}: ${scored.columns.join(', ')}\n`);
  if (scored.unscored > 0) cli.stderr.write(`sluice: warning: ${scored.unscored.toLocaleString('en-US')} rows have a missing value the model cannot take: their prediction is empty. Fill or drop those values to score them.\n`);
  return 0;
}

/** `Scoring data.csv: 1,234,567 rows, 250,000 rows/s`, redrawn in place at most 10 times a second. */
function rowProgress(stream: NodeJS.WriteStream, data: string): { update: (rows: number) => void; finish: () => void } {
  const started = Date.now();
  let drawn = 0;
  let shown = false;
  return {
    update(rows) {
      const now = Date.now();
      if (now - drawn < 100) return;
      drawn = now;
      shown = true;
      const rate = Math.round(rows / Math.max((now - started) / 1000, 1e-3));
      stream.write(`\rScoring ${data}: ${rows.toLocaleString('en-US')} rows, ${rate.toLocaleString('en-US')} rows/s\x1b[K`);
    },
    finish() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
