/**
 * The protocols that send rows of features: MLflow's scoring protocol (`POST /invocations`,
 * JSON in its four formats or CSV; `GET /ping`, `/health`, `/version`) and Sluice's plain
 * `POST /predict` (`{"rows": [{feature: value, …}]}`). With several models, `/models/NAME/…`
 * picks one. See docs/reference/mlflow-scoring-protocol.md.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { runInference, type Protocol, type ServingContext } from '../context.js';
import { parseCsv } from '../csv-body.js';
import { badInferenceRequest } from '../errors.js';
import { exchangeOf } from '../exchange.js';
import type { FeedPart } from '../feed.js';
import { answerPredict, rowModelFor } from '../inference-answers.js';
import { bodyTextOf, rawBodyOf } from '../raw-json.js';
import type { RowPredictions, ServedModel } from '../served-model.js';
import { firstIssue } from '../v2-inference.js';

const MLFLOW_FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

const splitSchema = z.strictObject(
  { columns: z.array(z.string()).optional(), index: z.array(z.unknown()).optional(), data: z.array(z.unknown(), { error: 'dataframe_split needs "data": a list of rows' }) },
  { error: 'Dataframe split format must be a dictionary with "data" and optionally "columns" and "index"' },
);

/** Rows of MLflow's JSON body, in whichever of its four formats it came. */
function mlflowPart(model: ServedModel, body: unknown): FeedPart {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badInferenceRequest({ problem: `Invalid input. The input must be a JSON dictionary with exactly one of the input fields ${JSON.stringify(MLFLOW_FORMATS)}.` });
  }
  const present = MLFLOW_FORMATS.filter((key) => key in body);
  if (present.length !== 1) {
    throw badInferenceRequest({ problem: `The input must be a JSON dictionary with exactly one of the input fields ${JSON.stringify(MLFLOW_FORMATS)}. Received dictionary with input fields: ${JSON.stringify(present)}.` });
  }
  const value = (body as Record<string, unknown>)[present[0]!];
  const featureNames = model.codec.features.map((feature) => feature.name);
  switch (present[0]) {
    case 'dataframe_split': {
      const parsed = splitSchema.safeParse(value);
      if (!parsed.success) throw badInferenceRequest({ problem: firstIssue(parsed.error) });
      return model.codec.fromColumns(parsed.data.columns ?? featureNames, parsed.data.data);
    }
    case 'dataframe_records':
      if (!Array.isArray(value)) throw badInferenceRequest({ problem: 'Dataframe records format must be a list of records.' });
      return model.codec.fromRecords(value);
    default: {
      // instances / inputs: rows as objects, rows as arrays in feature order, or columns {name: [values]}.
      if (Array.isArray(value)) return value.every(Array.isArray) ? model.codec.fromColumns(featureNames, value) : model.codec.fromRecords(value);
      if (value !== null && typeof value === 'object') {
        const columns = Object.keys(value);
        const lists = Object.values(value as Record<string, unknown>);
        if (!lists.every(Array.isArray) || new Set(lists.map((list) => (list as unknown[]).length)).size > 1) {
          throw badInferenceRequest({ problem: `"${present[0]}" as columns must map each name to a list, all of one length.` });
        }
        const length = (lists[0] as unknown[] | undefined)?.length ?? 0;
        return model.codec.fromColumns(columns, Array.from({ length }, (_, row) => lists.map((list) => (list as unknown[])[row])));
      }
      throw badInferenceRequest({ problem: `"${present[0]}" must be a list of rows or a mapping of columns to lists.` });
    }
  }
}

/** Classifiers: per-class probabilities per row (as MLflow answers for `predict_proba`); regressors: one value per row. */
function mlflowPredictions(predictions: RowPredictions): unknown[] {
  return [...predictions.rows];
}

async function score(context: ServingContext, request: FastifyRequest, model: ServedModel, protocol: Protocol, part: FeedPart, inputs: unknown, present: (predictions: RowPredictions) => unknown[]): Promise<unknown[]> {
  const exchange = exchangeOf(request);
  return runInference(context, { id: exchange.id, exchange }, model, protocol, part, inputs, (output) => present(model.predictionsOf(output)));
}

export function rowProtocolRoutes(app: FastifyInstance, context: ServingContext): void {
  // MLflow answers its health checks with a newline.
  app.get('/ping', async (_request, reply) => reply.type('application/json').send('\n'));
  app.get('/health', async (_request, reply) => reply.type('application/json').send('\n'));
  app.get('/version', async (_request, reply) => reply.type('application/json').send(context.version));

  const invocations = async (request: FastifyRequest<{ Params: { name?: string } }>) => {
    const model = rowModelFor(context, request.params.name, '/invocations', exchangeOf(request));
    const csv = typeof request.body === 'string';
    const part = csv ? (() => {
      const { columns, rows } = parseCsv(request.body as string);
      return model.codec.fromColumns(columns, rows);
    })() : mlflowPart(model, request.body);
    // Logged as received: the body's own JSON text when it was JSON (CSV is logged as its text).
    const predictions = await score(context, request, model, 'mlflow', part, csv ? request.body : (rawBodyOf(request) ?? request.body), mlflowPredictions);
    return { predictions };
  };
  app.post('/invocations', invocations);
  app.post('/models/:name/invocations', invocations);

  const predict = async (request: FastifyRequest<{ Params: { name?: string } }>, reply: FastifyReply) => {
    const answer = await answerPredict(context, exchangeOf(request), request.params.name, request.body, bodyTextOf(request));
    return reply.type('application/json; charset=utf-8').send(answer);
  };
  app.post('/predict', predict);
  app.post('/models/:name/predict', predict);
}
