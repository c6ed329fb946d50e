/** Explanations of models (SHAP): exact for trees and linear models, KernelSHAP otherwise. */
export { DEFAULT_BACKGROUND, EXPLAIN_METHODS, explainModel, type ExplainOptions, type MethodChoice } from './explain-service.js';
export type { ExplainMethod, Explanation, FeatureImportance } from './explanation.js';
export * from './errors.js';
export { explanationToJson, type ExplanationJson } from './explanation-json.js';
