/** Posting the CI report to GitHub (pull-request comment, commit status) or GitLab (merge-request note, commit status). */
export { DEFAULT_RETRY, type RetryPolicy } from './api-client.js';
export { postEnvironmentInvalid, postPermissionDenied, postRejected, postUnavailable } from './errors.js';
export { GITHUB_TOKEN_VARIABLES } from './github.js';
export { GITLAB_TOKEN_VARIABLES } from './gitlab.js';
export { describePostOutcome, detectProvider, postCiReport, postFromEnvironment, type PostReport } from './post-ci-report.js';
export { POST_PROVIDERS, type PostedComment, type PostedStatus, type PostOutcome, type PostProvider, type PostRequest } from './post-types.js';
export { REPORT_WATERMARK, STATUS_CONTEXT, statusDescription } from './report-body.js';
