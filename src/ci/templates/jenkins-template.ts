/** `Jenkinsfile`: a declarative Jenkins pipeline. */
import { dataPaths, fromRoot, installCommands, REPORT_FILE, type ProjectFacts } from './project-facts.js';

/** A Groovy single-quoted string (no interpolation by Groovy; the shell expands variables). */
function groovyString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/**
 * Jenkins agents seldom let a build install npm packages globally, so without a project install
 * Sluice runs through `npx --yes NAME@VERSION` (cached in an npm cache beside the workspace).
 */
function jenkinsCommands(facts: ProjectFacts): { install: string[]; run: string } {
  const sluice = facts.sluiceInProject ? 'npx sluice' : `npx --yes ${facts.sluice.name}${facts.sluice.version === 'unknown' ? '' : `@${facts.sluice.version}`}`;
  const install = installCommands(facts).filter((command) => !command.startsWith('npm install --global'));
  return { install, run: `${sluice} ci --report ${REPORT_FILE} --post auto` };
}

/**
 * Shell steps, each changing to the project's folder first when it is one of its repository. Not
 * `dir()`: Jenkins keeps an `sh` step's control files in a `FOLDER@tmp` beside its directory,
 * which inside the checkout would make every run read "with uncommitted changes".
 */
function shSteps(facts: ProjectFacts, commands: readonly string[]): string {
  return commands.map((command) => `        sh ${groovyString(facts.folder === '' ? command : `cd ${facts.folder} && ${command}`)}`).join('\n');
}

/** The pipeline: on every change the SCM trigger sees (data pointers included) and nightly. */
export function jenkinsfile(facts: ProjectFacts): string {
  const { install, run } = jenkinsCommands(facts);
  const installStage =
    install.length === 0
      ? ''
      : `
    stage('Install') {
      steps {
${shSteps(facts, install)}
      }
    }`;
  return `// The CI/CD flow of this repository: \`sluice ci\` checks the data, runs the tests and the
// pipeline, gates the candidate model against production and registers it, and writes
// ${REPORT_FILE}, archived with the build.
// The agent needs Node.js 20 or later and npm${facts.pythonRequirements ? ', and Python 3 with pip' : ''}. ${fromRoot(facts, '.sluice/cache')} stays in the workspace
// between builds, which is the cache. Data changes arrive as commits of ${dataPaths(facts).join(', ')}:
// the SCM trigger (a webhook, or the polling below) starts a build for them as for any commit.
// Written by \`sluice ci init --provider jenkins\` (Sluice ${facts.sluice.version}); edit freely.
pipeline {
  agent any
  triggers {
    // Nightly, to catch drift and new upstream data.
    cron('H 3 * * *')
    // New commits, when no webhook is configured.
    pollSCM('H/15 * * * *')
  }
  options {
    timeout(time: 60, unit: 'MINUTES')
    disableConcurrentBuilds()
  }
  environment {
    // Beside the checkout (Jenkins' own WORKSPACE@tmp), not in it: files git does not know would
    // make every run and registered model read "with uncommitted changes".
    npm_config_cache = "\${env.WORKSPACE}@tmp/npm"
  }
  stages {${installStage}
    stage('sluice ci') {
      steps {
${shSteps(facts, [run])}
      }
    }
  }
  post {
    always {
      archiveArtifacts artifacts: ${groovyString(fromRoot(facts, REPORT_FILE))}, allowEmptyArchive: true
    }
  }
}
`;
}
