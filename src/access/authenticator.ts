/**
 * Who a caller is, and whether it may do what it asks. Bearer tokens (what MLflow clients send
 * for MLFLOW_TRACKING_TOKEN) or Basic auth with the token as password (MLFLOW_TRACKING_PASSWORD).
 * With no token in the store and no SLUICE_TOKEN, the server is open (it then listens on
 * loopback only, unless started with --insecure).
 */
import { permissionDenied, unauthenticated } from './errors.js';
import { roleAllows, type Principal, type Role } from './roles.js';
import { sameSecret, type TokenStore } from './token-store.js';

export interface AuthSettings {
  readonly tokens: TokenStore;
  /** A static admin token from the environment (SLUICE_TOKEN). */
  readonly envToken?: string | undefined;
}

/** How long "does the store have tokens?" is remembered: a token created through the API takes effect within this. */
const AUTH_REQUIRED_TTL_MS = 1000;

export class Authenticator {
  private requiredUntil = 0;
  private required = false;
  /** Counts invalidations: an answer read across one is not remembered (it may predate the change). */
  private generation = 0;

  constructor(private readonly settings: AuthSettings) {}

  /** Whether requests must carry a token. */
  async authRequired(): Promise<boolean> {
    if (this.settings.envToken) return true;
    const now = Date.now();
    if (now < this.requiredUntil) return this.required;
    const generation = this.generation;
    const required = await this.settings.tokens.hasActiveTokens();
    if (generation === this.generation) {
      this.required = required;
      this.requiredUntil = now + AUTH_REQUIRED_TTL_MS;
    }
    return required;
  }

  /** Forgets the cached answer (after a token was created or revoked here), and any being read. */
  invalidate(): void {
    this.requiredUntil = 0;
    this.generation++;
  }

  /** Who the `Authorization` header names. */
  async principal(authorization: string | undefined): Promise<Principal> {
    const secret = secretOf(authorization);
    if (secret === undefined) {
      if (await this.authRequired()) throw unauthenticated({ reason: 'the request has no token' });
      return { name: 'anonymous', role: 'admin' };
    }
    if (this.settings.envToken && sameSecret(secret, this.settings.envToken)) return { name: 'env-token', role: 'admin' };
    const token = await this.settings.tokens.authenticate(secret);
    if (!token) throw unauthenticated({ reason: 'the token is unknown or revoked' });
    return { name: `token:${token.name}`, role: token.role };
  }

  /** The principal, if its role allows `action` (e.g. `POST /api/2.0/mlflow/runs/create`), which needs `needed`. */
  async authorize(authorization: string | undefined, needed: Role, action: string): Promise<Principal> {
    const principal = await this.principal(authorization);
    if (!roleAllows(principal.role, needed)) throw permissionDenied({ role: principal.role, needed, action });
    return principal;
  }
}

function secretOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.split(/\s+/, 2);
  if (!value) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}
