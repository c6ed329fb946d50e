/** `sluice ci init`: pipeline files for GitHub Actions, GitLab CI, Jenkins and CircleCI that run `sluice ci`. */
export { folderNameUnsupported, templateExists } from './errors.js';
export { ciCommand, DATA_PATHS, installCommands, NIGHTLY_CRON, readProjectFacts, REPORT_FILE, type ProjectFacts, type SluicePackage } from './project-facts.js';
export { CI_TEMPLATE_PATHS, CI_TEMPLATE_PROVIDERS, ciTemplatePath, renderCiTemplate, writeCiTemplate, type CiTemplateProvider, type WrittenTemplate } from './write-template.js';
