/**
 * The v2 gRPC service definition, loaded with @grpc/proto-loader from grpc_predict_v2.proto. The
 * build copies the file beside this module in dist/src and beside the bundle's chunks
 * (scripts/copy-assets.mjs), so it is found relative to whichever file this code runs from.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, type GrpcObject, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export const PROTO_FILE = 'grpc_predict_v2.proto';

/** Where the proto file is: beside this module, compiled or bundled. */
export function protoPath(): string {
  const path = fileURLToPath(new URL(`./${PROTO_FILE}`, import.meta.url));
  if (!existsSync(path)) throw new Error(`${PROTO_FILE} is missing beside ${fileURLToPath(import.meta.url)}: rebuild Sluice (npm run build)`);
  return path;
}

/**
 * proto-loader's options: field names as the proto spells them (raw_input_contents), 64-bit
 * integers as strings (exact; the codec turns them into numbers or bigints), defaults filled in.
 */
export const PROTO_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true } as const;

/** `inference.GRPCInferenceService`. */
export function inferenceServiceDefinition(): ServiceDefinition {
  const definition = loadPackageDefinition(loadSync(protoPath(), PROTO_OPTIONS));
  const inference = definition.inference as GrpcObject;
  return (inference.GRPCInferenceService as unknown as { service: ServiceDefinition }).service;
}
