/**
 * @module deploy
 * Getting a registered model into production. Today: packaging (`sluice package`), a Docker build
 * context for `sluice serve` with Kubernetes or KServe manifests. Environments, rollouts and
 * traffic routing grow here.
 */
export * from './package/index.js';
export * from './analysis/index.js';
export * from './kubernetes/index.js';
