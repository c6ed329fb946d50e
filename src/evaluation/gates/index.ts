/** Quality gates: rules with MLflow MetricThreshold semantics, checked on candidate and baseline. */
export { runGate, type GateIntervals, type GateModel, type GateReport, type GateSide, type RunGateInput } from './run-gate.js';
export { gate, type GateOutcome, type GateRequest, type Recording } from './gate-service.js';
export { checkRule, describeRule, type RuleVerdict, type SignificanceResult } from './rules.js';
export { gateConfigSchema, gateRuleSchema, type GateConfig, type GateRule } from './schema.js';
export { isSingleGateSet, loadGateConfig, type LoadedGateConfig } from './load-gate-config.js';
export { greaterIsBetter } from './metric-direction.js';
export { gateFailed, gateSetNotFound, gateSetRequired, gatesNotConfigured, unknownGateMetric } from './errors.js';
