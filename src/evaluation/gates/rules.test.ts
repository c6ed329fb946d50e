/** Gate rules, including every MLflow MetricThreshold edge case. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkRule, type GateRule } from '../index.js';

const withBaseline = { hasBaseline: true };
const check = (rule: GateRule, candidate: number, baseline?: number, options = withBaseline) => checkRule(rule, candidate, baseline, options);

describe('MLflow MetricThreshold semantics', () => {
  test('threshold: equality passes, in either direction', () => {
    assert.equal(check({ metric: 'roc_auc', threshold: 0.9 }, 0.9).passed, true);
    assert.equal(check({ metric: 'roc_auc', threshold: 0.9 }, 0.8999).passed, false);
    assert.equal(check({ metric: 'log_loss', threshold: 0.3 }, 0.3).passed, true);
    assert.equal(check({ metric: 'log_loss', threshold: 0.3 }, 0.3001).passed, false);
  });

  test('min_absolute_change: exactly baseline + change passes; lower-is-better subtracts', () => {
    assert.equal(check({ metric: 'f1', min_absolute_change: 0.25 }, 0.75, 0.5).passed, true);
    assert.equal(check({ metric: 'f1', min_absolute_change: 0.25 }, 0.7499, 0.5).passed, false);
    assert.equal(check({ metric: 'log_loss', min_absolute_change: 0.125 }, 0.375, 0.5).passed, true);
    assert.equal(check({ metric: 'log_loss', min_absolute_change: 0.125 }, 0.38, 0.5).passed, false);
  });

  test('min_relative_change: (candidate − baseline)/baseline, reversed when lower is better', () => {
    assert.equal(check({ metric: 'accuracy', min_relative_change: 0.25 }, 0.625, 0.5).passed, true);
    assert.equal(check({ metric: 'accuracy', min_relative_change: 0.26 }, 0.625, 0.5).passed, false);
    assert.equal(check({ metric: 'mse', min_relative_change: 0.5 }, 1, 2).passed, true);
    assert.equal(check({ metric: 'mse', min_relative_change: 0.5 }, 1.01, 2).passed, false);
  });

  test('min_relative_change with a zero baseline needs a strictly better candidate (by 1e-10)', () => {
    assert.equal(check({ metric: 'accuracy', min_relative_change: 0.1 }, 0, 0).passed, false);
    assert.equal(check({ metric: 'accuracy', min_relative_change: 0.1 }, 1e-10, 0).passed, true);
    assert.equal(check({ metric: 'mae', min_relative_change: 0.1 }, 0, 0).passed, false);
    assert.equal(check({ metric: 'mae', min_relative_change: 0.1 }, -1e-10, 0).passed, true);
  });

  test('greater_is_better overrides the known direction', () => {
    assert.equal(check({ metric: 'log_loss', threshold: 0.5, greater_is_better: true }, 0.6).passed, true);
  });

  test('a comparison against a baseline that lacks the metric fails, as in MLflow', () => {
    const verdict = check({ metric: 'f1', min_absolute_change: 0.01 }, 0.9, undefined);
    assert.equal(verdict.passed, false);
    assert.match(verdict.failures[0]!, /missing from the baseline/);
  });
});

describe('Sluice rules', () => {
  test('min and max are plain bounds whatever the direction', () => {
    assert.equal(check({ metric: 'latency_p99_ms', max: 5 }, 5).passed, true);
    assert.equal(check({ metric: 'latency_p99_ms', max: 5 }, 5.01).passed, false);
    assert.equal(check({ metric: 'roc_auc', min: 0.95 }, 0.94).passed, false);
  });

  test('max_regression allows exactly the stated loss and no more', () => {
    assert.equal(check({ metric: 'f1', max_regression: 0.25 }, 0.25, 0.5).passed, true);
    assert.equal(check({ metric: 'f1', max_regression: 0.25 }, 0.2499, 0.5).passed, false);
    assert.equal(check({ metric: 'log_loss', max_regression: 0.25 }, 0.75, 0.5).passed, true);
  });

  test('max_relative_regression is a fraction of the baseline', () => {
    assert.equal(check({ metric: 'accuracy', max_relative_regression: 0.5 }, 0.25, 0.5).passed, true);
    assert.equal(check({ metric: 'accuracy', max_relative_regression: 0.5 }, 0.24, 0.5).passed, false);
  });

  test('without a baseline, comparisons are skipped with a note and absolute bounds still apply', () => {
    const verdict = checkRule({ metric: 'f1', min: 0.5, max_regression: 0.01 }, 0.6, undefined, { hasBaseline: false });
    assert.equal(verdict.passed, true);
    assert.match(verdict.notes[0]!, /no baseline: max_regression not checked/);
    assert.equal(checkRule({ metric: 'f1', min: 0.7, max_regression: 0.01 }, 0.6, undefined, { hasBaseline: false }).passed, false);
  });

  test('significance fails when the paired bootstrap p-value reaches the level', () => {
    const rule: GateRule = { metric: 'roc_auc', significance: 0.05 };
    assert.equal(checkRule(rule, 0.9, 0.89, { hasBaseline: true, significance: { pValue: 0.2, interval: [-0.01, 0.03] } }).passed, false);
    assert.equal(checkRule(rule, 0.9, 0.89, { hasBaseline: true, significance: { pValue: 0.01, interval: [0.002, 0.03] } }).passed, true);
  });
});
