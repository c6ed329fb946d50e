/** Artifact storage: content-addressed files behind run and model paths. */
export { ArtifactStore, DEFAULT_MAX_UPLOAD_BYTES, type ArtifactStoreOptions } from './artifact-store.js';
export { downloadTree, storeDirectory, type Artifacts, type TreeSource } from './artifact-tree.js';
export { joinArtifactPath, normalizeArtifactPath } from './artifact-path.js';
export { verifyingStream } from './verifying-stream.js';
