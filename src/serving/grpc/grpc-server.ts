/**
 * The v2 gRPC service (`inference.GRPCInferenceService`, `sluice serve --grpc-port`) with
 * @grpc/grpc-js: the same service as the REST routes (v2-inference.ts: the served model, the
 * micro-batcher, the prediction log, row counts), the same in-flight bound, request metrics
 * labelled `protocol="grpc"`, and errors as gRPC status codes through core's one error map.
 */
import { randomUUID } from 'node:crypto';
import { Server, ServerCredentials, type Metadata, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { GRPC_STATUS, grpcErrorResponse, listenError } from '../../core/index.js';
import { logRequest } from '../access-log.js';
import type { ServingContext } from '../context.js';
import { serverOverloaded } from '../errors.js';
import type { InFlightLimit } from '../in-flight.js';
import { inferV2, V2_EXTENSIONS, v2ModelMetadata } from '../v2-inference.js';
import { fromGrpcRequest, toGrpcResponse, type ModelInferRequest } from './grpc-codec.js';
import { inferenceServiceDefinition } from './proto.js';

export interface GrpcServerOptions {
  readonly host: string;
  readonly port: number;
  /** Largest request message, in bytes (RESOURCE_EXHAUSTED beyond): --max-body-mb. */
  readonly maxMessageBytes: number;
  readonly inFlight: InFlightLimit;
  readonly logger?: Logger | undefined;
}

export interface RunningGrpcServer {
  /** host:port, as a gRPC client dials it. */
  readonly address: string;
  readonly port: number;
  /** Stops accepting calls and resolves when the calls in flight are answered. */
  close(): Promise<void>;
}

/** A caller's id (metadata `x-request-id`) is kept, as over REST; else a new one. */
function requestIdOf(metadata: Metadata): string {
  const given = metadata.get('x-request-id')[0];
  return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startGrpcServer(context: ServingContext, options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const { models, metrics } = context;
  const log = options.logger;

  /** A unary method: the answer, or the error as a status (logged with the request id when it is ours). */
  function unary<Request, Response>(method: string, handle: (request: Request, requestId: string) => Promise<Response>) {
    return (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) => {
      const requestId = requestIdOf(call.metadata);
      handle(call.request, requestId).then(
        (response) => callback(null, response),
        (error: unknown) => {
          const status = grpcErrorResponse(error, requestId);
          if (status.logged) log?.error({ request_id: requestId, method, err: error }, 'grpc error');
          callback({ code: status.code, details: status.details });
        },
      );
    };
  }

  const modelInfer = async (request: ModelInferRequest, requestId: string) => {
    const started = process.hrtime.bigint();
    let statusLabel = 200;
    let model = 'unknown';
    let version = '';
    if (!options.inFlight.tryEnter()) {
      logRequest(log, { request_id: requestId, method: 'ModelInfer', status: GRPC_STATUS.UNAVAILABLE }, 'grpc request');
      throw serverOverloaded({ limit: options.inFlight.limit });
    }
    try {
      // Only served names become label values: a client cannot grow the metrics with made-up names.
      if (models.names().includes(request.model_name)) {
        model = request.model_name;
        version = models.status(model).version ?? '';
      }
      const decoded = fromGrpcRequest(request);
      // The prediction log holds gRPC's outputs as bytes (base64), raw or typed: exact, and cheap to write.
      const result = await inferV2(context, { id: requestId }, 'grpc', request.model_name, request.model_version || undefined, { ...decoded, binaryOutput: () => true });
      version = result.model_version;
      return toGrpcResponse(result, request.raw_input_contents.length > 0);
    } catch (error) {
      statusLabel = grpcErrorResponse(error, requestId).httpStatus;
      throw error;
    } finally {
      options.inFlight.leave();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.countRequest(model, version, 'grpc', statusLabel, seconds);
      logRequest(log, { request_id: requestId, method: 'ModelInfer', status: statusLabel, ms: Math.round(seconds * 1e5) / 100, model, protocol: 'grpc' }, 'grpc request');
    }
  };

  const handlers: UntypedServiceImplementation = {
    ServerLive: unary('ServerLive', async () => ({ live: true })),
    ServerReady: unary('ServerReady', async () => ({ ready: models.isReady() })),
    ModelReady: unary('ModelReady', async (request: { name: string; version: string }) => {
      const status = models.status(request.name);
      return { ready: status.ready && (!request.version || request.version === status.version) };
    }),
    ServerMetadata: unary('ServerMetadata', async () => ({ name: 'sluice', version: context.version, extensions: V2_EXTENSIONS })),
    ModelMetadata: unary('ModelMetadata', async (request: { name: string; version: string }) => {
      const { parameters: _parameters, ...metadata } = v2ModelMetadata(models.get(request.name, request.version || undefined));
      return metadata;
    }),
    ModelInfer: unary('ModelInfer', modelInfer),
  };

  const server = new Server({ 'grpc.max_receive_message_length': options.maxMessageBytes });
  server.addService(inferenceServiceDefinition(), handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(hostPort(options.host, options.port), ServerCredentials.createInsecure(), (error, bound) => {
      if (!error) return resolve(bound);
      // grpc-js names the system error only in its message ("listen EADDRINUSE: ...").
      const code = /\b(EADDRINUSE|EACCES|EPERM|EADDRNOTAVAIL)\b/.exec(error.message)?.[1];
      reject(listenError(Object.assign(error, { code }), options.host, options.port));
    }),
  );
  let closing: Promise<void> | undefined;
  return {
    address: hostPort(options.host, port),
    port,
    close: () => (closing ??= new Promise<void>((resolve) => server.tryShutdown(() => resolve()))),
  };
}
