/**
 * Batch scoring, like `mlflow models predict`: a table file streamed through DuckDB in batches,
 * each batch through onnxruntime, its predictions (and any kept input columns) appended to the
 * output as they come. Memory holds one batch, whatever the file's size.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { cellText, findColumn, streamTable, type Table } from '../data/index.js';
import { choosePredictionOutput, loadOnnxModel, metadataList, predictTable, type OnnxModel } from '../inference/index.js';
import { outputNotWritable, unknownKeepColumn, unknownPredictionColumn } from './errors.js';
import { csvText, predictionColumnNames, predictionColumns, unscoredRows, type OutputColumn } from './prediction-columns.js';
import { headerLine, openPredictionSink, type OutputFormat, type SinkColumnType } from './prediction-sink.js';

/** Rows per batch: large enough that onnxruntime's per-call cost vanishes, small enough for any memory. */
export const DEFAULT_BATCH_ROWS = 65_536;

export interface ScoreFileOptions {
  readonly modelPath: string;
  /** How to name the model in messages. */
  readonly modelLabel: string;
  readonly dataPath: string;
  readonly outPath: string;
  /** Input columns copied to the output, first, in this order. */
  readonly keep?: readonly string[] | undefined;
  /** Columns that are not features (a label, an id), for models that take every other column. */
  readonly exclude?: readonly string[] | undefined;
  /** Output columns to write (default: all the model's). */
  readonly columns?: readonly string[] | undefined;
  readonly batchRows?: number | undefined;
  /** Called after each batch with the rows scored so far. */
  readonly onProgress?: ((rows: number) => void) | undefined;
}

export interface ScoreFileResult {
  readonly outPath: string;
  readonly format: OutputFormat;
  readonly rows: number;
  /** The output's columns, in order. */
  readonly columns: readonly string[];
  /** Rows the model could not score (missing values): written with an empty prediction. */
  readonly unscored: number;
  readonly seconds: number;
}

export async function scoreFile(options: ScoreFileOptions): Promise<ScoreFileResult> {
  const started = performance.now();
  // The output replaces its file as it is written: it must not be the data being read.
  if (sameFile(options.outPath, options.dataPath)) throw outputNotWritable({ path: options.outPath, reason: `it is the data being scored (${options.dataPath}), which writing the predictions would destroy; name another file` });
  const model = await loadOnnxModel(options.modelPath);
  const sink = await openPredictionSink(options.outPath);
  let header: string[] | undefined;
  let types: SinkColumnType[] = [];
  let rows = 0;
  let unscored = 0;
  try {
    for await (const table of streamTable(options.dataPath, options.batchRows ?? DEFAULT_BATCH_ROWS)) {
      if (rows === 0) checkColumns(table, options);
      const { predictions } = await predictTable(model, table, { exclude: options.exclude ?? [], modelName: options.modelLabel, batchSize: table.rowCount });
      const outputs = selectOutputs(predictionColumns(predictions), options.columns);
      const kept = (options.keep ?? []).map((name) => findColumn(table, name)!);
      if (!header) {
        header = [...kept.map((column) => column.name), ...outputs.map((output) => output.name)];
        types = [...kept.map((column): SinkColumnType => (column.kind === 'number' ? 'DOUBLE' : 'VARCHAR')), ...outputs.map((output): SinkColumnType => (output.name === 'prediction' && predictions.kind === 'probabilities' ? 'VARCHAR' : 'DOUBLE'))];
        await sink.write(headerLine(header));
      }
      await sink.write(renderRows(table.rowCount, kept.map((column) => (row: number) => csvText(cellText(column, row))), outputs));
      rows += table.rowCount;
      unscored += unscoredRows(predictions);
      options.onProgress?.(rows);
    }
    if (!header) {
      // A file with a header and no rows: an output with the header and no rows.
      header = [...(options.keep ?? []), ...emptyOutputNames(model, options)];
      types = header.map(() => 'VARCHAR');
      await sink.write(headerLine(header));
    }
    await sink.commit(header.map((name, index) => ({ name, type: types[index]! })));
  } catch (error) {
    await sink.abort();
    throw error;
  } finally {
    await model.release();
  }
  return { outPath: options.outPath, format: sink.format, rows, columns: header, unscored, seconds: (performance.now() - started) / 1000 };
}

function checkColumns(table: Table, options: ScoreFileOptions): void {
  const named = [...(options.keep ?? []), ...(options.exclude ?? [])];
  const missing = named.filter((name) => !findColumn(table, name));
  if (missing.length > 0) throw unknownKeepColumn({ data: options.dataPath, missing: [...new Set(missing)], columns: table.columns.map((column) => column.name) });
}

function selectOutputs(outputs: readonly OutputColumn[], wanted: readonly string[] | undefined): OutputColumn[] {
  if (!wanted) return [...outputs];
  const unknown = wanted.filter((name) => !outputs.some((output) => output.name === name));
  if (unknown.length > 0) throw unknownPredictionColumn({ unknown, available: outputs.map((output) => output.name) });
  return wanted.map((name) => outputs.find((output) => output.name === name)!);
}

function emptyOutputNames(model: OnnxModel, options: ScoreFileOptions): string[] {
  const { kind } = choosePredictionOutput(model, options.modelLabel);
  const names = predictionColumnNames(kind === 'probabilities' ? (metadataList(model.metadata, 'classes') ?? ['0', '1']) : undefined);
  return options.columns ? names.filter((name) => options.columns!.includes(name)) : names;
}

function renderRows(count: number, kept: readonly ((row: number) => string)[], outputs: readonly OutputColumn[]): string {
  const cells = [...kept, ...outputs.map((output) => output.cell)];
  const lines = new Array<string>(count);
  for (let row = 0; row < count; row++) {
    let line = cells[0]!(row);
    for (let c = 1; c < cells.length; c++) line += `,${cells[c]!(row)}`;
    lines[row] = line;
  }
  return `${lines.join('\n')}\n`;
}

/** Whether two paths name one file: the same resolved path, or (for links) the same inode. */
function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  const stats = (path: string) => {
    try {
      return statSync(path, { throwIfNoEntry: false });
    } catch {
      return undefined;
    }
  };
  const first = stats(a);
  const second = stats(b);
  return first !== undefined && second !== undefined && first.dev === second.dev && first.ino === second.ino;
}
