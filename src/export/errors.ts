/** Errors of `sluice export argo` and `sluice export k8s-worker`: what a cluster needs and the workspace does not say. */
import { defineError } from '../core/index.js';

export const notCommitted = defineError<{ root: string }>('SLUICE_EXPORT_NO_COMMIT', {
  kind: 'invalid_input',
  description: 'The workspace is not in a git repository with a commit, so there is no revision for the cluster to check out.',
  message: ({ root }) => `${root} has no git commit for the cluster to check out.`,
  hint: () => 'Commit the project (git init; git add -A; git commit) and push it where the cluster can clone it, then export again.',
});

export const noRepository = defineError<Record<string, never>>('SLUICE_EXPORT_NO_REPOSITORY', {
  kind: 'invalid_input',
  description: 'The git repository has no `origin` remote and no --repository was given, so the pods would not know what to clone.',
  message: () => 'The git repository has no "origin" remote to clone in the cluster.',
  hint: () => 'Pass --repository URL (e.g. https://github.com/acme/fraud.git), or add one with `git remote add origin URL`.',
});

export const repositoryUnusable = defineError<{ url: string; problem: string }>('SLUICE_EXPORT_BAD_REPOSITORY', {
  kind: 'invalid_input',
  description: 'The repository the pods would clone (--repository, or git\'s origin) is not a URL git can clone from inside a cluster.',
  message: ({ url, problem }) => `The pods cannot clone "${url}": ${problem}.`,
  hint: () => 'Pass --repository URL with a URL the cluster can reach (https://github.com/acme/fraud.git or git@github.com:acme/fraud.git).',
});

export const remoteUnusable = defineError<{ problem: string }>('SLUICE_EXPORT_REMOTE_UNUSABLE', {
  kind: 'invalid_input',
  description: "Pods of an Argo Workflow share no disk: each stage pulls its inputs from and pushes its outputs to the shared cache, an S3 remote in .sluice/config.yaml.",
  message: ({ problem }) => `No shared cache for the workflow's pods: ${problem}.`,
  hint: () => 'Add an S3 remote (`sluice remote add NAME s3://bucket/prefix --default`), or name one with --remote.',
});

export const invalidExportName = defineError<{ what: string; name: string; problem: string }>('SLUICE_EXPORT_INVALID_NAME', {
  kind: 'invalid_input',
  description: 'A name given to `sluice export` (--name, --namespace) is not a valid Kubernetes name.',
  message: ({ what, name, problem }) => `"${name}" cannot be the ${what}: ${problem}.`,
  hint: () => 'Use lowercase letters, digits and "-", starting with a letter and ending with a letter or digit, e.g. --name fraud-pipeline.',
});

export const invalidWorkerLabel = defineError<{ label: string; format: string }>('SLUICE_EXPORT_INVALID_LABEL', {
  kind: 'invalid_input',
  description: 'A worker label given to `sluice export k8s-worker --labels` is neither a name nor KEY=VALUE.',
  message: ({ label, format }) => `"${label}" is not a worker label: ${format}.`,
  hint: () => 'Separate labels with commas, e.g. --labels gpu,bigmem or --labels gpu,pool=highmem; stages list the same labels under labels: in sluice.yaml.',
});
