/** Object storage by URL: `s3://bucket/prefix`, `file:///dir` or a directory path. */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unsupportedStorageUrl } from './errors.js';
import { LocalObjectStorage } from './local-object-storage.js';
import type { ObjectStorage } from './object-storage.js';

export async function openObjectStorage(url: string, baseDir: string, env: NodeJS.ProcessEnv = process.env): Promise<ObjectStorage> {
  if (url.startsWith('s3://')) {
    // The AWS SDK is large: load it only for S3 users.
    const { parseS3Url, s3ConfigFromEnv, S3ObjectStorage } = await import('./s3-object-storage.js');
    const location = parseS3Url(url);
    if (!location || !location.bucket) throw unsupportedStorageUrl({ url });
    return new S3ObjectStorage(location, s3ConfigFromEnv(env));
  }
  if (url.startsWith('file://')) return new LocalObjectStorage(fileURLToPath(url));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw unsupportedStorageUrl({ url });
  return new LocalObjectStorage(isAbsolute(url) ? url : resolve(baseDir, url));
}
