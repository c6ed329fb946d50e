/** `sluice ci init`: the CI pipeline file for one CI system, written into the repository once. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertWritableFilePath, writeFileAtomic } from '../../core/index.js';
import { circleciConfig } from './circleci-template.js';
import { templateExists } from './errors.js';
import { githubWorkflow } from './github-template.js';
import { gitlabPipeline } from './gitlab-template.js';
import { jenkinsfile } from './jenkins-template.js';
import { readProjectFacts, type ProjectFacts, type SluicePackage } from './project-facts.js';

/** The CI systems `sluice ci init --provider` writes a pipeline for. */
export const CI_TEMPLATE_PROVIDERS = ['github', 'gitlab', 'jenkins', 'circleci'] as const;
export type CiTemplateProvider = (typeof CI_TEMPLATE_PROVIDERS)[number];

/** Where each CI system reads its pipeline, relative to the repository root. */
export const CI_TEMPLATE_PATHS: Readonly<Record<CiTemplateProvider, string>> = {
  github: '.github/workflows/sluice.yml',
  gitlab: '.gitlab-ci.yml',
  jenkins: 'Jenkinsfile',
  circleci: '.circleci/config.yml',
};

const RENDERERS: Readonly<Record<CiTemplateProvider, (facts: ProjectFacts) => string>> = {
  github: githubWorkflow,
  gitlab: gitlabPipeline,
  jenkins: jenkinsfile,
  circleci: circleciConfig,
};

/** The pipeline file's text for `provider`, for a repository with these facts. */
export function renderCiTemplate(provider: CiTemplateProvider, facts: ProjectFacts): string {
  return RENDERERS[provider](facts);
}

/** What {@link writeCiTemplate} wrote. */
export interface WrittenTemplate {
  /** Relative to the repository root. */
  readonly path: string;
  /** An existing file was replaced (with `force`). */
  readonly replaced: boolean;
  readonly facts: ProjectFacts;
}

/**
 * Writes the pipeline file of `provider` into the repository at `root`, refusing to replace an
 * existing one unless `force` (SLUICE_CI_TEMPLATE_EXISTS).
 */
export function writeCiTemplate(options: {
  readonly root: string;
  readonly provider: CiTemplateProvider;
  readonly sluice: SluicePackage;
  readonly force?: boolean | undefined;
  readonly branch?: string | undefined;
}): WrittenTemplate {
  const path = CI_TEMPLATE_PATHS[options.provider];
  const target = join(options.root, path);
  const replaced = existsSync(target);
  if (replaced && options.force !== true) throw templateExists({ path, provider: options.provider });
  const facts = readProjectFacts(options.root, options.sluice, options.branch);
  // A folder on the way that is a file, or no permission: the core error names it (not an internal EACCES).
  assertWritableFilePath(target);
  writeFileAtomic(target, renderCiTemplate(options.provider, facts));
  return { path, replaced, facts };
}
