/**
 * Sluice's own JSON API, for what MLflow's lacks: model lineage, the audit log, full version
 * records (hash, signature), API tokens, and run search with everything a UI needs.
 */
import { z } from 'zod';
import { formatModelUri, modelVersionToJson } from '../../registry/index.js';
import type { AuditEntry } from '../../registry/index.js';
import { ROLES, type ApiToken } from '../../access/index.js';
import { route, type JsonRoute } from '../route.js';

const BASE = '/api/sluice/v1';

function auditToJson(entry: AuditEntry): Record<string, unknown> {
  return { id: entry.id, at: new Date(entry.at).toISOString(), actor: entry.actor, action: entry.action, target: entry.target, details: entry.details, origin: entry.origin };
}

function tokenToJson(token: ApiToken): Record<string, unknown> {
  return { id: token.id, name: token.name, role: token.role, created_at: token.createdAt, created_by: token.createdBy, revoked_at: token.revokedAt ?? null };
}

export const sluiceRoutes: readonly JsonRoute[] = [
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/whoami`, role: 'reader',
    summary: 'Who this request acts as and its role (what a client may offer: a reader cannot set aliases)',
    request: z.object({}),
    handle: async (_input, { principal }) => ({ name: principal.name, role: principal.role }),
  }),
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/models/resolve`, role: 'reader',
    summary: 'The version a models:/ URI names, with hash, signature and lineage (models:/NAME/3, models:/NAME@champion)',
    request: z.object({ uri: z.string().min(1) }),
    handle: async (input, { registry }) => ({ model_version: modelVersionToJson(await registry.resolve(input.uri)) }),
  }),
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/models/:name/versions/:version`, role: 'reader',
    summary: 'A model version with hash, signature and lineage',
    request: z.object({ name: z.string().min(1), version: z.string().min(1) }),
    handle: async (input, { registry }) => ({ model_version: modelVersionToJson(await registry.getModelVersion(input.name, input.version)) }),
  }),
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/lineage`, role: 'reader',
    summary: 'Lineage of a model version: its run, pipeline stage, code commit, params, data hashes and upstream stages',
    request: z.object({ model: z.string().min(1) }),
    handle: async (input, { registry }) => {
      const version = await registry.resolve(input.model);
      return { model: formatModelUri(version.name, version.version), object_id: version.objectId ?? null, lineage: version.lineage ?? null };
    },
  }),
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/audit`, role: 'reader',
    summary: 'Registry changes, newest first: who, what, when and from where',
    request: z.object({ model: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).default(50), before: z.string().optional() }),
    handle: async (input, { registry }) => {
      const entries = await registry.listAudit({ model: input.model, limit: input.limit, before: input.before });
      return { entries: entries.map(auditToJson), next_before: entries.length === input.limit ? entries.at(-1)!.id : null };
    },
  }),
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/tokens`, role: 'admin',
    summary: 'API tokens (never their secrets)',
    request: z.object({}),
    handle: async (_input, { access }) => ({ tokens: (await access.listTokens()).map(tokenToJson) }),
  }),
  route({
    api: 'sluice', method: 'POST', path: `${BASE}/tokens`, role: 'admin',
    summary: 'Create an API token; the secret is in this response only',
    request: z.object({ name: z.string().min(1).max(100), role: z.enum(ROLES) }),
    handle: async (input, { access, principal }) => {
      const { token, secret } = await access.createToken({ name: input.name, role: input.role, createdBy: principal.name });
      return { token: tokenToJson(token), secret };
    },
  }),
  route({
    api: 'sluice', method: 'DELETE', path: `${BASE}/tokens/:id`, role: 'admin',
    summary: 'Revoke an API token',
    request: z.object({ id: z.string().min(1) }),
    handle: async (input, { access }) => {
      const token = await access.revokeToken(input.id);
      return { token: tokenToJson(token) };
    },
  }),
];
