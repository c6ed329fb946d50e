/**
 * A team server's artifact store, through MLflow's proxied artifact API
 * (`/api/2.0/mlflow-artifacts/artifacts/<path>`): uploads streamed, downloads verified against
 * the hash the server names in its ETag, listings as MLflow's. Directory uploads and downloads
 * walk the same way as the local store's (tracking's storeDirectory and downloadTree).
 */
import { stat as statFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { hashFile } from '../core/index.js';
import { artifactNotFound, downloadTree, joinArtifactPath, normalizeArtifactPath, storeDirectory, verifyingStream, type ArtifactEntry, type Artifacts, type StoredArtifact } from '../tracking/index.js';
import type { ServerClient } from './server-client.js';
import type { WireReaders } from './wire-read.js';

const PREFIX = '/api/2.0/mlflow-artifacts/artifacts';

/** A path's segments encoded for a URL (the server decodes and checks them). */
function urlOf(path: string): string {
  return `${PREFIX}/${normalizeArtifactPath(path).split('/').map(encodeURIComponent).join('/')}`;
}

/** The artifact a response's headers describe (ETag: its object id). */
function artifactOf(path: string, headers: Headers): StoredArtifact | undefined {
  const objectId = headers.get('etag')?.replace(/^W\//, '').replace(/"/g, '');
  if (!objectId?.startsWith('blake3:')) return undefined;
  return { path: normalizeArtifactPath(path), objectId, size: Number(headers.get('content-length') ?? 0), createdAt: 0 };
}

/** The {@link Artifacts} of a team server: what commands and the registry read and write there. */
export class RemoteArtifacts implements Artifacts {
  constructor(
    private readonly client: ServerClient,
    private readonly wire: WireReaders,
  ) {}

  /** Spools the stream to a temp file (so an upload can be sent again) and uploads it. */
  async write(path: string, source: Readable): Promise<StoredArtifact> {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-upload-'));
    try {
      const file = join(dir, 'artifact');
      await pipeline(source, createWriteStream(file));
      return await this.writeFile(path, file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async writeFile(path: string, file: string): Promise<StoredArtifact> {
    const { size } = await statFile(file);
    const objectId = `blake3:${await hashFile(file, size)}`;
    await this.client.upload(urlOf(path), file);
    return { path: normalizeArtifactPath(path), objectId, size, createdAt: Date.now() };
  }

  writeDirectory(prefix: string, directory: string): Promise<StoredArtifact[]> {
    return storeDirectory(prefix, directory, (path, file) => this.writeFile(path, file));
  }

  async stat(path: string): Promise<StoredArtifact | undefined> {
    if (normalizeArtifactPath(path) === '') return undefined;
    const headers = await this.client.head(urlOf(path));
    return headers && artifactOf(path, headers);
  }

  async open(path: string): Promise<{ artifact: StoredArtifact; stream: Readable }> {
    const { headers, stream } = await this.client.download(urlOf(path));
    const artifact = artifactOf(path, headers);
    if (!artifact) {
      stream.destroy();
      throw artifactNotFound({ path: normalizeArtifactPath(path) });
    }
    const checked = verifyingStream(artifact.objectId, artifact.path);
    stream.on('error', (error) => checked.destroy(error));
    return { artifact, stream: stream.pipe(checked) };
  }

  async list(path: string): Promise<ArtifactEntry[]> {
    const answer = await this.client.get(PREFIX, { path: normalizeArtifactPath(path) || undefined });
    return this.wire.files(answer.files);
  }

  download(path: string, destination: string): Promise<string[]> {
    return downloadTree({ stat: (file) => this.stat(file), list: (directory) => this.list(directory), read: async (artifact) => (await this.client.download(urlOf(artifact.path))).stream }, path, destination);
  }

  /** Deletes on the server; counts the files first, as the server's answer does not. */
  async delete(path: string): Promise<number> {
    const count = async (directory: string): Promise<number> => {
      let total = 0;
      for (const entry of await this.list(directory)) total += entry.isDir ? await count(joinArtifactPath(directory, entry.path)) : 1;
      return total;
    };
    const removed = (await this.stat(path)) ? 1 : await count(normalizeArtifactPath(path));
    await this.client.send('delete', urlOf(path), {});
    return removed;
  }

  /** A version's file by the path it was registered from (the one .onnx file of a directory source). */
  async readObject(objectId: string, path: string): Promise<Readable> {
    const file = (await this.stat(path))?.objectId === objectId ? path : await this.onnxFileIn(path);
    return (await this.client.download(urlOf(file))).stream;
  }

  private async onnxFileIn(directory: string): Promise<string> {
    const onnx = (await this.list(directory)).filter((entry) => !entry.isDir && entry.path.endsWith('.onnx'));
    if (onnx.length !== 1) throw artifactNotFound({ path: normalizeArtifactPath(directory) });
    return joinArtifactPath(normalizeArtifactPath(directory), onnx[0]!.path);
  }
}
