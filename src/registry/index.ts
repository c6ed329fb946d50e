/**
 * @module registry
 * Registered models, versions, aliases and MLflow's stages, with each version's content hash,
 * ONNX signature and lineage, and an append-only audit log of every change.
 */
export type { Actor, AliasEntry, AuditEntry, Lineage, ModelSignature, ModelStage, ModelVersion, RegisteredModel, TensorSpec, UpstreamStage } from './entities.js';
export { MODEL_STAGES } from './entities.js';
export { createRegistryService, parseStage, parseVersion, validateAlias, validateModelName, type DeleteOptions, type RegistryService, type VersionInput } from './registry-service.js';
export { fetchModelFile, readSignature, registerModelFile, type RegisterFileInput } from './model-file.js';
export { describeArtifactSource, type ArtifactSourceFacts } from './artifact-source.js';
export { findLineage } from './lineage.js';
export {
  findModelVersion,
  formatModelUri,
  isModelUri,
  parseModelReference,
  parseModelUri,
  referenceDigest,
  referenceUri,
  resolveModelVersion,
  type ModelReference,
  type ReferenceDigest,
} from './model-reference.js';
export { createModelResolver, resolveModelPath, type ResolveModel, type ResolveModelOptions, type ResolvedModel } from './model-resolver.js';
export { openRegistryStore, openRegistryStoreAt } from './open.js';
export type { RegistryStore } from './store/registry-store.js';
export { aliasNotFound, invalidModelUri, invalidRegistryValue, modelFileUnavailable, modelVersionNotFound, notAnOnnxModel, notDeletable, registeredModelExists, registeredModelNotFound, registryNotAvailable, versionInUse } from './errors.js';
export { lineageJsonSchema, modelVersionFromJson, modelVersionJsonSchema, modelVersionToJson } from './version-json.js';
