/**
 * Step 5 of `sluice ci`, registration: the candidate that passed the gate becomes a version of
 * the production model, with the lineage found by its content hash (the pipeline run that made
 * it), as `sluice models register` does, and gets the alias `challenger` (or --alias). A CI run
 * on a commit whose candidate is already registered moves the alias to that version instead of
 * adding a duplicate.
 */
import { resolve } from 'node:path';
import { join } from 'node:path';
import { hashFile } from '../core/index.js';
import { loadGateConfig } from '../evaluation/index.js';
import { formatModelUri, isModelUri, registerModelFile, type ModelVersion, type RegistryService } from '../registry/index.js';
import { PIPELINE_FILE } from '../workspace/index.js';
import type { CiRegistration } from './ci-result.js';
import type { CiContext } from './ci-context.js';
import type { StepOutcome } from './step-result.js';

/** The alias a registered candidate gets unless told otherwise. */
export const DEFAULT_CI_ALIAS = 'challenger';

export async function registerStep(context: CiContext): Promise<StepOutcome<CiRegistration>> {
  const name = context.gates.modelName;
  if (!context.gates.configured || name === undefined) return { status: 'skipped', summary: 'no gate, so nothing is registered' };
  const loaded = loadGateConfig(join(context.root, PIPELINE_FILE), context.options.gate);
  if (isModelUri(loaded.config.model)) return { status: 'skipped', summary: `the candidate ${loaded.config.model} is already registered` };
  const alias = context.options.alias ?? DEFAULT_CI_ALIAS;
  const path = resolve(loaded.baseDir, loaded.config.model);
  const registry = context.services.registry(context.options.actor);
  const existing = await findByContent(registry, name, `blake3:${await hashFile(path)}`);
  let version: ModelVersion;
  if (existing) {
    if (!existing.aliases.includes(alias)) await registry.setAlias(name, alias, existing.version);
    version = existing;
  } else {
    version = await registerModelFile(registry, context.services.tracking, {
      source: path,
      name,
      alias,
      description: `registered by sluice ci${context.gates.baseline ? `: passed the gate against ${context.gates.baseline}` : ''}`,
      tempDir: join(context.services.workspace.paths.tmpDir, 'register'),
    });
  }
  const uri = formatModelUri(name, version.version);
  const registration: CiRegistration = { model: name, version: version.version, alias, uri, runId: version.lineage?.runId };
  const lineage = version.lineage?.runId ? `, lineage: run ${version.lineage.runId.slice(0, 8)}` : ', no lineage found';
  return { status: 'passed', summary: `${existing ? `${uri} (already registered)` : `registered ${uri}`} as @${alias}${lineage}`, value: registration };
}

/** The version of `name` holding exactly this file, if one does. */
async function findByContent(registry: RegistryService, name: string, objectId: string): Promise<ModelVersion | undefined> {
  let token: string | undefined;
  do {
    const page = await registry.searchModelVersions({ filter: `name = '${name.replaceAll("'", "''")}'`, maxResults: 1000, pageToken: token });
    const found = page.items.find((version) => version.objectId === objectId);
    if (found) return found;
    token = page.nextPageToken;
  } while (token);
  return undefined;
}
