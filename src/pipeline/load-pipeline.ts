/**
 * Reading `sluice.yaml` into a {@link Pipeline}: parse with source positions, validate each part
 * against its schema, expand `foreach`/`matrix`, and resolve every stage. Any mistake becomes
 * one error that names `sluice.yaml:line:col` and says how to fix it.
 */
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parseLocatedYaml, readTextFile, validateWithSchema, type DocumentPath, type LocatedDocument } from '../core/index.js';
import { PIPELINE_FILE, pipelineFileMissing } from '../workspace/index.js';
import { describeSluicePath } from './describe-path.js';
import { duplicateStageName, invalidStageName } from './errors.js';
import { expandForeach, expandMatrix, type StageInstance } from './expand.js';
import type { InterpolationScope } from './interpolate.js';
import { DEFAULT_PARAMS_FILE, ParamsReader } from './params.js';
import { readParsedPipeline, rememberParsedPipeline } from './parse-cache.js';
import { resolveStage, type ResolveContext } from './resolve-stage.js';
import { foreachStageSchema, matrixStageSchema, pipelineFileSchema, STAGE_NAME, stageBodySchema } from './schema.js';
import type { Pipeline, Stage } from './stage.js';

/** A pipeline plus what is needed to point back into its file. */
export interface LoadedPipeline extends Pipeline {
  readonly document: LocatedDocument;
}

/** Loads and validates the pipeline of the repository at `root` (as an earlier command parsed it, when nothing it read changed: parse-cache.ts). */
export function loadPipeline(root: string): LoadedPipeline {
  const file = join(root, PIPELINE_FILE);
  if (!existsSync(file)) throw pipelineFileMissing({ root });
  const text = readTextFile(file, PIPELINE_FILE);
  const remembered = readParsedPipeline(root, text);
  if (remembered) return remembered;
  const params = new ParamsReader(root);
  const pipeline = parsePipeline(root, text, params);
  rememberParsedPipeline(root, text, params, pipeline);
  return pipeline;
}

/** Validates pipeline text as if it were `<root>/sluice.yaml`; `params` reads the params files its interpolation needs. */
export function parsePipeline(root: string, text: string, params: ParamsReader = new ParamsReader(root)): LoadedPipeline {
  const document = parseLocatedYaml(text, PIPELINE_FILE);
  const top = validateWithSchema(pipelineFileSchema, document.value ?? {}, document, { describe: describeSluicePath });
  const paramsFile = posix.normalize(top.params ?? DEFAULT_PARAMS_FILE);
  const defaults = params.read(paramsFile);
  const baseScope: InterpolationScope = { locals: {}, params: defaults?.values ?? {}, paramsSource: paramsFile };
  const baseContext: ResolveContext = { document, params, paramsFile, scope: baseScope };

  const stages: Stage[] = [];
  const seen = new Set<string>();
  const add = (stage: Stage, at: DocumentPath): void => {
    if (seen.has(stage.name)) throw duplicateStageName({ name: stage.name }, { location: document.locate(at, { key: true }) });
    seen.add(stage.name);
    stages.push(stage);
  };

  for (const [name, raw] of Object.entries(top.stages)) {
    const at: DocumentPath = ['stages', name];
    if (!STAGE_NAME.test(name)) throw invalidStageName({ name }, { location: document.locate(at, { key: true }) });
    const validate = <S extends Parameters<typeof validateWithSchema>[0]>(schema: S) =>
      validateWithSchema(schema, raw, document, { pathPrefix: at, describe: describeSluicePath });

    if ('foreach' in raw || 'do' in raw) {
      const definition = validate(foreachStageSchema);
      const instances = expandForeach(definition.foreach, baseScope, name, document, [...at, 'foreach']);
      for (const instance of instances) add(resolveInstance(name, instance, definition.do, [...at, 'do'], baseContext), at);
    } else if ('matrix' in raw) {
      const { matrix, ...body } = validate(matrixStageSchema);
      const instances = expandMatrix(matrix, baseScope, name, document, [...at, 'matrix']);
      for (const instance of instances) add(resolveInstance(name, instance, body, at, baseContext), at);
    } else {
      add(resolveStage(name, validate(stageBodySchema), at, baseContext), at);
    }
  }
  return { root, paramsFile, stages, document };
}

function resolveInstance(
  name: string,
  instance: StageInstance,
  body: Parameters<typeof resolveStage>[1],
  source: DocumentPath,
  context: ResolveContext,
): Stage {
  const scope: InterpolationScope = { ...context.scope, locals: instance.locals };
  return resolveStage(`${name}@${instance.suffix}`, body, source, { ...context, scope });
}
