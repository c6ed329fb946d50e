/**
 * @module core
 * Errors with codes, YAML with source locations, schema validation, hashing, atomic writes, git,
 * a seeded random generator, a command started at the idle CPU priority.
 */
export {
  AppError,
  defineError,
  errorCatalogue,
  exitCodeOf,
  formatLocation,
  isAppError,
  systemErrorCode,
  type AppErrorOptions,
  type ErrorFactory,
  type ErrorKind,
  type RaiseOptions,
  type SourceLocation,
} from './app-error.js';
export { fileNotReadable, fileNotWritable, gitFailed, internalError, invalidDocument, portUnavailable, requestBodyTooLarge, requestNotReadable, unsupportedContentType, yamlSyntax } from './errors.js';
export { errorResponse, fromFrameworkError, GRPC_STATUS, grpcErrorResponse, type ErrorProtocol, type ErrorResponse, type FrameworkContext, type GrpcErrorResponse } from './error-response.js';
export { parseLocatedYaml, type DocumentPath, type LocatedDocument } from './yaml-document.js';
export { issueText, objectKeysAt, typeName, validateWithSchema, type PathDescriber } from './validate.js';
export { closestMatch, didYouMean, editDistance } from './suggest.js';
export { assertWritableFilePath, assertWritableFolderPath, tempPathBeside, writeFileAtomic } from './atomic-write.js';
export { KeyedSerializer } from './keyed-serializer.js';
export { readTextFile } from './read-text-file.js';
export { isProcessAlive } from './process.js';
export { shellWord } from './shell-word.js';
export { idleScheduled } from './idle-priority.js';
export { listenError } from './listen.js';
export { seededRandom } from './random.js';
export { formatNumber, formatSigned } from './format-number.js';
export { createStreamHasher, HASH_ALGORITHM, hashBytes, hashFile, hashFileSync, type StreamHasher } from './hash.js';
export { checkoutBranchAt, commitOf, currentBranch, detachHead, remoteDefaultBranch, excludeLocally, fetchUpstream, filesChangedBetween, isAncestor, trackedChanges, upstreamOf } from './git-branch.js';
export { fileCommits, listFilesAtRevision, listWorkingFiles, readBytesAtRevision, readFileAtRevision, readHistoryBlobs, untrackInGit, readGitFolder, readGitPrefix, readGitRemoteUrl, readGitTopLevel, readGitState, resolveRevision, type FileCommit, type GitState, type GitStateOptions } from './git.js';
export { ResidentWorkers, residentSource, serveResidentRequests } from './resident-workers.js';
export { bytesFromValues, TensorBytesError, valuesFromBytes } from './tensor-bytes.js';
