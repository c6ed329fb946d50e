/**
 * The gate's rules on explanations (`explain: {top, forbid, require}`): the candidate's global
 * ranking (mean |SHAP| on the gate's data, by `sluice explain`'s method choice) must not have a
 * forbidden feature among its `top` most important, and must have every required one there. A
 * model that leans on a sensitive attribute is blocked even when its metrics look fine.
 */
import { closestMatch, didYouMean } from '../../core/index.js';
import { explainModel } from '../../explain/index.js';
import { unknownExplainFeature } from './errors.js';
import type { RuleVerdict } from './rules.js';
import type { GateConfig } from './schema.js';

/** Rows explained for the ranking: plenty for a stable mean |SHAP|, bounded in time. */
const EXPLAINED_ROWS = 1000;

export async function checkExplanationRule(rule: NonNullable<GateConfig['explain']>, input: { modelPath: string; label: string; dataPath: string; exclude: readonly string[] }): Promise<RuleVerdict> {
  const explanation = await explainModel({ modelPath: input.modelPath, modelLabel: input.label, dataPath: input.dataPath, exclude: input.exclude, rows: EXPLAINED_ROWS });
  const rank = new Map(explanation.ranking.map((item, index) => [item.feature, { place: index + 1, value: item.overall }]));
  const failures: string[] = [];
  const notes: string[] = [];
  const features = [...rank.keys()];
  // Forbidding a feature the model does not have is the outcome the rule allows (a sensitive
  // attribute it never saw), said in a note; one spelled close to a feature it has is a typo that
  // would let the rule pass, and is refused. A required feature must be one of the model's.
  for (const feature of rule.forbid ?? []) {
    const found = rank.get(feature);
    if (!found) {
      const meant = closestMatch(feature, features);
      if (meant !== undefined) throw unknownExplainFeature({ feature, list: 'forbid', features, suggestion: ` Did you mean "${meant}"?` });
      notes.push(`${feature} is not a feature of the model`);
    } else if (found.place <= rule.top) failures.push(`${feature} is #${found.place} of the most important features (mean |SHAP| ${found.value.toPrecision(3)}); it must not be in the top ${rule.top}`);
  }
  for (const feature of rule.require ?? []) {
    const found = rank.get(feature);
    if (!found) throw unknownExplainFeature({ feature, list: 'require', features, suggestion: didYouMean(feature, features) });
    if (found.place > rule.top) failures.push(`${feature} must be in the top ${rule.top} features, but is #${found.place}`);
  }
  const top = explanation.ranking.slice(0, rule.top).map((item) => item.feature);
  notes.push(`top ${rule.top} by mean |SHAP| (${explanation.method}): ${top.join(', ')}`);
  const written = [...(rule.forbid?.length ? [`forbid ${rule.forbid.join(', ')}`] : []), ...(rule.require?.length ? [`require ${rule.require.join(', ')}`] : [])].join('; ');
  return { metric: `explanation top ${rule.top}`, candidate: undefined, baseline: undefined, change: undefined, passed: failures.length === 0, failures, notes, rule: `${written} in the top ${rule.top}` };
}
