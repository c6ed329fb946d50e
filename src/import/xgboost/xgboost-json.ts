/**
 * The JSON an XGBoost booster saves (`save_model("model.json")`, schema in XGBoost's
 * doc/model.schema), validated at the boundary: only the fields the converter reads. XGBoost
 * writes numeric parameters as strings ("5E-1") and node arrays as parallel lists.
 */
import { z } from 'zod';

const numericString = z.union([z.string(), z.number()]).transform((value, context) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) {
    context.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(value)} is not a number` });
    return z.NEVER;
  }
  return parsed;
});

/**
 * `base_score`: a number as a string ("5E-1"), or since XGBoost 3.1 a vector of them ("[5E-1]",
 * one per output). One value, or the same for every output, is the model's base score.
 */
const baseScore = z.union([z.string(), z.number()]).transform((value, context) => {
  const listed = typeof value === 'string' ? /^\s*\[(.*)\]\s*$/.exec(value)?.[1] : undefined;
  const values = (listed === undefined ? [value] : listed.split(',')).map((item) => (typeof item === 'string' && item.trim() === '' ? Number.NaN : Number(item)));
  if (values.length === 0 || !values.every(Number.isFinite)) {
    context.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(value)} is not a number or a list of numbers` });
    return z.NEVER;
  }
  if (values.some((item) => item !== values[0])) {
    context.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(value)} gives each output its own base score, which Sluice's converter does not support yet (one base score for all outputs)` });
    return z.NEVER;
  }
  return values[0]!;
});

const intList = z.array(z.number().int());

export const xgboostTreeSchema = z.object({
  left_children: intList,
  right_children: intList,
  split_indices: intList,
  split_conditions: z.array(z.number()),
  default_left: z.array(z.union([z.number(), z.boolean()]).transform((value) => Boolean(value))),
  sum_hessian: z.array(z.number()),
  split_type: intList.optional(),
  categories_nodes: intList.optional(),
});
export type XgboostTree = z.infer<typeof xgboostTreeSchema>;

export const xgboostModelSchema = z.object({
  version: z.array(z.number().int()).optional(),
  learner: z.object({
    feature_names: z.array(z.string()).optional(),
    feature_types: z.array(z.string()).optional(),
    learner_model_param: z.object({
      base_score: baseScore,
      num_class: numericString.optional().transform((value) => value ?? 0),
      num_feature: numericString,
    }),
    objective: z.object({ name: z.string() }),
    gradient_booster: z.object({
      name: z.string(),
      model: z
        .object({
          trees: z.array(xgboostTreeSchema),
          tree_info: intList,
          gbtree_model_param: z.object({ num_parallel_tree: numericString.optional() }).optional(),
        })
        .optional(),
      gbtree: z.object({ model: z.object({ trees: z.array(xgboostTreeSchema), tree_info: intList }) }).optional(),
      weight_drop: z.array(z.number()).optional(),
    }),
  }),
});
export type XgboostModel = z.infer<typeof xgboostModelSchema>;
