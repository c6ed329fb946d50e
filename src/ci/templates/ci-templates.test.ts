import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { githubWorkflowErrors } from '../../../test/support/github-workflow-parser.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { readProjectFacts, renderCiTemplate, writeCiTemplate, type ProjectFacts } from './index.js';
import { dataPaths, fromRoot } from './project-facts.js';

const SLUICE = { name: 'sluice', version: '0.1.0' };
const CI_COMMAND = 'sluice ci --report sluice-report.md --post auto';

/** Four kinds of repository: no Node project, a Node project pinning Sluice, a Python pipeline, and one in a folder of a monorepo. */
const VARIANTS: Readonly<Record<string, ProjectFacts>> = {
  'no package.json': { sluice: SLUICE, npmLockfile: false, sluiceInProject: false, pythonRequirements: false, branch: 'main', folder: '' },
  'a Node project pinning Sluice': { sluice: SLUICE, npmLockfile: true, sluiceInProject: true, pythonRequirements: false, branch: 'main', folder: '' },
  'a Python pipeline': { sluice: SLUICE, npmLockfile: false, sluiceInProject: false, pythonRequirements: true, branch: 'trunk', folder: '' },
  'a project pinning Sluice with Python stages in ml/models of a monorepo': { sluice: SLUICE, npmLockfile: true, sluiceInProject: true, pythonRequirements: true, branch: 'main', folder: 'ml/models' },
};

