/**
 * Managing API tokens: create, list, revoke, each change written to the registry's audit log as
 * the actor who made it. `sluice token` and the server's token routes both call this.
 */
import type { Role } from './roles.js';
import type { ApiToken, TokenStore } from './token-store.js';

/** Where token changes are audited (the registry's append-only log). */
export interface AuditSink {
  audit(action: string, target: string, details?: Record<string, unknown>): Promise<void>;
}

export interface AccessService {
  /** Creates a token; the secret is returned here only and never stored. */
  createToken(input: { readonly name: string; readonly role: Role; readonly createdBy: string }): Promise<{ token: ApiToken; secret: string }>;
  listTokens(): Promise<ApiToken[]>;
  /** Revokes an active token; fails with SLUICE_HTTP_TOKEN_NOT_FOUND for an unknown or revoked id. */
  revokeToken(id: string): Promise<ApiToken>;
}

export function createAccessService({ tokens, audit }: { readonly tokens: TokenStore; readonly audit: AuditSink }): AccessService {
  return {
    async createToken(input) {
      const created = await tokens.create(input);
      await audit.audit('token.create', `token:${created.token.name}`, { id: created.token.id, role: created.token.role });
      return created;
    },
    listTokens: () => tokens.list(),
    async revokeToken(id) {
      const token = await tokens.revoke(id);
      await audit.audit('token.revoke', `token:${token.name}`, { id: token.id });
      return token;
    },
  };
}
