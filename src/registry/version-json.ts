/**
 * A model version as Sluice's own JSON (CLI `--json`, `/api/sluice/v1`): everything MLflow's shape
 * lacks included; and that JSON read back (what a client of a team server gets), checked with zod.
 */
import { z } from 'zod';
import { MODEL_STAGES, type Lineage, type ModelSignature, type ModelVersion } from './entities.js';
import { formatModelUri } from './model-reference.js';

/** A version as Sluice's JSON (what `--json` prints and /api/sluice/v1 answers). */
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
    updated_at: version.lastUpdatedTimestamp,
  };
}

const tensorJson = z.object({ name: z.string(), type: z.string(), shape: z.array(z.union([z.number(), z.string(), z.null()])).optional() });
const signatureJson = z.object({ inputs: z.array(tensorJson), outputs: z.array(tensorJson), metadata: z.record(z.string(), z.string()).default({}) });
/** A version's lineage as JSON: Sluice's own record, passed through as written; its required parts are checked. */
export const lineageJsonSchema = z.looseObject({
  params: z.record(z.string(), z.string()).default({}),
  metrics: z.record(z.string(), z.number()).default({}),
  data: z.array(z.object({ name: z.string(), digest: z.string() })).default([]),
  upstream: z.array(z.unknown()).default([]),
});

/** What {@link modelVersionToJson} writes, as a zod schema that reads it back into the entity. */
export const modelVersionJsonSchema = z
  .object({
    name: z.string(),
    version: z.number().int(),
    aliases: z.array(z.string()).default([]),
    stage: z.enum(MODEL_STAGES).default('None'),
    description: z.string().default(''),
    source: z.string().default(''),
    run_id: z.string().nullable().default(null),
    object_id: z.string().nullable().default(null),
    size_bytes: z.number().nullable().default(null),
    signature: signatureJson.nullable().default(null),
    lineage: lineageJsonSchema.nullable().default(null),
    tags: z.record(z.string(), z.string()).default({}),
    created_at: z.number(),
    created_by: z.string().default(''),
    updated_at: z.number().optional(),
  })
  .transform(
    (json): ModelVersion => ({
      name: json.name,
      version: json.version,
      creationTimestamp: json.created_at,
      lastUpdatedTimestamp: json.updated_at ?? json.created_at,
      description: json.description,
      userId: json.created_by,
      currentStage: json.stage,
      source: json.source,
      runId: json.run_id ?? undefined,
      status: 'READY',
      statusMessage: undefined,
      tags: Object.entries(json.tags).map(([key, value]) => ({ key, value })),
      aliases: json.aliases,
      objectId: json.object_id ?? undefined,
      sizeBytes: json.size_bytes ?? undefined,
      signature: (json.signature ?? undefined) as ModelSignature | undefined,
      lineage: (json.lineage ?? undefined) as Lineage | undefined,
    }),
  );

/** Reads a version from Sluice's JSON; throws zod's error when the shape is wrong. */
export function modelVersionFromJson(value: unknown): ModelVersion {
  return modelVersionJsonSchema.parse(value);
}
