/**
 * The Open Inference Protocol v2 (KServe, Triton, MLServer): health, server and model metadata,
 * readiness, and tensor inference. Errors are `{"error": "..."}` with 400 (bad request), 404
 * (unknown model) or 503 (not ready), as KServe answers. See docs/reference/open-inference-protocol.md.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { badInferenceRequest } from '../errors.js';
import { runInference, type ServingContext } from '../context.js';
import { rawMemberOf } from '../raw-json.js';
import { datatypeOf, decodeV2Inputs, encodeV2Outputs, v2Shape } from '../tensor-codec.js';

const inferRequestSchema = z.object({
  id: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  inputs: z
    .array(
      z.object({
        name: z.string({ error: 'each input needs a "name"' }),
        shape: z.array(z.number().int().nonnegative(), { error: 'each input needs a "shape": a list of sizes' }),
        datatype: z.string({ error: 'each input needs a "datatype" (FP32, INT64, BYTES…)' }),
        parameters: z.record(z.string(), z.unknown()).optional(),
        data: z.unknown().refine((data) => data !== undefined, 'each input needs "data"'),
      }),
      { error: '"inputs" must be a list of tensors {name, shape, datatype, data}' },
    )
    .min(1, { error: '"inputs" must hold at least one tensor' }),
  outputs: z.array(z.object({ name: z.string(), parameters: z.record(z.string(), z.unknown()).optional() })).optional(),
});

type Params = { name: string; version?: string };

/** zod's first complaint, as one sentence. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '')}: ` : '';
  return `${where}${issue.message}`;
}

export function oipV2Routes(app: FastifyInstance, context: ServingContext): void {
  const { models } = context;
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_request, reply) => {
    const ready = models.isReady();
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  app.get('/v2', async () => ({ name: 'sluice', version: context.version, extensions: [] }));
  app.get('/v2/models', async () => ({ models: models.names() }));

  const metadata = async (request: { params: Params }) => {
    const model = models.get(request.params.name, request.params.version);
    const tensor = (info: { name: string; type: string; shape: readonly (number | string)[] }) => ({ name: info.name, datatype: datatypeOf(info.type), shape: v2Shape(info as never) });
    return {
      name: model.name,
      versions: [model.version],
      platform: 'onnxruntime_onnx',
      inputs: model.model.inputs.map(tensor),
      outputs: model.model.outputs.filter((output) => output.isTensor).map(tensor),
      parameters: { features: model.codec.features.map((feature) => feature.name), classes: model.prediction.classes },
    };
  };
  app.get<{ Params: Params }>('/v2/models/:name', metadata);
  app.get<{ Params: Params }>('/v2/models/:name/versions/:version', metadata);

  const ready = async (request: { params: Params }, reply: { code(status: number): { send(body: unknown): unknown } }) => {
    const status = models.status(request.params.name);
    const isReady = status.ready && (request.params.version === undefined || request.params.version === status.version);
    return reply.code(isReady ? 200 : 503).send({ name: request.params.name, ready: isReady, ...(status.error ? { error: status.error } : {}) });
  };
  app.get<{ Params: Params }>('/v2/models/:name/ready', ready);
  app.get<{ Params: Params }>('/v2/models/:name/versions/:version/ready', ready);

  const infer = async (request: { params: Params; body: unknown } & Parameters<typeof runInference>[1]) => {
    const model = models.get(request.params.name, request.params.version);
    const parsed = inferRequestSchema.safeParse(request.body);
    if (!parsed.success) throw badInferenceRequest({ problem: firstIssue(parsed.error) });
    const part = decodeV2Inputs(parsed.data.inputs, model.model.inputs, model.name, model.codec.features.map((feature) => feature.name));
    const requested = parsed.data.outputs?.map((output) => output.name);
    // The body's id, when given, is the one the caller knows: the log (and feedback) use it.
    const id = parsed.data.id ?? String(request.id);
    const outputs = await runInference(context, request, model, 'v2', part, rawMemberOf(request, 'inputs') ?? parsed.data.inputs, (output) => encodeV2Outputs(output, requested), id);
    return { model_name: model.name, model_version: model.version, id, outputs };
  };
  app.post<{ Params: Params }>('/v2/models/:name/infer', (request) => infer(request));
  app.post<{ Params: Params }>('/v2/models/:name/versions/:version/infer', (request) => infer(request));
}
