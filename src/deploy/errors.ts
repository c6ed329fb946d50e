/**
 * Errors of environments and rollouts: the `deploy:` section of sluice.yaml, `sluice deploy` and
 * `sluice rollout`. Packaging's errors are in `package/errors.ts`.
 */
import { defineError } from '../core/index.js';

export const environmentNotFound = defineError<{ name: string; declared: readonly string[]; suggestion: string }>('SLUICE_DEPLOY_ENVIRONMENT_NOT_FOUND', {
  kind: 'not_found',
  description: 'The environment named with --env is not declared under `deploy:` in sluice.yaml.',
  message: ({ name, declared }) =>
    declared.length === 0 ? `sluice.yaml declares no environments, so there is no "${name}".` : `sluice.yaml declares no environment "${name}" (it declares ${declared.join(', ')}).`,
  hint: ({ declared, suggestion, name }) =>
    declared.length === 0
      ? `Add one under deploy:, like\n  deploy:\n    ${name}:\n      model: my-model\n      port: 8080`
      : `${String(suggestion).trim()}${String(suggestion).trim() ? ' ' : ''}Pass one of the declared names with --env, or declare "${name}" under deploy: in sluice.yaml.`,
});

export const invalidCondition = defineError<{ metric: string; problem: string }>('SLUICE_DEPLOY_INVALID_CONDITION', {
  kind: 'invalid_input',
  description: 'A successCondition or failureCondition of an analysis metric cannot be parsed.',
  message: ({ metric, problem }) => `The condition of analysis metric "${metric}" is not valid: ${problem}.`,
  hint: () => 'Write an expression over result, like result >= 0.95, result < 0.01 or len(result) > 0 && result[0] < 0.05.',
});

export const unknownFeedbackMetric = defineError<{ metric: string; suggestion: string }>('SLUICE_DEPLOY_UNKNOWN_METRIC', {
  kind: 'invalid_input',
  description: 'A feedback provider names a metric the evaluation module does not compute.',
  message: ({ metric, suggestion }) => `The feedback provider cannot measure "${metric}": it is not an evaluation metric.${suggestion}`,
  hint: () => 'Name one of the metrics listed in docs/metrics.md, like accuracy, f1, roc_auc, rmse or mae.',
});

export const startingStepOutOfRange = defineError<{ startingStep: number; steps: number }>('SLUICE_DEPLOY_STARTING_STEP_OUT_OF_RANGE', {
  kind: 'invalid_input',
  description: 'A canary\'s background analysis starts at a step the canary does not have.',
  message: ({ startingStep, steps }) => `analysis.startingStep is ${startingStep}, but the canary has ${steps} step${steps === 1 ? '' : 's'} (numbered from 0).`,
  hint: ({ steps }) => `Set startingStep to the index of one of the ${steps} steps (0 is the first, ${steps} - 1 the last), or add steps.`,
});

export const duplicateAnalysisMetric = defineError<{ name: string }>('SLUICE_DEPLOY_DUPLICATE_METRIC', {
  kind: 'invalid_input',
  description: 'Two metrics of one analysis have the same name.',
  message: ({ name }) => `Two metrics of this analysis are named "${name}".`,
  hint: () => 'Give each metric of an analysis its own name: results and alerts are reported by name.',
});

export const strategyNotConfigured = defineError<{ environment: string; kind: string }>('SLUICE_DEPLOY_STRATEGY_NOT_CONFIGURED', {
  kind: 'invalid_input',
  description: '`sluice deploy --strategy canary` was asked of an environment whose sluice.yaml gives no canary steps.',
  message: ({ environment, kind }) => `Environment "${environment}" has no ${kind} configuration to run.`,
  hint: ({ environment }) => `Declare it under deploy: ${environment}: strategy: canary: steps: [...] in sluice.yaml, or pick --strategy direct, bluegreen, shadow or ab (their defaults need no configuration).`,
});

export const wrongModel = defineError<{ environment: string; expected: string; given: string }>('SLUICE_DEPLOY_WRONG_MODEL', {
  kind: 'invalid_input',
  description: 'The model reference given to `sluice deploy` names another registered model than the environment serves.',
  message: ({ environment, expected, given }) => `Environment "${environment}" serves registered model "${expected}", not "${given}".`,
  hint: ({ expected }) => `Deploy a version of ${expected}, like models:/${expected}/3 or models:/${expected}@challenger, or change the environment's model in sluice.yaml.`,
});

