/**
 * The OpenAPI 3.1 document served at `/openapi.json`, generated from the route tables and their
 * zod schemas (request shapes as clients send them), so it always matches what the server does.
 */
import { z } from 'zod';
import type { JsonRoute } from './route.js';

const ERROR_SCHEMA = {
  type: 'object',
  properties: { error_code: { type: 'string', examples: ['RESOURCE_DOES_NOT_EXIST'] }, message: { type: 'string' } },
  required: ['error_code', 'message'],
};

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

function operation(route: JsonRoute): Record<string, unknown> {
  const schema = jsonSchemaOf(route.request);
  const pathParams = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((match) => match[1]!);
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((schema.required ?? []) as string[]);
  const parameters = Object.entries(properties)
    .filter(([name]) => route.method === 'GET' || pathParams.includes(name))
    .map(([name, property]) => ({ name, in: pathParams.includes(name) ? 'path' : 'query', required: pathParams.includes(name) || required.has(name), schema: property }));
  const bodyProperties = Object.fromEntries(Object.entries(properties).filter(([name]) => !pathParams.includes(name)));
  return {
    summary: route.summary,
    tags: [route.api === 'mlflow' ? 'MLflow REST API 2.0' : 'Sluice'],
    'x-sluice-role': route.role,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.method !== 'GET' && Object.keys(bodyProperties).length > 0
      ? { requestBody: { required: true, content: { 'application/json': { schema: { ...schema, properties: bodyProperties, required: [...required].filter((name) => !pathParams.includes(name)) } } } } }
      : {}),
    responses: {
      200: { description: 'Success', content: { 'application/json': { schema: { type: 'object' } } } },
      400: { description: 'Invalid request (INVALID_PARAMETER_VALUE, RESOURCE_ALREADY_EXISTS)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      401: { description: 'No valid token (UNAUTHENTICATED)' },
      403: { description: 'Role too low (PERMISSION_DENIED)' },
      404: { description: 'Not found (RESOURCE_DOES_NOT_EXIST)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  };
}

const ARTIFACT_PATHS = {
  '/api/2.0/mlflow-artifacts/artifacts/{path}': {
    parameters: [{ name: 'path', in: 'path', required: true, schema: { type: 'string' }, description: '`<experiment>/<run>/artifacts/<file>`; `..`, absolute and encoded paths are refused' }],
    put: { summary: 'Upload an artifact (raw bytes, streamed)', tags: ['MLflow artifacts'], 'x-sluice-role': 'editor', requestBody: { content: { 'application/octet-stream': {} } }, responses: { 200: { description: '{}' } } },
    get: { summary: 'Download an artifact, verified against its hash', tags: ['MLflow artifacts'], 'x-sluice-role': 'reader', responses: { 200: { description: 'The bytes' } } },
    delete: { summary: 'Delete an artifact or a directory of them', tags: ['MLflow artifacts'], 'x-sluice-role': 'editor', responses: { 200: { description: '{}' } } },
  },
  '/api/2.0/mlflow-artifacts/artifacts': {
    get: {
      summary: 'List the direct children of an artifact directory',
      tags: ['MLflow artifacts'],
      'x-sluice-role': 'reader',
      parameters: [{ name: 'path', in: 'query', required: false, schema: { type: 'string' } }],
      responses: { 200: { description: '{"files": [{"path", "is_dir", "file_size"}]}' } },
    },
  },
};

export function buildOpenApiDocument(routes: readonly JsonRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = { ...ARTIFACT_PATHS };
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sluice server',
      version,
      description:
        "MLflow's REST API 2.0 (tracking, model registry, proxied artifacts), so MLflow clients work with MLFLOW_TRACKING_URI pointed here, " +
        "and Sluice's own API for lineage, the audit log and tokens. Authenticate with `Authorization: Bearer <token>` when the server has tokens.",
    },
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
