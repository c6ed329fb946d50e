/**
 * Objects in S3-compatible storage under `s3://bucket/prefix/blake3/ab/cdef…`, through the AWS
 * SDK v3. Credentials, region and endpoint come from the usual AWS environment (`AWS_REGION`,
 * `AWS_ACCESS_KEY_ID`, `AWS_ENDPOINT_URL` for MinIO, Ceph or a local test server). Uploads are
 * streamed from disk, multipart above 8 MiB, four parts at a time.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, NotFound, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ObjectId } from '../object-id.js';
import { storageObjectMissing, storageUnavailable } from './errors.js';
import { entryKeyProblem, objectIdOfKey, objectKey, type ObjectStorage } from './object-storage.js';

const PART_SIZE = 8 << 20;

export interface S3Location {
  readonly bucket: string;
  /** Key prefix without leading or trailing slashes ('' for the bucket root). */
  readonly prefix: string;
}

/** Reads `s3://bucket/prefix`. */
export function parseS3Url(url: string): S3Location | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match) return undefined;
  return { bucket: match[1]!, prefix: match[2]!.replace(/^\/+|\/+$/g, '') };
}

/** Client settings from the environment; a custom endpoint implies path-style addressing, which S3 clones expect. */
export function s3ConfigFromEnv(env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  return {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: env.AWS_S3_FORCE_PATH_STYLE !== 'false' } : {}),
    // Keys in the given environment; otherwise the SDK's chain (profiles, instance roles) applies.
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } } : {}),
  };
}

const NODE_WARNING_OPT_OUT = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * An S3 client made without the SDK's warning, on Node 20, that its releases after January 2027
 * need Node 22: Sluice runs on Node 20 with the SDK its lockfile pins, so users would read only
 * noise before every transfer. The SDK's documented opt-out is read when a client is made, so it
 * is set just for that: stage commands, which inherit this process's environment, see none of it.
 */
function quietClient(config: S3ClientConfig): S3Client {
  const before = process.env[NODE_WARNING_OPT_OUT];
  process.env[NODE_WARNING_OPT_OUT] = 'true';
  try {
    return new S3Client(config);
  } finally {
    if (before === undefined) delete process.env[NODE_WARNING_OPT_OUT];
    else process.env[NODE_WARNING_OPT_OUT] = before;
  }
}

export class S3ObjectStorage implements ObjectStorage {
  readonly url: string;
  private readonly client: S3Client;

  constructor(
    private readonly location: S3Location,
    config: S3ClientConfig = s3ConfigFromEnv(),
  ) {
    this.url = `s3://${location.bucket}${location.prefix ? `/${location.prefix}` : ''}`;
    this.client = quietClient(config);
  }

  async has(id: ObjectId): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.key(id) }));
      return true;
    } catch (error) {
      if (error instanceof NotFound || httpStatus(error) === 404) return false;
      throw this.unavailable(error);
    }
  }

  async putFile(id: ObjectId, path: string): Promise<void> {
    if (await this.has(id)) return;
    try {
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.location.bucket, Key: this.key(id), Body: createReadStream(path) },
        partSize: PART_SIZE,
        queueSize: 4,
        leavePartsOnError: false,
      });
      await upload.done();
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  async read(id: ObjectId): Promise<Readable> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.key(id) }));
      if (!(response.Body instanceof Readable)) throw new Error('the response has no body stream');
      return response.Body;
    } catch (error) {
      if (error instanceof NoSuchKey || httpStatus(error) === 404) throw storageObjectMissing({ id, url: this.url });
      throw this.unavailable(error);
    }
  }

  async delete(id: ObjectId): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.key(id) }));
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  async *list(): AsyncIterable<ObjectId> {
    const prefix = this.location.prefix ? `${this.location.prefix}/blake3/` : 'blake3/';
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: prefix, ContinuationToken: token }));
      } catch (error) {
        throw this.unavailable(error);
      }
      for (const object of page.Contents ?? []) {
        const id = object.Key ? objectIdOfKey(object.Key) : undefined;
        if (id) yield id;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async putEntry(key: string, bytes: Uint8Array): Promise<void> {
    // A HEAD first: servers that ignore the condition below (s3rver, older MinIO) then replace a
    // document only in a race, with the same bytes, since callers name documents by content.
    if (await this.readEntryExists(key)) return;
    try {
      // If-None-Match: * makes the PUT conditional where the server supports it (S3, MinIO): the first writer wins.
      await this.client.send(new PutObjectCommand({ Bucket: this.location.bucket, Key: this.entryKey(key), Body: bytes, IfNoneMatch: '*' }));
    } catch (error) {
      const status = httpStatus(error);
      // 412: the document exists; 409: a concurrent conditional write of the same key is in flight.
      if (status === 412 || status === 409) return;
      throw this.unavailable(error);
    }
  }

  private async readEntryExists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.entryKey(key) }));
      return true;
    } catch (error) {
      if (error instanceof NotFound || httpStatus(error) === 404) return false;
      throw this.unavailable(error);
    }
  }

  async readEntry(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.entryKey(key) }));
      return response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (error instanceof NoSuchKey || httpStatus(error) === 404) return undefined;
      throw this.unavailable(error);
    }
  }

  async *listEntries(prefix: string): AsyncIterable<string> {
    const full = this.entryKey(prefix);
    const strip = this.location.prefix ? this.location.prefix.length + 1 : 0;
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: full.endsWith('/') ? full : `${full}/`, ContinuationToken: token }));
      } catch (error) {
        throw this.unavailable(error);
      }
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(strip);
        if (key && entryKeyProblem(key) === undefined) yield key;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Releases the client's sockets. */
  destroy(): void {
    this.client.destroy();
  }

  private key(id: ObjectId): string {
    return this.location.prefix ? `${this.location.prefix}/${objectKey(id)}` : objectKey(id);
  }

  private entryKey(key: string): string {
    const problem = entryKeyProblem(key);
    if (problem) throw new Error(`bad document key ${JSON.stringify(key)}: ${problem}`);
    return this.location.prefix ? `${this.location.prefix}/${key}` : key;
  }

  private unavailable(error: unknown) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return storageUnavailable({ url: this.url, reason }, { cause: error });
  }
}

function httpStatus(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && '$metadata' in error ? (error.$metadata as { httpStatusCode?: number }).httpStatusCode : undefined;
}
