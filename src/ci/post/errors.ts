/** Errors of posting the CI report to GitHub or GitLab. */
import { defineError } from '../../core/index.js';

export const postEnvironmentInvalid = defineError<{ provider: string; variable: string; problem: string }>('SLUICE_CI_POST_ENVIRONMENT_INVALID', {
  kind: 'invalid_input',
  description: 'Posting the CI report needs a variable of the CI environment (GitHub Actions or GitLab CI) that is missing or malformed.',
  message: ({ provider, variable, problem }) => `Cannot post the report to ${provider}: ${variable} ${problem}.`,
  hint: ({ provider }) =>
    provider === 'GitHub'
      ? 'Posting with --post github works inside a GitHub Actions job, which sets GITHUB_REPOSITORY, GITHUB_SHA and GITHUB_EVENT_PATH; run it there or leave out --post.'
      : 'Posting with --post gitlab works inside a GitLab CI job, which sets CI_API_V4_URL, CI_PROJECT_ID and CI_COMMIT_SHA; run it there or leave out --post.',
});

export const postPermissionDenied = defineError<{ provider: string; action: string; status: number; permission: string }>('SLUICE_CI_POST_PERMISSION_DENIED', {
  kind: 'permission_denied',
  description: 'The token given for posting the CI report may not create the comment, note or commit status.',
  message: ({ provider, action, status, permission }) => `${provider} refused to ${action} (HTTP ${status}): the token lacks ${permission}.`,
  hint: ({ provider, permission }) =>
    provider === 'GitHub'
      ? `Give the job's token ${permission}: add \`permissions: { contents: read, pull-requests: write, statuses: write }\` to the workflow (\`sluice ci init --provider github\` writes it). Pull requests from forks get a read-only token whatever the workflow says.`
      : `Use a project or personal access token with ${permission}, stored as a masked CI/CD variable SLUICE_GITLAB_TOKEN; CI_JOB_TOKEN cannot write merge-request notes or commit statuses.`,
});

export const postUnavailable = defineError<{ provider: string; action: string; attempts: number; problem: string }>('SLUICE_CI_POST_UNAVAILABLE', {
  kind: 'unavailable',
  description: 'GitHub or GitLab did not answer, or kept answering with a server error, while the CI report was posted.',
  message: ({ provider, action, attempts, problem }) => `Could not ${action} on ${provider} after ${attempts} attempts: ${problem}.`,
  hint: () => 'Check the API address (GITHUB_API_URL, CI_API_V4_URL); if it is right, this is usually a passing outage of the service: re-run the job. The job keeps the gate\'s verdict, and a --report file was written either way.',
});

export const postRejected = defineError<{ provider: string; action: string; status: number; problem: string }>('SLUICE_CI_POST_REJECTED', {
  kind: 'invalid_input',
  description: 'GitHub or GitLab rejected a request of the CI report\'s posting (unknown repository or pull request, invalid token, malformed request).',
  message: ({ provider, action, status, problem }) => `${provider} rejected the request to ${action} (HTTP ${status}): ${problem}.`,
  hint: ({ status }) =>
    status === 401
      ? 'The token was not accepted: check that the token variable holds a valid, unexpired token.'
      : 'Check that the repository, the pull or merge request and the commit named by the CI environment exist and that the token can see them.',
});
