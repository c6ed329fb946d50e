/**
 * Loaded pipelines of checkouts that run many stages of one commit, as a queue worker does:
 * parsing and validating sluice.yaml for every stage cost about 26 ms for 80 stages and grows
 * with the file. An entry is reused while sluice.yaml and every params file its interpolation
 * read have the same text as when it was parsed (an experiment's overrides change params.yaml,
 * so they are parsed again); anything else is loaded as loadPipeline loads it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINE_FILE, pipelineFileMissing } from '../workspace/index.js';
import { parsePipeline, type LoadedPipeline } from './load-pipeline.js';
import { ParamsReader } from './params.js';

interface Entry {
  readonly text: string;
  readonly params: ReadonlyMap<string, string | undefined>;
  readonly pipeline: LoadedPipeline;
}

export class PipelineCache {
  private readonly entries = new Map<string, Entry>();

  /** The pipeline of the checkout at `root`, as loadPipeline gives it. */
  load(root: string): LoadedPipeline {
    const file = join(root, PIPELINE_FILE);
    if (!existsSync(file)) throw pipelineFileMissing({ root });
    const text = readFileSync(file, 'utf8');
    const entry = this.entries.get(root);
    if (entry && entry.text === text && [...entry.params].every(([path, content]) => textOf(join(root, path)) === content)) return entry.pipeline;
    const params = new ParamsReader(root);
    const pipeline = parsePipeline(root, text, params);
    this.entries.set(root, { text, params: new Map(params.texts), pipeline });
    return pipeline;
  }
}

function textOf(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
