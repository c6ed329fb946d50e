/**
 * The Open Inference Protocol v2 over REST (KServe, Triton, MLServer): health, server and model
 * metadata, readiness, and tensor inference with JSON tensors or the binary tensor data extension
 * (binary-tensors.ts). Errors are `{"error": "..."}` with 400 (bad request), 404 (unknown model)
 * or 503 (not ready), as KServe answers. See docs/reference/open-inference-protocol.md.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { binaryOutputChoice, encodeBinaryResponse, HEADER_LENGTH, parseBinaryRequest } from '../binary-tensors.js';
import type { ServingContext } from '../context.js';
import type { ServedModel } from '../served-model.js';
import { badInferenceRequest } from '../errors.js';
import { rawMemberOf } from '../raw-json.js';
import { firstIssue, inferRequestSchema, inferV2, jsonInputs, V2_EXTENSIONS, v2ModelMetadata } from '../v2-inference.js';

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

  /**
   * The model a URL names. A version an environment has loaded besides the one the model set
   * serves (a canary's candidate) is found through the environment's router, as docs/deploy.md
   * promises; anything else is the model set's (404 for an unknown name or version).
   */
  const named = (name: string, version: string | undefined): ServedModel => (version === undefined ? undefined : context.router?.route(name, version, {})?.model) ?? models.get(name, version);
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
    // The model first: an unknown model is a 404 whatever the body.
    named(request.params.name, request.params.version);
    const { body, inputs } = Buffer.isBuffer(request.body) ? parseBinaryRequest(request.body, request.headers[HEADER_LENGTH]) : parseJson(request.body);
    const binaryOutput = binaryOutputChoice(body);
    const result = await inferV2(context, { id: String(request.id), request }, 'v2', request.params.name, request.params.version, {
      id: body.id,
      inputs,
      outputs: body.outputs?.map((output) => output.name),
      rawInputs: Buffer.isBuffer(request.body) ? undefined : rawMemberOf(request, 'inputs'),
      binaryOutput,
    });
    if (!binaryOutput || !result.outputs.some((output) => binaryOutput(output.name))) return result;
    const encoded = encodeBinaryResponse(result, binaryOutput);
    return reply.header('inference-header-content-length', String(encoded.headerLength)).type('application/octet-stream').send(encoded.body);
  };
  app.post<{ Params: Params }>('/v2/models/:name/infer', infer);
  app.post<{ Params: Params }>('/v2/models/:name/versions/:version/infer', infer);
}

function parseJson(raw: unknown) {
  const parsed = inferRequestSchema.safeParse(raw);
  if (!parsed.success) throw badInferenceRequest({ problem: firstIssue(parsed.error) });
  return { body: parsed.data, inputs: jsonInputs(parsed.data) };
}
