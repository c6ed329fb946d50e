/**
 * MLflow's proxied artifact service (`/api/2.0/mlflow-artifacts/artifacts/<path>`): uploads
 * streamed into the content-addressed store (never buffered), downloads streamed out and checked
 * against their hash, listings and deletion. Paths are checked by the artifact store: `..`,
 * absolute, encoded and backslashed paths are refused before storage is touched.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { parseRequest } from './fields.js';
import { fileInfoToWire } from './wire.js';
import type { RequestContext } from '../route.js';
import type { Role } from '../../access/index.js';

/** `GET …/artifacts?path=DIR`: one directory, the root when absent. */
const listQuerySchema = z.object({ path: z.string().default('') });

const PREFIX = '/api/2.0/mlflow-artifacts/artifacts';

/** Content types by extension; anything else is served as bytes. Always as an attachment, never rendered. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  json: 'application/json',
  yaml: 'text/plain; charset=utf-8',
  yml: 'text/plain; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  md: 'text/plain; charset=utf-8',
  onnx: 'application/octet-stream',
  png: 'image/png',
  svg: 'text/plain; charset=utf-8',
};

export interface ArtifactRouteOptions {
  /** Resolves the request's context after checking it may act with `role`. */
  readonly authorize: (request: FastifyRequest, role: Role) => Promise<RequestContext>;
  readonly maxUploadBytes: number;
}

/** Registers the artifact routes; call inside their own plugin so the raw-body parser stays local. */
export async function artifactRoutes(app: FastifyInstance, options: ArtifactRouteOptions): Promise<void> {
  // Uploads are any content type, streamed through: no parser may buffer or reinterpret them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  const pathOf = (request: FastifyRequest) => (request.params as { '*': string })['*'] ?? '';

  app.put(`${PREFIX}/*`, async (request: FastifyRequest, reply: FastifyReply) => {
    const { services } = await options.authorize(request, 'editor');
    const body = (request.body as Readable | undefined) ?? request.raw;
    await services.artifacts.write(pathOf(request), body, { maxBytes: options.maxUploadBytes });
    return reply.send({});
  });

  app.get(`${PREFIX}/*`, async (request: FastifyRequest, reply: FastifyReply) => {
    const { services } = await options.authorize(request, 'reader');
    const { artifact, stream } = await services.artifacts.open(pathOf(request));
    const extension = artifact.path.split('.').pop()?.toLowerCase() ?? '';
    return reply
      .header('content-type', CONTENT_TYPES[extension] ?? 'application/octet-stream')
      .header('content-length', artifact.size)
      .header('content-disposition', `attachment; filename="${basename(artifact.path).replace(/["\\\r\n]/g, '_')}"`)
      .header('x-content-type-options', 'nosniff')
      .header('etag', `"${artifact.objectId}"`)
      .send(stream);
  });

  app.get(PREFIX, async (request: FastifyRequest, reply: FastifyReply) => {
    const { services } = await options.authorize(request, 'reader');
    const { path } = parseRequest(listQuerySchema, request.query);
    const files = await services.artifacts.list(path);
    return reply.send(files.length > 0 ? { files: files.map(fileInfoToWire) } : {});
  });

  app.delete(`${PREFIX}/*`, async (request: FastifyRequest, reply: FastifyReply) => {
    const { services } = await options.authorize(request, 'editor');
    await services.artifacts.delete(pathOf(request));
    return reply.send({});
  });
}
