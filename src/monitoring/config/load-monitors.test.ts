/**
 * Loading the `monitor:` section of sluice.yaml: the shape a user writes is accepted with its
 * defaults, and each mistake is reported at its line with what to write instead.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AppError } from '../../core/index.js';
import { findMonitor, parseMonitors } from './load-monitors.js';

const DEPLOY = `deploy:
  production:
    model: breast-cancer
    port: 8080
`;

const VALID = `${DEPLOY}monitor:
  production:
    window: {every: 500 predictions, min_rows: 100}
    reference: lineage
    checks:
      data_drift: {method: auto, drift_share: 0.5}
      prediction_drift: {method: psi, threshold: 0.2}
      performance: {metric: accuracy, min: 0.9, min_labels: 50}
      data_quality: {max_missing_share: 0.05}
    alerts:
      - name: drift
        when: data_drift.dataset_drift
        severity: warning
        cooldown: 1h
        notify: [{webhook: "http://127.0.0.1:9000/hook"}, {email: "ml-team@example.com"}]
        actions: [{incident: {file: incidents/drift.md}}]
      - name: accuracy-drop
        when: performance.accuracy < 0.9
        severity: critical
        actions: [rollback]
`;

function failure(text: string): AppError {
  try {
    parseMonitors(text);
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected the file to be refused');
}

function monitorWith(body: string): string {
  return `${DEPLOY}monitor:\n  production:\n${body}`;
}

describe('the monitor: section', () => {
  test('the issue\'s example loads, with windows, references, durations and conditions parsed', () => {
    const monitor = findMonitor(parseMonitors(VALID), 'production');
    assert.deepEqual(monitor.window, { every: { kind: 'predictions', count: 500 }, min_rows: 100, rescore_within: 86_400_000 });
    assert.equal(monitor.reference, 'lineage');
    assert.equal(monitor.alerts[0]!.cooldown, 3_600_000);
    assert.deepEqual(monitor.alerts[1]!.actions, ['rollback']);
    assert.equal(monitor.alerts[0]!.condition.evaluateWith({ data_drift: { dataset_drift: true } }), true);
    assert.equal(monitor.alerts[1]!.condition.evaluateWith({ performance: { accuracy: 0.95 } }), false);
  });

  test('a window can be a duration, and the reference a file', () => {
    const monitor = findMonitor(parseMonitors(monitorWith('    window: {every: 10m}\n    reference: data/reference.csv\n    checks: {data_drift: {}}\n')), 'production');
    assert.deepEqual(monitor.window.every, { kind: 'time', ms: 600_000 });
    assert.equal(monitor.window.min_rows, 100);
    assert.deepEqual(monitor.reference, { path: 'data/reference.csv' });
  });

  test('no section means no monitors', () => {
    assert.equal(parseMonitors(DEPLOY).monitors.size, 0);
  });

  test('a monitor must watch a declared environment, with a suggestion', () => {
    const error = failure(`${DEPLOY}monitor:\n  prodution:\n    window: {every: 100}\n    checks: {data_drift: {}}\n`);
    assert.equal(error.code, 'SLUICE_MONITOR_UNKNOWN_ENVIRONMENT');
    assert.match(error.toUserMessage(), /production/);
    assert.equal(error.location?.line, 6);
  });

  test('a window that is neither a count nor a duration is refused at its line', () => {
    const error = failure(monitorWith('    window: {every: often}\n    checks: {data_drift: {}}\n'));
    assert.match(error.toUserMessage(), /"often" is not a window/);
    assert.equal(error.location?.line, 7);
  });

  test('a performance metric evaluation does not compute is refused with a suggestion', () => {
    const error = failure(monitorWith('    window: {every: 100}\n    checks: {performance: {metric: acuracy, min: 0.9}}\n'));
    assert.equal(error.code, 'SLUICE_MONITOR_UNKNOWN_METRIC');
    assert.match(error.toUserMessage(), /accuracy/);
  });

  test('an alert condition naming a check the monitor does not run is refused', () => {
    const error = failure(monitorWith('    window: {every: 100}\n    checks: {data_drift: {}}\n    alerts:\n      - {name: slow, when: performance.value < 0.9}\n'));
    assert.equal(error.code, 'SLUICE_MONITOR_INVALID_CONDITION');
    assert.match(error.toUserMessage(), /names "performance"; a condition can only use data_drift/);
    assert.equal(error.location?.line, 10);
  });

  test('an alert condition naming a value its check does not give is refused, with the closest one', () => {
    const error = failure(monitorWith('    window: {every: 100}\n    checks: {data_drift: {}, performance: {metric: accuracy}}\n    alerts:\n      - {name: drop, when: performance.acuracy < 0.9}\n'));
    assert.equal(error.code, 'SLUICE_MONITOR_INVALID_CONDITION');
    assert.match(error.toUserMessage(), /names "performance\.acuracy", which performance does not give \(did you mean performance\.accuracy\?\)/);
    assert.equal(error.location?.line, 10);
    const drift = failure(monitorWith('    window: {every: 100}\n    checks: {data_drift: {}}\n    alerts:\n      - {name: drift, when: data_drift.datset_drift}\n'));
    assert.match(drift.toUserMessage(), /did you mean data_drift\.dataset_drift\?/);
  });

  test('a misspelt key inside an entry of several forms gets its did-you-mean', () => {
    const reference = failure(monitorWith('    window: {every: 100}\n    reference: {pth: x.csv}\n    checks: {data_drift: {}}\n'));
    assert.match(reference.toUserMessage(), /unknown key "pth"\. Did you mean "path"\?/);
    const action = failure(monitorWith('    window: {every: 100}\n    checks: {data_drift: {}}\n    alerts:\n      - {name: a, when: data_drift.dataset_drift, actions: [{retrian: {then: deploy}}]}\n'));
    assert.match(action.toUserMessage(), /unknown key "retrian"\. Did you mean "retrain"\?/);
  });

  test('two alert rules of one monitor with the same name are refused at the second', () => {
    const error = failure(monitorWith('    window: {every: 100}\n    checks: {data_drift: {}}\n    alerts:\n      - {name: drift, when: data_drift.dataset_drift}\n      - {name: drift, when: data_drift.drift_share > 0.5}\n'));
    assert.equal(error.code, 'SLUICE_MONITOR_DUPLICATE_ALERT');
    assert.match(error.toUserMessage(), /two alert rules named "drift"/);
    assert.equal(error.location?.line, 11);
  });

  test('windows, re-scoring and cool-downs can be counted in days', () => {
    const config = parseMonitors(monitorWith('    window: {every: 1d, min_rows: 10, rescore_within: 2d}\n    checks: {data_drift: {}}\n    alerts:\n      - {name: drift, when: data_drift.dataset_drift, cooldown: 1d}\n'));
    const monitor = config.monitors.get('production')!;
    assert.deepEqual(monitor.window.every, { kind: 'time', ms: 86_400_000 });
    assert.equal(monitor.alerts[0]!.cooldown, 86_400_000);
  });

  test('every check of the issue loads, slo and concept_drift included', () => {
    const config = parseMonitors(monitorWith('    window: {every: 100}\n    checks: {slo: {p99_ms: 50, error_rate: 0.01}, concept_drift: {metric: accuracy}}\n    alerts:\n      - {name: slow, when: slo.p99_ms > 50 or concept_drift.drifted}\n'));
    const monitor = [...config.monitors.values()][0]!;
    assert.deepEqual(monitor.checks.slo, { p99_ms: 50, error_rate: 0.01 });
    assert.deepEqual(monitor.checks.concept_drift, { metric: 'accuracy', alpha: 0.05, min_labels: 50 });
  });

  test('the retrain action is refused without a gates: section to gate the retrained model with', () => {
    const error = failure(monitorWith('    window: {every: 100}\n    checks: {data_drift: {}}\n    alerts:\n      - {name: d, when: data_drift.dataset_drift, actions: [retrain]}\n'));
    assert.equal(error.code, 'SLUICE_MONITOR_ACTION_NOT_AVAILABLE');
    assert.match(error.message, /gates: section/);
  });

  test('a monitor without checks is refused', () => {
    assert.equal(failure(monitorWith('    window: {every: 100}\n    checks: {}\n')).code, 'SLUICE_MONITOR_NO_CHECKS');
  });

  test('an unknown notify channel is refused with the channels that exist', () => {
    const error = failure(monitorWith('    window: {every: 100}\n    checks: {data_drift: {}}\n    alerts:\n      - {name: d, when: data_drift.dataset_drift, notify: [{pager: x}]}\n'));
    assert.match(error.toUserMessage(), /unknown key "pager". Allowed keys: webhook, slack, email/);
  });
});