/** GitLab's published CI schema (app/assets/javascripts/editor/schema/ci.json), as gitlab-ci-local ships it unchanged. */
async function gitlabValidator(): Promise<(value: unknown) => string[]> {
  const specifier = 'gitlab-ci-local/src/schema/schema.js';
  const { schema } = (await import(specifier)) as { schema: object };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`));
}

/** CircleCI's config SDK parser, which checks each job, executor and step against CircleCI's component schemas. */
function circleciErrors(value: unknown): string[] {
  const { parseConfig } = createRequire(import.meta.url)('@circleci/circleci-config-parser') as { parseConfig(input: unknown): unknown };
  try {
    parseConfig(value);
    return [];
  } catch (error) {
    return [String((error as Error).message ?? error)];
  }
}

for (const [variant, facts] of Object.entries(VARIANTS)) {
  test(`the GitHub workflow for ${variant} passes GitHub's workflow parser and runs sluice ci on pull requests, data pushes and nightly`, async () => {
    const text = renderCiTemplate('github', facts);
    assert.deepEqual(await githubWorkflowErrors(text), []);
    const workflow = parse(text, { uniqueKeys: true }) as Record<string, any>;
    assert.deepEqual(workflow.permissions, { contents: 'read', 'pull-requests': 'write', statuses: 'write' });
    assert.deepEqual(Object.keys(workflow.on), ['pull_request', 'push', 'schedule', 'workflow_dispatch']);
    assert.deepEqual(workflow.on.push.paths, dataPaths(facts));
    assert.equal(workflow.on.schedule[0].cron, '0 3 * * *');
    const steps = workflow.jobs.sluice.steps as Record<string, any>[];
    const run = steps.find((step) => step.name === 'sluice ci')!;
    assert.equal(run.run, facts.sluiceInProject ? `npx ${CI_COMMAND}` : CI_COMMAND);
    assert.equal(run.env.GITHUB_TOKEN, '${{ secrets.GITHUB_TOKEN }}');
    assert.ok(steps.some((step) => step.with?.path === fromRoot(facts, '.sluice/cache')));
    assert.ok(steps.some((step) => step.with?.cache === 'npm' || step.with?.path === '~/.npm'));
    const upload = steps.find((step) => String(step.uses).startsWith('actions/upload-artifact'))!;
    assert.deepEqual([upload.if, upload.with.path], ['always()', fromRoot(facts, 'sluice-report.md')]);
    // run steps start in the project's folder; the actions' paths above are the repository's.
    assert.deepEqual(workflow.jobs.sluice.defaults?.run?.['working-directory'], facts.folder === '' ? undefined : facts.folder);
    if (facts.npmLockfile) assert.equal(steps.find((step) => step.with?.cache === 'npm')!.with['cache-dependency-path'], facts.folder === '' ? undefined : fromRoot(facts, 'package-lock.json'));
  });

  test(`the GitLab pipeline for ${variant} validates against GitLab's CI schema and caches Sluice's objects and npm's downloads`, async () => {
    const pipeline = parse(renderCiTemplate('gitlab', facts), { uniqueKeys: true }) as Record<string, any>;
    assert.deepEqual((await gitlabValidator())(pipeline), []);
    const job = pipeline[facts.folder === '' ? 'sluice' : 'sluice-ml-models'];
    assert.deepEqual(job.cache.map((cache: { paths: string[] }) => cache.paths[0]), [fromRoot(facts, '.sluice/cache/'), '.npm/']);
    assert.deepEqual(job.cache[0].key.files, [fromRoot(facts, 'sluice.lock')]);
    assert.equal(job.script.at(-1), facts.sluiceInProject ? `npx ${CI_COMMAND}` : CI_COMMAND);
    // The caches in the checkout are kept out of git's view before anything records the commit.
    assert.equal(job.script[0], "mkdir -p .git/info && (grep -qxF .npm/ .git/info/exclude 2>/dev/null || printf '.npm/\\n.venv/\\n' >> .git/info/exclude)");
    // A project in a folder is entered before anything is installed or run.
    assert.equal(job.script[1] === `cd ${facts.folder}`, facts.folder !== '');
    assert.deepEqual(job.artifacts.paths, [fromRoot(facts, 'sluice-report.md')]);
    assert.equal(job.artifacts.when, 'always');
    assert.deepEqual(pipeline.workflow.rules.at(-1).changes, dataPaths(facts));
    assert.ok(pipeline.workflow.rules.some((rule: { if: string }) => rule.if === '$CI_PIPELINE_SOURCE == "schedule"'));
  });

  test(`the CircleCI config for ${variant} passes CircleCI's config parser, with a nightly workflow`, () => {
    const config = parse(renderCiTemplate('circleci', facts), { uniqueKeys: true }) as Record<string, any>;
    assert.deepEqual(circleciErrors(config), []);
    assert.deepEqual(config.workflows.nightly.triggers[0].schedule.filters.branches.only, [facts.branch]);
    const job = config.jobs['sluice-ci'];
    const steps = job.steps as Record<string, any>[];
    // The checkout goes to the job's own (empty) directory; run steps work in the project's folder,
    // and the checksums, cached paths and artifact name it from the checkout's root.
    assert.equal(job.working_directory, undefined);
    assert.equal(steps[0], 'checkout');
    for (const step of steps.filter((candidate) => candidate.run)) assert.equal(step.run.working_directory, facts.folder === '' ? undefined : facts.folder);
    assert.equal(steps.find((step) => step.save_cache !== undefined && step.save_cache.paths[0] !== '~/.npm')!.save_cache.key, `sluice-v1-{{ checksum "${fromRoot(facts, 'sluice.lock')}" }}`);
    assert.ok(steps.some((step) => step.save_cache?.paths?.[0] === fromRoot(facts, '.sluice/cache')));
    assert.ok(steps.some((step) => step.run?.command === (facts.sluiceInProject ? `npx ${CI_COMMAND}` : CI_COMMAND)));
    assert.ok(steps.some((step) => step.store_artifacts?.path === fromRoot(facts, 'sluice-report.md')));
  });

  test(`the Jenkinsfile for ${variant} is a balanced declarative pipeline that runs sluice ci nightly and archives the report`, () => {
    const text = renderCiTemplate('jenkins', facts);
    const code = text.replace(/\/\/.*$/gm, '').replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
    let depth = 0;
    for (const char of code) {
      depth += char === '{' ? 1 : char === '}' ? -1 : 0;
      assert.ok(depth >= 0, 'a closing brace without its opening one');
    }
    assert.equal(depth, 0);
    assert.match(code.trim(), /^pipeline \{[\s\S]*\}$/);
    for (const section of ['agent any', 'triggers {', "cron('')", 'stages {', 'post {', 'always {']) assert.ok(code.includes(section), section);
    const cd = facts.folder === '' ? '' : `cd ${facts.folder} && `;
    assert.match(text, facts.sluiceInProject ? new RegExp(`sh '${cd}npx sluice ci --report sluice-report.md --post auto'`) : /sh 'npx --yes sluice@0\.1\.0 ci --report sluice-report.md --post auto'/);
    assert.match(text, new RegExp(`archiveArtifacts artifacts: '${fromRoot(facts, 'sluice-report.md')}'`));
    // In a folder, every shell step changes to it (not dir(), whose FOLDER@tmp would sit in the checkout).
    const shellSteps = text.split('\n').filter((line) => line.trim().startsWith('sh '));
    assert.ok(shellSteps.every((line) => line.trim().startsWith(`sh '${cd}`)), shellSteps.join('\n'));
    assert.doesNotMatch(code, /dir\(/);
  });
}

