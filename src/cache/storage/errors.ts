/** Errors of object storage (local directories, S3). */
import { defineError } from '../../core/index.js';

export const storageObjectMissing = defineError<{ id: string; url: string }>('SLUICE_STORAGE_OBJECT_MISSING', {
  kind: 'not_found',
  description: 'An object the metadata names is not in its storage.',
  message: ({ id, url }) => `Object ${id} is not in ${url}.`,
  hint: () => 'It was deleted behind Sluice\'s back or never finished uploading: upload the file again.',
});

export const storageUnavailable = defineError<{ url: string; reason: string }>('SLUICE_STORAGE_UNAVAILABLE', {
  kind: 'unavailable',
  description: 'Object storage (an S3 endpoint or a directory) cannot be reached or written.',
  message: ({ url, reason }) => `Cannot use the object storage at ${url}: ${reason}.`,
  hint: () => 'For S3, check AWS_ENDPOINT_URL, AWS_REGION and the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); for a directory, its permissions and free space.',
});

export const unsupportedStorageUrl = defineError<{ url: string }>('SLUICE_STORAGE_UNSUPPORTED_URL', {
  kind: 'invalid_input',
  description: 'An object storage URL has a scheme Sluice cannot use.',
  message: ({ url }) => `Cannot use "${url}" as object storage.`,
  hint: () => 'Use a directory path, file:///path, or s3://bucket/prefix (SLUICE_ARTIFACTS, or artifacts.url in .sluice/config.yaml).',
});
