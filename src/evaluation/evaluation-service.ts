/**
 * Evaluation as a service: resolve the model (a path or a registry reference), score it (or
 * predictions made elsewhere) on labelled data, and record the result as a run. `sluice eval`
 * and pipeline stages call this; later, `sluice ci` and monitors do too.
 */
import { basename, resolve } from 'node:path';
import type { ResolveModel, ResolvedModel } from '../registry/index.js';
import type { RecordRun } from '../tracking/index.js';
import { explainModel } from '../explain/index.js';
import { evaluate, type EvaluateOptions, type EvaluationResult } from './evaluate.js';
import { modelLabel, type Recording } from './gates/gate-service.js';

export interface EvaluationRequest {
  /** What to evaluate; `model` is a path or a `models:/` reference (instead of `modelPath`). */
  readonly options: Omit<EvaluateOptions, 'modelPath'> & { readonly model?: string | undefined; /** Add the global SHAP ranking. */ readonly explain?: boolean | undefined };
  readonly resolveModel: ResolveModel;
  /** Records the result as a run; omitted where there is no tracking (outside a workspace). */
  readonly recordRun?: RecordRun | undefined;
}

export interface EvaluationOutcome {
  readonly result: EvaluationResult;
  /** The model evaluated, as resolved (undefined for predictions made elsewhere). */
  readonly model: ResolvedModel | undefined;
  readonly recorded: Recording;
}

export async function evaluateModel({ options, resolveModel, recordRun }: EvaluationRequest): Promise<EvaluationOutcome> {
  const model = options.model === undefined ? undefined : await resolveModel(options.model);
  const evaluated = await evaluate({ ...options, modelPath: model && resolve(model.path) });
  const result = options.explain && model && options.dataPath ? { ...evaluated, explanation: await globalExplanation(resolve(model.path), model.label, options.dataPath, [options.target, ...(options.exclude ?? []), ...(options.sensitive ?? [])]) } : evaluated;
  if (!recordRun) return { result, model, recorded: undefined };
  const data = options.dataPath ?? options.predictionsPath!;
  try {
    const runId = await recordRun({
      kind: 'eval',
      name: `eval ${options.model === undefined ? 'predictions' : modelLabel(options.model)} on ${basename(data)}`,
      params: {
        model: options.model,
        predictions: options.predictionsPath,
        data: options.dataPath,
        target: options.target,
        task: result.task,
        threshold: result.threshold,
        positive_class: result.positive_class,
      },
      metrics: result.metrics,
      data: [{ path: data, context: 'evaluation' }],
      models: { model: model?.path },
    });
    return { result, model, recorded: { runId } };
  } catch (error) {
    return { result, model, recorded: { error: error instanceof Error ? error.message : String(error) } };
  }
}

/** Rows explained for `--explain`: enough for a stable mean |SHAP|, bounded in time. */
const EXPLAINED_ROWS = 1000;

async function globalExplanation(modelPath: string, label: string, dataPath: string, exclude: readonly string[]): Promise<NonNullable<EvaluationResult['explanation']>> {
  const explanation = await explainModel({ modelPath, modelLabel: label, dataPath, exclude, rows: EXPLAINED_ROWS });
  return { method: explanation.method, space: explanation.space, rows: explanation.rows, ranking: explanation.ranking.map((item) => ({ feature: item.feature, mean_abs_shap: item.overall })) };
}