export const alreadyServing = defineError<{ environment: string; version: number }>('SLUICE_DEPLOY_ALREADY_SERVING', {
  kind: 'conflict',
  description: 'The version given to `sluice deploy` is the one the environment already serves.',
  message: ({ environment, version }) => `Environment "${environment}" already serves version ${version}: there is nothing to roll out.`,
  hint: ({ environment }) => `Deploy another version, or see what is served with \`sluice rollout status --env ${environment}\`.`,
});

export const rolloutInProgress = defineError<{ environment: string; version: number; phase: string }>('SLUICE_DEPLOY_ROLLOUT_IN_PROGRESS', {
  kind: 'conflict',
  description: 'A rollout to the environment is still in progress when another `sluice deploy` asks for one.',
  message: ({ environment, version, phase }) => `A rollout of version ${version} to "${environment}" is in progress (${phase}).`,
  hint: ({ environment }) =>
    `Wait for it (sluice rollout status --env ${environment}), promote or abort it (sluice rollout promote|abort --env ${environment}), or pass --force, which aborts the first rollout and starts this one.`,
});

export const noRollout = defineError<{ environment: string }>('SLUICE_DEPLOY_NO_ROLLOUT', {
  kind: 'not_found',
  description: 'The environment has never had a rollout, so there is nothing to show, promote, abort or roll back.',
  message: ({ environment }) => `Environment "${environment}" has had no rollout yet.`,
  hint: ({ environment }) => `Start one with \`sluice deploy models:/MODEL/VERSION --env ${environment}\`.`,
});

export const rolloutNotActive = defineError<{ environment: string; action: string; phase: string }>('SLUICE_DEPLOY_ROLLOUT_NOT_ACTIVE', {
  kind: 'conflict',
  description: 'promote or abort was asked of an environment whose last rollout has already finished.',
  message: ({ environment, action, phase }) => `Cannot ${action} in "${environment}": its last rollout is ${phase}, not in progress.`,
  hint: ({ environment }) => `See it with \`sluice rollout status --env ${environment}\`; \`sluice rollout rollback --env ${environment}\` switches back to the previous stable version.`,
});

export const nothingToRollBack = defineError<{ environment: string; reason: string }>('SLUICE_DEPLOY_NOTHING_TO_ROLL_BACK', {
  kind: 'conflict',
  description: 'rollback was asked of an environment that has no earlier stable version to go back to.',
  message: ({ environment, reason }) => `Cannot roll back "${environment}": ${reason}.`,
  hint: ({ environment }) => `See its history with \`sluice rollout history --env ${environment}\`, or deploy the version you want with \`sluice deploy\`.`,
});

export const concurrentRolloutUpdate = defineError<{ environment: string }>('SLUICE_DEPLOY_CONCURRENT_UPDATE', {
  kind: 'conflict',
  description: 'The rollout kept changing under this command (another process updated it each time it tried).',
  message: ({ environment }) => `The rollout of "${environment}" was changed by another process while this command updated it.`,
  hint: ({ environment }) => `Run the command again; \`sluice rollout status --env ${environment}\` shows where the rollout is.`,
});

export const environmentHasNoVersion = defineError<{ environment: string; model: string; alias: string }>('SLUICE_DEPLOY_ENVIRONMENT_EMPTY', {
  kind: 'not_found',
  description: '`sluice serve --env` was asked to serve an environment that has no version yet: no rollout ever reached it and its alias names no version.',
  message: ({ environment, model, alias }) => `Environment "${environment}" has nothing to serve yet: no rollout reached it and models:/${model}@${alias} names no version.`,
  hint: ({ environment, model, alias }) => `Deploy a version first (\`sluice deploy models:/${model}/1 --env ${environment}\`), or set the alias (\`sluice models alias ${model} ${alias} 1\`).`,
});

export const rolloutVersionGone = defineError<{ environment: string; model: string; version: number }>('SLUICE_DEPLOY_VERSION_GONE', {
  kind: 'conflict',
  description: 'A rollout step would point the environment at a model version that was deleted from the registry since the rollout began.',
  message: ({ environment, model, version }) => `The rollout of "${environment}" cannot move to models:/${model}/${version}: that version was deleted from the registry. Nothing was changed.`,
  hint: ({ environment }) => `Abort the rollout (\`sluice rollout abort --env ${environment}\`) and deploy a version that exists.`,
});

export const versionDeployed = defineError<{ target: string; uses: readonly string[] }>('SLUICE_DEPLOY_VERSION_IN_USE', {
  kind: 'conflict',
  description: 'A model version (or a model) to delete is what an environment serves, or the candidate of a rollout in progress.',
  message: ({ target, uses }) => `Not deleting ${target}: ${uses.join('; ')}.`,
  hint: () => 'Finish or abort the rollout first (`sluice rollout promote|abort --env NAME`), or deploy another version to the environment that serves it.',
});
