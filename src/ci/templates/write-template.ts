/** `sluice ci init`: the CI pipeline file for one CI system, written into the repository once. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertWritableFilePath, writeFileAtomic } from '../../core/index.js';
import { circleciConfig } from './circleci-template.js';
import { folderNameUnsupported, templateExists } from './errors.js';
import { githubWorkflow } from './github-template.js';
import { gitlabPipeline } from './gitlab-template.js';
import { jenkinsfile } from './jenkins-template.js';
import { folderSlug, readProjectFacts, type ProjectFacts, type SluicePackage } from './project-facts.js';

/** The CI systems `sluice ci init --provider` writes a pipeline for. */
export const CI_TEMPLATE_PROVIDERS = ['github', 'gitlab', 'jenkins', 'circleci'] as const;
export type CiTemplateProvider = (typeof CI_TEMPLATE_PROVIDERS)[number];

/**
 * Where each CI system reads its pipeline, relative to the repository root. GitHub reads every
 * file of its workflows folder: a project in a folder gets its own (`sluice-ml.yml`), so each
 * project of a monorepo can have one. The others read one file per repository.
 */
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

/** Where the pipeline file of `provider` goes for the project in `folder` of its repository ('' at the root). */
export function ciTemplatePath(provider: CiTemplateProvider, folder: string): string {
  if (provider !== 'github' || folder === '') return CI_TEMPLATE_PATHS[provider];
  return `.github/workflows/sluice-${folderSlug({ folder })}.yml`;
}

/** What {@link writeCiTemplate} wrote. */
export interface WrittenTemplate {
  /** Relative to the repository root. */
  readonly path: string;
  /** An existing file was replaced (with `force`). */
  readonly replaced: boolean;
  readonly facts: ProjectFacts;
}

/** Folder names the templates carry as they are: no quoting for YAML, Groovy, the shell or glob patterns. */
const PLAIN_FOLDER = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/**
 * Writes the pipeline file of `provider` for the project at `root` into its repository (at the
 * repository's root, which is `root` unless the project is `folder` of it), refusing to replace
 * an existing one unless `force` (SLUICE_CI_TEMPLATE_EXISTS).
 */
export function writeCiTemplate(options: {
  readonly root: string;
  readonly provider: CiTemplateProvider;
  readonly sluice: SluicePackage;
  readonly force?: boolean | undefined;
  readonly branch?: string | undefined;
  /** The project's folder in its repository, without a trailing slash ('' or absent at the root). */
  readonly folder?: string | undefined;
  /** The repository's top folder (`git rev-parse --show-toplevel`); `root` when absent. */
  readonly repositoryRoot?: string | undefined;
}): WrittenTemplate {
  const folder = options.folder ?? '';
  if (folder !== '' && !PLAIN_FOLDER.test(folder)) throw folderNameUnsupported({ folder });
  const path = ciTemplatePath(options.provider, folder);
  const target = join(options.repositoryRoot ?? options.root, path);
  const replaced = existsSync(target);
  if (replaced && options.force !== true) throw templateExists({ path, provider: options.provider });
  const facts = readProjectFacts(options.root, options.sluice, options.branch, folder);
  // A folder on the way that is a file, or no permission: the core error names it (not an internal EACCES).
  assertWritableFilePath(target);
  writeFileAtomic(target, renderCiTemplate(options.provider, facts));
  return { path, replaced, facts };
}
