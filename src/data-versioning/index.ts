/**
 * @module versioning
 * Data under version control: pointer files, add/status/checkout, diff across revisions,
 * garbage collection, and push/pull to remotes (directories or S3).
 */
export { openDataWorkspace, findPointerFiles, loadPointers, type DataWorkspace } from './data-workspace.js';
export { parsePointer, pointerFileFor, POINTER_SUFFIX, readPointer, type LocatedPointer, type Pointer } from './pointer.js';
export { addData, checkoutData, dataStatus, toWorkspacePath, type AddedData, type CheckoutResult, type DataState, type DataStatus } from './track.js';
export { collectGarbage, diffData, type DataChange, type DataDiff, type GarbageReport } from './history.js';
export { pullData, pushData, type TransferOptions, type TransferReport } from './transfer.js';
export type { TransferProgress } from '../cache/index.js';
export { dataVersions, type DataVersion } from './versions.js';
export { pointersAtRevision, remoteDataStatus, versionsOnRemote, type RemoteDataStatus, type RemoteStatusReport, type RemoteSync } from './remote-status.js';
export { addRemote, listRemotes, openRemote, removeRemote, type NamedRemote } from './remotes.js';
export { dataNotInCache, dataNotTracked, dataPathMissing, dataPathNotAllowed, invalidRemote, remoteExists, remoteNotConfigured, sharedCacheGc, transferIncomplete } from './errors.js';
