/**
 * The v2 protocol's wire forms on one `sluice serve` at its default flags (with --grpc-port; the
 * access log and the prediction log on, the log in the temp dir):
 * the binary tensor data extension and gRPC (raw_input_contents, and typed fp32_contents) against
 * the baseline, v2 REST with JSON tensors, measured in the same run on the same server. Each
 * request carries the 171 rows of test.csv (or BENCH_ROWS) (30 FP32 features) to bc_logreg; a client in this
 * process keeps CONCURRENCY requests in flight, builds each request body once, and decodes every
 * answer (JSON.parse, or the bytes as a Float32Array). Rounds alternate the protocols, each
 * starting once the prediction log has flushed the previous one's records; the table shows each
 * one's median requests/s, rows/s and the ratio to JSON.
 *
 * Run: `npm run bench:serve-protocols` (BENCH_REQUESTS per protocol per round, BENCH_ROUNDS,
 * BENCH_CONCURRENCY and BENCH_ROWS, rows per request, change the load).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { envInteger, formatRatio, median, printTable, REPO_ROOT, SLUICE_BIN, withTempDir } from './support.js';

const REQUESTS = envInteger('BENCH_REQUESTS', 1500);
const ROUNDS = envInteger('BENCH_ROUNDS', 3);
const CONCURRENCY = envInteger('BENCH_CONCURRENCY', 8);
const FIXTURES = join(REPO_ROOT, '..', 'shared', 'fixtures', 'breast_cancer');

const lines = readFileSync(join(FIXTURES, 'test.csv'), 'utf8').trim().split('\n');
const target = lines[0]!.split(',').indexOf('target');
const testRows = lines.slice(1).map((line) => line.split(',').map(Number).filter((_, k) => k !== target));
// test.csv's rows, repeated up to BENCH_ROWS.
const ROWS = envInteger('BENCH_ROWS', testRows.length);
const flat = Array.from({ length: ROWS }, (_, k) => testRows[k % testRows.length]!).flat();

type Send = () => Promise<number>;

/** What the client reads of a ModelInferResponse. */
interface InferResponse {
  readonly outputs: { readonly contents: { readonly fp32_contents: number[] } }[];
  readonly raw_output_contents: Buffer[];
}

/** Runs `count` requests, `concurrency` at a time; the seconds it took. */
async function load(send: Send, count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < count) {
        const values = await send();
        if (values !== ROWS * 2) throw new Error(`an answer held ${values} values, not ${ROWS * 2}`);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

/** Bytes under `dir` (the prediction log). */
function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
}

/**
 * Waits until the prediction log stops growing: its writer flushes after the answers, and a
 * protocol measured next would otherwise pay for the previous one's log.
 */
async function logDrained(dir: string): Promise<void> {
  let last = -1;
  for (let stable = 0; stable < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const size = bytesUnder(dir);
    stable = size === last ? stable + 1 : 0;
    last = size;
  }
}

