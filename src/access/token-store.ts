/**
 * API tokens in the metadata store. A token's secret is shown once at creation; only its SHA-256
 * is stored, so a leaked database does not leak working tokens. (SHA-256, not a slow password
 * hash: the secrets are 256 random bits, beyond guessing, and every request checks one.)
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, StoreConnection } from '../store/index.js';
import { tokenNotFound } from './errors.js';
import type { Role } from './roles.js';

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly revokedAt: number | undefined;
}

const SECRET_PREFIX = 'slc_';

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares two secrets in constant time (for the environment token). */
export function sameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

export class TokenStore {
  private readonly db: Kysely<Database>;

  constructor(connection: StoreConnection) {
    this.db = connection.db;
  }

  /** Creates a token and returns it with its secret, which is not stored and cannot be shown again. */
  async create(input: { name: string; role: Role; createdBy: string; now?: number }): Promise<{ token: ApiToken; secret: string }> {
    const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
    const token: ApiToken = { id: randomBytes(8).toString('hex'), name: input.name, role: input.role, createdAt: input.now ?? Date.now(), createdBy: input.createdBy, revokedAt: undefined };
    await this.db
      .insertInto('api_tokens')
      .values({ id: token.id, name: token.name, role: token.role, secret_hash: digest(secret), created_at: token.createdAt, created_by: token.createdBy, revoked_at: null })
      .execute();
    return { token, secret };
  }

  /** The active token with this secret, or undefined. */
  async authenticate(secret: string): Promise<ApiToken | undefined> {
    if (!secret.startsWith(SECRET_PREFIX)) return undefined;
    const row = await this.db.selectFrom('api_tokens').selectAll().where('secret_hash', '=', digest(secret)).where('revoked_at', 'is', null).executeTakeFirst();
    return row ? toToken(row) : undefined;
  }

  async list(): Promise<ApiToken[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute();
    return rows.map(toToken);
  }

  async revoke(id: string, now = Date.now()): Promise<ApiToken> {
    const result = await this.db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw tokenNotFound({ id });
    const row = await this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return toToken(row);
  }

  /** Whether any token can still be used: then the server requires one on every request. */
  async hasActiveTokens(): Promise<boolean> {
    const row = await this.db.selectFrom('api_tokens').select('id').where('revoked_at', 'is', null).limit(1).executeTakeFirst();
    return row !== undefined;
  }
}

function toToken(row: { id: string; name: string; role: string; created_at: number | string; created_by: string; revoked_at: number | string | null }): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    revokedAt: row.revoked_at === null ? undefined : Number(row.revoked_at),
  };
}
