/** `.gitlab-ci.yml`: GitLab CI/CD. */
import { ciCommand, dataPaths, folderSlug, fromRoot, installCommands, REPORT_FILE, type ProjectFacts } from './project-facts.js';

function list(items: readonly string[], indent: string): string {
  return items.map((item) => `${indent}- ${item}`).join('\n');
}

/** The image's Debian Python may not take pip installs (PEP 668): requirements go into a virtualenv. */
function gitlabInstall(facts: ProjectFacts): string[] {
  return installCommands(facts).flatMap((command) =>
    command.startsWith('python3 -m pip')
      ? ['apt-get update -qq && apt-get install -y -qq python3-venv', 'python3 -m venv .venv', '. .venv/bin/activate', 'pip install -r requirements.txt']
      : [command],
  );
}

/**
 * The pipeline: merge requests, pushes to the default branch, data changes on other branches,
 * schedules. For a project in a folder, the job (`sluice-FOLDER`) changes to it before installing,
 * and its cache keys, cached paths and artifacts, which GitLab resolves from the repository root,
 * name the folder.
 */
export function gitlabPipeline(facts: ProjectFacts): string {
  const slug = folderSlug(facts);
  const npmKey = facts.npmLockfile ? `key:\n        files:\n          - ${fromRoot(facts, 'package-lock.json')}\n        prefix: npm` : 'key: npm';
  const job = slug === '' ? 'sluice' : `sluice-${slug}`;
  const enter = facts.folder === '' ? [] : [`cd ${facts.folder}`];
  return `# The CI/CD flow of this repository: \`sluice ci\` checks the data, runs the tests and the
# pipeline, gates the candidate model against production and registers it, then writes
# ${REPORT_FILE} and posts it on the merge request with the commit status sluice/gate${facts.folder === '' ? '' : ` (${facts.folder})`}.
# Posting needs a token with the \`api\` scope in the masked CI/CD variable SLUICE_GITLAB_TOKEN
# (CI_JOB_TOKEN cannot write notes or statuses). A nightly run is a pipeline schedule
# (Build > Pipeline schedules, e.g. "0 3 * * *").
# Written by \`sluice ci init --provider gitlab\` (Sluice ${facts.sluice.version}); edit freely.
workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_PIPELINE_SOURCE == "schedule"
    - if: $CI_PIPELINE_SOURCE == "web"
    - if: $CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS
      when: never
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
    # Data or pipeline changes pushed to any other branch.
    - if: $CI_COMMIT_BRANCH
      changes:
${list(dataPaths(facts).map((path) => `"${path}"`), '        ')}

${job}:
  image: node:20
  variables:
    npm_config_cache: $CI_PROJECT_DIR/.npm
    GIT_DEPTH: "0"
  cache:
    - key:
        files:
          - ${fromRoot(facts, 'sluice.lock')}
        prefix: ${job}
      paths:
        - ${fromRoot(facts, '.sluice/cache/')}
    - ${npmKey}
      paths:
        - .npm/
  script:
    # The job's own caches live in the checkout (GitLab caches only paths inside it): kept out of
    # git's view, or every run and registered model would read "with uncommitted changes".
    - mkdir -p .git/info && (grep -qxF .npm/ .git/info/exclude 2>/dev/null || printf '.npm/\\n.venv/\\n' >> .git/info/exclude)
${list([...enter, ...gitlabInstall(facts), ciCommand(facts)], '    ')}
  artifacts:
    when: always
    expose_as: sluice report
    paths:
      - ${fromRoot(facts, REPORT_FILE)}
    expire_in: 30 days
`;
}
