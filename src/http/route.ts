/**
 * A JSON endpoint as data: method, path, the role it needs, the request schema and a handler
 * over the services. The app registers every route the same way, and the OpenAPI document is
 * generated from the same table, so the two cannot drift apart.
 */
import type { z } from 'zod';
import type { Actor, RegistryService } from '../registry/index.js';
import type { WorkspaceServices } from '../workspace/index.js';
import type { Principal, Role } from './auth/roles.js';
import type { TokenStore } from './auth/token-store.js';

export interface RequestContext {
  readonly services: WorkspaceServices;
  readonly tokens: TokenStore;
  readonly principal: Principal;
  readonly actor: Actor;
  /** The registry acting as this request's principal. */
  readonly registry: RegistryService;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface JsonRoute<S extends z.ZodType = z.ZodType> {
  readonly method: HttpMethod;
  /** Full path; `:name` segments are path parameters, merged into the input. */
  readonly path: string;
  readonly role: Role;
  readonly summary: string;
  readonly request: S;
  /** Which API family: MLflow's errors and shapes, or Sluice's. */
  readonly api: 'mlflow' | 'sluice';
  handle(input: z.output<S>, context: RequestContext): Promise<Record<string, unknown>>;
}

/** Declares a route with its input type inferred from the schema. */
export function route<S extends z.ZodType>(definition: JsonRoute<S>): JsonRoute {
  return definition as unknown as JsonRoute;
}
