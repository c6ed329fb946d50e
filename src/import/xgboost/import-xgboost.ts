/**
 * `sluice models import xgboost`: reads a booster's JSON, validates it, converts it to ONNX and
 * writes the file atomically, then loads it in onnxruntime to be sure it runs.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { invalidModel, loadOnnxModel, writeCheckedModel } from '../../inference/index.js';
import { importFileUnreadable, importUnsupported } from '../errors.js';
import { convertXgboost, SUPPORTED_BOOSTERS, type ImportedXgboost } from './convert-xgboost.js';
import { xgboostModelSchema, type XgboostModel } from './xgboost-json.js';

/** Whether a file looks like an XGBoost JSON model (for `models register` to convert it on the way). */
export function isXgboostJson(path: string): boolean {
  if (!path.toLowerCase().endsWith('.json') || !existsSync(path)) return false;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { learner?: { gradient_booster?: unknown } };
    return typeof parsed.learner?.gradient_booster === 'object';
  } catch {
    return false;
  }
}

/** The booster in `file`, validated; a clear error naming the first field that does not fit. */
export function readXgboostModel(file: string): XgboostModel {
  if (!existsSync(file) || !statSync(file).isFile()) throw importFileUnreadable({ file, reason: 'no such file' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const binary = readFileSync(file).subarray(0, 1).toString() !== '{';
    throw importFileUnreadable({ file, reason: binary ? 'it is not JSON (XGBoost\'s binary or UBJSON format?)' : `it is not valid JSON (${(error as Error).message})` }, { cause: error });
  }
  // A linear booster has no trees: said by name rather than as the trees the schema misses.
  const booster = (parsed as { learner?: { gradient_booster?: { name?: unknown } } } | null)?.learner?.gradient_booster?.name;
  if (booster === 'gblinear') throw importUnsupported({ file, what: 'its booster is gblinear (a linear model, no trees)', supported: SUPPORTED_BOOSTERS });
  const result = xgboostModelSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw importFileUnreadable({ file, reason: `it is not an XGBoost model in JSON: ${issue.path.join('.') || 'the top level'} ${issue.message}` });
  }
  return result.data;
}

export interface ImportXgboostOptions {
  readonly file: string;
  readonly out: string;
  readonly featureNames?: readonly string[] | undefined;
  readonly producerVersion: string;
}

/** Converts `file` to `out` (written atomically) and checks that onnxruntime loads the result. */
export async function importXgboost(options: ImportXgboostOptions): Promise<ImportedXgboost & { readonly out: string }> {
  const imported = convertXgboost(readXgboostModel(options.file), { file: options.file, featureNames: options.featureNames, producerVersion: options.producerVersion });
  // A conversion onnxruntime refuses leaves --out as it was.
  await writeCheckedModel(options.out, imported.bytes, async (temp) => {
    let model;
    try {
      model = await loadOnnxModel(temp);
    } catch (error) {
      if (!invalidModel.is(error)) throw error;
      const reason = error.message.replace(`${temp} is not a loadable ONNX model: `, '').replace(/\.$/, '');
      throw invalidModel({ path: options.out, reason }, { cause: error, hint: `The XGBoost file ${options.file} converted, but onnxruntime refuses the result (a damaged model file?); ${options.out} was left as it was.` });
    }
    await model.release();
  });
  return { ...imported, out: options.out };
}