async function startServer(dir: string): Promise<{ url: string; grpc: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [SLUICE_BIN, 'serve', join(FIXTURES, 'models', 'bc_logreg.onnx'), '--port', '0', '--grpc-port', '0', '--prediction-log', join(dir, 'predictions')], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const banner = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = / at (http:\/\/[\d.]+:\d+).* v2 gRPC at grpc:\/\/([\d.]+:\d+)/.exec(stderr);
      if (match) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`sluice serve exited with ${code}: ${stderr}`)));
  });
  // The access log keeps coming (a default): read and dropped.
  child.stderr!.on('data', () => (stderr = ''));
  return {
    url: banner[1]!,
    grpc: banner[2]!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

await withTempDir('sluice-bench-protocols-', async (dir) => {
  const server = await startServer(dir);
  try {
    const infer = `${server.url}/v2/models/bc_logreg/infer`;
    const jsonBody = JSON.stringify({ inputs: [{ name: 'input', shape: [ROWS, 30], datatype: 'FP32', data: flat }] });
    const tensor = Buffer.from(Float32Array.from(flat).buffer);
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [ROWS, 30], datatype: 'FP32', parameters: { binary_data_size: tensor.length } }], parameters: { binary_data_output: true } }));
    const binaryBody = Buffer.concat([header, tensor]);
    const definition = loadPackageDefinition(loadSync(join(REPO_ROOT, 'src', 'serving', 'grpc', 'grpc_predict_v2.proto'), { keepCase: true, longs: Number, defaults: true }));
    const Service = (definition.inference as GrpcObject).GRPCInferenceService as ServiceClientConstructor;
    const client = new Service(server.grpc, credentials.createInsecure()) as unknown as Record<string, (request: unknown, callback: (error: Error | null, response: InferResponse) => void) => void>;
    const grpcCall = (request: unknown) => new Promise<InferResponse>((resolve, reject) => client.ModelInfer!.call(client, request, (error, response) => (error ? reject(error) : resolve(response))));
    const rawRequest = { model_name: 'bc_logreg', inputs: [{ name: 'input', datatype: 'FP32', shape: [ROWS, 30] }], raw_input_contents: [tensor] };
    const typedRequest = { model_name: 'bc_logreg', inputs: [{ name: 'input', datatype: 'FP32', shape: [ROWS, 30], contents: { fp32_contents: flat } }] };

    const protocols: Record<string, Send> = {
      'v2 REST, binary tensors': async () => {
        const response = await fetch(infer, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) }, body: binaryBody });
        const body = Buffer.from(await response.arrayBuffer());
        const length = Number(response.headers.get('inference-header-content-length'));
        JSON.parse(body.toString('utf8', 0, length));
        return new Float32Array(new Uint8Array(body.subarray(length)).buffer).length;
      },
      'gRPC, raw_input_contents': async () => new Float32Array(new Uint8Array((await grpcCall(rawRequest)).raw_output_contents[0]!).buffer).length,
      'gRPC, typed fp32_contents': async () => (await grpcCall(typedRequest)).outputs[0]!.contents.fp32_contents.length,
      'v2 REST, JSON tensors (baseline)': async () => {
        const response = await fetch(infer, { method: 'POST', headers: { 'content-type': 'application/json' }, body: jsonBody });
        return ((await response.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data.length;
      },
    };
    const names = Object.keys(protocols);
    for (const name of names) await load(protocols[name]!, 50); // warm-up
    const seconds = new Map(names.map((name) => [name, [] as number[]]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of names) {
        await logDrained(join(dir, 'predictions'));
        seconds.get(name)!.push(await load(protocols[name]!, REQUESTS));
      }
    }
    const metrics = await fetch(`${server.url}/metrics`).then((response) => response.text());
    const dropped = Number(/^sluice_prediction_log_dropped_total (\d+)/m.exec(metrics)?.[1] ?? 0);
    const perSecond = new Map(names.map((name) => [name, REQUESTS / median(seconds.get(name)!)]));
    const baseline = perSecond.get('v2 REST, JSON tensors (baseline)')!;
    console.log(`sluice serve at its default flags (+ --grpc-port; access and prediction logs on), bc_logreg, ${ROWS} rows × 30 FP32 per request, ${CONCURRENCY} in flight, median of ${ROUNDS} rounds of ${REQUESTS} requests:`);
    printTable(
      ['protocol', 'requests/s', 'rows/s', 'vs JSON'],
      names.map((name) => [name, perSecond.get(name)!.toFixed(0), Math.round(perSecond.get(name)! * ROWS).toLocaleString('en'), formatRatio(perSecond.get(name)! / baseline)]),
    );
    if (dropped > 0) console.log(`The prediction log dropped ${dropped} records (its buffer was full): those requests did not pay for their log line.`);
    (client as unknown as { close(): void }).close();
  } finally {
    await server.stop();
  }
});
