/** Errors of `sluice ci`'s own inputs. */
import { defineError } from '../core/index.js';

export const invalidJUnitReport = defineError<{ path: string; stage: string; problem: string }>('SLUICE_CI_BAD_JUNIT', {
  kind: 'invalid_input',
  description: 'The JUnit XML report a tests stage names is not a JUnit report (not XML, or no `<testsuites>`/`<testsuite>` root).',
  message: ({ path, stage, problem }) => `The JUnit report ${path} of the tests stage "${stage}" cannot be read: ${problem}.`,
  hint: ({ path }) =>
    `Check that the test command writes JUnit XML to ${path} (pytest --junitxml=${path}, node --test --test-reporter=junit --test-reporter-destination=${path}, jest-junit), or remove \`junit\` from the stage.`,
});
