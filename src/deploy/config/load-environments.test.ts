/**
 * Loading the `deploy:` section of sluice.yaml: what is accepted, and each mistake reported at
 * its line with what to write instead.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AppError } from '../../core/index.js';
import { findEnvironment, parseEnvironments } from './load-environments.js';

const VALID = `stages: {}
deploy:
  production:
    model: breast-cancer
    port: 8080
    strategy:
      canary:
        steps:
          - setWeight: 20
          - pause: {duration: 30s}
          - setWeight: 50
          - pause: {}
        analysis:
          startingStep: 0
          metrics:
            - name: live-accuracy
              interval: 10s
              successCondition: result >= 0.95
              provider:
                feedback: {metric: accuracy, minSamples: 50}
  staging:
    model: breast-cancer
    alias: candidate
    port: 8081
`;

/** The AppError `text` raises, for its code, location and message. */
function failure(text: string): AppError {
  try {
    parseEnvironments(text);
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected the file to be refused');
}

function withMetric(metric: string): string {
  return `deploy:
  production:
    model: m
    port: 8080
    strategy:
      shadow:
        analysis:
          metrics:
${metric}`;
}

describe('loading environments', () => {
  test('a canary environment loads with Argo field names, durations in milliseconds and alias defaulting to the name', () => {
    const production = findEnvironment(parseEnvironments(VALID), 'production');
    assert.equal(production.alias, 'production');
    assert.equal(production.strategy.kind, 'canary');
    assert.deepEqual(production.strategy.kind === 'canary' && production.strategy.steps[1], { pause: { duration: 30_000 } });
  });

  test('a declared alias is kept, and no strategy means direct', () => {
    const staging = findEnvironment(parseEnvironments(VALID), 'staging');
    assert.equal(staging.alias, 'candidate');
    assert.equal(staging.strategy.kind, 'direct');
  });

  test('a file without deploy: has no environments', () => {
    assert.equal(parseEnvironments('stages: {}\n').environments.size, 0);
  });

  test('an unknown environment is not found, with the declared ones and a did-you-mean', () => {
    let error: AppError | undefined;
    try {
      findEnvironment(parseEnvironments(VALID), 'prodution');
    } catch (caught) {
      error = caught as AppError;
    }
    assert.equal(error?.code, 'SLUICE_DEPLOY_ENVIRONMENT_NOT_FOUND');
    assert.equal(error?.exitCode, 2);
    assert.match(error?.toUserMessage() ?? '', /declares production, staging.*Did you mean "production"\?/s);
  });

  test('a malformed canary step is reported at its line, listing the step forms', () => {
    const error = failure(VALID.replace('- setWeight: 50', '- setWieght: 50'));
    assert.equal(error.code, 'SLUICE_CORE_INVALID_FILE');
    assert.equal(error.location?.line, 11);
    assert.match(error.message, /setWieght/);
  });

  test('a canary step with a bad value is reported as a bad value of its own key, never as an unknown key', () => {
    const weight = failure(VALID.replace('- setWeight: 50', '- setWeight: 50%'));
    assert.match(weight.message, /steps\.2\.setWeight/);
    assert.doesNotMatch(weight.message, /unknown key/);
    const pause = failure(VALID.replace('- pause: {duration: 30s}', '- pause: 30s'));
    assert.match(pause.message, /steps\.1\.pause/);
    assert.doesNotMatch(pause.message, /unknown key|Did you mean "pause"/);
  });

  test('a condition that does not parse is reported at its line with the parse message', () => {
    const error = failure(VALID.replace('result >= 0.95', 'result >= >= 0.95'));
    assert.equal(error.code, 'SLUICE_DEPLOY_INVALID_CONDITION');
    assert.equal(error.location?.line, 18);
    assert.match(error.message, /live-accuracy.*cannot parse/);
  });

  test('a condition naming anything but result is refused', () => {
    const error = failure(VALID.replace('result >= 0.95', 'accuracy >= 0.95'));
    assert.equal(error.code, 'SLUICE_DEPLOY_INVALID_CONDITION');
    assert.match(error.message, /can only use result/);
  });

  test('a feedback metric evaluation does not compute is refused at its line with a did-you-mean', () => {
    const error = failure(VALID.replace('metric: accuracy', 'metric: acuracy'));
    assert.equal(error.code, 'SLUICE_DEPLOY_UNKNOWN_METRIC');
    assert.equal(error.location?.line, 20);
    assert.match(error.message, /Did you mean "accuracy"\?/);
    assert.equal(error.exitCode, 2);
  });

  test('a background analysis starting beyond the steps is refused at startingStep', () => {
    const error = failure(VALID.replace('startingStep: 0', 'startingStep: 4'));
    assert.equal(error.code, 'SLUICE_DEPLOY_STARTING_STEP_OUT_OF_RANGE');
    assert.equal(error.location?.line, 14);
    assert.match(error.hint ?? '', /one of the 4 steps/);
  });

  test('two metrics of one analysis with the same name are refused at the second', () => {
    const metric = (line: string) => `            - name: errors\n              successCondition: ${line}\n              provider: {requests: {metric: error_rate}}\n`;
    const error = failure(withMetric(metric('result < 0.01') + metric('result < 0.02')));
    assert.equal(error.code, 'SLUICE_DEPLOY_DUPLICATE_METRIC');
    assert.equal(error.location?.line, 12);
  });

  test('an A/B match regex that does not compile is refused at its line', () => {
    const error = failure('deploy:\n  production:\n    model: m\n    port: 8080\n    strategy:\n      ab:\n        match: {header: x-arm, regex: "([a-z"}\n');
    assert.equal(error.code, 'SLUICE_CORE_INVALID_FILE');
    assert.equal(error.location?.line, 7);
    assert.match(error.message, /not a valid regular expression/);
  });

  test('an unknown strategy is refused with the strategy names', () => {
    const error = failure('deploy:\n  production:\n    model: m\n    port: 8080\n    strategy: {rolling: {}}\n');
    assert.equal(error.code, 'SLUICE_CORE_INVALID_FILE');
    assert.equal(error.location?.line, 5);
  });
});
