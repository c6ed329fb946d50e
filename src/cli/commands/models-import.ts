/** `sluice models import xgboost FILE --out model.onnx`: an XGBoost booster's JSON as an ONNX model. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { importXgboost } from '../../import/index.js';
import { invalidOption } from '../errors.js';
import { parseOptions } from '../options.js';
import { printJson } from '../output.js';
import type { CliOutput } from '../output.js';

const importSchema = z.object({
  out: z.string({ error: 'is required: where to write the ONNX model (e.g. --out model.onnx)' }).min(1),
  featureNames: z
    .string()
    .transform((text) => text.split(',').map((name) => name.trim()))
    .refine((names) => names.every((name) => name.length > 0), { error: 'must be comma-separated names, none empty' })
    .optional(),
  json: z.boolean().default(false),
});

export async function modelsImportXgboostCommand(file: string, rawOptions: unknown, version: string, output: CliOutput): Promise<number> {
  const options = parseOptions(importSchema, rawOptions, 'models import xgboost');
  const imported = await importXgboost({ file, out: resolve(options.out), featureNames: options.featureNames, producerVersion: version });
  const summary = {
    out: options.out,
    objective: imported.objective,
    task: imported.task,
    trees: imported.trees,
    features: imported.featureNames.length,
    classes: imported.classes ?? null,
    base_margin: imported.baseMargin,
  };
  if (options.json) {
    printJson(output, summary);
    return 0;
  }
  output.stdout.write(
    `Imported ${file} (XGBoost ${imported.objective}, ${imported.trees} trees, ${imported.featureNames.length} features) as ${options.out}\n` +
      `  inputs: one float column per feature (${imported.featureNames.slice(0, 4).join(', ')}${imported.featureNames.length > 4 ? ', …' : ''}); output: ${imported.task === 'regression' ? 'predictions' : `probabilities of ${imported.classes!.join(', ')}`}\n` +
      `  register it with \`sluice models register ${options.out} --name NAME\`, or score it with \`sluice eval --model ${options.out} --data FILE --target COL\`\n`,
  );
  return 0;
}

const FORMATS = ['xgboost'] as const;

/** `sluice models import FORMAT FILE`: dispatches on the format. */
export async function modelsImportCommand(format: string, file: string, rawOptions: unknown, version: string, output: CliOutput): Promise<number> {
  const parsed = z.enum(FORMATS).safeParse(format.toLowerCase());
  if (!parsed.success) throw invalidOption({ command: 'models import', problem: `the format ${JSON.stringify(format)} is not one Sluice imports; use ${FORMATS.join(' or ')}` });
  return modelsImportXgboostCommand(file, rawOptions, version, output);
}
