/**
 * A JSON endpoint as data: method, path, the role it needs, the request schema and a handler
 * over the services. The app registers every route the same way, and the OpenAPI document is
 * generated from the same table, so the two cannot drift apart.
 */
import type { z } from 'zod';
import type { AccessService, Principal, Role } from '../access/index.js';
import type { Actor, RegistryService } from '../registry/index.js';
import type { WorkspaceServices } from '../workspace/index.js';

export interface RequestContext {
  readonly services: WorkspaceServices;
  /** Token management acting as this request's principal (audited). */
  readonly access: AccessService;
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