test('the validators reject a broken pipeline, so a template that breaks its schema fails these tests', async () => {
  const facts = VARIANTS['no package.json']!;
  assert.notDeepEqual(await githubWorkflowErrors(renderCiTemplate('github', facts).replace('runs-on:', 'run-on:')), []);
  assert.notDeepEqual((await gitlabValidator())(parse(renderCiTemplate('gitlab', facts).replace('when: always', 'when: sometimes'))), []);
  assert.notDeepEqual(circleciErrors(parse(renderCiTemplate('circleci', facts).replace('when: always', 'when: sometimes'))), []);
});

test('a project whose package.json lists Sluice and has a lockfile installs with npm ci and runs npx sluice; requirements.txt adds pip', () => {
  const temp = makeTempDir('sluice-ci-facts-');
  try {
    writeFileSync(join(temp.path, 'package.json'), JSON.stringify({ devDependencies: { sluice: '0.1.0' } }));
    writeFileSync(join(temp.path, 'package-lock.json'), '{}');
    writeFileSync(join(temp.path, 'requirements.txt'), 'scikit-learn\n');
    const facts = readProjectFacts(temp.path, SLUICE);
    assert.deepEqual([facts.npmLockfile, facts.sluiceInProject, facts.pythonRequirements], [true, true, true]);
    const run = renderCiTemplate('github', facts);
    assert.match(run, /run: \|\n {10}npm ci\n {10}python3 -m pip install -r requirements.txt\n/);
    assert.doesNotMatch(run, /npm install --global/);
    rmSync(join(temp.path, 'package-lock.json'));
    assert.equal(readProjectFacts(temp.path, SLUICE).sluiceInProject, false, 'without a lockfile, Sluice is installed by the job');
  } finally {
    temp.remove();
  }
});

test('a project folder whose name the pipeline files would have to quote (a space, a quote) is refused, and nothing is written', () => {
  const temp = makeTempDir('sluice-ci-folder-');
  try {
    for (const folder of ['my models', "o'brien", 'ml/[draft]']) {
      assert.throws(
        () => writeCiTemplate({ root: join(temp.path, folder), repositoryRoot: temp.path, folder, provider: 'github', sluice: SLUICE }),
        (error: Error & { code?: string }) => error.code === 'SLUICE_CI_TEMPLATE_FOLDER_NAME' && error.message.includes(folder),
      );
    }
    assert.equal(existsSync(join(temp.path, '.github')), false);
  } finally {
    temp.remove();
  }
});

test('writeCiTemplate refuses to replace an existing pipeline file without force, and replaces it with force', () => {
  const temp = makeTempDir('sluice-ci-init-');
  try {
    mkdirSync(join(temp.path, '.circleci'));
    writeFileSync(join(temp.path, '.circleci', 'config.yml'), 'version: 2.1\n');
    assert.throws(() => writeCiTemplate({ root: temp.path, provider: 'circleci', sluice: SLUICE }), (error: Error & { code?: string }) => error.code === 'SLUICE_CI_TEMPLATE_EXISTS');
    assert.equal(readFileSync(join(temp.path, '.circleci', 'config.yml'), 'utf8'), 'version: 2.1\n');
    const written = writeCiTemplate({ root: temp.path, provider: 'circleci', sluice: SLUICE, force: true });
    assert.deepEqual([written.path, written.replaced], ['.circleci/config.yml', true]);
    assert.match(readFileSync(join(temp.path, '.circleci', 'config.yml'), 'utf8'), /sluice ci --report/);
  } finally {
    temp.remove();
  }
});
