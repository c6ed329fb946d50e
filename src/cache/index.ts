/**
 * @module cache
 * Content-addressed objects (BLAKE3), directory manifests, the stat cache, and checkout by
 * reflink, hardlink or copy.
 */
export { ObjectCache, type AddOptions, type CheckoutOptions, type DirectorySnapshot, type ObjectCacheOptions } from './object-cache.js';
export { LINK_TYPES, type LinkOperations, type LinkType } from './link.js';
export { manifestObjectId, parseManifest, serializeManifest, type ManifestEntry } from './manifest.js';
export { normalizeMode, type FileMode } from './file-mode.js';
export { walkDirectory, type DirectoryWalk, type WalkedFile } from './directory-walk.js';
export { isRacy, RACY_MARGIN_MS } from './racy.js';
export { directoryObjectId, fileObjectId, isDirectoryId, parseObjectId, type ObjectId } from './object-id.js';
export { StatCache, workspaceKey, type FileStat } from './stat-cache.js';
export { LOOSE_GROUP, statCacheDirectory, type DirectoryCacheEntry, type StatCacheEntry, type StatCachePersistence } from './stat-cache-file.js';
export { WorkspaceHasher, type HashedDirectory, type HashedFile, type HashedPath, type HashObserver, type ObservedPath } from './workspace-hasher.js';
export { objectCorrupt, objectMissing } from './errors.js';
export type { ObjectStorage } from './storage/object-storage.js';
export { entryKeyProblem, objectIdOfKey, objectKey } from './storage/object-storage.js';
export { pool, pullObjects, pushObjects, remoteHas, type ObjectTransferOptions, type ObjectTransferResult, type TransferProgress, type TransferRoot } from './storage/object-transfer.js';
export { LocalObjectStorage } from './storage/local-object-storage.js';
export { openObjectStorage } from './storage/open-object-storage.js';
export { storageObjectMissing, storageUnavailable, unsupportedStorageUrl } from './storage/errors.js';
