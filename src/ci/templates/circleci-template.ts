/** `.circleci/config.yml`: CircleCI. */
import { ciCommand, installCommands, NIGHTLY_CRON, REPORT_FILE, type ProjectFacts } from './project-facts.js';

/**
 * The config: one job on every push, and a nightly scheduled workflow on the default branch. For
 * a project in a folder, the job works there (working_directory, which cache checksums, cached
 * paths and artifacts are relative to) and checks the repository out at its default place.
 */
export function circleciConfig(facts: ProjectFacts): string {
  const place = facts.folder === '' ? '' : `\n    working_directory: ~/project/${facts.folder}`;
  const checkout = facts.folder === '' ? '- checkout' : '- checkout:\n          path: ~/project';
  // CircleCI's convenience images: Node alone, or Python with Node when the stages need Python.
  const image = facts.pythonRequirements ? 'cimg/python:3.12-node' : 'cimg/node:20.19';
  const npmKey = facts.npmLockfile ? `npm-v1-{{ checksum "package-lock.json" }}` : `npm-v1-${facts.sluice.name}-${facts.sluice.version}`;
  return `# The CI/CD flow of this repository: \`sluice ci\` checks the data, runs the tests and the
# pipeline, gates the candidate model against production and registers it, and writes
# ${REPORT_FILE}, kept as an artifact. Every push runs it (data changes arrive as commits of
# *.sluice, sluice.yaml, params.yaml or sluice.lock), and nightly on ${facts.branch}.
# Written by \`sluice ci init --provider circleci\` (Sluice ${facts.sluice.version}); edit freely.
version: 2.1

jobs:
  sluice-ci:
    docker:
      - image: ${image}${place}
    steps:
      ${checkout}
      - restore_cache:
          keys:
            - sluice-v1-{{ checksum "sluice.lock" }}
            - sluice-v1-
      - restore_cache:
          keys:
            - ${npmKey}
            - npm-v1-
      - run:
          name: Install
          command: |
${installCommands(facts).map((command) => `            ${command}`).join('\n')}
      - run:
          name: sluice ci
          command: ${ciCommand(facts)}
      - save_cache:
          key: sluice-v1-{{ checksum "sluice.lock" }}
          paths:
            - .sluice/cache
          when: always
      - save_cache:
          key: ${npmKey}
          paths:
            - ~/.npm
      - store_artifacts:
          path: ${REPORT_FILE}
          destination: ${REPORT_FILE}

workflows:
  sluice:
    jobs:
      - sluice-ci
  nightly:
    triggers:
      - schedule:
          cron: "${NIGHTLY_CRON}"
          filters:
            branches:
              only:
                - ${facts.branch}
    jobs:
      - sluice-ci
`;
}
