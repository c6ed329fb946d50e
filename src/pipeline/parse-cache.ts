/**
 * Parsed pipelines kept between commands, in `.sluice/tmp/pipeline.bin`. Parsing sluice.yaml
 * (YAML with source positions, schema checks, foreach/matrix expansion, interpolation) is most of
 * what a command does before its real work on a large pipeline: about 0.1 s at 200 stages and
 * 0.45 s at 1,000 on a 2-core machine, paid by every `run`, `status`, `dag` and `exp`.
 *
 * An entry is used only while everything the parse read is as it was: the text of sluice.yaml,
 * the text (or absence) of every params file it read (ParamsReader is the parse's only access to
 * files, which PipelineCache relies on too), and the build of Sluice and the V8 that wrote it.
 * The stages are stored with V8's serializer, which keeps what JSON would lose (undefined fields,
 * NaN and infinities from params). Positions for error messages are parsed again only when an
 * error needs one. A missing, stale or unreadable entry is simply parsed again.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { parseLocatedYaml, writeFileAtomic, type LocatedDocument } from '../core/index.js';
import { PIPELINE_FILE, SLUICE_DIR } from '../workspace/index.js';
import type { ParamsReader } from './params.js';
import type { Pipeline, Stage } from './stage.js';

/** A pipeline with its sluice.yaml, as loadPipeline gives it. */
type LoadedPipeline = Pipeline & { readonly document: LocatedDocument };
import { sluiceBuildId } from './status-snapshot/snapshot-file.js';

const FORMAT = 1;

interface Entry {
  readonly format: number;
  readonly build: string;
  readonly v8: string;
  /** sha256 of sluice.yaml's text. */
  readonly pipeline: string;
  /** Each params file the parse read, with the sha256 of its text (null: it did not exist). */
  readonly params: readonly (readonly [string, string | null])[];
  readonly paramsFile: string;
  readonly stages: readonly Stage[];
}

function entryFile(root: string): string {
  return join(root, SLUICE_DIR, 'tmp', 'pipeline.bin');
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The pipeline parsed from `text` by an earlier command, when nothing it read has changed since. */
export function readParsedPipeline(root: string, text: string, build: string | undefined = sluiceBuildId()): LoadedPipeline | undefined {
  if (build === undefined) return undefined;
  let entry: Entry;
  try {
    entry = deserialize(readFileSync(entryFile(root))) as Entry;
  } catch {
    return undefined;
  }
  if (entry?.format !== FORMAT || entry.build !== build || entry.v8 !== process.versions.v8 || entry.pipeline !== digest(text)) return undefined;
  for (const [path, hash] of entry.params) if (currentDigest(join(root, path)) !== hash) return undefined;
  return { root, paramsFile: entry.paramsFile, stages: [...entry.stages], document: deferredDocument(text) };
}

/** Keeps `pipeline`, parsed from `text` with `params`, for later commands (in an initialised workspace). */
export function rememberParsedPipeline(root: string, text: string, params: ParamsReader, pipeline: LoadedPipeline, build: string | undefined = sluiceBuildId()): void {
  if (build === undefined || !existsSync(join(root, SLUICE_DIR))) return;
  const entry: Entry = {
    format: FORMAT,
    build,
    v8: process.versions.v8,
    pipeline: digest(text),
    params: [...params.texts].map(([path, content]) => [path, content === undefined ? null : digest(content)] as const),
    paramsFile: pipeline.paramsFile,
    stages: pipeline.stages,
  };
  try {
    mkdirSync(join(root, SLUICE_DIR, 'tmp'), { recursive: true });
    writeFileAtomic(entryFile(root), serialize(entry));
  } catch {
    // Only a cache: the next command parses again.
  }
}

/** The digest of a file's text as ParamsReader would read it; null when it does not exist, undefined when it cannot be read. */
function currentDigest(path: string): string | null | undefined {
  try {
    return digest(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? null : undefined;
  }
}

/** sluice.yaml's positions, parsed on first use (only an error needs them). */
function deferredDocument(text: string): LocatedDocument {
  let parsed: LocatedDocument | undefined;
  const document = (): LocatedDocument => (parsed ??= parseLocatedYaml(text, PIPELINE_FILE));
  return {
    file: PIPELINE_FILE,
    get value() {
      return document().value;
    },
    locate: (path, options) => document().locate(path, options),
  };
}
