/** Batch scoring of table files (`sluice predict`). */
export { DEFAULT_BATCH_ROWS, scoreFile, type ScoreFileOptions, type ScoreFileResult } from './score-file.js';
export { outputFormatOf, type OutputFormat } from './prediction-sink.js';
export * from './errors.js';
