/** Errors of `sluice deploy --target k8s`: what cannot be expressed as Argo Rollouts and KServe objects. */
import { defineError } from '../../core/index.js';

export const strategyNotTranslatable = defineError<{ environment: string; strategy: string }>('SLUICE_DEPLOY_K8S_STRATEGY_UNSUPPORTED', {
  kind: 'invalid_input',
  description: 'The environment\'s strategy (shadow or ab) has no Argo Rollouts equivalent without a traffic router, so no Kubernetes manifests are written for it.',
  message: ({ environment, strategy }) => `The ${strategy} strategy of environment "${environment}" cannot be written as an Argo Rollout.`,
  hint: () =>
    'Argo Rollouts mirrors traffic and routes by header only through a traffic router (Istio and similar); use strategy canary or blueGreen in sluice.yaml for --target k8s, ' +
    'or run the environment with `sluice serve --env`, which routes shadow and A/B traffic itself.',
});
