/**
 * {@link ArtifactIndex} over Kysely: artifact paths mapped to content-addressed objects. Paths
 * are stored in byte order, so a directory's subtree is one index range.
 */
import type { Kysely } from 'kysely';
import type { Database, StoreConnection } from '../../store/index.js';
import type { ArtifactEntry } from '../entities.js';
import type { ArtifactIndex, StoredArtifact } from './tracking-store.js';

export class KyselyArtifactIndex implements ArtifactIndex {
  private readonly db: Kysely<Database>;

  constructor(connection: StoreConnection) {
    this.db = connection.db;
  }

  async putArtifact(artifact: StoredArtifact): Promise<void> {
    const values = { object_id: artifact.objectId, size: artifact.size, created_at: artifact.createdAt };
    await this.db
      .insertInto('artifacts')
      .values({ path: artifact.path, ...values })
      .onConflict((conflict) => conflict.column('path').doUpdateSet(values))
      .execute();
  }

  async getArtifact(path: string): Promise<StoredArtifact | undefined> {
    const row = await this.db.selectFrom('artifacts').selectAll().where('path', '=', path).executeTakeFirst();
    return row ? { path: row.path, objectId: row.object_id, size: Number(row.size), createdAt: Number(row.created_at) } : undefined;
  }

  async listArtifacts(directory: string): Promise<ArtifactEntry[]> {
    const prefix = directory === '' ? '' : `${directory}/`;
    // Byte order makes the subtree one range: every path starting with "dir/" sorts between "dir/" and "dir0".
    let query = this.db.selectFrom('artifacts').select(['path', 'size']).orderBy('path');
    if (prefix) query = query.where('path', '>=', prefix).where('path', '<', `${directory}0`);
    const entries = new Map<string, ArtifactEntry>();
    for (const row of await query.execute()) {
      const rest = row.path.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash === -1 ? rest : rest.slice(0, slash);
      if (!entries.has(name)) entries.set(name, slash === -1 ? { path: name, isDir: false, fileSize: Number(row.size) } : { path: name, isDir: true, fileSize: undefined });
    }
    return [...entries.values()];
  }

  async deleteArtifacts(path: string): Promise<number> {
    const result = await this.db
      .deleteFrom('artifacts')
      .where(({ or, and, eb }) => or([eb('path', '=', path), and([eb('path', '>=', `${path}/`), eb('path', '<', `${path}0`)])]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async findArtifactsByObject(objectId: string): Promise<StoredArtifact[]> {
    const rows = await this.db.selectFrom('artifacts').selectAll().where('object_id', '=', objectId).orderBy('created_at', 'desc').execute();
    return rows.map((row) => ({ path: row.path, objectId: row.object_id, size: Number(row.size), createdAt: Number(row.created_at) }));
  }
}
