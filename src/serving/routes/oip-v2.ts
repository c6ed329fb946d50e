/**
 * The Open Inference Protocol v2 over REST (KServe, Triton, MLServer): health, server and model
 * metadata, readiness, and tensor inference with JSON tensors or the binary tensor data extension
 * (binary-tensors.ts). Errors are `{"error": "..."}` with 400 (bad request), 404 (unknown model)
 * or 503 (not ready), as KServe answers. See docs/reference/open-inference-protocol.md.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HEADER_LENGTH } from '../binary-tensors.js';
import type { ServingContext } from '../context.js';
import type { ServedModel } from '../served-model.js';
import { exchangeOf } from '../exchange.js';
import { answerV2, v2ModelFor } from '../inference-answers.js';
import { bodyTextOf } from '../raw-json.js';
import { V2_EXTENSIONS, v2ModelMetadata } from '../v2-inference.js';

type Params = { name: string; version?: string };

export function oipV2Routes(app: FastifyInstance, context: ServingContext): void {
  const { models } = context;
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_request, reply) => {
    const ready = models.isReady();
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  app.get('/v2', async () => ({ name: 'sluice', version: context.version, extensions: V2_EXTENSIONS }));
  app.get('/v2/models', async () => ({ models: models.names() }));

  const named = (name: string, version: string | undefined): ServedModel => v2ModelFor(context, name, version);
  const metadata = async (request: { params: Params }) => v2ModelMetadata(named(request.params.name, request.params.version));
  app.get<{ Params: Params }>('/v2/models/:name', metadata);
  app.get<{ Params: Params }>('/v2/models/:name/versions/:version', metadata);

  const ready = async (request: { params: Params }, reply: { code(status: number): { send(body: unknown): unknown } }) => {
    const { name, version } = request.params;
    if (version !== undefined && context.router?.route(name, version, {})) return reply.code(200).send({ name, ready: true });
    const status = models.status(name);
    // A version other than the one loaded is unknown (404, as KServe answers), not "not ready yet".
    if (version !== undefined && status.ready && version !== status.version) models.get(name, version);
    const isReady = status.ready && (version === undefined || version === status.version);
    return reply.code(isReady ? 200 : 503).send({ name, ready: isReady, ...(status.error ? { error: status.error } : {}) });
  };
  app.get<{ Params: Params }>('/v2/models/:name/ready', ready);
  app.get<{ Params: Params }>('/v2/models/:name/versions/:version/ready', ready);

  const infer = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const answer = await answerV2(context, exchangeOf(request), request.params.name, request.params.version, request.body, bodyTextOf(request), request.headers[HEADER_LENGTH]);
    if ('json' in answer) return answer.json;
    return reply.header('inference-header-content-length', String(answer.binary.headerLength)).type('application/octet-stream').send(answer.binary.body);
  };
  app.post<{ Params: Params }>('/v2/models/:name/infer', infer);
  app.post<{ Params: Params }>('/v2/models/:name/versions/:version/infer', infer);
}

