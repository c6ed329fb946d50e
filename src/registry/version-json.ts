/** A model version as Sluice's own JSON (CLI `--json`, `/api/sluice/v1`): everything MLflow's shape lacks included. */
import type { ModelVersion } from './entities.js';
import { formatModelUri } from './model-reference.js';

export function modelVersionToJson(version: ModelVersion): Record<string, unknown> {
  return {
    name: version.name,
    version: version.version,
    uri: formatModelUri(version.name, version.version),
    aliases: version.aliases,
    stage: version.currentStage,
    description: version.description,
    source: version.source,
    run_id: version.runId ?? null,
    object_id: version.objectId ?? null,
    size_bytes: version.sizeBytes ?? null,
    signature: version.signature ?? null,
    lineage: version.lineage ?? null,
    tags: Object.fromEntries(version.tags.map((tag) => [tag.key, tag.value])),
    created_at: version.creationTimestamp,
    created_by: version.userId,
  };
}
