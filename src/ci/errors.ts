/** Errors of `sluice ci`: its own inputs, and configuration it cannot run with (exit 2). A blocked change is a result, not an error. */
import { defineError } from '../core/index.js';

export const invalidJUnitReport = defineError<{ path: string; stage: string; problem: string }>('SLUICE_CI_BAD_JUNIT', {
  kind: 'invalid_input',
  description: 'The JUnit XML report a tests stage names is not a JUnit report (not XML, or no `<testsuites>`/`<testsuite>` root).',
  message: ({ path, stage, problem }) => `The JUnit report ${path} of the tests stage "${stage}" cannot be read: ${problem}.`,
  hint: ({ path }) =>
    `Check that the test command writes JUnit XML to ${path} (pytest --junitxml=${path}, node --test --test-reporter=junit --test-reporter-destination=${path}, jest-junit), or remove \`junit\` from the stage.`,
});

export const invalidCiTrigger = defineError<{ value: string; allowed: readonly string[] }>('SLUICE_CI_INVALID_TRIGGER', {
  kind: 'invalid_input',
  description: 'SLUICE_CI_TRIGGER, which says why `sluice ci` ran (recorded with the run), holds a value Sluice does not know.',
  message: ({ value, allowed }) => `SLUICE_CI_TRIGGER is "${value}", which is not one of ${allowed.join(', ')}.`,
  hint: ({ allowed }) => `Set SLUICE_CI_TRIGGER to ${allowed.join(', ')}, or unset it (a run without it is recorded without a trigger).`,
});

export const ciModelNameUnknown = defineError<{ baseline: string | undefined }>('SLUICE_CI_MODEL_NAME_UNKNOWN', {
  kind: 'invalid_input',
  description: '`sluice ci` registers the candidate that passes the gate, but neither the gates baseline (a models:/ reference) nor --model names the registered model.',
  message: ({ baseline }) =>
    baseline === undefined
      ? 'The gates section has no baseline, so `sluice ci` does not know which registered model the candidate is a version of.'
      : `The gates baseline "${baseline}" is a file, not a models:/ reference, so \`sluice ci\` does not know which registered model the candidate is a version of.`,
  hint: () => 'Pass --model NAME, or make the baseline the production alias (baseline: models:/NAME@champion).',
});

export const ciGateStageAmbiguous = defineError<{ stages: readonly string[] }>('SLUICE_CI_GATE_AMBIGUOUS', {
  kind: 'invalid_input',
  description: 'The pipeline has several `uses: gate` stages and `sluice ci` was not told which gate set decides.',
  message: ({ stages }) => `The pipeline has ${stages.length} gate stages (${stages.join(', ')}): \`sluice ci\` does not know which one decides.`,
  hint: () => 'Name the gate set with `sluice ci --gate NAME` (its key under gates: in sluice.yaml).',
});

export const ciInterrupted = defineError<{ step: string }>('SLUICE_CI_INTERRUPTED', {
  kind: 'check_failed',
  description: '`sluice ci` was interrupted (Ctrl-C, SIGTERM, a CI system cancelling the job): no verdict is reported, recorded or posted, and the command exits 130.',
  message: ({ step }) => `Interrupted during the ${step} step: no verdict was reached, so nothing was reported, posted or registered after it.`,
  hint: () => 'Run `sluice ci` again; finished stages are recorded and will not rerun. The run is recorded as KILLED.',
});
