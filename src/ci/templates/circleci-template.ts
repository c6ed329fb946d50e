/** `.circleci/config.yml`: CircleCI. */
import { ciCommand, fromRoot, installCommands, NIGHTLY_CRON, REPORT_FILE, type ProjectFacts } from './project-facts.js';

/**
 * The config: one job on every push, and a nightly scheduled workflow on the default branch. For
 * a project in a folder, its run steps work there (a step's working_directory; the job's stays the
 * checkout, which must be empty when the checkout starts) and the cache checksums, cached paths
 * and the artifact, relative to the job's directory, name the folder.
 */
export function circleciConfig(facts: ProjectFacts): string {
  const inFolder = facts.folder === '' ? '' : `\n          working_directory: ${facts.folder}`;
  // CircleCI's convenience images: Node alone, or Python with Node when the stages need Python.
  const image = facts.pythonRequirements ? 'cimg/python:3.12-node' : 'cimg/node:20.19';
  const npmKey = facts.npmLockfile ? `npm-v1-{{ checksum "${fromRoot(facts, 'package-lock.json')}" }}` : `npm-v1-${facts.sluice.name}-${facts.sluice.version}`;
  return `# The CI/CD flow of this repository: \`sluice ci\` checks the data, runs the tests and the
# pipeline, gates the candidate model against production and registers it, and writes
# ${REPORT_FILE}, kept as an artifact. Every push runs it (data changes arrive as commits of
# *.sluice, sluice.yaml, params.yaml or sluice.lock), and nightly on ${facts.branch}.
# Written by \`sluice ci init --provider circleci\` (Sluice ${facts.sluice.version}); edit freely.
version: 2.1

jobs:
  sluice-ci:
    docker:
      - image: ${image}
    steps:
      - checkout
      - restore_cache:
          keys:
            - sluice-v1-{{ checksum "${fromRoot(facts, 'sluice.lock')}" }}
            - sluice-v1-
      - restore_cache:
          keys:
            - ${npmKey}
            - npm-v1-
      - run:
          name: Install${inFolder}
          command: |
${installCommands(facts).map((command) => `            ${command}`).join('\n')}
      - run:
          name: sluice ci${inFolder}
          command: ${ciCommand(facts)}
      - save_cache:
          key: sluice-v1-{{ checksum "${fromRoot(facts, 'sluice.lock')}" }}
          paths:
            - ${fromRoot(facts, '.sluice/cache')}
          when: always
      - save_cache:
          key: ${npmKey}
          paths:
            - ~/.npm
      - store_artifacts:
          path: ${fromRoot(facts, REPORT_FILE)}
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
